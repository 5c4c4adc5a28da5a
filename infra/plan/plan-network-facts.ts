import { contains, overlaps, parsePrefix } from '../../policies';
import { T, arr, num, str } from '../../policies/resource-types';
import { findingsOn, ref, resourcesOf, sideNamer, tierTag, type PlanSummary, type Res } from './plan-facts';

// ---------------------------------------------------------------- security groups

export type SgRuleRow = {
  stack: string; zone: string; group: string; tier: string; direction: string; ethertype: string; protocol: string;
  ports: string; remote: string; remoteSide: string; description: string; findings: string[];
};
export type SgGroupRow = { stack: string; zone: string; group: string; tier: string; deleteDefaultRules: boolean; stateful: boolean; rules: number; ports: number; findings: string[] };

function portsText(min: unknown, max: unknown): string {
  const lo = num(min);
  const hi = num(max);
  if (lo === undefined && hi === undefined) return 'any';
  return lo === hi || hi === undefined ? String(lo) : `${lo ?? 1}-${hi}`;
}

/** Every security group and rule of the plans, with what the policies found on each, dangling and duplicate rules. */
export function securityGroupFacts(ps: readonly PlanSummary[]) {
  const groups = resourcesOf(ps, T.secGroup);
  const ruleRes = resourcesOf(ps, T.secGroupRule);
  const ports = resourcesOf(ps, T.port);
  const instances = resourcesOf(ps, T.instance);
  const known = (zone: string | undefined, name: string) => groups.find((g) => g.zone === zone && (g.name === name || ref(g.props.name) === name));
  const namers = new Map<string | undefined, ReturnType<typeof sideNamer>>();
  const namer = (zone: string | undefined) => namers.get(zone) ?? namers.set(zone, sideNamer(ps, zone)).get(zone)!;
  const rules: SgRuleRow[] = ruleRes.map((r) => {
    const g = known(r.zone, ref(r.props.securityGroupId));
    const remote = str(r.props.remoteIpPrefix) ?? (str(r.props.remoteGroupId) ? `group:${ref(r.props.remoteGroupId)}` : '');
    return {
      stack: r.stack, zone: r.zone ?? '', group: ref(r.props.securityGroupId), tier: g ? (tierTag(g) ?? '') : '',
      direction: ref(r.props.direction), ethertype: ref(r.props.ethertype), protocol: str(r.props.protocol) ?? 'any',
      ports: portsText(r.props.portRangeMin, r.props.portRangeMax), remote: remote || 'any',
      remoteSide: remote.startsWith('group:') ? remote : namer(r.zone)(remote || undefined),
      description: ref(r.props.description), findings: findingsOn(ps, r),
    };
  });
  const dangling = rules.filter((r) => !known(r.zone, r.group)).map((r) => `${r.zone}/${r.group}: ${r.direction} ${r.protocol} ${r.ports} ${r.remote}`);
  const seen = new Map<string, number>();
  for (const r of rules) {
    const k = [r.zone, r.group, r.direction, r.ethertype, r.protocol, r.ports, r.remote].join('|');
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k.split('|').join(' '));
  const users = (g: Res) =>
    ports.filter((p) => p.zone === g.zone && arr(p.props.securityGroupIds).some((x) => x === g.name)).length +
    instances.filter((i) => i.zone === g.zone && arr(i.props.securityGroups).some((x) => x === g.name || x === g.props.name)).length;
  const groupRows: SgGroupRow[] = groups.map((g) => ({
    stack: g.stack, zone: g.zone ?? '', group: g.name, tier: tierTag(g) ?? '',
    deleteDefaultRules: g.props.deleteDefaultRules === true,
    // Neutron security groups track connections unless created with stateful=false.
    stateful: g.props.stateful !== false,
    rules: rules.filter((r) => r.zone === (g.zone ?? '') && r.group === g.name).length, ports: users(g), findings: findingsOn(ps, g),
  }));
  const tierGroups = new Set(groupRows.filter((g) => g.tier).map((g) => `${g.zone}/${g.tier}`));
  const tiersWithoutGroup = ps.flatMap((p) => p.zones.flatMap((z) => (z.tiers ?? []).map((t) => `${z.zone}/${t.kind}`))).filter((k) => !tierGroups.has(k));
  // A rule that lets a whole address family in on every port: no boundary at all.
  const unscoped = rules.filter((r) => r.direction === 'ingress' && r.remoteSide === 'world' && r.ports === 'any' && ['any', 'tcp', 'udp', '6', '17'].includes(r.protocol));
  // Groups no declared port uses yet: evidence only, since tenant groups wait for the VMs tenants create later.
  const unused = groupRows.filter((g) => g.ports === 0).map((g) => `${g.zone}/${g.group}`);
  return { groups: groupRows, rules, dangling, duplicates, unused, tiersWithoutGroup, unscoped };
}

// ---------------------------------------------------------------- network ACLs (FWaaS v2)

export type FwRuleRow = {
  stack: string; zone: string; group: string; tier: string; direction: 'ingress' | 'egress'; policy: string; position: number; rule: string;
  action: string; ipVersion: string; protocol: string; source: string; sourceSide: string; destination: string; destinationSide: string;
  port: string; enabled: boolean; description: string; findings: string[]; dead: boolean;
};

const denyAll = (r: Res): boolean =>
  (str(r.props.action) ?? 'deny') !== 'allow' && (str(r.props.protocol) ?? 'any') === 'any' && !str(r.props.sourceIpAddress) && !str(r.props.destinationIpAddress) && !str(r.props.destinationPort);

/** FWaaS groups on the router ports, their ordered policies and rules, and the tier-to-tier matrix the allow rules make. */
export function networkAclFacts(ps: readonly PlanSummary[]) {
  const fwGroups = resourcesOf(ps, T.fwGroup);
  const fwPolicies = resourcesOf(ps, T.fwPolicy);
  const fwRules = resourcesOf(ps, T.fwRule);
  const ports = resourcesOf(ps, T.port);
  const ifaces = resourcesOf(ps, T.routerInterface);
  const inZone = <X extends Res>(xs: X[], zone: string | undefined, name: string) => xs.find((x) => x.zone === zone && x.name === name);
  const rows: FwRuleRow[] = [];
  const missingPolicy: string[] = [];
  const usedPolicies = new Set<string>();
  const usedRules = new Set<string>();
  const groupTier = (g: Res): string => [...new Set(arr(g.props.ports).map((p) => inZone(ports, g.zone, ref(p))).map((p) => (p ? tierTag(p) : undefined)).filter(Boolean))].join(',');
  for (const g of fwGroups) {
    const tier = groupTier(g);
    for (const direction of ['ingress', 'egress'] as const) {
      const polName = ref(g.props[`${direction}FirewallPolicyId`]);
      const pol = polName ? inZone(fwPolicies, g.zone, polName) : undefined;
      if (!pol) {
        missingPolicy.push(`${g.zone}/${g.name} ${direction}`);
        continue;
      }
      usedPolicies.add(`${g.zone}/${pol.name}`);
      const closed = new Set<string>();
      arr(pol.props.rules).forEach((rn, i) => {
        const r = inZone(fwRules, g.zone, ref(rn));
        if (!r) return;
        usedRules.add(`${g.zone}/${r.name}`);
        const side = sideNamer(ps, r.zone);
        rows.push({
          stack: r.stack, zone: r.zone ?? '', group: g.name, tier, direction, policy: pol.name, position: i + 1, rule: r.name,
          action: str(r.props.action) ?? 'deny', ipVersion: ref(r.props.ipVersion), protocol: str(r.props.protocol) ?? 'any',
          source: str(r.props.sourceIpAddress) ?? 'any', sourceSide: side(str(r.props.sourceIpAddress)),
          destination: str(r.props.destinationIpAddress) ?? 'any', destinationSide: side(str(r.props.destinationIpAddress)),
          port: str(r.props.destinationPort) ?? 'any', enabled: r.props.enabled !== false, description: ref(r.props.description),
          findings: findingsOn(ps, r),
          // FWaaS stops at the first match: whatever follows a deny-all of the same IP version never matches.
          dead: closed.has(ref(r.props.ipVersion)),
        });
        if (denyAll(r) && r.props.enabled !== false) closed.add(ref(r.props.ipVersion));
      });
    }
  }
  // Tiers whose router port carries no firewall group: traffic through that port is not filtered.
  const guardedPorts = new Set(fwGroups.flatMap((g) => arr(g.props.ports).map((p) => `${g.zone}/${ref(p)}`)));
  const routerPorts = ifaces.map((i) => inZone(ports, i.zone, ref(i.props.portId))).filter((p): p is Res => !!p);
  // A link between two routers needs its filter at one end only: a port counts as guarded when any router port on
  // its network carries a firewall group (the management transit is filtered on the core router's side).
  const guardedNets = new Set(routerPorts.filter((p) => guardedPorts.has(`${p.zone}/${p.name}`)).map((p) => `${p.zone}/${ref(p.props.networkId)}`));
  const unguardedTiers = routerPorts
    .filter((p) => !guardedPorts.has(`${p.zone}/${p.name}`) && !guardedNets.has(`${p.zone}/${ref(p.props.networkId)}`))
    .map((p) => `${p.zone}/${p.name} (${tierTag(p) ?? 'no tier'})`);
  const subnetInterfaces = ifaces.filter((i) => str(i.props.subnetId)).map((i) => `${i.zone}/${ref(i.props.subnetId)}`);
  const matrix = new Map<string, { stack: string; zone: string; from: string; to: string; services: Set<string> }>();
  for (const r of rows.filter((x) => x.action === 'allow' && !x.dead && x.enabled)) {
    const k = `${r.zone}|${r.sourceSide}|${r.destinationSide}`;
    const e = matrix.get(k) ?? { stack: r.stack, zone: r.zone, from: r.sourceSide, to: r.destinationSide, services: new Set<string>() };
    e.services.add(`${r.protocol}${r.port === 'any' ? '' : `/${r.port}`}`);
    matrix.set(k, e);
  }
  return {
    groups: fwGroups.map((g) => ({ stack: g.stack, zone: g.zone ?? '', group: g.name, tier: groupTier(g), ingressPolicy: ref(g.props.ingressFirewallPolicyId), egressPolicy: ref(g.props.egressFirewallPolicyId), ports: arr(g.props.ports).map(ref) })),
    rules: rows,
    matrix: [...matrix.values()].map((m) => ({ ...m, services: [...m.services].sort() })),
    missingPolicy,
    unguardedTiers: [...unguardedTiers, ...subnetInterfaces.map((s) => `${s} (interface by subnet, no port to attach a firewall group)`)],
    dead: rows.filter((r) => r.dead).map((r) => `${r.zone}/${r.policy}#${r.position} ${r.rule}`),
    orphanRules: fwRules.filter((r) => !usedRules.has(`${r.zone}/${r.name}`)).map((r) => `${r.zone}/${r.name}`),
    orphanPolicies: fwPolicies.filter((p) => !usedPolicies.has(`${p.zone}/${p.name}`)).map((p) => `${p.zone}/${p.name}`),
    unscoped: rows.filter((r) => r.action === 'allow' && !r.dead && r.sourceSide === 'any' && r.destinationSide === 'any' && r.port === 'any').map((r) => `${r.zone}/${r.rule}`),
  };
}

// ---------------------------------------------------------------- zones and the gatekeeper

/** Which tiers each router joins, from its interfaces (by port or by subnet). */
export function routerTiers(ps: readonly PlanSummary[]): Array<{ stack: string; zone: string; router: string; tiers: string[]; externalGateway: string }> {
  const ports = resourcesOf(ps, T.port);
  const subnets = resourcesOf(ps, T.subnet);
  const ifaces = resourcesOf(ps, T.routerInterface);
  return resourcesOf(ps, T.router).map((r) => {
    const tiers = new Set<string>();
    for (const i of ifaces.filter((x) => x.zone === r.zone && ref(x.props.routerId) === r.name)) {
      const port = ports.find((p) => p.zone === i.zone && p.name === ref(i.props.portId));
      const subnetName = str(i.props.subnetId) ?? str((arr(port?.props.fixedIps)[0] as Record<string, unknown> | undefined)?.subnetId);
      const subnet = subnets.find((s) => s.zone === i.zone && s.name === subnetName);
      const t = (port && tierTag(port)) ?? (subnet && tierTag(subnet));
      if (t) tiers.add(t);
    }
    return { stack: r.stack, zone: r.zone ?? '', router: r.name, tiers: [...tiers].sort(), externalGateway: ref(r.props.externalNetworkId) };
  });
}

/** The zones, their address plans and tiers, and the gatekeeper whitelist: the boundary between the pools. */
export function zoneFacts(ps: readonly PlanSummary[]) {
  const ctx = ps.find((p) => p.policyContext)?.policyContext;
  const spaces = Object.entries(ctx?.zones ?? {});
  const planned = ps.flatMap((p) => p.zones.map((z) => ({ stack: p.stack, zone: z.zone, title: z.title ?? '', region: z.region ?? '', addressSpace: z.addressSpace ?? ctx?.zones[z.zone] ?? { ipv4: [], ipv6: [] }, tiers: (z.tiers ?? []).map((t) => ({ kind: t.kind, ipv4: t.ipv4 ?? '', ipv6: t.ipv6 ?? '', ipv6Mode: t.ipv6Mode ?? '' })) })));
  const overlapsOf = (a: readonly string[], b: readonly string[]) => a.some((x) => b.some((y) => { const p = parsePrefix(x); const q = parsePrefix(y); return !!p && !!q && overlaps(p, q); }));
  const zoneOverlaps: string[] = [];
  spaces.forEach(([za, a], i) => spaces.slice(i + 1).forEach(([zb, b]) => {
    if (overlapsOf([...a.ipv4, ...a.ipv6], [...b.ipv4, ...b.ipv6])) zoneOverlaps.push(`${za} ∩ ${zb}`);
  }));
  const tierProblems: string[] = [];
  for (const z of planned) {
    const own = [...z.addressSpace.ipv4, ...z.addressSpace.ipv6];
    const cidrs = z.tiers.flatMap((t) => [t.ipv4, t.ipv6].filter(Boolean).map((c) => ({ tier: t.kind, c })));
    cidrs.forEach((x, i) => {
      const p = parsePrefix(x.c);
      if (!p || !own.some((o) => { const q = parsePrefix(o); return !!q && contains(q, p); })) tierProblems.push(`${z.zone}/${x.tier} ${x.c} lies outside the zone's address space`);
      for (const y of cidrs.slice(i + 1)) if (overlapsOf([x.c], [y.c])) tierProblems.push(`${z.zone}: ${x.tier} ${x.c} overlaps ${y.tier} ${y.c}`);
    });
  }
  const gk = ps.find((p) => p.gatekeeper)?.gatekeeper ?? ctx?.gatekeeper;
  const zoneNames = new Set(spaces.map(([z]) => z));
  const flows = (gk?.flows ?? []).map((f) => ({ ...f, peer: f.peer ?? '' }));
  const badFlows = flows.filter((f) => f.from === f.to || !zoneNames.has(f.from) || !zoneNames.has(f.to)).map((f) => `${f.id}: ${f.from} → ${f.to}`);
  const gatekeeperSides = ps.flatMap((p) => p.zones.map((z) => ({ zone: z.zone, present: p.resources.some((r) => r.type === 'yiyun:network:GatekeeperSide' && (r.zone ?? z.zone) === z.zone) })));
  // Environments in the address plan that no liangcheng stack plans (the dev zone): separate space, no flow.
  const others = spaces.filter(([z]) => !planned.some((p) => p.zone === z)).map(([z, s]) => ({
    zone: z, space: [...s.ipv4, ...s.ipv6], flows: flows.filter((f) => f.from === z || f.to === z).map((f) => f.id),
    overlapsPlanned: planned.some((p) => overlapsOf([...s.ipv4, ...s.ipv6], [...p.addressSpace.ipv4, ...p.addressSpace.ipv6])),
  }));
  return { zones: planned, addressPlan: Object.fromEntries(spaces), zoneOverlaps, tierProblems, gatekeeper: gk ? { name: gk.name, model: gk.model, flows } : null, badFlows, gatekeeperSides, others, routers: routerTiers(ps) };
}

// ---------------------------------------------------------------- management network

/** The management tier per zone: its networks, whether shared, and every router it is joined to with what else. */
export function managementFacts(ps: readonly PlanSummary[]) {
  const nets = resourcesOf(ps, T.network).filter((n) => tierTag(n) === 'management');
  const subnets = resourcesOf(ps, T.subnet).filter((s) => tierTag(s) === 'management');
  const routers = routerTiers(ps).filter((r) => r.tiers.includes('management'));
  const zones = ps.flatMap((p) => p.zones.map((z) => z.zone));
  return {
    zones: zones.map((zone) => ({
      zone,
      networks: nets.filter((n) => n.zone === zone).map((n) => ({ name: n.name, shared: n.props.shared === true })),
      subnets: subnets.filter((s) => s.zone === zone).map((s) => ({ name: s.name, cidr: ref(s.props.cidr), gateway: str(s.props.gatewayIp) ?? '' })),
      routers: routers.filter((r) => r.zone === zone),
    })),
    missing: zones.filter((z) => !nets.some((n) => n.zone === z)),
    shared: nets.filter((n) => n.props.shared === true).map((n) => `${n.zone}/${n.name}`),
  };
}
