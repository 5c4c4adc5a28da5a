import test from 'ava';
import type { CheckResult } from '../../compliance';
import type { AlertView, SourceView } from '../../security/audit/log-audit-schemas';
import type { RuleView } from '../../security/audit/rules/rules-service';
import { logAuditEvidenceSource, type BoundaryDevice, type LogAuditEvidenceDeps } from './security-evidence';

const NOW = new Date('2026-11-20T08:00:00Z');
const DAY = 86_400_000;
const page = <T>(xs: T[], q: { offset: number; limit: number }) => ({ items: xs.slice(q.offset, q.offset + q.limit), total: xs.length });

function src(name: string, over: Partial<SourceView> = {}): SourceView {
  return { id: name, tenantId: null, name, kind: 'syslog', address: null, parser: 'auto', enabled: true, description: null, hasToken: false, lastSeenAt: new Date(NOW.getTime() - 60_000), eventsTotal: 10, ratePerMin: 1, createdAt: NOW, updatedAt: NOW, ...over };
}
function rule(title: string, over: Partial<RuleView> = {}): RuleView {
  return { id: title, title, kind: 'detection', level: 'high', tags: [], yaml: '', enabled: true, builtin: true, createdAt: NOW, updatedAt: NOW, ...over };
}
function alert(id: string, status: AlertView['status'], ageDays: number): AlertView {
  const at = new Date(NOW.getTime() - ageDays * DAY);
  return { id, tenantId: null, ruleId: 'r', ruleTitle: 'r', severity: 'high', tags: [], groupKey: {}, eventIds: [1], eventCount: 1, firstSeen: at, lastSeen: at, status, note: null, statusBy: null, statusAt: null, createdAt: at };
}

type World = { archive?: 'sftp' | 'directory'; deleteMode?: string; retentionDays?: number; capacityAlert?: boolean; sources?: SourceView[]; devices?: BoundaryDevice[]; rules?: RuleView[]; alerts?: AlertView[]; events?: Array<Record<string, unknown>> };

const TRAIL = src('yiyun audit trail', { kind: 'yiyun', eventsTotal: 500 });
const DEVICES: BoundaryDevice[] = [{ name: 'waf', role: 'waf', zone: 'dmz' }, { name: 'ips', role: 'ips', zone: 'dmz' }];
const GOOD_EVENT = { 'user.name': 'admin', 'event.action': 'login', 'event.outcome': 'success' };

function deps(w: World = {}): LogAuditEvidenceDeps {
  return {
    retention: { get: async () => ({ deleteMode: w.deleteMode ?? 'archive_then_drop', retentionDays: w.retentionDays ?? 180, usedPct: 12, capacityAlert: w.capacityAlert ?? false, oldestDay: '2026-06-01', partitions: [{ day: '2026-06-01', bytes: 1 }] }) as never },
    sources: { list: async (_a, q) => page(w.sources ?? [TRAIL, src('dmz waf', { address: '10.20.5.10' }), src('ips-dmz')], q) },
    rules: { list: async (_a, q) => page(w.rules ?? [rule('SSH brute force', { tags: ['attack.credential_access'] }), rule('Web attacks')], q) },
    alerts: {
      list: async (_a, q) => {
        const hits = (w.alerts ?? [alert('a1', 'closed', 3)]).filter((a) => (!q.status || a.status === q.status) && (!q.from || a.createdAt >= q.from) && (!q.to || a.createdAt < q.to));
        return page(hits, q);
      },
    },
    search: { search: async (_a, q) => page((w.events ?? [GOOD_EVENT, GOOD_EVENT]).map((fields, i) => ({ id: i, '@timestamp': NOW, receivedAt: NOW, tenantId: null, sourceId: null, parser: 'auto', raw: '', fields })), q) },
    boundaryDevices: async () => w.devices ?? DEVICES,
    archive: w.archive ?? 'sftp',
  };
}

async function run(key: string, w: World = {}): Promise<CheckResult> {
  const check = logAuditEvidenceSource(deps(w)).checks.find((c) => c.key === key)!;
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}
const item = (r: CheckResult, id: string) => r.perItem?.[id]?.verdict ?? r.verdict;

test('log-audit.retention: 180 days pass; fewer days are 不符合 with high risk; a capacity alert is 部分符合', async (t) => {
  t.is((await run('log-audit.retention')).verdict, 'pass');
  const short = await run('log-audit.retention', { retentionDays: 90 });
  t.is(short.verdict, 'fail');
  t.is(short.risk, 'high');
  t.regex(short.summary, /留存 90 天/);
  t.is((await run('log-audit.retention', { capacityAlert: true })).verdict, 'partial');
});

test('log-audit.retention: boundary records archived off-host pass L3-ABS1-18; a local archive is 部分符合; dropping without archive fails', async (t) => {
  t.is(item(await run('log-audit.retention'), 'L3-ABS1-18'), 'pass');
  t.is(item(await run('log-audit.retention', { archive: 'directory' }), 'L3-ABS1-18'), 'partial');
  t.is(item(await run('log-audit.retention', { deleteMode: 'drop_partition' }), 'L3-ABS1-18'), 'fail');
});

test('log-audit.sources: every boundary device reporting passes; a silent or missing device lowers L3-ABS1-16', async (t) => {
  const ok = await run('log-audit.sources');
  t.deepEqual([item(ok, 'L3-ABS1-16'), item(ok, 'L3-ABS1-19'), item(ok, 'L3-SMC2-03')], ['pass', 'pass', 'pass']);
  t.deepEqual((ok.evidence.boundaryCoverage as { source: string | null }[]).map((c) => c.source), ['dmz waf', 'ips-dmz']);

  // The IPS has not sent anything for two days: it no longer counts as covered.
  const silent = await run('log-audit.sources', { sources: [TRAIL, src('dmz waf'), src('ips-dmz', { lastSeenAt: new Date(NOW.getTime() - 2 * DAY) })] });
  t.is(item(silent, 'L3-ABS1-16'), 'partial');
  t.regex(silent.perItem!['L3-ABS1-16']!.summary!, /dmz\/ips/);

  const none = await run('log-audit.sources', { sources: [src('yiyun audit trail', { kind: 'yiyun', eventsTotal: 0 })], rules: [rule('SSH brute force', { enabled: false })] });
  t.is(item(none, 'L3-ABS1-16'), 'fail');
  t.is(item(none, 'L3-ABS1-19'), 'fail');
  t.is(item(none, 'L3-SMC2-03'), 'fail');
  t.is(none.verdict, 'fail');
  // Remote-access rules on, but no WAF logs for internet use: half of L3-ABS1-19.
  t.is(item(await run('log-audit.sources', { sources: [TRAIL, src('ips-dmz')] }), 'L3-ABS1-19'), 'partial');
});

test('log-audit.fields: complete events pass; events without subject or type fail; only outcomes missing is 部分符合', async (t) => {
  t.is((await run('log-audit.fields')).verdict, 'pass');
  t.is((await run('log-audit.fields', { events: [GOOD_EVENT, { 'source.ip': '10.0.0.9', 'event.category': 'network' }] })).verdict, 'partial');
  const bare = await run('log-audit.fields', { events: [{ message: 'x' }, { message: 'y' }, GOOD_EVENT] });
  t.is(bare.verdict, 'fail');
  t.deepEqual(bare.evidence.lacking, { subject: 2, type: 2, outcome: 2 });
  t.is((await run('log-audit.fields', { events: [] })).verdict, 'fail');
});

test('log-audit.analysis: enabled rules with handled alerts pass; a week-old unhandled alert is 部分符合; no enabled rule fails', async (t) => {
  const ok = await run('log-audit.analysis');
  t.is(ok.verdict, 'pass');
  t.is(ok.evidence.closedLast30Days, 1);
  const backlog = await run('log-audit.analysis', { alerts: [alert('a1', 'closed', 3), alert('a2', 'new', 9), alert('a3', 'new', 1)] });
  t.is(backlog.verdict, 'partial');
  t.deepEqual((backlog.evidence.unhandledOlderThanDays as { ids: string[] }).ids, ['a2']);
  t.is((await run('log-audit.analysis', { rules: [rule('SSH brute force', { enabled: false })] })).verdict, 'fail');
});
