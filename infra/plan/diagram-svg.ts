import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge } from 'elkjs/lib/elk-api';
import { topologyGraph, type DiagramNode, type NodeKind } from './diagram-graph';
import type { PlanResult } from './plan';

const FILL: Record<NodeKind, [string, string]> = {
  zone: ['#f7f9fc', '#3b5b8c'],
  stub: ['#eeeeee', '#777777'],
  tier: ['#ffffff', '#8aa2c8'],
  subnet: ['#e8f1ff', '#4a78c2'],
  router: ['#fff4e0', '#c08020'],
  external: ['#f0f0f0', '#555555'],
  havip: ['#e9f7ef', '#2e8b57'],
  security: ['#fdecea', '#c0392b'],
  gatekeeper: ['#fff0f6', '#a0306a'],
  cluster: ['#eef0ff', '#5a5ad0'],
  app: ['#ffffff', '#5a5ad0'],
  ferry: ['#fff0f6', '#a0306a'],
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function drawNode(n: DiagramNode, out: string[]): void {
  const [fill, stroke] = FILL[n.kind ?? 'subnet'];
  const x = n.x ?? 0;
  const y = n.y ?? 0;
  const container = (n.children?.length ?? 0) > 0;
  out.push(`<g class="node ${n.kind ?? ''}" id="${esc(n.id)}">`);
  out.push(`<rect x="${x}" y="${y}" width="${n.width ?? 0}" height="${n.height ?? 0}" rx="${container ? 8 : 4}" fill="${fill}" stroke="${stroke}" stroke-width="${n.kind === 'zone' ? 2.5 : 1.2}"${n.kind === 'stub' ? ' stroke-dasharray="6 4"' : ''}/>`);
  (n.lines ?? []).forEach((line, i) => {
    const weight = i === 0 ? ' font-weight="bold"' : '';
    out.push(`<text x="${x + 8}" y="${y + 18 + i * 15}"${weight}>${esc(line)}</text>`);
  });
  out.push('</g>');
  for (const c of n.children ?? []) drawNode(c, out);
}

function drawEdge(e: ElkExtendedEdge, out: string[]): void {
  for (const s of e.sections ?? []) {
    const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${p.x},${p.y}`).join(' ');
    const gk = e.id.startsWith('gk-');
    out.push(`<polyline points="${pts}" fill="none" stroke="${gk ? '#a0306a' : '#667'}" stroke-width="${gk ? 2 : 1.2}"${gk ? ' stroke-dasharray="8 4"' : ''} marker-end="url(#arrow)"/>`);
  }
  for (const l of e.labels ?? []) {
    if (l.x === undefined || l.y === undefined || !l.text) continue;
    out.push(`<text class="edge-label" x="${l.x}" y="${l.y + 10}">${esc(l.text)}</text>`);
  }
}

function collectEdges(n: DiagramNode, into: ElkExtendedEdge[]): void {
  into.push(...(n.edges ?? []));
  for (const c of n.children ?? []) collectEdges(c, into);
}

/** Lays out the declared topology with ELK (layered, orthogonal edges) and draws it as SVG. */
export async function renderTopologySvg(plan: Pick<PlanResult, 'zones' | 'gatekeeper' | 'stack'>): Promise<string> {
  const elk = new ELK();
  const laid = (await elk.layout(topologyGraph(plan))) as DiagramNode;
  const width = Math.ceil(laid.width ?? 800);
  const height = Math.ceil(laid.height ?? 600) + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'DejaVu Sans Mono', monospace" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#667"/></marker></defs>',
    '<style>.edge-label{font-size:10px;fill:#333}</style>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="${height - 10}" fill="#555">yiyun plan — ${esc(plan.stack)} — network topology as declared (generated, do not edit)</text>`,
  ];
  for (const c of laid.children ?? []) drawNode(c, out);
  const edges: ElkExtendedEdge[] = [];
  collectEdges(laid, edges);
  for (const e of edges) drawEdge(e, out);
  out.push('</svg>');
  return out.join('\n');
}
