import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { openPgPool } from '../../core/db';
import type { Logger } from '../../core/log';
import { copyStatements, createDbAuditDal, type DbAuditDal, type StatementFilter, type StatementRowIn } from './dbaudit-dal';
import { createConnectionDetector, dangerFindings, injectionFindings, offHours, type Finding } from './detection-fns';
import type { AuditSink, ConnInfo, StatementEvent } from './pg-proxy';
import type { RoutineSource } from './routine-learner';
import { analyseMysql, analysePg, loadSqlParser, type SqlShape } from './sql-analysis-fns';

export type DbAuditServiceDeps = {
  db: Kysely<any>; logger: Logger; maskParams?: boolean; workingHours?: { from: number; to: number }; now?: () => Date;
  /** Stored-procedure learning: where routine bodies are read from; without it calls are attributed to nothing. */
  routines?: RoutineSource;
  recorder?: Partial<RecorderOptions>;
  /**
   * The PostgreSQL URL of `db`: statement rows are then written with COPY on a connection of the recorder's own
   * (about half the store's CPU per statement of the batched INSERT). Without it (PGlite) the batched INSERT is used.
   */
  copyUrl?: string;
};

/**
 * How audit events are written. Events wait in a bounded in-memory queue and are written in batches (statements by
 * one COPY — or, without `copyUrl`, one multi-row insert — other tables by one statement each; one transaction)
 * when `batchSize` are waiting or `flushMs` after the first. Above `highWater` queued events the proxies stop reading from clients until the queue drains below half of
 * it (back-pressure: statements wait rather than go unaudited); with `overflow: 'shed'` they are not slowed and
 * statements beyond `highWater` are dropped instead. Either way `maxQueued` is a hard cap: statement events beyond it
 * are dropped, counted, logged and stored as an `audit.events_dropped` alert — never lost silently. Connection
 * events (login, logout) are always kept: there are few and the password-guessing detection needs them.
 */
export type RecorderOptions = { batchSize: number; flushMs: number; highWater: number; maxQueued: number; overflow: 'backpressure' | 'shed' };
const RECORDER_DEFAULTS: RecorderOptions = { batchSize: 500, flushMs: 100, highWater: 20_000, maxQueued: 50_000, overflow: 'backpressure' };

export type StatementQuery = StatementFilter;

/** Statement events are queued as the proxy made them (no wrapper per statement); the rarer ones carry a `t`. */
type OtherEvent =
  | { t: 'connection'; c: ConnInfo; row: ConnectionRowIn }
  | { t: 'auth'; c: ConnInfo; patch: AuthPatch; findings: Finding[] }
  | { t: 'closed'; id: string; at: number };
type QueuedEvent = StatementEvent | OtherEvent;
type ConnectionRowIn = Parameters<DbAuditDal['insertConnections']>[0][number];
type AuthPatch = Parameters<DbAuditDal['updateConnectionAuth']>[1];
type AlertRowIn = Parameters<DbAuditDal['insertAlerts']>[0][number];

/**
 * What a statement text yields (parse, injection and danger findings), cached by its text with literals blanked:
 * applications repeat the same statements with other values, and parsing costs ~0.1 ms where the cache costs ~1 µs.
 */
type Judged = { shape: SqlShape; findings: Finding[]; sql: string };
const JUDGED_CACHE = 4096;
const JUDGED_MAX_SQL = 8192;

/**
 * Stores what the proxies see, off their hot path: events queue in memory and are parsed, judged and written in
 * batches (see RecorderOptions). Records stay in the dbaudit schema (the log audit's ingest port is wired here when
 * that room exists). `flush()` resolves once everything queued before the call is stored; `stop()` flushes.
 */
export function createDbAuditService(deps: DbAuditServiceDeps) {
  const { db, logger } = deps;
  const opts: RecorderOptions = { ...RECORDER_DEFAULTS, ...deps.recorder };
  const dal = createDbAuditDal(db);
  const detector = createConnectionDetector();
  // Routine name → tables it touches (null: not a user routine); one lookup per name and database.
  const routineCache = new Map<string, string[] | null>();
  const judged = new Map<string, Judged>();
  let queue: QueuedEvent[] = [];
  let statementsQueued = 0;
  let dropped = 0;
  let droppedUnreported = 0;
  const counters = { stored: 0, batches: 0, failedBatches: 0 };
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let drainWaiters: Array<() => void> = [];

  // COPY needs the connection's own client inside the batch's transaction: a Kysely over a one-client pool whose
  // checked-out client is kept at hand, so the DAL's other writes share the transaction.
  // A lost connection is reported by the next batch on it, never as an unhandled 'error' (openPgPool).
  const copyPool = deps.copyUrl ? openPgPool(deps.copyUrl, 1) : null;
  let copyClient: pg.PoolClient | null = null;
  let copyBroken = false;
  let copyClosed = false;
  const copyDb = copyPool
    ? new Kysely<any>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => {
              const c = await copyPool.connect();
              copyClient = c;
              return {
                query: c.query.bind(c) as pg.PoolClient['query'],
                release: () => {
                  copyClient = null;
                  // A client whose COPY broke mid-stream is not reused.
                  c.release(copyBroken);
                  copyBroken = false;
                },
              };
            },
            end: () => copyPool.end(),
          },
        }),
      })
    : null;

  // Working hours per quarter of an hour (every time zone offset is a multiple of 15 minutes): one Date per
  // quarter instead of one per statement.
  let hoursSlot = NaN;
  let hoursFindings: Finding[] = [];
  const offHoursAt = (ms: number): Finding[] => {
    const slot = Math.floor(ms / 900_000);
    if (slot !== hoursSlot) {
      hoursSlot = slot;
      hoursFindings = offHours(new Date(ms), deps.workingHours);
    }
    return hoursFindings;
  };

  /** The tables a routine touches, learned from its body the first time it is called (then from the store). */
  async function routineTables(conn: ConnInfo, name: string): Promise<string[] | null> {
    const dbName = conn.database ?? conn.user ?? '';
    const key = `${conn.engine}|${dbName}|${name}`;
    if (routineCache.has(key)) return routineCache.get(key)!;
    const stored = await dal.findRoutine(conn.engine, dbName, name);
    let tables: string[] | null;
    if (stored) tables = stored.user_defined ? stored.tables : null;
    else {
      const learned = await deps.routines!.lookup(conn.engine, dbName, conn.user, name).catch((err: unknown) => {
        logger.warn({ err, routine: name }, 'db-audit: learning a routine failed');
        return undefined;
      });
      if (learned === undefined) return null; // not stored: tried again next call
      tables = learned?.tables ?? null;
      await dal.saveRoutine({ engine: conn.engine, db_name: dbName, name, user_defined: learned !== null, language: learned?.language ?? null, tables: tables ?? [] });
    }
    routineCache.set(key, tables);
    return tables;
  }

  async function judge(s: StatementEvent): Promise<Judged> {
    const key = `${s.conn.engine}\u0000${s.statementCount}\u0000${literalFreeKey(s.sql)}`;
    const hit = judged.get(key);
    // The shape does not depend on literal values; the injection checks do, so they run on every text.
    if (hit) return hit.sql === s.sql ? hit : { shape: hit.shape, findings: [...injectionFindings(s.sql, Math.max(hit.shape.statements, s.statementCount)), ...dangerFindings(hit.shape.command, s.sql)], sql: s.sql };
    let shape: SqlShape;
    if (s.conn.engine === 'postgresql') {
      await loadSqlParser();
      shape = analysePg(s.sql);
    } else shape = analyseMysql(s.sql);
    const j = { shape, findings: [...injectionFindings(s.sql, Math.max(shape.statements, s.statementCount)), ...dangerFindings(shape.command, s.sql)], sql: s.sql };
    if (s.sql.length <= JUDGED_MAX_SQL) {
      if (judged.size >= JUDGED_CACHE) judged.delete(judged.keys().next().value!);
      judged.set(key, j);
    }
    return j;
  }

  const alertRow = (f: Finding, conn: ConnInfo, statementId: number | null, detail?: Record<string, unknown>): AlertRowIn =>
    ({ kind: f.kind, severity: f.severity, statement_id: statementId, connection_id: conn.id, db_user: conn.user, src_ip: conn.srcIp, detail: JSON.stringify({ reason: f.reason, ...detail }) });

  /** Writes one batch: connection rows (with their login / logout folded in), statements, alerts, logouts. */
  async function writeBatch(batch: QueuedEvent[]): Promise<void> {
    const conns = new Map<string, ConnectionRowIn>();
    const authUpdates: Array<{ id: string; patch: AuthPatch }> = [];
    const closes: Array<{ id: string; at: number }> = [];
    const statements: Array<{ row: StatementRowIn; findings: Finding[]; conn: ConnInfo }> = [];
    const alerts: AlertRowIn[] = [];
    for (const e of batch) {
      if (!('t' in e)) {
        statements.push(await statementRow(e));
        continue;
      }
      if (e.t === 'connection') conns.set(e.row.id, e.row);
      else if (e.t === 'auth') {
        const row = conns.get(e.c.id);
        if (row) Object.assign(row, e.patch);
        else authUpdates.push({ id: e.c.id, patch: e.patch });
        for (const f of e.findings) alerts.push(alertRow(f, e.c, null));
      } else if (e.t === 'closed') {
        const row = conns.get(e.id);
        if (row) row.ended_at = new Date(e.at);
        else closes.push({ id: e.id, at: e.at });
      }
    }
    const write = async (tx: Kysely<any>) => {
      await dal.insertConnections([...conns.values()], tx);
      for (const u of authUpdates) await dal.updateConnectionAuth(u.id, u.patch, tx);
      const flagged = statements.filter((s) => s.findings.length);
      if (flagged.length) {
        // Only statements with findings need their id known before the insert (the alert points at it).
        const ids = await dal.reserveStatementIds(flagged.length, tx);
        flagged.forEach((s, i) => {
          s.row.id = String(ids[i]);
          for (const f of s.findings) alerts.push(alertRow(f, s.conn, ids[i]!));
        });
      }
      if (copyDb && statements.length) {
        try {
          await copyStatements(copyClient!, statements.map((s) => s.row));
        } catch (err) {
          copyBroken = true;
          throw err;
        }
      } else await dal.insertStatements(statements.map((s) => s.row), tx);
      await dal.insertAlerts(alerts, tx);
      const byTime = new Map<number, string[]>();
      for (const c of closes) byTime.set(c.at, [...(byTime.get(c.at) ?? []), c.id]);
      for (const [at, ids] of byTime) await dal.closeConnections(ids, new Date(at), tx);
    };
    await (copyDb ?? db).transaction().execute(write);
    counters.stored += batch.length;
  }

  /** A statement event as a row, with its findings (judged here, off the proxies' path). */
  async function statementRow(s: StatementEvent): Promise<{ row: StatementRowIn; findings: Finding[]; conn: ConnInfo }> {
    const { shape, findings } = await judge(s);
    let objects = shape.objects;
    if (deps.routines && shape.routines.length) {
      const all = new Set(objects);
      for (const name of shape.routines.slice(0, 8)) for (const t of (await routineTables(s.conn, name)) ?? []) all.add(t);
      objects = [...all];
    }
    const params = s.params === null ? null : deps.maskParams ? s.params.map(() => '***') : s.params;
    const row: StatementRowIn = {
      connection_id: s.conn.id, engine: s.conn.engine, at: s.at, src_ip: s.conn.srcIp, src_port: s.conn.srcPort, dst_ip: s.conn.dstIp, dst_port: s.conn.dstPort,
      db_user: s.conn.user, db_name: s.conn.database, client_program: s.conn.program, protocol: s.protocol, command: shape.command, objects,
      sql: noNul(s.sql), params: params === null ? null : JSON.stringify(params.map((v) => (typeof v === 'string' ? noNul(v) : v))), rows: s.rows, duration_ms: s.durationMs, error_code: s.errorCode, error_message: s.errorMessage === null ? null : noNul(s.errorMessage),
    };
    const hours = offHoursAt(s.at);
    return { row, findings: hours.length ? [...findings, ...hours] : findings, conn: s.conn };
  }

  /** Writes until the queue is empty; one writer at a time. */
  function drain(): Promise<void> {
    if (writing) return writing;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    writing = (async () => {
      while (queue.length || droppedUnreported) {
        const batch = queue.length > opts.batchSize ? queue.splice(0, opts.batchSize) : queue;
        if (batch === queue) queue = [];
        let n = 0;
        for (const e of batch) if (!('t' in e)) n++;
        if (droppedUnreported) {
          const lost = droppedUnreported;
          droppedUnreported = 0;
          await dal.insertAlert({ kind: 'audit.events_dropped', severity: 'high', statement_id: null, connection_id: null, db_user: null, src_ip: null, detail: JSON.stringify({ reason: `${lost} statement events were not recorded: the audit queue was full`, dropped: lost }) }).catch((err: unknown) => logger.error({ err }, 'db-audit: recording dropped events failed'));
        }
        try {
          await writeBatch(batch);
          counters.batches++;
        } catch (err) {
          // A batch the store refuses is logged with its size; retrying a poison batch forever would stall auditing.
          counters.failedBatches++;
          logger.error({ err, events: batch.length }, 'db-audit: storing a batch of audit events failed');
        }
        statementsQueued -= n;
        if (queue.length < opts.highWater / 2 && drainWaiters.length) {
          const w = drainWaiters;
          drainWaiters = [];
          for (const f of w) f();
        }
      }
    })().finally(() => {
      writing = null;
      if (queue.length) schedule();
    });
    return writing;
  }

  function schedule() {
    if (queue.length >= opts.batchSize) void drain();
    else if (!timer && !writing && !stopped) {
      timer = setTimeout(() => {
        timer = null;
        void drain();
      }, opts.flushMs);
      timer.unref();
    }
  }

  function enqueue(e: QueuedEvent) {
    if (!('t' in e)) {
      const limit = opts.overflow === 'shed' ? opts.highWater : opts.maxQueued;
      if (statementsQueued >= limit) {
        if (dropped++ % 1000 === 0) logger.warn({ dropped, queued: queue.length }, 'db-audit: audit queue full, statement events are being dropped (counted)');
        droppedUnreported++;
        return;
      }
      statementsQueued++;
    }
    queue.push(e);
    if (!writing) schedule();
  }

  const sink: AuditSink = {
    connection: (c) => enqueue({ t: 'connection', c, row: { id: c.id, engine: c.engine, src_ip: c.srcIp, src_port: c.srcPort, dst_ip: c.dstIp, dst_port: c.dstPort, db_user: c.user, db_name: c.database, client_program: c.program, client_tls: c.clientTls, upstream_tls: c.upstreamTls, auth_ok: null, auth_error: null, ended_at: null } }),
    auth: (c, ok, error) => {
      const at = Date.now();
      const findings = ok ? detector.authSucceeded(c.user ?? '', c.srcIp, at) : detector.authFailed(c.user ?? '', c.srcIp, at);
      enqueue({ t: 'auth', c, findings, patch: { auth_ok: ok, auth_error: error, db_user: c.user, db_name: c.database, client_program: c.program, client_tls: c.clientTls } });
    },
    statement: enqueue,
    closed: (c) => enqueue({ t: 'closed', id: c.id, at: Date.now() }),
    congested: () => opts.overflow === 'backpressure' && queue.length >= opts.highWater,
    whenDrained: (resume) => {
      if (queue.length < opts.highWater / 2) resume();
      else drainWaiters.push(resume);
    },
  };

  return {
    sink,
    /** Resolves once every event queued before the call is stored (tests and shutdown use it instead of sleeping). */
    async flush(): Promise<void> {
      while (queue.length || writing || droppedUnreported) await drain();
    },
    /** Events waiting to be stored (benchmarks watch it drain). */
    backlog: () => queue.length,
    /** Recorder counters: events stored, statement events dropped because the queue was full, batches written. */
    stats: () => ({ queued: queue.length, dropped, ...counters }),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (queue.length || writing || droppedUnreported) await drain();
      for (const f of drainWaiters.splice(0)) f();
      if (copyDb && !copyClosed) {
        copyClosed = true;
        await copyDb.destroy();
      }
    },
    async listStatements(q: StatementQuery) {
      const { rows, total } = await dal.listStatements(q);
      return {
        items: rows.map((r) => ({
          id: Number(r.id), connectionId: r.connection_id, engine: r.engine, time: r.at,
          src: { ip: r.src_ip, port: r.src_port }, dst: { ip: r.dst_ip, port: r.dst_port },
          actor: { user: r.db_user, program: r.client_program },
          database: { name: r.db_name, objects: r.objects }, protocol: r.protocol, command: r.command, sql: r.sql, params: r.params as unknown[] | null,
          rows: r.rows === null ? null : Number(r.rows), durationMs: r.duration_ms, error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
        })),
        total,
      };
    },
    async listAlerts(q: { offset: number; limit: number; kind?: string }) {
      const { rows, total } = await dal.listAlerts(q);
      return { items: rows.map((r) => ({ id: Number(r.id), at: r.at, kind: r.kind, severity: r.severity, statementId: r.statement_id === null ? null : Number(r.statement_id), connectionId: r.connection_id, dbUser: r.db_user, srcIp: r.src_ip, detail: r.detail as unknown as Record<string, unknown> })), total };
    },
    async listConnections(q: { offset: number; limit: number }) {
      const { rows, total } = await dal.listConnections(q);
      return { items: rows.map((r) => ({ id: r.id, engine: r.engine, srcIp: r.src_ip, srcPort: r.src_port, dstIp: r.dst_ip, dstPort: r.dst_port, dbUser: r.db_user, dbName: r.db_name, clientProgram: r.client_program, clientTls: r.client_tls, upstreamTls: r.upstream_tls, authOk: r.auth_ok, authError: r.auth_error, startedAt: r.started_at, endedAt: r.ended_at })), total };
    },
    /** Recorded statements, connections and alerts since a moment, and the recorder's losses (for the compliance check). */
    async recordSummary(since: Date) {
      return { ...(await dal.recordSummary(since)), recorder: { queued: queue.length, dropped, ...counters } };
    },
    async listRoutines(q: { offset: number; limit: number }) {
      const { rows, total } = await dal.listRoutines(q);
      return { items: rows.map((r) => ({ engine: r.engine, database: r.db_name, name: r.name, language: r.language, tables: r.tables, learnedAt: r.learned_at })), total };
    },
  };
}
export type DbAuditService = ReturnType<typeof createDbAuditService>;

/** PostgreSQL text and jsonb refuse NUL (a MySQL query or a bind value may carry one): shown as U+FFFD instead. */
const noNul = (v: string) => (v.indexOf('\u0000') < 0 ? v : v.replace(/\u0000/g, '\ufffd'));

/**
 * The statement text with string and number literals replaced by `?`: the key under which its parse is cached. Texts
 * with comments, dollar quotes, backslashes or identifiers in double quotes / backticks are keyed as they are — a
 * mistaken blanking there could give two different statements one key.
 */

export function literalFreeKey(sql: string): string {
  if (/--|\/\*|[$\\#"`]/.test(sql)) return sql;
  return sql.replace(/'(?:[^']|'')*'/g, '?').replace(/(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/gi, '?');
}
