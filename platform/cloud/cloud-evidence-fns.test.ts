import test from 'ava';
import type { ListedRow } from './cloud-dal';
import { allPortsOpen, crossTenantRefs } from './cloud-evidence-fns';

const row = (id: string, tenant: string, kind: string, spec: Record<string, unknown> = {}, parent: string | null = null) => ({ id, tenant_id: tenant, kind, spec, parent_id: parent }) as unknown as ListedRow;

test('crossTenantRefs: foreign security groups and subnets are found; public and shared images are allowed, private ones are not', (t) => {
  const rows = [
    row('sgA', 'A', 'security_group'),
    row('sgB', 'B', 'security_group'),
    row('snB', 'B', 'subnet'),
    row('imgPub', 'B', 'image', { visibility: 'public' }),
    row('imgShared', 'B', 'image', { visibility: 'shared' }),
    row('imgPriv', 'B', 'image', { visibility: 'private' }),
    row('vm1', 'A', 'vm', { securityGroupIds: ['sgA', 'sgB'], subnetIds: ['snB'], imageId: 'imgPub' }),
    row('vm2', 'A', 'vm', { securityGroupIds: ['sgA'], subnetIds: [], imageId: 'imgShared' }),
    row('vm3', 'A', 'vm', { securityGroupIds: ['sgA'], subnetIds: [], imageId: 'imgPriv' }),
    row('nicA', 'A', 'nic', { vmId: 'vm1', securityGroupIds: ['sgA'] }, 'snB'),
  ];
  const refs = crossTenantRefs(rows, (img, tenant) => img === 'imgShared' && tenant === 'A');
  t.deepEqual(
    refs.map((r) => `${r.id}.${r.field}→${r.refId}`).sort(),
    ['nicA.parent→snB', 'vm1.securityGroupIds→sgB', 'vm1.subnetIds→snB', 'vm3.imageId→imgPriv'],
  );
  t.deepEqual(crossTenantRefs(rows.filter((r) => r.tenant_id === 'A' || r.id === 'imgPub'), () => false).filter((r) => r.refId === 'imgPub'), []);
});

test('allPortsOpen: any protocol or no port range from anywhere is flagged; one port from anywhere or all ports from a subnet are not', (t) => {
  const rule = (id: string, spec: Record<string, unknown>) => row(id, 'A', 'sg_rule', { direction: 'ingress', protocol: 'tcp', portMin: null, portMax: null, remoteIpPrefix: null, ...spec }, 'sg');
  const rules = [
    rule('anyAll', { protocol: 'any', remoteIpPrefix: '0.0.0.0/0' }),
    rule('tcpAllV6', { remoteIpPrefix: '::/0' }),
    rule('tcpAllNull', {}),
    rule('https', { portMin: 443, portMax: 443, remoteIpPrefix: '0.0.0.0/0' }),
    rule('subnet', { protocol: 'any', remoteIpPrefix: '10.20.1.0/24' }),
    rule('egress', { direction: 'egress', protocol: 'any', remoteIpPrefix: '0.0.0.0/0' }),
    rule('icmp', { protocol: 'icmp', remoteIpPrefix: '0.0.0.0/0' }),
  ];
  t.deepEqual(allPortsOpen(rules).map((o) => o.ruleId), ['anyAll', 'tcpAllV6', 'tcpAllNull']);
});
