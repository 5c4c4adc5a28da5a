import test from 'ava';
import type { CheckResult } from '../../compliance';
import type { AuditRecord, ChainVerification } from '../../core/audit';
import { auditEvidenceSource, REQUIRED_GUARDS, type AuditEvidenceDeps, type TrailCopies } from './audit-evidence';

const NOW = new Date('2026-11-20T08:00:00Z');
const DAY = 86_400_000;

function rec(seq: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq, id: `id-${seq}`, occurredAt: new Date(NOW.getTime() - seq * 60_000), actorKind: 'account', actorAccount: 'a1', actorLogin: 'admin', actorRoles: ['sysadmin'],
    tenantId: null, sourceIp: '10.0.0.5', requestId: `r${seq}`, action: 'vm.created', targetType: 'vm', targetId: `vm-${seq}`, outcome: 'success',
    beforeSummary: null, afterSummary: null, detail: null, prevHash: 'p', hash: 'h', ...over,
  };
}

const GOOD_COPIES: TrailCopies = { logAudit: { retentionDays: 180, lastIngestAt: new Date(NOW.getTime() - 60_000) }, archive: 'sftp', ferryFlow: null };

function deps(over: { records?: AuditRecord[]; verify?: ChainVerification; guards?: string[]; copies?: TrailCopies; oldest?: Date } = {}): AuditEvidenceDeps {
  const records = over.records ?? [rec(1), rec(2, { outcome: 'denied', action: 'account.login' })];
  return {
    trail: {
      verify: async () => over.verify ?? { ok: true, records: records.length, checkpoints: 1, lastSeq: records.length },
      search: async (q) => {
        const hits = records.filter((r) => (!q.outcome || r.outcome === q.outcome) && (!q.from || r.occurredAt >= q.from));
        return { items: hits.slice(q.offset, q.offset + q.limit), total: hits.length };
      },
      readAfter: async () => (records.length ? [{ ...records[0]!, occurredAt: over.oldest ?? new Date(NOW.getTime() - 400 * DAY) }] : []),
    },
    appendOnlyGuards: async () => over.guards ?? [...REQUIRED_GUARDS],
    copies: async () => over.copies ?? GOOD_COPIES,
  };
}

async function run(key: string, d: AuditEvidenceDeps): Promise<CheckResult> {
  const check = auditEvidenceSource(d).checks.find((c) => c.key === key)!;
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}

test('audit.chain-verifies: an intact chain passes; a broken link is 不符合 with high risk and names the record', async (t) => {
  t.is((await run('audit.chain-verifies', deps())).verdict, 'pass');
  const broken = await run('audit.chain-verifies', deps({ verify: { ok: false, records: 40, checkpoints: 0, lastSeq: 17, firstBad: { seq: 18, reason: 'hash mismatch' } } }));
  t.is(broken.verdict, 'fail');
  t.is(broken.risk, 'high');
  t.regex(broken.summary, /第 18 条断裂：hash mismatch/);
});

test('audit.coverage: recent records pass and are counted by room; thirty silent days fail', async (t) => {
  const ok = await run('audit.coverage', deps());
  t.is(ok.verdict, 'pass');
  t.is(ok.evidence.deniedLast30Days, 1);
  t.deepEqual(ok.evidence.actionsByRoomInSample, { vm: 1, account: 1 });
  const silent = await run('audit.coverage', deps({ records: [rec(1, { occurredAt: new Date(NOW.getTime() - 40 * DAY) })] }));
  t.is(silent.verdict, 'fail');
  t.is(silent.risk, 'high');
});

test('audit.fields: complete records pass; a request record without its source address is 部分符合; a missing element fails', async (t) => {
  t.is((await run('audit.fields', deps())).verdict, 'pass');
  // System actors (jobs) have no source address and need none.
  t.is((await run('audit.fields', deps({ records: [rec(1), rec(2, { actorKind: 'system', sourceIp: null })] }))).verdict, 'pass');
  const noIp = await run('audit.fields', deps({ records: [rec(1), rec(2, { sourceIp: null })] }));
  t.is(noIp.verdict, 'partial');
  t.deepEqual(noIp.evidence.requestRecordsWithoutSourceIp, [2]);
  const noOutcome = await run('audit.fields', deps({ records: [rec(1, { outcome: '' as never })] }));
  t.is(noOutcome.verdict, 'fail');
  t.deepEqual(noOutcome.evidence.missing, { outcome: 1 });
  t.is((await run('audit.fields', deps({ records: [] }))).verdict, 'fail');
});

test('audit.retention: guarded, ingested and copied off-host passes; a local-only copy is 部分符合; missing guards fail both items', async (t) => {
  const ok = await run('audit.retention', deps());
  t.is(ok.verdict, 'pass');
  t.is(ok.evidence.oldestRecordAgeDays, 400);
  t.is(ok.perItem?.['L3-SMC1-10']?.verdict, 'pass');

  const local = await run('audit.retention', deps({ copies: { ...GOOD_COPIES, archive: 'directory' } }));
  t.is(local.verdict, 'partial');
  t.regex(local.summary, /没有异地副本/);
  // The internet zone ferries its trail to the DMZ: that is an off-host copy even with a local archive.
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, archive: 'directory', ferryFlow: 'internet-audit-logs' } }))).verdict, 'pass');
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, logAudit: { retentionDays: 90, lastIngestAt: NOW } } }))).verdict, 'partial');
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, logAudit: { retentionDays: 180, lastIngestAt: new Date(NOW.getTime() - 3 * DAY) } } }))).verdict, 'partial');

  const unguarded = await run('audit.retention', deps({ guards: ['records_append_only'] }));
  t.is(unguarded.verdict, 'fail');
  t.is(unguarded.risk, 'high');
  t.deepEqual(unguarded.evidence.missingGuards, ['records_no_truncate', 'checkpoints_append_only']);
  t.is(unguarded.perItem?.['L3-SMC1-10']?.verdict, 'fail');
});
