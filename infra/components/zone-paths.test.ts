// Walks the declared network of both liangcheng zones (the real program under mocks) hop by hop:
// source security group (egress) → the FWaaS group on the source tier's router port (ingress policy)
// → [the management transit: routes both ways and its FWaaS group] → the FWaaS group on the
// destination's router port (egress policy) → destination security group (ingress).
import path from 'node:path';
import test from 'ava';
import { ResourceTypes as T } from '../../policies';
import { nthAddress, parsePrefix, contains } from '../../policies/net-fns';
import type { TierKind } from '../config/config-schema';
import { planStack, type PlanResult } from '../plan/plan';
import { firewallVerdict, securityGroupAllows, type FwRuleProps, type Packet, type SgRuleProps } from './acl-eval';
import { TIER_FLOWS } from './tier-flows';

const root = path.resolve(__dirname, '../..');
const STACKS = ['liangcheng-dmz', 'liangcheng-internet'];
const plans = new Map<string, PlanResult>();
test.before(async () => {
  for (const s of STACKS) plans.set(s, await planStack(s, { cwd: root }));
});

interface Endpoint {
  tier: TierKind;
  /** the FWaaS group key of the tier's router port(s) */
  fwg: string;
  sg: string;
  addr: string;
}

function network(plan: PlanResult) {
  const zone = plan.zones[0]!;
  const z = zone.zone;
  const byName = new Map(plan.resources.map((r) => [r.name, r]));
  const get = (n: unknown) => {
    const r = byName.get(String(n));
    if (!r) throw new Error(`no resource ${String(n)}`);
    return r;
  };
  const policy = (group: string, side: 'ingressFirewallPolicyId' | 'egressFirewallPolicyId'): FwRuleProps[] =>
    (get(get(`${z}-fwg-${group}`).props[side]).props.rules as string[]).map((n) => get(n).props);
  const sgRules = (sg: string): SgRuleProps[] =>
    plan.resources.filter((r) => r.type === T.secGroupRule && r.props.securityGroupId === sg).map((r) => r.props);
  const routed = (router: string, addr: string) =>
    plan.resources.some((r) => r.type === T.routerRoute && r.props.routerId === `${z}-router-${router}` && contains(parsePrefix(String(r.props.destinationCidr))!, parsePrefix(addr)!));
  const tierAddr = (kind: TierKind) => nthAddress(parsePrefix(zone.tiers.find((t) => t.kind === kind)!.ipv4!)!, 40);
  const at = (tier: TierKind): Endpoint => ({ tier, fwg: tier, sg: `${z}-sg-${tier}`, addr: tierAddr(tier) });
  const tenant = zone.tenants[0]!;
  const endpoints = {
    services: at('services'),
    management: at('management'),
    edge: at('edge'),
    tenant: { tier: 'tenant', fwg: 'tenant', sg: `${z}-sg-tenant-${tenant.name}`, addr: nthAddress(parsePrefix(tenant.ipv4)!, 40) } as Endpoint,
    gatekeeper: { tier: 'ferry', fwg: 'ferry', sg: `${z}-sg-gatekeeper`, addr: zone.gatekeeper.address } as Endpoint,
  };

  /** Every hop's verdict for a connection from `a` to `b`; the connection passes when all are true. */
  function hops(a: Endpoint, b: Endpoint, protocol: Packet['protocol'], port: number): Record<string, boolean> {
    const p: Packet = { src: a.addr, dst: b.addr, protocol, port };
    const out: Record<string, boolean> = {};
    out[`${a.sg} egress`] = securityGroupAllows(sgRules(a.sg), 'egress', p);
    out[`fwg-${a.fwg} ingress`] = firewallVerdict(policy(a.fwg, 'ingressFirewallPolicyId'), p).action === 'allow';
    if (b.tier === 'management' && a.tier !== 'management') {
      out['core router route to management'] = routed('core', b.addr);
      out['fwg-mgmt-transit egress'] = firewallVerdict(policy('mgmt-transit', 'egressFirewallPolicyId'), p).action === 'allow';
      out['management router route back'] = routed('mgmt', a.addr);
    }
    if (a.tier === 'management' && b.tier !== 'management') {
      out['management router route'] = routed('mgmt', b.addr);
      out['fwg-mgmt-transit ingress'] = firewallVerdict(policy('mgmt-transit', 'ingressFirewallPolicyId'), p).action === 'allow';
    }
    out[`fwg-${b.fwg} egress`] = firewallVerdict(policy(b.fwg, 'egressFirewallPolicyId'), p).action === 'allow';
    out[`${b.sg} ingress`] = securityGroupAllows(sgRules(b.sg), 'ingress', p);
    return out;
  }
  return { z, zone, get, endpoints, hops };
}

const allTrue = (h: Record<string, boolean>) => Object.fromEntries(Object.keys(h).map((k) => [k, true]));
const denied = (h: Record<string, boolean>) => Object.entries(h).filter(([, v]) => !v).map(([k]) => k);

for (const stack of STACKS) {
  test(`${stack}: every gatekeeper flow passes from the ferry agent to the gatekeeper; another port does not`, (t) => {
    const { z, zone, get, endpoints: e, hops } = network(plans.get(stack)!);
    t.true((get(`${z}-gatekeeper-port`).props.securityGroupIds as string[]).includes(`${z}-sg-gatekeeper`));
    t.true((get(`${z}-fwg-ferry`).props.ports as string[]).includes(`${z}-rport-ferry`));
    t.true((get(`${z}-fwg-services`).props.ports as string[]).includes(`${z}-rport-services`));
    t.true(zone.gatekeeper.flows.length > 0);
    for (const f of zone.gatekeeper.flows) {
      const h = hops(e.services, e.gatekeeper, f.protocol, f.port);
      t.deepEqual(h, allTrue(h), `${f.id} (${f.direction})`);
    }
    const syslog = hops(e.gatekeeper, e.services, 'tcp', 6514);
    t.deepEqual(syslog, allTrue(syslog), 'the gatekeeper’s audit log reaches log audit');
    for (const port of [22, 443, 8080]) {
      const h = hops(e.services, e.gatekeeper, 'tcp', port);
      t.deepEqual(denied(h), [`${z}-sg-services egress`, 'fwg-services ingress', 'fwg-ferry egress', `${z}-sg-gatekeeper ingress`], `services → gatekeeper:${port}`);
    }
    t.true(denied(hops(e.tenant, e.gatekeeper, 'tcp', 8443)).length >= 3, 'a tenant cannot reach the gatekeeper');
    t.true(denied(hops(e.edge, e.gatekeeper, 'tcp', 8443)).length >= 3, 'the edge cannot reach the gatekeeper');
  });

  test(`${stack}: the table’s management flows are routed and allowed; tenants and the edge cannot reach management`, (t) => {
    const { z, endpoints: e, hops } = network(plans.get(stack)!);
    const flows = TIER_FLOWS.filter((f) => (f.from === 'management' || f.to === 'management') && f.from !== 'world');
    t.is(flows.length, 5);
    for (const f of flows) {
      const h = hops(e[f.from as 'services' | 'management'], e[f.to as 'services' | 'management'], f.protocol as Packet['protocol'], f.ports![0]);
      t.deepEqual(h, allTrue(h), `${f.from} → ${f.to} ${f.protocol}/${f.ports![0]}`);
    }
    for (const [proto, port] of [['tcp', 22], ['tcp', 9100], ['udp', 161], ['tcp', 3389]] as const) {
      const fromTenant = denied(hops(e.tenant, e.management, proto, port));
      t.deepEqual(fromTenant, [`${z}-sg-tenant-${plans.get(stack)!.zones[0]!.tenants[0]!.name} egress`, 'fwg-tenant ingress', 'fwg-mgmt-transit egress', 'management router route back', 'fwg-management egress', `${z}-sg-management ingress`], `tenant → management ${proto}/${port}`);
      t.true(denied(hops(e.edge, e.management, proto, port)).length >= 5, `edge → management ${proto}/${port}`);
    }
    t.true(denied(hops(e.management, e.tenant, 'tcp', 22)).includes('management router route'), 'management has no route to tenants');
    t.true(denied(hops(e.services, e.management, 'tcp', 8080)).length >= 3, 'a port the table does not list');
  });
}
