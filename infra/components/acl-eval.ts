import { contains, parsePrefix } from '../../policies/net-fns';

/** One connection attempt: who opens it, to what, on which transport port. */
export interface Packet {
  src: string;
  dst: string;
  protocol: 'tcp' | 'udp';
  port: number;
}

/** The properties of an FWaaS v2 rule, as declared (openstack.firewall.RuleV2 inputs). */
export interface FwRuleProps {
  action?: unknown;
  protocol?: unknown;
  sourceIpAddress?: unknown;
  destinationIpAddress?: unknown;
  destinationPort?: unknown;
  enabled?: unknown;
}

/** The properties of a security-group rule (openstack.networking.SecGroupRule inputs). */
export interface SgRuleProps {
  direction?: unknown;
  protocol?: unknown;
  portRangeMin?: unknown;
  portRangeMax?: unknown;
  remoteIpPrefix?: unknown;
}

function within(addr: string, cidr: unknown): boolean {
  if (typeof cidr !== 'string' || cidr === '') return true; // absent means any address
  const p = parsePrefix(cidr);
  const a = parsePrefix(addr);
  return !!p && !!a && contains(p, a);
}

function portIn(port: number, spec: unknown): boolean {
  if (spec === undefined || spec === null || spec === '') return true;
  const [lo, hi] = String(spec).split(':').map(Number);
  return port >= lo! && port <= (hi ?? lo)!;
}

/**
 * What an FWaaS v2 policy does with a connection: the first enabled rule that matches decides, and a
 * connection no rule matches is denied (the FWaaS default). Pure.
 */
export function firewallVerdict(rules: readonly FwRuleProps[], p: Packet): { action: 'allow' | 'deny'; index: number } {
  const index = rules.findIndex(
    (r) =>
      r.enabled !== false &&
      (r.protocol === undefined || r.protocol === 'any' || r.protocol === p.protocol) &&
      within(p.src, r.sourceIpAddress) &&
      within(p.dst, r.destinationIpAddress) &&
      portIn(p.port, r.destinationPort),
  );
  return { action: index >= 0 && rules[index]!.action === 'allow' ? 'allow' : 'deny', index };
}

/**
 * Whether a security group lets a connection through in one direction: some rule of that direction
 * matches (protocol, port range, the remote address — the destination for egress, the source for
 * ingress). Groups only allow; no rule means denied. Rules naming a remote group count only for
 * members, which a packet between tiers never is. Pure.
 */
export function securityGroupAllows(rules: readonly SgRuleProps[], direction: 'ingress' | 'egress', p: Packet): boolean {
  const remote = direction === 'ingress' ? p.src : p.dst;
  return rules.some((r) => {
    if (r.direction !== direction) return false;
    if (r.protocol !== undefined && r.protocol !== p.protocol) return false;
    if (r.portRangeMin !== undefined && (p.port < Number(r.portRangeMin) || p.port > Number(r.portRangeMax ?? r.portRangeMin))) return false;
    return typeof r.remoteIpPrefix === 'string' && within(remote, r.remoteIpPrefix);
  });
}
