// The real program under Pulumi mocks (planStack sets the mocks and awaits runtime.disconnect()
// before anything recorded is read), asserting the declared topology of the DMZ zone.
import path from 'node:path';
import test from 'ava';
import { ResourceTypes as T } from '../policies';
import { planStack, type PlanResult, type PlannedResource } from './plan/plan';

const root = path.resolve(__dirname, '..');
let dmz: PlanResult;
test.before(async () => {
  dmz = await planStack('liangcheng-dmz', { cwd: root });
});

const of = (type: string) => dmz.resources.filter((r) => r.type === type);
const named = (name: string): PlannedResource => {
  const r = dmz.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const arr = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

test('the program declares a sizeable estate in one zone', (t) => {
  t.true(dmz.resources.length > 500);
  t.true(dmz.resources.every((r) => r.zone === 'dmz'));
  t.deepEqual(dmz.violations, []);
});

test('HaVIP pairs: a VIP port, two members carrying it as allowed address, one strong anti-affinity group', (t) => {
  const havips = dmz.zones[0]!.havips;
  t.deepEqual(havips.map((h) => h.role).sort(), ['ips', 'postgres', 'waf']);
  for (const h of havips) {
    const vip = named(`dmz-${h.name}-vip`);
    t.deepEqual(arr(vip.props.fixedIps).map((f) => f.ipAddress), [h.vip]);
    const group = named(`dmz-${h.name}-group`);
    t.deepEqual(group.props.policies, ['anti-affinity']);
    for (const [i, m] of (['a', 'b'] as const).entries()) {
      const port = named(`dmz-${h.name}-${m}-port`);
      t.deepEqual(arr(port.props.allowedAddressPairs), [{ ipAddress: h.vip }], `${h.name}-${m}`);
      t.deepEqual(arr(port.props.fixedIps).map((f) => f.ipAddress), [h.members[i]]);
      const vm = named(`dmz-${h.name}-${m}`);
      t.deepEqual(arr(vm.props.schedulerHints), [{ group: `dmz-${h.name}-group` }]);
      t.deepEqual(arr(vm.props.networks), [{ port: `dmz-${h.name}-${m}-port` }]);
      const userData = String(vm.props.userData);
      const len = dmz.zones[0]!.tiers.find((x) => x.kind === h.tier)!.ipv4!.split('/')[1];
      t.true(userData.includes(`${h.vip}/${len} dev eth0`));
      t.true(userData.includes(`unicast_peer {\n          ${h.members[1 - i]}`), 'keepalived talks to the other member');
    }
  }
  const fip = of(T.floatingIp);
  t.is(fip.length, 1);
  t.is(fip[0]!.props.portId, 'dmz-waf-vip');
});

test('IPv6 modes, IPv6-only and dual-stack subnets per tier', (t) => {
  const subnet = (n: string) => dmz.resources.find((r) => r.name === n);
  t.is(subnet('dmz-subnet-services-v6')?.props.ipv6AddressMode, 'slaac');
  t.is(subnet('dmz-subnet-services-v6')?.props.ipv6RaMode, 'slaac');
  t.is(subnet('dmz-subnet-tenant-people-hospital-v6')?.props.ipv6AddressMode, 'dhcpv6-stateful');
  t.is(subnet('dmz-subnet-backup-v6')?.props.ipv6AddressMode, 'dhcpv6-stateless');
  t.is(subnet('dmz-subnet-backup-v4'), undefined, 'backup is IPv6-only');
  t.truthy(subnet('dmz-subnet-edge-v4'));
  t.truthy(subnet('dmz-subnet-edge-v6'));
  t.is(subnet('dmz-subnet-management-v6'), undefined, 'management is IPv4-only');
  t.is(subnet('dmz-subnet-tenant-township-01-v6'), undefined, 'an IPv4-only tenant');
  t.is(subnet('dmz-subnet-storage-v4')?.props.noGateway, true, 'storage is not routed');
});

test('network ACLs: an FWaaS v2 group per routed tier on its router ports, ending in deny', (t) => {
  const groups = of(T.fwGroup);
  t.deepEqual(groups.map((g) => g.name).sort(), ['dmz-fwg-backup', 'dmz-fwg-edge', 'dmz-fwg-ferry', 'dmz-fwg-management', 'dmz-fwg-services', 'dmz-fwg-tenant']);
  const tenantGroup = named('dmz-fwg-tenant');
  t.is(arr(tenantGroup.props.ports).length, 17, 'one router port per tenant network');
  const policy = named(String(tenantGroup.props.egressFirewallPolicyId));
  const ruleNames = policy.props.rules as string[];
  t.is(named(ruleNames.at(-1)!).props.action, 'deny');
  const rules = of(T.fwRule);
  t.false(rules.some((r) => r.props.action === 'allow' && ['22', '3389', '5432'].includes(String(r.props.destinationPort)) && r.props.sourceIpAddress === undefined));
  t.true(of(T.secGroup).every((g) => g.props.deleteDefaultRules === true), 'every group is default-deny');
  t.false(of(T.secGroupRule).some((r) => r.props.direction === 'ingress' && r.props.portRangeMin === 22 && (r.props.remoteIpPrefix === '0.0.0.0/0' || r.props.remoteIpPrefix === '::/0')));
});

test('management router joins only the management tier; the core router has the gateway', (t) => {
  const ifaces = of(T.routerInterface);
  const mgmt = ifaces.filter((i) => i.props.routerId === 'dmz-router-mgmt').map((i) => i.props.portId);
  t.deepEqual(mgmt, ['dmz-rport-management']);
  t.is(named('dmz-router-core').props.externalNetworkId, 'dmz-ext-healthnet');
  t.is(named('dmz-router-mgmt').props.externalNetworkId, undefined);
});

test('every volume type is SM4-encrypted with 3 replicas; every container keeps versions', (t) => {
  const types = of(T.volumeType);
  t.is(types.length, 2);
  for (const vt of types) {
    const specs = vt.props.extraSpecs as Record<string, string>;
    t.is(specs['yiyun:encryption'], 'sm4-xts');
    t.is(specs['yiyun:replicas'], '3');
    t.regex(String(vt.props.name), /sm4/);
  }
  t.true(of(T.container).every((c) => c.props.versioning === true));
  t.true(of(T.instance).every((i) => String((i.props.metadata as Record<string, string>)['yiyun.backup-policy']).includes('daily-incremental')));
});

test('no cross-zone path: nothing in the DMZ mentions the internet zone’s addresses or networks', (t) => {
  const text = JSON.stringify(dmz.resources.map((r) => r.props));
  t.false(text.includes('10.30.'));
  t.false(text.includes('fd6c:6300:30'));
  t.false(text.includes('internet-ext'));
  t.is(of(T.routerRoute).length + of(T.subnetRoute).length + of(T.vpnSiteConnection).length, 0);
});

test('the gatekeeper: its near port on the ferry tier, reached only on the flows’ port, the whitelist shipped to the control plane', (t) => {
  const gk = dmz.zones[0]!.gatekeeper;
  t.is(gk.address, '10.20.137.4');
  t.deepEqual(gk.flows.map((f) => f.id).sort(), ['dmz-config', 'internet-alerts', 'internet-audit-logs', 'internet-inventory', 'patient-bookings', 'report-publication']);
  t.deepEqual(arr(named('dmz-gatekeeper-port').props.fixedIps).map((f) => f.ipAddress), ['10.20.137.4']);
  const rules = dmz.resources.filter((r) => r.type === T.secGroupRule && r.name.startsWith('dmz-sg-gatekeeper-'));
  t.deepEqual(rules.map((r) => [r.props.portRangeMin, r.props.remoteIpPrefix]), [[8443, '10.20.16.0/20']]);
  const cm = named('dmz-gatekeeper-flows');
  const data = cm.props.data as Record<string, string>;
  t.is(JSON.parse(data['flows.json']!).flows.length, 6);
  t.is(data['whitelist.tsv']!.trim().split('\n').length, 7);
});

test('Kubernetes: default-deny per namespace, the roles from one digest-pinned image, secrets redacted', (t) => {
  const ns = of(T.k8sNamespace).map((n) => (n.props.metadata as { name: string }).name);
  t.true(ns.includes('yiyun-system') && ns.includes('t-people-hospital'));
  const deny = of(T.k8sNetworkPolicy).filter((p) => p.name.endsWith('-default-deny'));
  t.is(deny.length, ns.length);
  const deployments = of(T.k8sDeployment).filter((d) => ['control-plane', 'log-audit', 'bastion', 'db-audit', 'kms'].some((r) => d.name === `dmz-${r}`));
  t.is(deployments.length, 5);
  const images = new Set(deployments.map((d) => JSON.stringify(d.props.spec).match(/"image":"([^"]+)"/)![1]));
  t.is(images.size, 1);
  t.regex([...images][0]!, /@sha256:[0-9a-f]{64}$/);
  const secret = named('dmz-database-yiyun-system');
  t.is(secret.props.stringData, '[secret]');
  t.false(JSON.stringify(dmz.resources).includes('mock-random-value'));
  const dash = named('dmz-grafana-dashboards').props.data as Record<string, string>;
  t.is(JSON.parse(dash['roles.json']!).uid, 'yiyun-dmz-roles');
});
