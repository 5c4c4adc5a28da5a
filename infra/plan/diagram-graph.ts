import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { PlanResult, ZonePlan } from './plan';

/** What kind of box a node is; the renderer colours by it. */
export type NodeKind = 'zone' | 'stub' | 'tier' | 'subnet' | 'router' | 'external' | 'havip' | 'security' | 'gatekeeper' | 'cluster' | 'app' | 'ferry';

export interface DiagramNode extends ElkNode {
  kind?: NodeKind;
  lines?: string[];
  children?: DiagramNode[];
}

const CHAR_W = 7;
const WIDE_W = 12;
const LINE_H = 15;

/** Rough text width: CJK glyphs are about twice as wide as Latin ones at the same size. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFFF]/.test(ch) ? WIDE_W : CHAR_W;
  return w;
}

function leaf(id: string, kind: NodeKind, lines: string[]): DiagramNode {
  const width = Math.max(80, ...lines.map(textWidth)) + 16;
  return { id, kind, lines, width, height: lines.length * LINE_H + 12 };
}

function group(id: string, kind: NodeKind, title: string[], children: DiagramNode[], algorithm = 'layered'): DiagramNode {
  return {
    id,
    kind,
    lines: title,
    children,
    layoutOptions: {
      'elk.algorithm': algorithm,
      'elk.direction': 'RIGHT',
      'elk.padding': `[top=${title.length * LINE_H + 16},left=12,bottom=12,right=12]`,
      'elk.spacing.nodeNode': '14',
      ...(algorithm === 'rectpacking' ? { 'elk.aspectRatio': '1.6' } : {}),
    },
  };
}

const tierTitle: Record<string, string> = {
  management: '管理区 management',
  services: '服务区 services',
  tenant: '租户区 tenants',
  storage: '存储区 storage',
  backup: '备份区 backup',
  edge: '边界区 edge (internet-facing)',
  ferry: '摆渡区 ferry (gatekeeper side)',
};

function zoneNode(z: ZonePlan): { node: DiagramNode; edges: ElkExtendedEdge[] } {
  const p = (s: string) => `${z.zone}:${s}`;
  const edges: ElkExtendedEdge[] = [];
  const edge = (from: string, to: string, label?: string) =>
    edges.push({ id: `e${edges.length}:${z.zone}:${from}->${to}`, sources: [p(from)], targets: [p(to)], ...(label ? { labels: [{ text: label, width: textWidth(label), height: 12 }] } : {}) });
  const tiers: DiagramNode[] = [];
  for (const t of z.tiers) {
    const kids: DiagramNode[] = [];
    const mode = t.ipv6Mode ? ` (${t.ipv6Mode})` : '';
    if (t.kind === 'tenant') {
      // Tenant /64s take the tenant tier's IPv6 mode (zone.ts); IPv4-only tenants show none.
      for (const tn of z.tenants) kids.push(leaf(p(`subnet:tenant-${tn.name}`), 'subnet', [tn.name, tn.ipv4, ...(tn.ipv6 ? [`${tn.ipv6}${mode}`] : [])]));
    } else {
      kids.push(leaf(p(`subnet:${t.kind}`), 'subnet', [
        `${t.kind} · ${t.stack === 'dual' ? 'dual-stack' : t.stack}`,
        ...(t.ipv4 ? [t.ipv4] : []),
        ...(t.ipv6 ? [`${t.ipv6}${mode}`] : []),
      ]));
    }
    for (const h of z.havips.filter((x) => x.tier === t.kind)) {
      kids.push(leaf(p(`havip:${h.name}`), h.role === 'postgres' ? 'havip' : 'security', [
        `HaVIP ${h.name} (${h.role})`,
        `VIP ${h.vip}${h.floatingIp ? ' + floating IP' : ''}`,
        `members ${h.members.join(', ')}`,
        'anti-affinity group, keepalived',
      ]));
    }
    if (t.kind === 'services') {
      const title = ['Kubernetes (Magnum)', 'yiyun roles: control plane, log audit,', 'bastion, DB audit, KMS; Prometheus, Grafana'];
      // One box per clinical app inside the cluster; without apps the cluster stays a plain box.
      const apps = z.apps.map((a) => leaf(p(`app:${a.id}`), 'app', [`#${a.item} ${a.name.zh}`, `${a.id} · ${a.vendorImage ? 'vendor image' : 'open source'}`]));
      kids.push(apps.length ? group(p('cluster'), 'cluster', title, apps, 'rectpacking') : leaf(p('cluster'), 'cluster', title));
    }
    if (t.kind === 'ferry') kids.push(leaf(p('ferry'), 'ferry', [`gatekeeper near side ${z.gatekeeper.address}`, `${z.gatekeeper.flows.length} declared flows`]));
    tiers.push(group(p(`tier:${t.kind}`), 'tier', [tierTitle[t.kind] ?? t.kind], kids, t.kind === 'tenant' ? 'rectpacking' : 'layered'));
  }
  const routed = z.tiers.filter((t) => t.kind !== 'storage' && t.kind !== 'management');
  const children: DiagramNode[] = [
    leaf(p('external'), 'external', [z.zone === 'internet' ? 'Internet' : 'external network', 'provider network']),
    leaf(p('router-core'), 'router', ['core router', 'FWaaS v2 ACL on every port (NGFW)']),
    leaf(p('router-mgmt'), 'router', ['management router', 'no gateway; transit to the core router (FWaaS)']),
    ...tiers,
  ];
  edge('external', 'router-core');
  for (const t of routed) edge('router-core', `tier:${t.kind}`);
  if (z.tiers.some((t) => t.kind === 'management')) {
    edge('router-mgmt', 'tier:management');
    edge('router-mgmt', 'router-core', 'management transit');
  }
  // The public traffic path: floating IP → WAF → IPS → the services' internal load balancers.
  const waf = z.havips.find((h) => h.role === 'waf');
  const ips = z.havips.find((h) => h.role === 'ips');
  if (waf) edge('external', `havip:${waf.name}`, 'HTTPS');
  if (waf && ips) edge(`havip:${waf.name}`, `havip:${ips.name}`, 'inspected');
  const last = ips ?? waf;
  if (last && z.tiers.some((t) => t.kind === 'services')) edge(`havip:${last.name}`, 'cluster', '443/8080');
  const pg = z.havips.find((h) => h.role === 'postgres');
  if (pg) edge('cluster', `havip:${pg.name}`, '5432');
  const title = [`${z.title} — zone ${z.zone} (${z.region})`, `IPv4 ${z.addressSpace.ipv4.join(', ')} · IPv6 ${z.addressSpace.ipv6.join(', ')}`];
  return { node: group(z.zone, 'zone', title, children), edges };
}

/** The ELK graph of the declared topology: zones, tiers, subnets, HaVIP pairs, security services, the gatekeeper and its flows. */
export function topologyGraph(plan: Pick<PlanResult, 'zones' | 'gatekeeper'>): DiagramNode {
  const children: DiagramNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  for (const z of plan.zones) {
    const { node, edges: e } = zoneNode(z);
    children.push(node);
    edges.push(...e);
  }
  const flows = plan.gatekeeper.flows;
  const planned = new Set(plan.zones.map((z) => z.zone));
  const touched = [...new Set(flows.flatMap((f) => [f.from, f.to]))];
  if (flows.some((f) => planned.has(f.from) || planned.has(f.to))) {
    children.push(leaf('gatekeeper', 'gatekeeper', [
      `网闸 ${plan.gatekeeper.name}: files only, nothing routed`,
      ...flows.map((f) => `${f.from} → ${f.to}: ${f.id} (${f.payload}, ${f.schedule})`),
    ]));
    for (const zone of touched) {
      if (!planned.has(zone)) children.push(leaf(`${zone}:ferry`, 'stub', [`zone ${zone}`, '(its own stack, not in this plan)']));
      const out = flows.filter((f) => f.from === zone).length;
      const inn = flows.filter((f) => f.to === zone).length;
      if (out) edges.push({ id: `gk-out-${zone}`, sources: [`${zone}:ferry`], targets: ['gatekeeper'], labels: [{ text: `${out} flow(s) out`, width: 80, height: 12 }] });
      if (inn) edges.push({ id: `gk-in-${zone}`, sources: ['gatekeeper'], targets: [`${zone}:ferry`], labels: [{ text: `${inn} flow(s) in`, width: 80, height: 12 }] });
    }
  }
  return {
    id: 'root',
    children,
    edges,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.spacing.nodeNode': '24',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=20,left=20,bottom=20,right=20]',
    },
  };
}
