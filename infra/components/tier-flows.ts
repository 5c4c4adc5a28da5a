import type { TierKind } from '../config/config-schema';

/**
 * The traffic allowed between tiers of one zone. Security groups (on the ports) and FWaaS (on the
 * router ports) are both derived from this one table, so the two layers cannot drift apart.
 * Anything not listed is denied. `world` is the zone's external network; it may reach only the edge.
 */
export interface TierFlow {
  from: TierKind | 'world';
  to: TierKind;
  protocol: 'tcp' | 'udp' | 'icmp';
  ports?: readonly [number, number];
  why: string;
}

export const TIER_FLOWS: readonly TierFlow[] = [
  { from: 'world', to: 'edge', protocol: 'tcp', ports: [443, 443], why: 'HTTPS to the WAF' },
  { from: 'world', to: 'edge', protocol: 'tcp', ports: [80, 80], why: 'HTTP, redirected to HTTPS by the WAF' },
  { from: 'edge', to: 'services', protocol: 'tcp', ports: [443, 443], why: 'WAF/IPS to the internal load balancers' },
  { from: 'edge', to: 'services', protocol: 'tcp', ports: [8080, 8080], why: 'WAF/IPS to the control plane' },
  { from: 'services', to: 'management', protocol: 'tcp', ports: [22, 22], why: 'bastion to hosts' },
  { from: 'services', to: 'management', protocol: 'tcp', ports: [9100, 9100], why: 'Prometheus node exporter' },
  { from: 'services', to: 'management', protocol: 'udp', ports: [161, 161], why: 'SNMP polling of devices' },
  { from: 'management', to: 'services', protocol: 'udp', ports: [514, 514], why: 'syslog to log audit' },
  { from: 'management', to: 'services', protocol: 'tcp', ports: [6514, 6514], why: 'syslog over TLS to log audit' },
  { from: 'services', to: 'tenant', protocol: 'tcp', ports: [22, 22], why: 'bastion to tenant Linux VMs' },
  { from: 'services', to: 'tenant', protocol: 'tcp', ports: [3389, 3389], why: 'bastion to tenant Windows VMs' },
  { from: 'services', to: 'tenant', protocol: 'tcp', ports: [5432, 5432], why: 'DB-audit proxy to tenant PostgreSQL' },
  { from: 'services', to: 'tenant', protocol: 'tcp', ports: [3306, 3306], why: 'DB-audit proxy to tenant MySQL' },
  { from: 'edge', to: 'tenant', protocol: 'tcp', ports: [443, 443], why: 'WAF to published tenant apps' },
  { from: 'tenant', to: 'services', protocol: 'tcp', ports: [443, 443], why: 'tenant VMs to platform APIs' },
  { from: 'tenant', to: 'services', protocol: 'udp', ports: [514, 514], why: 'tenant syslog to log audit' },
  { from: 'tenant', to: 'services', protocol: 'tcp', ports: [15432, 15432], why: 'tenant apps to DB-audit proxy' },
  { from: 'services', to: 'backup', protocol: 'tcp', ports: [443, 443], why: 'backup jobs to the backup target' },
  { from: 'tenant', to: 'backup', protocol: 'tcp', ports: [443, 443], why: 'tenant backup agents to the target' },
];

/** The flows into `kind` (security-group ingress of that tier). */
export function flowsInto(kind: TierKind, present: ReadonlySet<TierKind>): TierFlow[] {
  return TIER_FLOWS.filter((f) => f.to === kind && (f.from === 'world' || present.has(f.from)));
}

/** The flows out of `kind` (security-group egress of that tier). */
export function flowsOutOf(kind: TierKind, present: ReadonlySet<TierKind>): TierFlow[] {
  return TIER_FLOWS.filter((f) => f.from === kind && present.has(f.to));
}
