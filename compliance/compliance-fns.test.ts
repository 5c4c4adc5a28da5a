import test from 'ava';
import { findItem } from './catalogues';
import { combineVerdicts, effectiveItem, type ManualVerdict, type StoredResult } from './compliance-fns';
import { createComplianceRoutes } from './compliance-routes';
import type { ComplianceService } from './compliance-service';

const at = (s: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, s));

function result(itemId: string, verdict: StoredResult['verdict'], s: number, extra: Partial<StoredResult> = {}): StoredResult {
  return {
    id: `r${s}`, runId: 'run', itemId, checkKey: 'x.y', checkTitle: 'x', checkKind: 'automated', sourceId: 'x', room: 'x', tenantId: null,
    status: 'ok', verdict, risk: null, summary: `r${s}`, evidence: {}, objects: null, collectedAt: at(s), durationMs: 1, error: null, files: [], ...extra,
  };
}
function manual(itemId: string, verdict: ManualVerdict['verdict'], s: number): ManualVerdict {
  return { id: `m${s}`, itemId, tenantId: null, verdict, risk: null, note: `m${s}`, objects: null, recordedBy: 'assessor', recordedAt: at(s), kind: 'operator', files: [] };
}

test('worst verdict wins; 不适用 only when all say so', (t) => {
  t.is(combineVerdicts(['pass', 'partial', 'na']), 'partial');
  t.is(combineVerdicts(['pass', 'fail']), 'fail');
  t.is(combineVerdicts(['na', 'na']), 'na');
  t.is(combineVerdicts([]), null);
});

test('automated items: the newer of check and manual verdict decides', (t) => {
  const item = findItem('L3-CES1-01')!;
  t.is(effectiveItem(item, [result(item.id, 'pass', 10)], [manual(item.id, 'fail', 5)]).verdict, 'pass');
  const e = effectiveItem(item, [result(item.id, 'pass', 10)], [manual(item.id, 'fail', 20)]);
  t.is(e.verdict, 'fail');
  t.is(e.decidedBy, 'manual');
});

test('partial items: a check verdict awaits confirmation until a manual verdict, which then decides', (t) => {
  const item = findItem('L3-CES1-17')!; // partial
  const e = effectiveItem(item, [result(item.id, 'pass', 10, { checkKind: 'partial' })], []);
  t.is(e.status, 'awaiting-confirmation');
  t.is(e.verdict, 'pass');
  t.is(effectiveItem(item, [result(item.id, 'pass', 30)], [manual(item.id, 'partial', 10)]).verdict, 'partial');
});

test('errors, na items and pending items', (t) => {
  const item = findItem('L3-CES1-12')!;
  const err = effectiveItem(item, [result(item.id, null, 1, { status: 'timeout', summary: '检查超时' }), result(item.id, 'pass', 2)], []);
  t.is(err.status, 'error');
  t.is(err.verdict, null);
  t.is(effectiveItem(findItem('L3-ABS1-04')!, [], []).verdict, 'na');
  t.is(effectiveItem(findItem('L3-ABS1-04')!, [], [manual('L3-ABS1-04', 'fail', 1)]).verdict, 'fail', 'an assessor can overrule a catalogue 不适用');
  t.is(effectiveItem(findItem('L3-PES1-01')!, [], []).status, 'manual-pending');
  t.is(effectiveItem(findItem('L3-CES1-01')!, [], []).status, 'check-pending');
});

test('every route declares one of the compliance permissions and a compliance path', (t) => {
  const routes = createComplianceRoutes({ service: {} as ComplianceService, pack: { signer: { keyId: 'k', publicKeyHex: '04', sign: () => Buffer.alloc(0) } } });
  t.true(routes.length >= 8);
  for (const r of routes) {
    t.true(['compliance.read', 'compliance.manual_verdict', 'compliance.assess', 'compliance.run', 'compliance.export'].includes(String(r.access)), r.path);
    t.true(r.path.startsWith('/api/compliance/'));
    if (r.method !== 'get') t.truthy(r.audit, `${r.method} ${r.path} names its audit action`);
  }
});
