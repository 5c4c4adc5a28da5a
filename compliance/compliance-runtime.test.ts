import test from 'ava';
import { sql } from 'kysely';
import { systemActor } from '../core/authz';
import { loadSettings } from '../core/config';
import { openDatabase, runMigrations, type Database } from '../core/db';
import { createScratchPostgresDatabase, createTestDatabase, testDatabaseKinds } from '../core/db/testing';
import { allCatalogues } from './catalogues';
import { createEvidenceRegistry } from './checks/check-runner';
import { createCheckScheduler } from './checks/check-scheduler';
import { createComplianceService, RunInProgressError } from './compliance-service';
import { actor, recordingAudit } from './compliance-testing';
import type { EvidenceSource } from './evidence-source';
import { complianceModule } from './index';

const known = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));

/** A check that waits at a gate the test opens, counting how often it ran. */
function gatedSource() {
  let calls = 0;
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  let entered: () => void = () => undefined;
  let enteredP = Promise.resolve();
  const source: EvidenceSource = {
    id: 'gate',
    room: 'test',
    checks: [
      {
        key: 'gate.held',
        title: '受控检查',
        itemIds: ['L3-CES1-01'],
        kind: 'automated',
        async run() {
          calls++;
          entered();
          await gate;
          return { verdict: 'pass', summary: 'ok', evidence: { calls } };
        },
      },
    ],
  };
  return {
    source,
    get calls() {
      return calls;
    },
    /** Closes the gate: the next run blocks inside its check until the returned function opens it. */
    hold(): () => void {
      gate = new Promise<void>((r) => (open = r));
      enteredP = new Promise<void>((r) => (entered = r));
      return open;
    },
    entered: () => enteredP,
  };
}

/** Two handles on one database, as two processes would have (PGlite: one engine, so one handle serves both). */
async function twoHandles(kind: 'pglite' | 'postgres'): Promise<{ a: Database; b: Database; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const d = await createTestDatabase('pglite', [complianceModule()]);
    return { a: d, b: d, close: () => d.close() };
  }
  const scratch = await createScratchPostgresDatabase();
  const a = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 3 });
  const b = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 3 });
  await runMigrations(a.db, [complianceModule()]);
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      await scratch.drop();
    },
  };
}

async function runRows(db: Database['db']) {
  const r = await sql<{ id: string; trigger: string; status: string; actor_login: string }>`select id, trigger, status, actor_login from compliance.check_runs order by started_at`.execute(db);
  return r.rows;
}

for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] concurrent triggers in one process and across processes make one run`, async (t) => {
    const handles = await twoHandles(kind);
    try {
      const gate = gatedSource();
      const mk = (db: Database['db'], audit: ReturnType<typeof recordingAudit>) => {
        const registry = createEvidenceRegistry(known);
        registry.register(gate.source);
        return createComplianceService({ db, audit, registry, checkTimeoutMs: 30_000, pollMs: 20 });
      };
      const auditA = recordingAudit();
      const auditB = recordingAudit();
      const a = mk(handles.a.db, auditA);
      const b = mk(handles.b.db, auditB);

      const release = gate.hold();
      const startup = a.runChecks(systemActor('compliance-startup'), { trigger: 'startup' });
      await gate.entered(); // the run's row exists: process A holds the slot
      const schedule = a.runChecks(systemActor('compliance-schedule'), { trigger: 'schedule' });
      const exportA = a.runChecks(actor('secadmin'), { trigger: 'export' });
      // Process B: a background trigger gives up, an export waits for A's run and uses it.
      await t.throwsAsync(b.runChecks(systemActor('compliance-schedule'), { trigger: 'schedule' }), { instanceOf: RunInProgressError });
      const exportB = b.ensureFresh(actor('assessor'), 60 * 60_000);
      t.true(await b.runInProgress());
      release();
      const [s, sc, ea, eb] = await Promise.all([startup, schedule, exportA, exportB]);
      t.is(sc.runId, s.runId, 'a schedule tick joins the run underway');
      t.is(ea.runId, s.runId, 'an export in the same process joins it');
      t.deepEqual(eb, { ran: false, runId: s.runId, startedAt: s.startedAt }, 'an export in another process waits and uses it');
      t.is(gate.calls, 1, 'the checks ran once');
      const rows = await runRows(handles.a.db);
      t.deepEqual(rows.map((r) => [r.trigger, r.status, r.actor_login]), [['startup', 'done', 'system:compliance-startup']]);
      // Audited once, by the system actor of the trigger.
      const ran = [...auditA.entries, ...auditB.entries].filter((e) => e.action === 'compliance.checks_ran');
      t.is(ran.length, 1);
      t.like(ran[0], { actor: { kind: 'system', loginId: 'system:compliance-startup' }, after: { trigger: 'startup', checks: 1 } });
      t.false(await a.runInProgress());

      // A person's "run now" during a background run waits for it and starts a fresh one (the person may just have
      // changed what the checks read); two clicks share that one fresh run.
      const releaseBg = gate.hold();
      const bg = a.runChecks(systemActor('compliance-schedule'), { trigger: 'schedule' });
      await gate.entered();
      const click1 = a.runChecks(actor('secadmin'), { trigger: 'manual' });
      const click2 = a.runChecks(actor('secadmin'), { trigger: 'manual' });
      const releaseFresh = gate.hold(); // the fresh run blocks too, so we see it start after the background run
      releaseBg();
      const bgDone = await bg;
      await gate.entered();
      releaseFresh();
      const [c1, c2] = await Promise.all([click1, click2]);
      t.is(c1.runId, c2.runId);
      t.not(c1.runId, bgDone.runId);
      t.is(gate.calls, 3);
      t.deepEqual((await runRows(handles.a.db)).map((r) => r.trigger), ['startup', 'schedule', 'manual']);

      // A fresh-enough run serves an export without running again; a stale one does not.
      t.false((await a.ensureFresh(actor('assessor'), 60 * 60_000)).ran);
      const stale = await a.ensureFresh(actor('assessor'), 0);
      t.true(stale.ran);
      t.is(gate.calls, 4);
    } finally {
      await handles.close();
    }
  });

  test.serial(`[${kind}] a run left 'running' by a dead process is failed after the stale limit, then a run goes ahead`, async (t) => {
    const database = await createTestDatabase(kind, [complianceModule()]);
    try {
      await sql`insert into compliance.check_runs (started_at, trigger, actor_login, status) values (now() - interval '2 hours', 'schedule', 'system:compliance-schedule', 'running')`.execute(database.db);
      const registry = createEvidenceRegistry(known);
      const gate = gatedSource();
      registry.register(gate.source);
      const service = createComplianceService({ db: database.db, audit: recordingAudit(), registry, staleRunMs: 30 * 60_000 });
      const r = await service.runChecks(systemActor('compliance-startup'), { trigger: 'startup' });
      const rows = await runRows(database.db);
      t.deepEqual(rows.map((x) => x.status), ['failed', 'done']);
      t.is(rows[1]!.id, r.runId);
      // While a fresh 'running' row exists (another live process), a background trigger gives up.
      await sql`insert into compliance.check_runs (started_at, trigger, actor_login, status) values (now(), 'schedule', 'system:other', 'running')`.execute(database.db);
      await t.throwsAsync(service.runChecks(systemActor('compliance-schedule'), { trigger: 'schedule' }), { instanceOf: RunInProgressError });
    } finally {
      await database.close();
    }
  });
}

test('the scheduler runs at start and on its interval, logs a failure and keeps going', async (t) => {
  const triggers: string[] = [];
  const errors: unknown[] = [];
  let fail = true;
  const scheduler = createCheckScheduler({
    run: async (trigger) => {
      triggers.push(trigger);
      if (fail) {
        fail = false;
        throw new Error('database went away');
      }
      return { runId: 'r', startedAt: new Date(), finishedAt: new Date(), checks: 1, failedChecks: 0, dengbaoScore: 1, mipingScore: 1 };
    },
    logger: { info: () => undefined, warn: () => undefined, error: (o: unknown) => errors.push(o) },
    onStart: true,
    intervalMs: 10,
  });
  scheduler.start();
  // Bounded wait for the start run and two ticks (not a timing assertion: only that they happen).
  for (let i = 0; i < 500 && triggers.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  await scheduler.stop();
  t.is(triggers[0], 'startup');
  t.true(triggers.slice(1).every((x) => x === 'schedule') && triggers.length >= 3, triggers.join(','));
  t.is(errors.length, 1, 'the failed start run was logged, not thrown');
  const after = triggers.length;
  await new Promise((r) => setTimeout(r, 50));
  t.is(triggers.length, after, 'stop() ends the schedule');
});

test('interval 0 and no start run: the scheduler never runs', async (t) => {
  let runs = 0;
  const scheduler = createCheckScheduler({
    run: async () => {
      runs++;
      throw new Error('unreachable');
    },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    onStart: false,
    intervalMs: 0,
  });
  scheduler.start();
  await new Promise((r) => setTimeout(r, 30));
  await scheduler.stop();
  t.is(runs, 0);
});

test('the schedule settings: 6 h and 1 h by default, durations with a unit, 0 = off, anything else refused', (t) => {
  const d = loadSettings({});
  t.is(d.YIYUN_COMPLIANCE_INTERVAL, 6 * 3_600_000);
  t.is(d.YIYUN_COMPLIANCE_EXPORT_MAX_AGE, 3_600_000);
  t.true(d.YIYUN_COMPLIANCE_ON_START);
  const s = loadSettings({ YIYUN_COMPLIANCE_INTERVAL: '0', YIYUN_COMPLIANCE_EXPORT_MAX_AGE: '90s', YIYUN_COMPLIANCE_ON_START: 'false' });
  t.is(s.YIYUN_COMPLIANCE_INTERVAL, 0);
  t.is(s.YIYUN_COMPLIANCE_EXPORT_MAX_AGE, 90_000);
  t.false(s.YIYUN_COMPLIANCE_ON_START);
  t.is(loadSettings({ YIYUN_COMPLIANCE_INTERVAL: '1d' }).YIYUN_COMPLIANCE_INTERVAL, 86_400_000);
  t.throws(() => loadSettings({ YIYUN_COMPLIANCE_INTERVAL: '6' }), { message: /YIYUN_COMPLIANCE_INTERVAL/ });
  t.throws(() => loadSettings({ YIYUN_COMPLIANCE_INTERVAL: '-1h' }), { message: /YIYUN_COMPLIANCE_INTERVAL/ });
});
