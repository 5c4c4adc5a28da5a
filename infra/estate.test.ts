// The real program under Pulumi mocks (planStack sets the mocks and awaits runtime.disconnect()
// before anything recorded is read), asserting the declared topology of both liangcheng zones.
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { ResourceTypes as T } from '../policies';
import { readEstateConfig } from './config/load-config';
import { planStack, type PlanResult, type PlannedResource } from './plan/plan';

const root = path.resolve(__dirname, '..');
const arr = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

/** What differs between the two zones, as the stack files declare it. */
const STACKS = [
  { stack: 'liangcheng-dmz', z: 'dmz', other: { v4: '10.30.', v6: 'fd6c:6300:30', ext: 'internet-ext' }, ext: 'dmz-ext-healthnet', gatekeeper: '10.20.137.4', services: '10.20.16.0/20', volumeTypes: 2, tenantsDual: 'people-hospital', tenantV4: 'township-01' },
  { stack: 'liangcheng-internet', z: 'internet', other: { v4: '10.20.', v6: 'fd6c:6300:20', ext: 'dmz-ext-healthnet' }, ext: 'internet-ext', gatekeeper: '10.30.137.4', services: '10.30.16.0/20', volumeTypes: 1, tenantsDual: 'patient-services', tenantV4: undefined },
] as const;

const plans = new Map<string, PlanResult>();
test.before(async () => {
  for (const s of STACKS) plans.set(s.stack, await planStack(s.stack, { cwd: root }));
});

function view(stack: string) {
  const plan = plans.get(stack)!;
  const of = (type: string) => plan.resources.filter((r) => r.type === type);
  const named = (name: string): PlannedResource => {
    const r = plan.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
  };
  return { plan, zone: plan.zones[0]!, cfg: readEstateConfig(root, stack), of, named, find: (n: string) => plan.resources.find((r) => r.name === n) };
}

for (const s of STACKS) {
  const { z } = s;

  test(`${z}: the program declares a sizeable estate in one zone, passing every policy`, (t) => {
    const { plan } = view(s.stack);
    t.true(plan.resources.length > 200);
    t.true(plan.resources.every((r) => r.zone === z));
    t.deepEqual(plan.violations, []);
  });

  test(`${z}: HaVIP pairs — a VIP port, two members carrying it as allowed address, one strong anti-affinity group, keepalived with its track script`, (t) => {
    const { zone, named, of } = view(s.stack);
    t.deepEqual(zone.havips.map((h) => h.role).sort(), ['ips', 'postgres', 'waf']);
    for (const h of zone.havips) {
      t.deepEqual(arr(named(`${z}-${h.name}-vip`).props.fixedIps).map((f) => f.ipAddress), [h.vip]);
      t.deepEqual(named(`${z}-${h.name}-group`).props.policies, ['anti-affinity']);
      for (const [i, m] of (['a', 'b'] as const).entries()) {
        const port = named(`${z}-${h.name}-${m}-port`);
        t.deepEqual(arr(port.props.allowedAddressPairs), [{ ipAddress: h.vip }], `${h.name}-${m}`);
        t.deepEqual(arr(port.props.fixedIps).map((f) => f.ipAddress), [h.members[i]]);
        const vm = named(`${z}-${h.name}-${m}`);
        t.deepEqual(arr(vm.props.schedulerHints), [{ group: `${z}-${h.name}-group` }]);
        t.deepEqual(arr(vm.props.networks), [{ port: `${z}-${h.name}-${m}-port` }]);
        const doc = parse(String(vm.props.userData)) as { write_files: { path: string; content: string; permissions: string }[] };
        const files = new Map(doc.write_files.map((f) => [f.path, f]));
        const conf = files.get('/etc/keepalived/keepalived.conf')!.content;
        const len = zone.tiers.find((x) => x.kind === h.tier)!.ipv4!.split('/')[1];
        t.true(conf.includes(`${h.vip}/${len} dev eth0`));
        t.regex(conf, new RegExp(`unicast_peer \\{\\n\\s+${h.members[1 - i]!.replace(/\./g, '\\.')}\\n`), 'keepalived talks to the other member');
        const script = conf.match(/script "([^"]+)"/)![1]!;
        t.is(files.get(script)?.permissions, '0755', `${h.name}-${m}: the track script is written`);
      }
    }
    const fip = of(T.floatingIp);
    t.is(fip.length, 1);
    t.is(fip[0]!.props.portId, `${z}-waf-vip`);
  });

  test(`${z}: IPv6 modes, IPv6-only and dual-stack subnets per tier`, (t) => {
    const { find } = view(s.stack);
    t.is(find(`${z}-subnet-services-v6`)?.props.ipv6AddressMode, 'slaac');
    t.is(find(`${z}-subnet-services-v6`)?.props.ipv6RaMode, 'slaac');
    t.is(find(`${z}-subnet-tenant-${s.tenantsDual}-v6`)?.props.ipv6AddressMode, 'dhcpv6-stateful');
    t.is(find(`${z}-subnet-backup-v6`)?.props.ipv6AddressMode, 'dhcpv6-stateless');
    t.is(find(`${z}-subnet-backup-v4`), undefined, 'backup is IPv6-only');
    t.truthy(find(`${z}-subnet-edge-v4`));
    t.truthy(find(`${z}-subnet-edge-v6`));
    t.is(find(`${z}-subnet-management-v6`), undefined, 'management is IPv4-only');
    if (s.tenantV4) t.is(find(`${z}-subnet-tenant-${s.tenantV4}-v6`), undefined, 'an IPv4-only tenant');
    t.is(find(`${z}-subnet-storage-v4`)?.props.noGateway, true, 'storage is not routed');
  });

  test(`${z}: network ACLs — an FWaaS v2 group per routed tier and on the management transit, ending in deny`, (t) => {
    const { of, named, cfg } = view(s.stack);
    const groups = of(T.fwGroup);
    t.deepEqual(
      groups.map((g) => g.name).sort(),
      ['backup', 'edge', 'ferry', 'management', 'mgmt-transit', 'services', 'tenant'].map((k) => `${z}-fwg-${k}`),
    );
    const tenantGroup = named(`${z}-fwg-tenant`);
    t.is(arr(tenantGroup.props.ports).length, cfg.tenants.length, 'one router port per tenant network');
    for (const g of groups) {
      for (const key of ['ingressFirewallPolicyId', 'egressFirewallPolicyId']) {
        const ruleNames = named(String(g.props[key])).props.rules as string[];
        t.is(named(ruleNames.at(-1)!).props.action, 'deny', `${g.name} ${key}`);
      }
    }
    const rules = of(T.fwRule);
    t.false(rules.some((r) => r.props.action === 'allow' && ['22', '3389', '5432'].includes(String(r.props.destinationPort)) && r.props.sourceIpAddress === undefined));
    t.true(of(T.secGroup).every((g) => g.props.deleteDefaultRules === true), 'every group is default-deny');
    t.false(of(T.secGroupRule).some((r) => r.props.direction === 'ingress' && r.props.portRangeMin === 22 && (r.props.remoteIpPrefix === '0.0.0.0/0' || r.props.remoteIpPrefix === '::/0')));
  });

  test(`${z}: the management router joins the management tier and the transit only; routes go through the transit`, (t) => {
    const { of, named, zone } = view(s.stack);
    const ifaces = of(T.routerInterface);
    const mgmt = ifaces.filter((i) => i.props.routerId === `${z}-router-mgmt`).map((i) => i.props.portId).sort();
    t.deepEqual(mgmt, [`${z}-rport-management`, `${z}-rport-mgmt-transit-mgmt`]);
    t.true(ifaces.some((i) => i.props.routerId === `${z}-router-core` && i.props.portId === `${z}-rport-mgmt-transit-core`));
    t.is(named(`${z}-router-core`).props.externalNetworkId, s.ext);
    t.is(named(`${z}-router-mgmt`).props.externalNetworkId, undefined);
    const transit = named(`${z}-subnet-mgmt-transit-v4`).props;
    const addr = (port: string) => arr(named(port).props.fixedIps)[0]!.ipAddress;
    const management = zone.tiers.find((x) => x.kind === 'management')!.ipv4;
    const routes = of(T.routerRoute).map((r) => [r.props.routerId, r.props.destinationCidr, r.props.nextHop]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    t.deepEqual(routes, [
      [`${z}-router-core`, management, addr(`${z}-rport-mgmt-transit-mgmt`)],
      [`${z}-router-mgmt`, s.services, addr(`${z}-rport-mgmt-transit-core`)],
    ], 'management is reachable from the core router; the management router knows only the services tier');
    t.is(transit.enableDhcp, false);
    t.deepEqual(named(`${z}-fwg-mgmt-transit`).props.ports, [`${z}-rport-mgmt-transit-core`]);
  });

  test(`${z}: tenant networks stay the platform’s and are shared with the tenant’s project only`, (t) => {
    const { of, cfg } = view(s.stack);
    const rbac = of('openstack:networking/rbacPolicyV2:RbacPolicyV2');
    t.is(rbac.length, 2 * cfg.tenants.length);
    for (const tn of cfg.tenants) {
      const shares = rbac.filter((r) => r.props.targetTenant === `${z}-tenant-${tn.name}-project`);
      t.deepEqual(
        shares.map((r) => [r.props.objectType, r.props.objectId, r.props.action]).sort(),
        [['network', `${z}-net-tenant-${tn.name}`, 'access_as_shared'], ['security_group', `${z}-sg-tenant-${tn.name}`, 'access_as_shared']],
      );
    }
    t.false(of(T.network).some((n) => n.props.shared === true), 'no network is shared with every project');
  });

  test(`${z}: every volume type is SM4-encrypted with 3 replicas; every container keeps versions`, (t) => {
    const { of } = view(s.stack);
    const types = of(T.volumeType);
    t.is(types.length, s.volumeTypes);
    for (const vt of types) {
      const specs = vt.props.extraSpecs as Record<string, string>;
      t.is(specs['yiyun:encryption'], 'sm4-xts');
      t.is(specs['yiyun:replicas'], '3');
      t.regex(String(vt.props.name), /sm4/);
    }
    t.true(of(T.container).every((c) => c.props.versioning === true));
    t.true(of(T.instance).every((i) => String((i.props.metadata as Record<string, string>)['yiyun.backup-policy']).includes('daily-incremental')));
  });

  test(`${z}: no cross-zone path — nothing mentions the other zone’s addresses or networks, routes stay inside`, (t) => {
    const { plan, of, cfg } = view(s.stack);
    const text = JSON.stringify(plan.resources.map((r) => r.props));
    t.false(text.includes(s.other.v4));
    t.false(text.includes(s.other.v6));
    t.false(text.includes(s.other.ext));
    const own = cfg.addressPlan[z]!.ipv4[0]!.split('.').slice(0, 2).join('.') + '.';
    t.true(of(T.routerRoute).every((r) => String(r.props.destinationCidr).startsWith(own) && String(r.props.nextHop).startsWith(own)));
    t.is(of(T.subnetRoute).length + of(T.vpnSiteConnection).length, 0);
  });

  test(`${z}: the gatekeeper — its near port on the ferry tier, reached only on the flows’ port, the whitelist shipped to the control plane`, (t) => {
    const { plan, zone, named, cfg } = view(s.stack);
    const gk = zone.gatekeeper;
    t.is(gk.address, s.gatekeeper);
    const expected = cfg.gatekeeper.flows.filter((f) => f.from === z || f.to === z).map((f) => f.id).sort();
    t.is(expected.length, 6);
    t.deepEqual(gk.flows.map((f) => f.id).sort(), expected);
    t.deepEqual(arr(named(`${z}-gatekeeper-port`).props.fixedIps).map((f) => f.ipAddress), [s.gatekeeper]);
    const rules = plan.resources.filter((r) => r.type === T.secGroupRule && r.name.startsWith(`${z}-sg-gatekeeper-`));
    t.deepEqual(rules.map((r) => [r.props.direction, r.props.portRangeMin, r.props.remoteIpPrefix]), [
      ['ingress', 8443, s.services],
      ['egress', 6514, s.services],
    ]);
    const data = named(`${z}-gatekeeper-flows`).props.data as Record<string, string>;
    t.is(JSON.parse(data['flows.json']!).flows.length, 6);
    t.is(data['whitelist.tsv']!.trim().split('\n').length, cfg.gatekeeper.flows.length + 1);
  });
}

test('dmz: Kubernetes — default-deny per namespace, the roles from one digest-pinned image, secrets redacted', (t) => {
  const { of, named, plan } = view('liangcheng-dmz');
  const ns = of(T.k8sNamespace).map((n) => (n.props.metadata as { name: string }).name);
  t.true(ns.includes('yiyun-system') && ns.includes('t-people-hospital'));
  const deny = of(T.k8sNetworkPolicy).filter((p) => p.name.endsWith('-default-deny'));
  t.is(deny.length, ns.length);
  const workloads = [...of(T.k8sDeployment), ...of(T.k8sStatefulSet)];
  const deployments = workloads.filter((d) => ['control-plane', 'log-audit', 'bastion', 'db-audit', 'kms'].some((r) => d.name === `dmz-${r}`));
  t.is(deployments.length, 5);
  const images = new Set(deployments.map((d) => JSON.stringify(d.props.spec).match(/"image":"([^"]+)"/)![1]));
  t.is(images.size, 1);
  t.regex([...images][0]!, /@sha256:[0-9a-f]{64}$/);
  const secret = named('dmz-database-yiyun-system');
  t.is(secret.props.stringData, '[secret]');
  t.false(JSON.stringify(plan.resources).includes('mock-random-value'));
  const dash = named('dmz-grafana-dashboards').props.data as Record<string, string>;
  t.is(JSON.parse(dash['roles.json']!).uid, 'yiyun-dmz-roles');
});
