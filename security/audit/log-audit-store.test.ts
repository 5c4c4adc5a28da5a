import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { auditModule, createAuditTrail, signerFromKeyPair } from '../../core/audit';
import { systemActor, type Actor } from '../../core/authz';
import { generateSm2KeyPair } from '../../core/crypto';
import type { Database, DatabaseKind } from '../../core/db';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { createLogAudit, logAuditModule, type LogAudit } from './index';
import { searchSchema } from './log-audit-schemas';
import { createRulesService } from './rules/rules-service';

const CORPORA = process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../shared/corpora');
const pair = generateSm2KeyPair();
const signer = signerFromKeyPair('test', pair.privateKey, pair.publicKey);
const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';
const perms = ['log_audit.read'] as const;
const platform = (loginId: string, roles: string[] = ['secadmin']): Actor => ({ ...systemActor('t', perms), kind: 'account', accountId: null, loginId, roles });
const tenantActor = (tenantId: string): Actor => ({ ...platform(`viewer-${tenantId.slice(0, 4)}`, ['tenant-admin']), tenantId });
const q = (x: Record<string, unknown>) => searchSchema.parse(x);

type Ctx = { d: Database; la: LogAudit; trail: ReturnType<typeof createAuditTrail> };
const ctxs = new Map<DatabaseKind, Promise<Ctx>>();
function ctx(kind: DatabaseKind): Promise<Ctx> {
  let c = ctxs.get(kind);
  if (!c) {
    c = (async () => {
      const d = await createTestDatabase(kind, [auditModule(), logAuditModule()]);
      const trail = createAuditTrail({ db: d.db, signer, checkpointEvery: 1000 });
      const la = createLogAudit({ db: d.db, audit: trail, tenants: { exists: async () => true }, feed: trail, writers: kind === 'pglite' ? 1 : 2, batchSize: 500 });
      await la.init();
      return { d, la, trail };
    })();
    ctxs.set(kind, c);
  }
  return c;
}
test.after.always(async () => {
  for (const c of ctxs.values()) {
    const { la, d } = await c;
    await la.stop();
    await d.close();
  }
});

const item = (line: string, extra: Partial<{ sourceId: string | null; tenantId: string | null; parser: string; receivedAt: Date }> = {}) => ({
  line, sourceId: null, tenantId: null, parser: 'auto', peerIp: '192.0.2.10', receivedAt: new Date(), ...extra,
});

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: day partitions ahead, batched insert, out-of-window events in the default partition and moved when their day is created`, async (t) => {
    const { d, la } = await ctx(kind);
    const parts = await la.retention.get(platform('x'));
    const today = new Date().toISOString().slice(0, 10);
    t.true(parts.partitions.some((p) => p.day === today), 'today has its partition');
    t.true(parts.partitions.length >= 4);
    const old = '<13>1 2020-01-02T03:04:05Z oldhost app - - - from long ago';
    await la.pipeline.submit([item(old), item('<13>1 2020-01-02T05:00:00Z oldhost app - - - second'), item(`<13>1 ${new Date().toISOString()} nowhost app - - - fresh`)]);
    const where = await sql<{ tbl: string; n: number }>`select tableoid::regclass::text as tbl, count(*)::int as n from logaudit.events group by 1 order by 1`.execute(d.db);
    t.true(where.rows.some((r) => r.tbl === 'logaudit.events_default' && r.n === 2));
    t.true(where.rows.some((r) => r.tbl === `logaudit.events_${today.replace(/-/g, '')}` && r.n === 1));
    await sql`select logaudit.ensure_day('2020-01-02'::date)`.execute(d.db);
    const moved = await sql<{ n: number }>`select count(*)::int as n from logaudit.events_20200102`.execute(d.db);
    t.is(moved.rows[0]!.n, 2, 'creating a day moves its rows out of the default partition');
    const left = await sql<{ n: number }>`select count(*)::int as n from logaudit.events_default`.execute(d.db);
    t.is(left.rows[0]!.n, 0);
  });

  test.serial(`${kind}: the Loghub OpenSSH sample ingests, raises brute-force alerts, and searches with negated/disabled filters, AND/OR/NOT, text, sort, paging and aggregations`, async (t) => {
    const { la } = await ctx(kind);
    const src = await la.sources.create(platform('sec'), { name: `labsz-${kind}`, kind: 'syslog', address: '192.0.2.20', parser: 'auto', tenantId: TENANT_A });
    const lines = readFileSync(path.join(CORPORA, 'loghub/OpenSSH/OpenSSH_2k.log'), 'utf8').split('\n').filter(Boolean);
    await la.pipeline.submit(lines.map((l) => item(l, { sourceId: src.id, tenantId: TENANT_A, receivedAt: new Date('2026-01-05T00:00:00') })));
    // submit() resolves at commit (the acknowledgement); detection runs right after: wait for it.
    await la.pipeline.drain();
    const seen = await la.sources.get(platform('sec'), src.id);
    t.is(seen.eventsTotal, 2000);
    t.truthy(seen.lastSeenAt);
    t.true(seen.ratePerMin > 0);

    const alerts = await la.alerts.list(platform('sec'), { offset: 0, limit: 100, ruleId: '6f0d6a4b-5b1e-4c39-9b1a-0a1d3c3e7a02' });
    const ips = new Set(alerts.items.map((a) => a.groupKey['source.ip']));
    t.true(ips.has('183.62.140.253'));
    t.true(alerts.items.every((a) => a.tenantId === TENANT_A && a.status === 'new' && a.eventIds.length >= 5));
    // The alert's events are stored and reachable from it.
    const first = await la.search.event(platform('sec'), alerts.items[0]!.eventIds[0]!);
    t.regex(first.raw, /Failed/);

    const A = tenantActor(TENANT_A);
    const base = { from: '2025-12-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    const fails = await la.search.search(A, q({ ...base, filters: [{ field: 'event.outcome', value: 'failure' }, { field: 'source.ip', op: 'eq', value: '183.62.140.253' }], limit: 5 }));
    t.true(fails.total > 100);
    t.is(fails.items.length, 5);
    t.true(fails.items.every((e) => e.fields['source.ip'] === '183.62.140.253'));
    const negated = await la.search.search(A, q({ ...base, filters: [{ field: 'event.outcome', value: 'failure' }, { field: 'source.ip', value: '183.62.140.253', negate: true }] }));
    const disabled = await la.search.search(A, q({ ...base, filters: [{ field: 'event.outcome', value: 'failure' }, { field: 'source.ip', value: '183.62.140.253', disabled: true }] }));
    t.is(negated.total + fails.total, disabled.total, 'negating splits the set; disabling ignores the filter');
    const tree = await la.search.search(A, q({ ...base, where: { and: [{ or: [{ field: 'event.action', value: 'ssh_invalid_user' }, { field: 'user.name', value: 'root' }] }, { not: { field: 'source.ip', op: 'cidr', value: '183.62.0.0/16' } }] }, limit: 500 }));
    t.true(tree.total > 0);
    t.true(tree.items.every((e) => (e.fields['event.action'] === 'ssh_invalid_user' || e.fields['user.name'] === 'root') && !String(e.fields['source.ip'] ?? '').startsWith('183.62.')));
    const text = await la.search.search(A, q({ ...base, text: 'POSSIBLE BREAK-IN', sort: '@timestamp', order: 'asc', limit: 2, offset: 1 }));
    t.is(text.total, 85);
    t.true(text.items[0]!['@timestamp'] <= text.items[1]!['@timestamp']);
    const jsonField = await la.search.search(A, q({ ...base, filters: [{ field: 'source.port', op: 'gte', value: 60000 }], limit: 500 }));
    t.true(jsonField.total > 0 && jsonField.items.every((e) => Number(e.fields['source.port']) >= 60000));
    const top = await la.search.aggregate(A, { ...q(base), type: 'terms', field: 'source.ip', size: 3 } as never);
    t.is(top.buckets[0]!.key, '183.62.140.253');
    t.deepEqual(top.buckets[0]!.drilldown, { filters: [{ field: 'source.ip', op: 'eq', value: '183.62.140.253' }] });
    const hist = await la.search.aggregate(A, { ...q(base), type: 'histogram', interval: 'hour' } as never);
    t.is(hist.buckets.reduce((s, b) => s + b.count, 0), 2000);
    const history = await la.search.history(A);
    t.true(history.items.length >= 5);

    // Tenant scope: another tenant sees none of it, not even by id.
    const B = tenantActor(TENANT_B);
    t.is((await la.search.search(B, q(base))).total, 0);
    await t.throwsAsync(la.search.event(B, first.id), { instanceOf: NotFoundError });
    await t.throwsAsync(la.alerts.get(B, alerts.items[0]!.id), { instanceOf: NotFoundError });
    t.is((await la.alerts.list(B, { offset: 0, limit: 10 })).total, 0);
    t.is((await la.sources.list(B, { offset: 0, limit: 10 })).total, 0);
  });

  test.serial(`${kind}: alert workflow new → acknowledged → closed with a note, each change audited in its transaction`, async (t) => {
    const { la, trail } = await ctx(kind);
    const [a] = (await la.alerts.list(platform('sec'), { offset: 0, limit: 1, status: 'new' })).items;
    t.truthy(a);
    await t.throwsAsync(la.alerts.transition(tenantActor(TENANT_B), a!.id, { status: 'acknowledged' }), { instanceOf: NotFoundError });
    const ack = await la.alerts.transition(platform('sec'), a!.id, { status: 'acknowledged' });
    t.is(ack.status, 'acknowledged');
    t.is(ack.statusBy, 'sec');
    await t.throwsAsync(la.alerts.transition(platform('sec'), a!.id, { status: 'closed' }), { instanceOf: InputError, message: /note/ });
    const closed = await la.alerts.transition(platform('sec'), a!.id, { status: 'closed', note: 'blocked at the firewall' });
    t.is(closed.note, 'blocked at the firewall');
    await t.throwsAsync(la.alerts.transition(platform('sec'), a!.id, { status: 'acknowledged' }), { instanceOf: ConflictError });
    const recs = await trail.search({ targetId: a!.id, offset: 0, limit: 10 });
    t.deepEqual(recs.items.map((r) => r.action).sort(), ['log_alert.acknowledged', 'log_alert.closed']);
  });

  test.serial(`${kind}: yiyun's own audit trail feeds in as events (cursor survives), and a rule import reloads the engine`, async (t) => {
    const { d, la, trail } = await ctx(kind);
    await trail.record({ actor: { ...platform('mallory'), sourceIp: '203.0.113.66' }, action: 'auth.login_failed', target: { type: 'account', id: 'x' }, outcome: 'failure' });
    const imported = await la.rules.importYaml(platform('sec'), { yaml: 'title: yiyun login failure\nid: test-yiyun-login\nlogsource: {product: yiyun}\ndetection:\n  s: {event.action: auth.login_failed}\n  condition: s\nlevel: medium\n', enabled: true });
    t.is(imported.total, 1);
    await la.pollFeed();
    await la.pipeline.drain();
    const found = await la.search.search(platform('sec'), q({ filters: [{ field: 'event.dataset', value: 'yiyun.audit' }, { field: 'user.name', value: 'mallory' }] }));
    t.is(found.total, 1);
    t.is(found.items[0]!.fields['source.ip'], '203.0.113.66');
    const alerts = await la.alerts.list(platform('sec'), { offset: 0, limit: 10, ruleId: 'test-yiyun-login' });
    t.is(alerts.total, 1);
    await la.pollFeed();
    t.is((await la.search.search(platform('sec'), q({ filters: [{ field: 'user.name', value: 'mallory' }] }))).total, 1, 'polling again reads nothing twice');
    const recs = await trail.search({ action: 'log_rule.imported', offset: 0, limit: 5 });
    t.is(recs.total, 1);
    await t.throwsAsync(la.rules.importYaml(platform('sec'), { yaml: 'title: bad\nid: bad\ndetection: {s: {a|nosuch: 1}, condition: s}', enabled: true }), { instanceOf: InputError });
    await t.throwsAsync(la.rules.importYaml(platform('sec'), { yaml: 'title: x\n  detection: [unclosed\n', enabled: true }), { instanceOf: InputError, message: /invalid YAML/ });

    // A rule stored by another process (the import-rules CLI, another replica) reaches this engine on the next look.
    t.false(await la.rules.reloadIfChanged(), 'nothing changed since the last load');
    const other = createRulesService({ db: d.db, audit: trail, onChange: () => undefined });
    await other.importYaml(systemActor('log-rule-import'), { yaml: 'title: from the cli\nid: test-cli-rule\nlogsource: {product: linux}\ndetection:\n  s: {user.name: cli-user}\n  condition: s\n', enabled: true });
    t.true(await la.rules.reloadIfChanged());
    t.false(await la.rules.reloadIfChanged());
  });

  test.serial(`${kind}: retention keeps ≥ 180 days unless the secadmin confirms, drops expired partitions, and alerts on capacity`, async (t) => {
    const { d, la, trail } = await ctx(kind);
    await t.throwsAsync(la.retention.update(platform('ops', ['sysadmin']), { retentionDays: 90, confirmBelowMinimum: true }), { instanceOf: ForbiddenError });
    await t.throwsAsync(la.retention.update(platform('sec'), { retentionDays: 90 }), { instanceOf: InputError, message: /confirmed/ });
    const ok = await la.retention.update(platform('ops', ['sysadmin']), { retentionDays: 365, capacityBytes: 1024 * 1024, capacityWarnPct: 1 });
    t.is(ok.retentionDays, 365);
    const set = await la.retention.update(platform('sec'), { retentionDays: 30, confirmBelowMinimum: true });
    t.is(set.retentionDays, 30);
    t.true((await trail.search({ action: 'log_retention.updated', offset: 0, limit: 5 })).total >= 2);
    // 2020-01-02 (created in the first test) is far past 30 days: dropped, and the drop is audited.
    const res = await la.retention.maintain();
    t.true(res.dropped.includes('2020-01-02'));
    t.is((await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = 'events_20200102'`.execute(d.db)).rows[0]!.n, 0);
    t.true(res.capacityAlert);
    t.is((await la.alerts.list(platform('sec'), { offset: 0, limit: 5, ruleId: 'yiyun.log_capacity' })).total, 1);
    t.true((await trail.search({ action: 'log_partition.dropped', offset: 0, limit: 5 })).total >= 1);
    await la.retention.update(platform('sec'), { retentionDays: 180, capacityBytes: 1024 ** 4, capacityWarnPct: 80 });
  });
}
