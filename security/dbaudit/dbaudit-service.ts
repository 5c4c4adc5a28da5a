import type { Kysely } from 'kysely';
import type { Logger } from '../../core/log';
import { createDbAuditDal, type StatementFilter } from './dbaudit-dal';
import { createConnectionDetector, dangerFindings, injectionFindings, offHours, type Finding } from './detection-fns';
import type { AuditSink, ConnInfo, StatementEvent } from './pg-proxy';
import type { RoutineSource } from './routine-learner';
import { analyseMysql, analysePg, loadSqlParser } from './sql-analysis-fns';

export type DbAuditServiceDeps = {
  db: Kysely<any>; logger: Logger; maskParams?: boolean; workingHours?: { from: number; to: number }; now?: () => Date;
  /** Stored-procedure learning: where routine bodies are read from; without it calls are attributed to nothing. */
  routines?: RoutineSource;
};

export type StatementQuery = StatementFilter;

/**
 * Stores what the proxies see, off their hot path: events queue in memory and are parsed, judged and written in
 * batches. Records stay in the dbaudit schema (the log audit's ingest port is wired here when that room exists).
 */
export function createDbAuditService(deps: DbAuditServiceDeps) {
  const { db, logger } = deps;
  const dal = createDbAuditDal(db);
  const detector = createConnectionDetector();
  // Routine name → tables it touches (null: not a user routine); one lookup per name and database.
  const routineCache = new Map<string, string[] | null>();
  let queue: Array<() => Promise<void>> = [];
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => void flush(), 200);
  timer.unref();

  async function alert(f: Finding, extra: { statementId?: number | null; conn: ConnInfo; detail?: Record<string, unknown> }) {
    await dal.insertAlert({ kind: f.kind, severity: f.severity, statement_id: extra.statementId ?? null, connection_id: extra.conn.id, db_user: extra.conn.user, src_ip: extra.conn.srcIp, detail: JSON.stringify({ reason: f.reason, ...extra.detail }) });
  }

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

  async function storeStatement(s: StatementEvent) {
    let shape;
    if (s.conn.engine === 'postgresql') {
      await loadSqlParser();
      shape = analysePg(s.sql);
    } else shape = analyseMysql(s.sql);
    const objects = new Set(shape.objects);
    if (deps.routines) for (const name of shape.routines.slice(0, 8)) for (const t of (await routineTables(s.conn, name)) ?? []) objects.add(t);
    const params = s.params === null ? null : deps.maskParams ? s.params.map(() => '***') : s.params;
    const id = await dal.insertStatement({
      connection_id: s.conn.id, engine: s.conn.engine, at: s.at, src_ip: s.conn.srcIp, src_port: s.conn.srcPort, dst_ip: s.conn.dstIp, dst_port: s.conn.dstPort,
      db_user: s.conn.user, db_name: s.conn.database, client_program: s.conn.program, protocol: s.protocol, command: shape.command, objects: [...objects],
      sql: s.sql, params: params === null ? null : JSON.stringify(params), rows: s.rows, duration_ms: s.durationMs, error_code: s.errorCode, error_message: s.errorMessage,
    });
    const findings = [...injectionFindings(s.sql, Math.max(shape.statements, s.statementCount)), ...dangerFindings(shape.command, s.sql), ...offHours(s.at, deps.workingHours)];
    for (const f of findings) await alert(f, { statementId: id, conn: s.conn });
  }

  async function flush(): Promise<void> {
    if (flushing) return flushing;
    flushing = (async () => {
      while (queue.length) {
        const batch = queue;
        queue = [];
        for (const job of batch) await job().catch((err: unknown) => logger.error({ err }, 'db-audit: storing an event failed'));
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const sink: AuditSink = {
    connection: (c) => queue.push(() => dal.insertConnection({ id: c.id, engine: c.engine, src_ip: c.srcIp, src_port: c.srcPort, dst_ip: c.dstIp, dst_port: c.dstPort, db_user: c.user, db_name: c.database, client_program: c.program, client_tls: c.clientTls, upstream_tls: c.upstreamTls, auth_ok: null, auth_error: null, ended_at: null }).then(() => {})),
    auth: (c, ok, error) => {
      const at = Date.now();
      const findings = ok ? detector.authSucceeded(c.user ?? '', c.srcIp, at) : detector.authFailed(c.user ?? '', c.srcIp, at);
      const snapshot = { auth_ok: ok, auth_error: error, db_user: c.user, db_name: c.database, client_program: c.program, client_tls: c.clientTls };
      queue.push(async () => {
        await dal.updateConnectionAuth(c.id, snapshot);
        for (const f of findings) await alert(f, { conn: c });
      });
    },
    statement: (s) => queue.push(() => storeStatement(s)),
    closed: (c) => queue.push(() => dal.closeConnection(c.id).then(() => {})),
  };

  return {
    sink,
    flush,
    /** Events waiting to be stored (benchmarks watch it drain). */
    backlog: () => queue.length,
    stop: async () => {
      clearInterval(timer);
      await flush();
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
    async listRoutines(q: { offset: number; limit: number }) {
      const { rows, total } = await dal.listRoutines(q);
      return { items: rows.map((r) => ({ engine: r.engine, database: r.db_name, name: r.name, language: r.language, tables: r.tables, learnedAt: r.learned_at })), total };
    },
  };
}
export type DbAuditService = ReturnType<typeof createDbAuditService>;
