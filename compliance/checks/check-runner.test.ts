import test from 'ava';
import { allCatalogues } from '../catalogues';
import { defineEvidenceSource, jsonFile, type CheckDefinition } from '../evidence-source';
import { createEvidenceRegistry, EvidenceRegistrationError, runChecks } from './check-runner';

const known = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));

function check(key: string, itemIds: string[], run: CheckDefinition['run'], extra: Partial<CheckDefinition> = {}): CheckDefinition {
  return { key, title: key, itemIds, kind: 'automated', run, ...extra };
}

test('registration refuses duplicate keys, unknown items and malformed keys', (t) => {
  const reg = createEvidenceRegistry(known);
  reg.register(defineEvidenceSource({ id: 'identity', room: 'platform/identity', checks: [check('identity.password-policy', ['L3-CES1-01'], async () => ({ verdict: 'pass', summary: 'ok', evidence: {} }))] }));
  t.throws(() => reg.register({ id: 'identity', room: 'x', checks: [] }), { instanceOf: EvidenceRegistrationError });
  t.throws(() => reg.register({ id: 'other', room: 'x', checks: [check('identity.password-policy', ['L3-CES1-01'], async () => ({ verdict: 'pass', summary: '', evidence: {} }))] }), { message: /twice/ });
  t.throws(() => reg.register({ id: 'typo', room: 'x', checks: [check('typo.check', ['L3-CES1-16'], async () => ({ verdict: 'pass', summary: '', evidence: {} }))] }), { message: /unknown item L3-CES1-16/ });
  t.throws(() => reg.register({ id: 'bad', room: 'x', checks: [check('NoDot', ['L3-CES1-01'], async () => ({ verdict: 'pass', summary: '', evidence: {} }))] }), { message: /room\.what/ });
  t.is(reg.checks().length, 1, 'a refused source registers none of its checks');
  t.is(reg.checksFor('L3-CES1-01')[0]?.sourceId, 'identity');
});

test('a check result becomes one record per covered item, with per-item overrides', async (t) => {
  const reg = createEvidenceRegistry(known);
  reg.register({
    id: 'identity', room: 'platform/identity',
    checks: [
      check('identity.accounts', ['L3-CES1-05', 'L3-CES1-06', 'L3-CES1-07'], async ({ now }) => ({
        verdict: 'pass', summary: '账户均已分配', evidence: { accounts: 3, at: now }, files: [jsonFile('accounts.json', [{ login: 'a' }])],
        perItem: { 'L3-CES1-07': { verdict: 'fail', summary: '存在 90 天未登录账户', risk: 'medium' } },
      })),
    ],
  });
  const recs = await runChecks(reg.checks());
  t.is(recs.length, 3);
  t.deepEqual(recs.map((r) => [r.itemId, r.verdict]), [['L3-CES1-05', 'pass'], ['L3-CES1-06', 'pass'], ['L3-CES1-07', 'fail']]);
  t.is(recs[2]!.risk, 'medium');
  t.is(typeof recs[0]!.evidence.at, 'string', 'evidence is plain JSON (dates become strings)');
  t.is(recs[0]!.files[0]!.name, 'accounts.json');
});

test('a throwing, slow or malformed check yields error/timeout records and the run goes on', async (t) => {
  const reg = createEvidenceRegistry(known);
  let sawAbort = false;
  reg.register({
    id: 'x', room: 'test',
    checks: [
      check('x.throws', ['L3-CES1-12'], async () => { throw new Error('database unreachable'); }),
      check('x.slow', ['L3-CES1-14'], ({ signal }) => new Promise((resolve) => {
        signal.addEventListener('abort', () => { sawAbort = true; });
        setTimeout(() => resolve({ verdict: 'pass', summary: 'late', evidence: {} }), 2000);
      }), { timeoutMs: 50 }),
      check('x.malformed', ['L3-CES1-13'], async () => ({ verdict: 'maybe', summary: 'x', evidence: {} }) as never),
      check('x.badfile', ['L3-CES1-15'], async () => ({ verdict: 'pass', summary: 'x', evidence: {}, files: [{ name: '../etc/passwd', content: Buffer.from('x') }] })),
      check('x.ok', ['L3-CES1-01'], async () => ({ verdict: 'pass', summary: 'fine', evidence: {} })),
    ],
  });
  const progress: string[] = [];
  const recs = await runChecks(reg.checks(), { onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
  const by = new Map(recs.map((r) => [r.checkKey, r]));
  t.is(by.get('x.throws')?.status, 'error');
  t.regex(by.get('x.throws')?.summary ?? '', /database unreachable/);
  t.is(by.get('x.slow')?.status, 'timeout');
  t.true(sawAbort, 'the check was told to stop');
  t.is(by.get('x.malformed')?.status, 'error');
  t.is(by.get('x.badfile')?.status, 'error');
  t.is(by.get('x.ok')?.verdict, 'pass');
  t.true([...by.values()].filter((r) => r.status !== 'ok').every((r) => r.verdict === null));
  t.is(progress.length, 5);
  t.is(progress.at(-1), '5/5');
});

test('a check may return one result per tenant', async (t) => {
  const reg = createEvidenceRegistry(known);
  const tenantA = '11111111-1111-4111-8111-111111111111';
  reg.register({ id: 'cloud', room: 'platform/cloud', checks: [check('cloud.local-backups', ['L3-CES2-14'], async () => [
    { verdict: 'pass', summary: 'platform', evidence: {} },
    { verdict: 'fail', summary: 'tenant A has no local backup', evidence: {}, tenantId: tenantA },
  ])] });
  const recs = await runChecks(reg.checks());
  t.deepEqual(recs.map((r) => [r.tenantId, r.verdict]), [[null, 'pass'], [tenantA, 'fail']]);
});
