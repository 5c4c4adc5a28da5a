import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Topology, TopologyNode } from '../types';

/** Node size of the diagram (px). */
export const W = 180;
export const H = 48;

export type Laid = { nodes: (TopologyNode & { x: number; y: number })[]; edges: { id: string; kind: string; points: { x: number; y: number }[] }[]; width: number; height: number };

const elk = new ELK();

/** Lays the graph out left to right (VPC → router → subnet → VM; SGs, HaVIPs and EIPs beside) with ELK's layered algorithm. */
export async function layout(t: Topology): Promise<Laid> {
  const ids = new Set(t.nodes.map((n) => n.id));
  const edges = t.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to], kind: e.kind }));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.edgeRouting': 'SPLINES',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: t.nodes.map((n) => ({ id: n.id, width: W, height: H })),
    edges,
  };
  const out = await elk.layout(graph);
  const pos = new Map((out.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  return {
    nodes: t.nodes.map((n) => ({ ...n, ...(pos.get(n.id) ?? { x: 0, y: 0 }) })),
    edges: (out.edges ?? []).map((e) => {
      const s = (e as any).sections?.[0];
      const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
      return { id: e.id, kind: edges.find((x) => x.id === e.id)?.kind ?? 'contains', points };
    }),
    width: out.width ?? 0,
    height: out.height ?? 0,
  };
}

