import type { TierKind } from '../config/config-schema';

/**
 * The traffic allowed between tiers of one zone. Security groups (on the ports) and FWaaS (on the
 * router ports) are both derived from this one table, so the two layers cannot drift apart.
 * Anything not listed is denied. `world` is the zone's external network; it may reach only the edge.
 */
export interface TierFlow {
  from: TierKind | 'world';
  /** `openstack-api`: the zone's OpenStack API endpoints (stack config `openstackApi`), outside every tier */
  to: TierKind | 'openstack-api';
  protocol: 'tcp' | 'udp' | 'icmp';
  ports?: readonly [number, number];
  why: string;
  /** the destination's addresses when `to` is not a tier */
  toCidrs?: { v4: string[]; v6: string[] };
}

/** The zone's OpenStack API endpoints and the ports yiyun's pods call them on (stack config `openstackApi`). */
export interface OpenStackApiEndpoints {
  cidrs: readonly string[];
  ports: readonly number[];
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
  // The gatekeeper is a security device: its own audit log goes to log audit (等保 central audit).
  { from: 'ferry', to: 'services', protocol: 'tcp', ports: [6514, 6514], why: 'gatekeeper syslog over TLS to log audit' },
];

/** A port the gatekeeper's near side listens on for one or more declared flows. */
export interface GatekeeperPort {
  protocol: 'tcp' | 'udp';
  port: number;
  flowIds: readonly string[];
}

/**
 * The zone's table: the fixed flows plus services → ferry on each port of the declared gatekeeper flows.
 * The ferry agent (control plane, services tier) both hands bundles to and collects them from the
 * gatekeeper's near side, so every flow, outbound or inbound, is a connection the agent opens; the
 * gatekeeper's answers ride that stateful connection (security groups and FWaaS v2 track state). Pure.
 */
export function zoneFlows(gatekeeperPorts: readonly GatekeeperPort[] = [], openstackApi?: OpenStackApiEndpoints): TierFlow[] {
  const gk = gatekeeperPorts.map((g): TierFlow => ({
    from: 'services',
    to: 'ferry',
    protocol: g.protocol,
    ports: [g.port, g.port],
    why: `ferry agent to the gatekeeper (${g.flowIds.join(', ')})`,
  }));
  // Only the services tier (the cluster's nodes: control plane and backup jobs, SNAT'd to the node address) calls
  // the APIs; tenant tiers never do, so a tenant VM cannot reach the cloud's control plane through the router.
  const v4 = (openstackApi?.cidrs ?? []).filter((c) => !c.includes(':'));
  const v6 = (openstackApi?.cidrs ?? []).filter((c) => c.includes(':'));
  const api = [...new Set(openstackApi?.ports ?? [])].map((port): TierFlow => ({
    from: 'services',
    to: 'openstack-api',
    protocol: 'tcp',
    ports: [port, port],
    why: 'control plane and backup jobs to the OpenStack APIs',
    toCidrs: { v4, v6 },
  }));
  return [...TIER_FLOWS, ...gk, ...(v4.length || v6.length ? api : [])];
}

/** The flows into `kind` (security-group ingress of that tier). */
export function flowsInto(kind: TierKind, present: ReadonlySet<TierKind>, flows: readonly TierFlow[] = TIER_FLOWS): TierFlow[] {
  return flows.filter((f) => f.to === kind && (f.from === 'world' || present.has(f.from)));
}

/** The flows out of `kind` (security-group egress of that tier). */
export function flowsOutOf(kind: TierKind, present: ReadonlySet<TierKind>, flows: readonly TierFlow[] = TIER_FLOWS): TierFlow[] {
  return flows.filter((f) => f.from === kind && (f.to === 'openstack-api' || present.has(f.to)));
}
