import type { CatalogueItem } from '../catalogues';
import { RISK_ORDER, type AssessedObject, type Risk, type Verdict } from '../verdict';
import type { ConclusionBand, DengbaoTemplate, MipingTemplate } from './scoring-templates';

/** What scoring needs to know of one item: its verdict (null = not assessed yet), the finding's risk, 密评 objects. */
export type ItemState = {
  itemId: string;
  verdict: Verdict | null;
  risk?: Risk | null;
  objects?: readonly AssessedObject[];
};

export type Counts = { pass: number; partial: number; fail: number; na: number; pending: number; total: number };

export type ControlPointScore = {
  clause: string;
  controlPoint: string;
  part: CatalogueItem['part'];
  /** 0..1, null when every item is 不适用 (or pending and excluded). */
  score: number | null;
  itemIds: string[];
};

export type CategoryScore = {
  category: string;
  domain: CatalogueItem['domain'];
  /** 0..100, null when no control point of the category is scored. */
  score: number | null;
  counts: Counts;
  controlPoints: ControlPointScore[];
};

export type Finding = { itemId: string; verdict: Verdict | null; risk: Risk };

export type DengbaoScore = {
  templateId: string;
  score: number;
  grade: string;
  passes: boolean;
  worstOpenRisk: Risk | null;
  counts: Counts;
  categories: CategoryScore[];
  findings: Finding[];
};

const round2 = (x: number): number => Math.round(x * 100) / 100;

function emptyCounts(): Counts {
  return { pass: 0, partial: 0, fail: 0, na: 0, pending: 0, total: 0 };
}

function countInto(c: Counts, v: Verdict | null): void {
  c.total++;
  if (v === null) c.pending++;
  else c[v]++;
}

/** Score of one item under a template, or null when it is left out (不适用, or pending with `exclude`). */
export function itemScore(
  verdict: Verdict | null,
  tpl: { verdictScore: Record<Exclude<Verdict, 'na'>, number>; pending: 'fail' | 'exclude' },
): number | null {
  if (verdict === 'na') return null;
  if (verdict === null) return tpl.pending === 'fail' ? tpl.verdictScore.fail : null;
  return tpl.verdictScore[verdict];
}

/** Picks the first band whose score floor and worst allowed risk the result meets. */
export function conclude(bands: readonly ConclusionBand[], score: number, worst: Risk | null): ConclusionBand {
  for (const b of bands) {
    if (score + 1e-9 >= b.minScore && (worst === null || RISK_ORDER[worst] <= RISK_ORDER[b.maxOpenRisk])) return b;
  }
  const last = bands[bands.length - 1];
  if (!last) throw new Error('a scoring template needs at least one conclusion band');
  return last;
}

function weightedMean(pairs: Array<[number, number]>): number | null {
  let num = 0;
  let den = 0;
  for (const [w, s] of pairs) {
    num += w * s;
    den += w;
  }
  return den > 0 ? num / den : null;
}

/**
 * 等保 score: item (verdict score × importance weight) → control point (weighted mean of its items) → 安全类 (mean
 * of its control points × 100) → overall (category-weighted mean). Conclusion from the template's bands and the
 * worst open finding. See docs/compliance.md.
 */
export function scoreDengbao(
  items: readonly CatalogueItem[],
  states: ReadonlyMap<string, ItemState>,
  tpl: DengbaoTemplate,
): DengbaoScore {
  const counts = emptyCounts();
  const findings: Finding[] = [];
  const byCategory = new Map<string, { domain: CatalogueItem['domain']; counts: Counts; cps: Map<string, { cp: ControlPointScore; pairs: Array<[number, number]> }> }>();
  for (const item of items) {
    const st = states.get(item.id);
    const verdict = st?.verdict ?? null;
    countInto(counts, verdict);
    let cat = byCategory.get(item.category);
    if (!cat) {
      cat = { domain: item.domain, counts: emptyCounts(), cps: new Map() };
      byCategory.set(item.category, cat);
    }
    countInto(cat.counts, verdict);
    let cp = cat.cps.get(item.clause);
    if (!cp) {
      cp = { cp: { clause: item.clause, controlPoint: item.controlPoint, part: item.part, score: null, itemIds: [] }, pairs: [] };
      cat.cps.set(item.clause, cp);
    }
    cp.cp.itemIds.push(item.id);
    const s = itemScore(verdict, tpl);
    if (s !== null) cp.pairs.push([tpl.importanceWeights[item.importance], s]);
    if (verdict === 'fail' || verdict === 'partial' || verdict === null) {
      const risk = st?.risk ?? (verdict === 'fail' || verdict === null ? tpl.defaultRisk[item.importance] : 'low');
      findings.push({ itemId: item.id, verdict, risk });
    }
  }
  const categories: CategoryScore[] = [];
  const overallPairs: Array<[number, number]> = [];
  for (const [category, cat] of byCategory) {
    const cps: ControlPointScore[] = [];
    const cpScores: Array<[number, number]> = [];
    for (const { cp, pairs } of cat.cps.values()) {
      cp.score = weightedMean(pairs);
      if (cp.score !== null) cpScores.push([1, cp.score]);
      cps.push(cp);
    }
    const m = weightedMean(cpScores);
    const score = m === null ? null : m * 100;
    categories.push({ category, domain: cat.domain, score: score === null ? null : round2(score), counts: cat.counts, controlPoints: cps });
    if (score !== null) overallPairs.push([tpl.categoryWeights[category] ?? 1, score]);
  }
  const overall = weightedMean(overallPairs) ?? 0;
  // Pending items are findings for the dashboard, but only assessed findings set the risk of the conclusion.
  const worst = worstRisk(findings.filter((f) => f.verdict !== null));
  const band = conclude(tpl.bands, overall, worst);
  return {
    templateId: tpl.id,
    score: round2(overall),
    grade: band.grade,
    passes: band.passes,
    worstOpenRisk: worst,
    counts,
    categories,
    findings,
  };
}

function worstRisk(findings: readonly Finding[]): Risk | null {
  let worst: Risk | null = null;
  for (const f of findings) if (worst === null || RISK_ORDER[f.risk] > RISK_ORDER[worst]) worst = f.risk;
  return worst;
}

/** One 密评 unit's score in 0..1 from its objects (D, A, K) or its verdict; null when left out. */
export function mipingUnitScore(state: ItemState | undefined, tpl: MipingTemplate): number | null {
  const objects = state?.objects ?? [];
  if (state?.verdict !== 'na' && objects.length > 0) {
    let sum = 0;
    for (const o of objects) sum += tpl.objectFormula === 'product' ? o.d * o.a * o.k : (o.d * (o.a + o.k)) / 2;
    return sum / objects.length;
  }
  return itemScore(state?.verdict ?? null, tpl);
}

export type MipingLayerScore = { layer: string; weight: number; score: number | null; unitIds: string[] };

export type MipingScore = {
  templateId: string;
  score: number;
  passes: boolean;
  highRiskOpen: boolean;
  counts: Counts;
  layers: MipingLayerScore[];
  units: Array<{ itemId: string; score: number | null }>;
};

/**
 * 密评 score: per unit S_j (mean over assessed objects of D·A·K, or the verdict score), per layer Σw_j·S_j / Σw_j,
 * overall Σ layer weight × layer score, renormalised over layers that have any applicable unit, out of 100.
 */
export function scoreMiping(
  items: readonly CatalogueItem[],
  states: ReadonlyMap<string, ItemState>,
  tpl: MipingTemplate,
): MipingScore {
  const counts = emptyCounts();
  const units: Array<{ itemId: string; score: number | null }> = [];
  const layers: MipingLayerScore[] = [];
  let highRiskOpen = false;
  const layerOf = new Map<string, string>();
  for (const l of tpl.layers) for (const c of l.categories) layerOf.set(c, l.name);
  const pairsByLayer = new Map<string, Array<[number, number]>>();
  const idsByLayer = new Map<string, string[]>();
  for (const item of items) {
    const st = states.get(item.id);
    countInto(counts, st?.verdict ?? null);
    if (st?.risk === 'high' && st.verdict !== 'pass' && st.verdict !== 'na') highRiskOpen = true;
    const layer = layerOf.get(item.category);
    if (!layer) throw new Error(`密评 template ${tpl.id} has no layer for category ${item.category}`);
    const s = mipingUnitScore(st, tpl);
    units.push({ itemId: item.id, score: s === null ? null : round2(s) });
    idsByLayer.set(layer, [...(idsByLayer.get(layer) ?? []), item.id]);
    if (s !== null) pairsByLayer.set(layer, [...(pairsByLayer.get(layer) ?? []), [item.weight, s]]);
  }
  const overallPairs: Array<[number, number]> = [];
  for (const l of tpl.layers) {
    const m = weightedMean(pairsByLayer.get(l.name) ?? []);
    layers.push({ layer: l.name, weight: l.weight, score: m === null ? null : round2(m * 100), unitIds: idsByLayer.get(l.name) ?? [] });
    if (m !== null) overallPairs.push([l.weight, m * 100]);
  }
  const overall = weightedMean(overallPairs) ?? 0;
  return {
    templateId: tpl.id,
    score: round2(overall),
    passes: overall + 1e-9 >= tpl.passScore && !highRiskOpen,
    highRiskOpen,
    counts,
    layers,
    units,
  };
}

export type Drag = { itemId: string; verdict: Verdict | null; gain: number };

/**
 * Which items drag the score most: for every item not yet 符合 (and not 不适用), how many points the overall score
 * would gain if it were 符合, largest first. Exact: it re-scores with that one item changed.
 */
export function dragItems(
  items: readonly CatalogueItem[],
  states: ReadonlyMap<string, ItemState>,
  score: (states: ReadonlyMap<string, ItemState>) => number,
  limit = 20,
): Drag[] {
  const base = score(states);
  const out: Drag[] = [];
  for (const item of items) {
    const st = states.get(item.id);
    const v = st?.verdict ?? null;
    if (v === 'pass' || v === 'na') continue;
    const changed = new Map(states);
    changed.set(item.id, { itemId: item.id, verdict: 'pass', risk: null });
    const gain = score(changed) - base;
    if (gain > 1e-9) out.push({ itemId: item.id, verdict: v, gain: round2(gain) });
  }
  out.sort((x, y) => y.gain - x.gain || x.itemId.localeCompare(y.itemId));
  return out.slice(0, limit);
}

/** Unrounded 等保 overall score, for exact comparisons (drag, tests). */
export function rawDengbaoScore(items: readonly CatalogueItem[], states: ReadonlyMap<string, ItemState>, tpl: DengbaoTemplate): number {
  // Recomputes without rounding the category scores so differences are exact.
  const byCat = new Map<string, Map<string, Array<[number, number]>>>();
  for (const item of items) {
    const s = itemScore(states.get(item.id)?.verdict ?? null, tpl);
    let cps = byCat.get(item.category);
    if (!cps) byCat.set(item.category, (cps = new Map()));
    const pairs = cps.get(item.clause) ?? [];
    if (s !== null) pairs.push([tpl.importanceWeights[item.importance], s]);
    cps.set(item.clause, pairs);
  }
  const overall: Array<[number, number]> = [];
  for (const [cat, cps] of byCat) {
    const cpScores: Array<[number, number]> = [];
    for (const pairs of cps.values()) {
      const m = weightedMean(pairs);
      if (m !== null) cpScores.push([1, m]);
    }
    const m = weightedMean(cpScores);
    if (m !== null) overall.push([tpl.categoryWeights[cat] ?? 1, m * 100]);
  }
  return weightedMean(overall) ?? 0;
}
