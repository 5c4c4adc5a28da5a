import { formatPrefix, parsePrefix } from '../../policies/net-fns';
import type { TierKind } from '../config/config-schema';
import { TIER_FLOWS, flowsInto, flowsOutOf, type TierFlow } from './tier-flows';
import type { TenantPlan, TierPlan } from './zone-plan';

export interface Cidrs {
  v4: string[];
  v6: string[];
}

export interface SgRuleSpec {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol?: 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp' | 'vrrp';
  portMin?: number;
  portMax?: number;
  /** a CIDR, or "self" for the group itself */
  remote: string;
  description: string;
}

export interface FwRuleSpec {
  ipVersion: 4 | 6;
  protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  action: 'allow' | 'deny';
  sourceIp?: string;
  destinationIp?: string;
  destinationPort?: string;
  description: string;
}

const WORLD: Cidrs = { v4: ['0.0.0.0/0'], v6: ['::/0'] };

/** The CIDRs each tier owns; the tenant tier owns its IPv4 range and the /56 its tenants' /64s come from. */
export function tierCidrs(tiers: readonly TierPlan[], tenants: readonly TenantPlan[], ipv6Space?: string): Map<TierKind, Cidrs> {
  const out = new Map<TierKind, Cidrs>();
  for (const t of tiers) {
    const c: Cidrs = { v4: t.ipv4 ? [t.ipv4] : [], v6: t.kind === 'tenant' ? [] : t.ipv6 ? [t.ipv6] : [] };
    if (t.kind === 'tenant' && ipv6Space && tenants.some((x) => x.ipv6)) {
      const s = parsePrefix(ipv6Space);
      if (s) c.v6.push(formatPrefix({ family: 6, base: s.base + (256n << 64n), bits: 56 }));
    }
    out.set(t.kind, c);
  }
  return out;
}

function cidrsOf(side: TierKind | 'world', all: Map<TierKind, Cidrs>): Cidrs {
  return side === 'world' ? WORLD : all.get(side) ?? { v4: [], v6: [] };
}

/** Where a flow goes: a tier's CIDRs, or the addresses the flow names (the OpenStack APIs). */
function destinationOf(f: TierFlow, all: Map<TierKind, Cidrs>): Cidrs {
  return f.to === 'openstack-api' ? f.toCidrs ?? { v4: [], v6: [] } : cidrsOf(f.to, all);
}

function flowPorts(f: TierFlow): { portMin?: number; portMax?: number } {
  return f.ports ? { portMin: f.ports[0], portMax: f.ports[1] } : {};
}

/**
 * Security-group rules of one tier: default deny (the group is created without Neutron's default
 * rules), members talk to each other, and exactly the table's flows in and out. Pure.
 */
export function securityGroupRules(kind: TierKind, all: Map<TierKind, Cidrs>, dns: readonly string[], flows: readonly TierFlow[] = TIER_FLOWS): SgRuleSpec[] {
  const present = new Set(all.keys());
  const own = cidrsOf(kind, all);
  const out: SgRuleSpec[] = [];
  for (const [eth, has] of [['IPv4', own.v4.length > 0], ['IPv6', own.v6.length > 0]] as const) {
    if (!has) continue;
    out.push({ direction: 'ingress', ethertype: eth, remote: 'self', description: `${kind}: members of the tier` });
    out.push({ direction: 'egress', ethertype: eth, remote: 'self', description: `${kind}: members of the tier` });
  }
  if (own.v6.length > 0) {
    // SLAAC / DHCPv6 and neighbour discovery need ICMPv6 from the router.
    out.push({ direction: 'ingress', ethertype: 'IPv6', protocol: 'ipv6-icmp', remote: own.v6[0]!, description: `${kind}: ICMPv6 (RA, ND)` });
    out.push({ direction: 'egress', ethertype: 'IPv6', protocol: 'ipv6-icmp', remote: own.v6[0]!, description: `${kind}: ICMPv6 (RS, ND)` });
  }
  for (const f of flowsInto(kind, present, flows)) {
    const src = cidrsOf(f.from, all);
    const proto = f.protocol;
    if (own.v4.length) for (const r of src.v4) out.push({ direction: 'ingress', ethertype: 'IPv4', protocol: proto, ...flowPorts(f), remote: r, description: `${f.from}→${kind}: ${f.why}` });
    if (own.v6.length) for (const r of src.v6) out.push({ direction: 'ingress', ethertype: 'IPv6', protocol: proto === 'icmp' ? 'ipv6-icmp' : proto, ...flowPorts(f), remote: r, description: `${f.from}→${kind}: ${f.why}` });
  }
  for (const f of flowsOutOf(kind, present, flows)) {
    const dst = destinationOf(f, all);
    if (own.v4.length) for (const r of dst.v4) out.push({ direction: 'egress', ethertype: 'IPv4', protocol: f.protocol, ...flowPorts(f), remote: r, description: `${kind}→${f.to}: ${f.why}` });
    if (own.v6.length) for (const r of dst.v6) out.push({ direction: 'egress', ethertype: 'IPv6', protocol: f.protocol, ...flowPorts(f), remote: r, description: `${kind}→${f.to}: ${f.why}` });
  }
  for (const d of dns) {
    const p = parsePrefix(d);
    if (!p) continue;
    const eth = p.family === 4 ? 'IPv4' : 'IPv6';
    if ((eth === 'IPv4' ? own.v4 : own.v6).length === 0) continue;
    out.push({ direction: 'egress', ethertype: eth, protocol: 'udp', portMin: 53, portMax: 53, remote: `${d}/${p.family === 4 ? 32 : 128}`, description: `${kind}: DNS` });
  }
  return out;
}

/** One FWaaS allow rule for a flow from `src` (any source when undefined) to `dst`, on the flow's protocol and ports. */
function allowRule(f: TierFlow, v: 4 | 6, src: string | undefined, dst: string, description: string): FwRuleSpec {
  return {
    ipVersion: v,
    protocol: f.protocol,
    action: 'allow',
    ...(src ? { sourceIp: src } : {}),
    destinationIp: dst,
    ...(f.ports ? { destinationPort: f.ports[0] === f.ports[1] ? `${f.ports[0]}` : `${f.ports[0]}:${f.ports[1]}` } : {}),
    description,
  };
}

/**
 * FWaaS v2 rules for the router port(s) of one tier: the ingress policy filters what the tier sends
 * into the router, the egress policy what the router delivers into the tier. FWaaS denies whatever
 * no rule allows, and a final explicit deny records the intent for auditors. Pure.
 */
export function firewallRules(kind: TierKind, all: Map<TierKind, Cidrs>, flows: readonly TierFlow[] = TIER_FLOWS): { ingress: FwRuleSpec[]; egress: FwRuleSpec[] } {
  const present = new Set(all.keys());
  const own = cidrsOf(kind, all);
  // A world source is no filter at all: FWaaS matches any source when none is given.
  const mk = (f: TierFlow, v: 4 | 6, src: string | undefined, dst: string): FwRuleSpec =>
    allowRule(f, v, src && src !== '0.0.0.0/0' && src !== '::/0' ? src : undefined, dst, `${f.from}→${f.to}: ${f.why}`);
  const ingress: FwRuleSpec[] = [];
  const egress: FwRuleSpec[] = [];
  for (const f of flowsOutOf(kind, present, flows)) {
    const dst = destinationOf(f, all);
    for (const s of own.v4) for (const d of dst.v4) ingress.push(mk(f, 4, s, d));
    for (const s of own.v6) for (const d of dst.v6) ingress.push(mk(f, 6, s, d));
  }
  for (const f of flowsInto(kind, present, flows)) {
    const src = cidrsOf(f.from, all);
    for (const d of own.v4) for (const s of src.v4) egress.push(mk(f, 4, s, d));
    for (const d of own.v6) for (const s of src.v6) egress.push(mk(f, 6, s, d));
  }
  const deny = (v: 4 | 6): FwRuleSpec => ({ ipVersion: v, protocol: 'any', action: 'deny', description: `${kind}: default deny` });
  for (const v of [4, 6] as const) {
    if ((v === 4 ? own.v4 : own.v6).length) {
      ingress.push(deny(v));
      egress.push(deny(v));
    }
  }
  return { ingress, egress };
}

/**
 * FWaaS v2 rules for the core router's port on the management transit: the ingress policy admits
 * only the table's flows out of the management tier, the egress policy only the flows into it, so a
 * tenant (or any tier without a listed flow) cannot reach management through the core router even
 * though the core router carries a route there. Pure.
 */
export function transitFirewallRules(all: Map<TierKind, Cidrs>, flows: readonly TierFlow[] = TIER_FLOWS): { ingress: FwRuleSpec[]; egress: FwRuleSpec[] } {
  const present = new Set(all.keys());
  const mgmt = cidrsOf('management', all);
  const mk = (f: TierFlow, src: string, dst: string): FwRuleSpec =>
    allowRule(f, 4, src, dst, `${f.from}→${f.to} via the management transit: ${f.why}`);
  const ingress: FwRuleSpec[] = [];
  const egress: FwRuleSpec[] = [];
  // The transit is IPv4 only: an IPv6 management tier would need its own transit (see docs/infra.md).
  for (const f of flowsOutOf('management', present, flows)) {
    for (const s of mgmt.v4) for (const d of destinationOf(f, all).v4) ingress.push(mk(f, s, d));
  }
  for (const f of flowsInto('management', present, flows)) {
    if (f.from === 'world') continue;
    for (const d of mgmt.v4) for (const s of cidrsOf(f.from, all).v4) egress.push(mk(f, s, d));
  }
  const deny: FwRuleSpec = { ipVersion: 4, protocol: 'any', action: 'deny', description: 'mgmt-transit: default deny' };
  return { ingress: [...ingress, deny], egress: [...egress, deny] };
}

/** The tiers the management tier exchanges flows with: the management router routes back to these only. Pure. */
export function managementPeers(present: ReadonlySet<TierKind>, flows: readonly TierFlow[] = TIER_FLOWS): TierKind[] {
  const peers = new Set<TierKind>();
  for (const f of flowsOutOf('management', present, flows)) if (f.to !== 'openstack-api') peers.add(f.to);
  for (const f of flowsInto('management', present, flows)) if (f.from !== 'world') peers.add(f.from);
  peers.delete('management');
  return [...peers];
}
