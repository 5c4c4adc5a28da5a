import test from 'ava';
import fc from 'fast-check';
import { getCatalogue } from '../catalogues';
import { VERDICTS, type Verdict } from '../verdict';
import { conclude, dragItems, rawDengbaoScore, scoreDengbao, scoreMiping, type ItemState } from './scoring-fns';
import { DENGBAO_TEMPLATE_2021 as TPL, MIPING_TEMPLATE_2021 as MTPL } from './scoring-templates';

const dengbao = getCatalogue('dengbao-l3').items;
const miping = getCatalogue('miping-l3').items;

function allAs(items: typeof dengbao, v: Verdict | null): Map<string, ItemState> {
  return new Map(items.map((i) => [i.id, { itemId: i.id, verdict: v }]));
}

const verdictArb = fc.constantFrom<Verdict | null>(...VERDICTS, null);
const statesArb = (items: typeof dengbao) =>
  fc.array(verdictArb, { minLength: items.length, maxLength: items.length }).map(
    (vs) => new Map(items.map((i, n) => [i.id, { itemId: i.id, verdict: vs[n] ?? null }])),
  );

test('all 符合 scores 100 and 优; all 不符合 or pending scores 0 and 差', (t) => {
  const all = scoreDengbao(dengbao, allAs(dengbao, 'pass'), TPL);
  t.is(all.score, 100);
  t.is(all.grade, '优');
  t.true(all.passes);
  t.is(all.findings.length, 0);
  t.is(scoreDengbao(dengbao, allAs(dengbao, 'fail'), TPL).score, 0);
  const pending = scoreDengbao(dengbao, allAs(dengbao, null), TPL);
  t.is(pending.score, 0);
  t.is(pending.grade, '差');
  t.is(pending.counts.pending, 257);
  t.is(scoreDengbao(dengbao, allAs(dengbao, 'partial'), TPL).score, 50, '部分符合 factor 0.5 everywhere → 50');
});

test('property: the score stays within 0..100; turning a 不符合 into 不适用 never lowers it', (t) => {
  fc.assert(
    fc.property(statesArb(dengbao), fc.nat(dengbao.length - 1), (states, n) => {
      const s = scoreDengbao(dengbao, states, TPL).score;
      if (s < 0 || s > 100) return false;
      const item = dengbao[n]!;
      if (states.get(item.id)?.verdict !== 'fail') return true;
      const next = new Map(states);
      next.set(item.id, { itemId: item.id, verdict: 'na' });
      return rawDengbaoScore(dengbao, next, TPL) >= rawDengbaoScore(dengbao, states, TPL) - 1e-9;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('property: improving one item never lowers the score (monotone)', (t) => {
  const rank: Record<string, number> = { fail: 0, partial: 1, pass: 2 };
  fc.assert(
    fc.property(statesArb(dengbao), fc.nat(dengbao.length - 1), (states, n) => {
      const item = dengbao[n]!;
      const before = rawDengbaoScore(dengbao, states, TPL);
      const v = states.get(item.id)?.verdict ?? null;
      if (v === 'na' || v === 'pass') return true;
      const next = new Map(states);
      next.set(item.id, { itemId: item.id, verdict: (rank[v ?? 'fail'] ?? 0) === 0 ? 'partial' : 'pass' });
      return rawDengbaoScore(dengbao, next, TPL) >= before - 1e-9;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('property: the rounded report score equals the exact score rounded', (t) => {
  fc.assert(
    fc.property(statesArb(dengbao), (states) => {
      const r = scoreDengbao(dengbao, states, TPL).score;
      return Math.abs(r - Math.round(rawDengbaoScore(dengbao, states, TPL) * 100) / 100) < 1e-9;
    }),
    { numRuns: 50 },
  );
  t.pass();
});

test('one key item failing drops the score by weight share of its control point and category', (t) => {
  const states = allAs(dengbao, 'pass');
  states.set('L3-CES1-01', { itemId: 'L3-CES1-01', verdict: 'fail' });
  // 身份鉴别 (8.1.4.1) has 4 key items (weight 1 each) → control point 3/4. 安全计算环境 has 11 general +
  // 7 cloud control points = 18 → category 100 − 25/18. 10 categories with equal weight → overall − 25/180.
  const expected = 100 - 25 / 18 / 10;
  t.true(Math.abs(rawDengbaoScore(dengbao, states, TPL) - expected) < 1e-9);
  const s = scoreDengbao(dengbao, states, TPL);
  t.is(s.worstOpenRisk, 'medium', 'a failing key item is a medium-risk finding by default');
  t.is(s.grade, '良', '≥ 90 but a medium-risk finding is open → 良, not 优');
});

test('conclusion bands: a high-risk finding forces 差 whatever the score', (t) => {
  t.is(conclude(TPL.bands, 99, 'high').grade, '差');
  t.is(conclude(TPL.bands, 95, null).grade, '优');
  t.is(conclude(TPL.bands, 85, 'low').grade, '良');
  t.is(conclude(TPL.bands, 72, 'medium').grade, '中');
  t.is(conclude(TPL.bands, 69.99, null).grade, '差');
});

test('drag: the items that would gain most are listed first, gains exact', (t) => {
  const states = allAs(dengbao, 'pass');
  states.set('L3-CES1-01', { itemId: 'L3-CES1-01', verdict: 'fail' });
  states.set('L3-PES1-21', { itemId: 'L3-PES1-21', verdict: 'fail' });
  states.set('L3-MMS1-13', { itemId: 'L3-MMS1-13', verdict: 'partial' });
  const drags = dragItems(dengbao, states, (s) => rawDengbaoScore(dengbao, s, TPL));
  t.is(drags.length, 3);
  const base = rawDengbaoScore(dengbao, states, TPL);
  for (const d of drags) {
    const fixed = new Map(states);
    fixed.set(d.itemId, { itemId: d.itemId, verdict: 'pass' });
    t.true(Math.abs(rawDengbaoScore(dengbao, fixed, TPL) - base - d.gain) < 0.01);
  }
  t.true(drags[0]!.gain >= drags[1]!.gain && drags[1]!.gain >= drags[2]!.gain);
});

test('密评: all 符合 is 100 and passes; D·A·K per object averages into the unit', (t) => {
  const states = new Map<string, ItemState>(miping.map((i) => [i.id, { itemId: i.id, verdict: 'pass' as Verdict }]));
  const all = scoreMiping(miping, states, MTPL);
  t.is(all.score, 100);
  t.true(all.passes);
  // One object fully effective, one with K = 0.5 on the app-layer authentication unit (weight 1.0 of 6.2 in 应用和数据)
  states.set('MP-AD-01', { itemId: 'MP-AD-01', verdict: 'partial', objects: [{ name: 'HIS', d: 1, a: 1, k: 1 }, { name: 'EMR', d: 1, a: 1, k: 0.5 }] });
  const s = scoreMiping(miping, states, MTPL);
  const appWeights = miping.filter((i) => i.category === '应用和数据安全').reduce((a, i) => a + i.weight, 0);
  const expected = 100 - (30 * (1 - 0.75) * 1.0) / appWeights;
  t.true(Math.abs(s.score - Math.round(expected * 100) / 100) < 1e-9);
  t.is(s.units.find((u) => u.itemId === 'MP-AD-01')?.score, 0.75);
});

test('密评: a high-risk finding fails the assessment even with a high score', (t) => {
  const states = new Map<string, ItemState>(miping.map((i) => [i.id, { itemId: i.id, verdict: 'pass' as Verdict }]));
  states.set('MP-NC-03', { itemId: 'MP-NC-03', verdict: 'fail', risk: 'high' });
  const s = scoreMiping(miping, states, MTPL);
  t.true(s.score > 90);
  t.false(s.passes);
});

test('property: 密评 score within 0..100; a whole layer 不适用 renormalises the others', (t) => {
  fc.assert(
    fc.property(statesArb(miping), (states) => {
      const s = scoreMiping(miping, states, MTPL).score;
      return s >= 0 && s <= 100;
    }),
    { numRuns: 200 },
  );
  const states = new Map(miping.map((i) => [i.id, { itemId: i.id, verdict: (i.category === '物理和环境安全' ? 'na' : 'pass') as Verdict }]));
  t.is(scoreMiping(miping, states, MTPL).score, 100);
});
