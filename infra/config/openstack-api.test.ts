// `yiyun:openstackApi`: the stack key that says where the zone's OpenStack APIs are, and the router flows it opens.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { firewallRules, securityGroupRules, type Cidrs } from '../components/acl-plan';
import { zoneFlows } from '../components/tier-flows';
import { readEstateConfig } from './load-config';
import { OPENSTACK_API_PORTS, type TierKind } from './config-schema';

const root = path.resolve(__dirname, '../..');

/** readEstateConfig on a copy of the project whose dev stack has `yiyun:openstackApi` replaced by `line` (or removed). */
function devWith(line: string | undefined): () => unknown {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-api-'));
  copyFileSync(path.join(root, 'Pulumi.yaml'), path.join(dir, 'Pulumi.yaml'));
  const text = readFileSync(path.join(root, 'Pulumi.dev.yaml'), 'utf8');
  const edited = text.replace(/^ {2}yiyun:openstackApi:.*\n/m, line === undefined ? '' : `  yiyun:openstackApi: ${line}\n`);
  if (edited === text && line !== undefined) throw new Error('the dev stack has no yiyun:openstackApi line');
  writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), edited);
  return () => {
    try {
      return readEstateConfig(dir, 'dev');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('every committed stack names its OpenStack API range; ports default to the APIs yiyun calls', (t) => {
  for (const stack of ['liangcheng-dmz', 'liangcheng-internet', 'dev']) {
    const api = readEstateConfig(root, stack).openstackApi;
    t.true(api.cidrs.length > 0, stack);
    t.deepEqual(api.ports, [...OPENSTACK_API_PORTS], stack);
  }
  const cfg = devWith('{ cidrs: [172.16.90.0/28, "fd6c:7000:90::/64"], ports: [5000] }')() as ReturnType<typeof readEstateConfig>;
  t.deepEqual(cfg.openstackApi, { cidrs: ['172.16.90.0/28', 'fd6c:7000:90::/64'], ports: [5000] });
});

test('a missing or bad openstackApi is refused, naming the key', (t) => {
  t.throws(devWith(undefined), { message: /yiyun:openstackApi: Required|yiyun:openstackApi: .*(expected object|required)/i });
  t.throws(devWith('{ cidrs: [] }'), { message: /yiyun:openstackApi\.cidrs:/ });
  t.throws(devWith('{ cidrs: [keystone.local] }'), { message: /yiyun:openstackApi\.cidrs\[0\]: "keystone\.local" is not a CIDR/ });
  t.throws(devWith('{ cidrs: [172.16.90.5/28] }'), { message: /cidrs\[0\]: .*host bits set; write 172\.16\.90\.0\/28/ });
  t.throws(devWith('{ cidrs: [0.0.0.0/0] }'), { message: /cidrs\[0\]: .*wider than/ });
  t.throws(devWith('{ cidrs: [172.16.90.0/28], ports: [0] }'), { message: /yiyun:openstackApi\.ports\[0\]/ });
  // Inside an estate's address space it would be a tier's addresses, or a path into the other zone.
  t.throws(devWith('{ cidrs: [10.90.0.0/24] }'), { message: /openstackApi\.cidrs\[0\]: 10\.90\.0\.0\/24 overlaps zone dev's/ });
  t.throws(devWith('{ cidrs: [10.20.0.0/24] }'), { message: /overlaps zone dmz's address space 10\.20\.0\.0\/16/ });
});

test('only the services tier gets router and security-group paths to the API range, one per port', (t) => {
  const all = new Map<TierKind, Cidrs>([
    ['services', { v4: ['10.20.16.0/20'], v6: ['fd6c:6300:20:1::/64'] }],
    ['tenant', { v4: ['10.20.64.0/18'], v6: [] }],
    ['management', { v4: ['10.20.0.0/22'], v6: [] }],
    ['edge', { v4: ['10.20.32.0/24'], v6: [] }],
  ]);
  const flows = zoneFlows([], { cidrs: ['172.16.20.0/28', 'fd6c:7000:20::/64'], ports: [5000, 8774, 5000] });
  const toApi = (d?: string) => d === '172.16.20.0/28' || d === 'fd6c:7000:20::/64';
  const fw = firewallRules('services', all, flows);
  t.deepEqual(fw.ingress.filter((r) => toApi(r.destinationIp)).map((r) => `${r.ipVersion} ${r.sourceIp} ${r.destinationIp}:${r.destinationPort}`), [
    '4 10.20.16.0/20 172.16.20.0/28:5000', '6 fd6c:6300:20:1::/64 fd6c:7000:20::/64:5000',
    '4 10.20.16.0/20 172.16.20.0/28:8774', '6 fd6c:6300:20:1::/64 fd6c:7000:20::/64:8774',
  ]);
  t.is(fw.ingress.at(-1)!.action, 'deny', 'still ends in the default deny');
  t.false(fw.egress.some((r) => toApi(r.destinationIp) || toApi(r.sourceIp)), 'nothing from the APIs into the tier');
  t.deepEqual(securityGroupRules('services', all, [], flows).filter((r) => toApi(r.remote)).map((r) => `${r.direction} ${r.portMin}`), ['egress 5000', 'egress 5000', 'egress 8774', 'egress 8774']);
  for (const kind of ['tenant', 'management', 'edge'] as const) {
    const { ingress, egress } = firewallRules(kind, all, flows);
    t.false([...ingress, ...egress].some((r) => toApi(r.destinationIp)), kind);
    t.false(securityGroupRules(kind, all, [], flows).some((r) => toApi(r.remote)), kind);
  }
  t.false(zoneFlows([], undefined).some((f) => f.to === 'openstack-api'), 'no range, no flow');
});
