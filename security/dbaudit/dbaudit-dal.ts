import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Generated, type Insertable, type Kysely, type Selectable } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { asRoom } from '../../core/db';

type ConnectionsTable = {
  id: string; engine: 'postgresql' | 'mysql'; src_ip: string; src_port: number; dst_ip: string; dst_port: number; db_user: string | null; db_name: string | null;
  client_program: string | null; client_tls: boolean; upstream_tls: boolean; auth_ok: boolean | null; auth_error: string | null; started_at: Generated<Date>; ended_at: Date | null;
};
type StatementsTable = {
  id: Generated<string>; connection_id: string; engine: string; at: Date; src_ip: string; src_port: number; dst_ip: string; dst_port: number;
  db_user: string | null; db_name: string | null; client_program: string | null; protocol: 'simple' | 'extended' | 'com_query' | 'com_stmt'; command: string;
  objects: string[]; sql: string; params: string | null; rows: string | number | null; duration_ms: number; error_code: string | null; error_message: string | null;
};
type AlertsTable = {
  id: Generated<string>; at: Generated<Date>; kind: string; severity: 'low' | 'medium' | 'high' | 'critical'; statement_id: string | number | null; connection_id: string | null;
  db_user: string | null; src_ip: string | null; detail: string;
};
type RoutinesTable = { engine: 'postgresql' | 'mysql'; db_name: string; name: string; user_defined: boolean; language: string | null; tables: string[]; learned_at: Generated<Date> };

export type DbAuditTables = {
  'dbaudit.connections': ConnectionsTable;
  'dbaudit.statements': StatementsTable;
  'dbaudit.alerts': AlertsTable;
  'dbaudit.routines': RoutinesTable;
};
export type StatementRow = Selectable<StatementsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type RoutineRow = Selectable<RoutinesTable>;

type Db = Kysely<any>;

export type StatementFilter = { offset: number; limit: number; user?: string; database?: string; command?: string; text?: string; srcIp?: string; engine?: string; failed?: 'true' | 'false'; from?: Date; to?: Date };

/** A value in COPY text format: `\N` is NULL; backslash, tab, newline and carriage return are escaped. */
export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/** A text[] literal (`{"a","b"}`), every element quoted so commas, braces, quotes and `NULL` stay plain text. */
export function textArrayLiteral(xs: readonly string[]): string {
  if (!xs.length) return '{}';
  let out = '{';
  for (let i = 0; i < xs.length; i++) out += `${i ? ',' : ''}"${xs[i]!.replace(/[\\"]/g, '\\$&')}"`;
  return `${out}}`;
}

let isoSecond = -1;
let isoPrefix = '';
/** An epoch-ms time as ISO 8601 UTC; the part up to the second is reused while rows share it (most of a batch). */
export function isoOf(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20);
  }
  const frac = Math.floor(ms - sec * 1000);
  return `${isoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

export type StatementRowIn = Omit<Insertable<StatementsTable>, 'at'> & { at: Date | number };
const STATEMENT_COLUMNS = 'connection_id, engine, at, src_ip, src_port, dst_ip, dst_port, db_user, db_name, client_program, protocol, command, objects, sql, params, rows, duration_ms, error_code, error_message';

/**
 * Writes statement rows with one `COPY … FROM STDIN` (text format) on `client`, inside the caller's transaction:
 * PostgreSQL parses no statement and binds no parameter per row, and Node escapes with a few string checks instead
 * of node-postgres' array encoding. Rows with an id (those alerts point at) keep it; the others take the sequence's.
 */
export async function copyStatements(client: pg.PoolClient, rows: StatementRowIn[]): Promise<void> {
  const withId = rows.filter((r) => r.id !== undefined && r.id !== null);
  const plain = withId.length ? rows.filter((r) => r.id === undefined || r.id === null) : rows;
  const line = (r: StatementRowIn) =>
    `${r.connection_id}\t${copyText(r.engine)}\t${typeof r.at === 'number' ? isoOf(r.at) : r.at.toISOString()}\t${copyText(r.src_ip)}\t${r.src_port}\t${copyText(r.dst_ip)}\t${r.dst_port}\t${copyText(r.db_user ?? null)}\t${copyText(r.db_name ?? null)}\t${copyText(r.client_program ?? null)}\t${r.protocol}\t${copyText(r.command)}\t${copyText(textArrayLiteral(r.objects ?? []))}\t${copyText(r.sql)}\t${copyText(r.params ?? null)}\t${r.rows ?? '\\N'}\t${r.duration_ms}\t${copyText(r.error_code ?? null)}\t${copyText(r.error_message ?? null)}\n`;
  const copy = async (target: string, text: string) => pipeline(Readable.from([text]), client.query(copyFrom(`copy dbaudit.statements (${target}) from stdin`)));
  if (plain.length) {
    let text = '';
    for (const r of plain) text += line(r);
    await copy(STATEMENT_COLUMNS, text);
  }
  if (withId.length) {
    let text = '';
    for (const r of withId) text += `${r.id}\t${line(r)}`;
    await copy(`id, ${STATEMENT_COLUMNS}`, text);
  }
}

const likeEscape = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Queries of the dbaudit schema; every method takes a trailing transaction. */
export function createDbAuditDal(db: Db) {
  const r = (tx: Db) => asRoom<DbAuditTables>(tx);
  return {
    insertConnection: (row: Insertable<ConnectionsTable>, tx: Db = db) => r(tx).insertInto('dbaudit.connections').values(row).execute(),
    updateConnectionAuth: (id: string, patch: Pick<ConnectionsTable, 'auth_ok' | 'auth_error' | 'db_user' | 'db_name' | 'client_program' | 'client_tls'>, tx: Db = db) =>
      r(tx).updateTable('dbaudit.connections').set(patch).where('id', '=', id).execute(),
    closeConnection: (id: string, tx: Db = db) => r(tx).updateTable('dbaudit.connections').set({ ended_at: sql<Date>`now()` }).where('id', '=', id).execute(),
    async insertStatement(row: Insertable<StatementsTable>, tx: Db = db): Promise<number> {
      const { id } = await r(tx).insertInto('dbaudit.statements').values({ ...row, params: row.params === null || row.params === undefined ? null : sql<string>`${row.params}::jsonb` }).returning('id').executeTakeFirstOrThrow();
      return Number(id);
    },
    insertAlert: (row: Insertable<AlertsTable>, tx: Db = db) => r(tx).insertInto('dbaudit.alerts').values({ ...row, detail: sql<string>`${row.detail}::jsonb` }).execute(),
    // Multi-row writes for the batched recorder: one statement per table and batch instead of one per event.
    insertConnections: (rows: Insertable<ConnectionsTable>[], tx: Db = db) => (rows.length ? r(tx).insertInto('dbaudit.connections').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute() : Promise.resolve([])),
    /** Statement ids reserved ahead of a batch insert, so alerts of the same batch can point at their statement. */
    async reserveStatementIds(n: number, tx: Db = db): Promise<number[]> {
      const { rows } = await sql<{ id: string | number }>`select nextval(pg_get_serial_sequence('dbaudit.statements', 'id')) as id from generate_series(1, ${n}::int)`.execute(tx);
      return rows.map((x) => Number(x.id));
    },
    /**
     * One INSERT … SELECT FROM unnest(column arrays) per batch: 20 parameters whatever the batch size (a VALUES list
     * would bind 20 per row, and planning a 10,000-parameter statement costs PostgreSQL more than the rows do).
     * Rows without an id take the next from the sequence.
     */
    async insertStatements(rows: StatementRowIn[], tx: Db = db): Promise<void> {
      if (!rows.length) return;
      const col = <K extends keyof StatementRowIn>(k: K) => rows.map((x) => (k === 'at' && typeof x.at === 'number' ? new Date(x.at) : x[k] ?? null));
      await sql`insert into dbaudit.statements (id, connection_id, engine, at, src_ip, src_port, dst_ip, dst_port, db_user, db_name, client_program, protocol, command, objects, sql, params, rows, duration_ms, error_code, error_message)
        select coalesce(u.id, nextval(pg_get_serial_sequence('dbaudit.statements', 'id'))), u.connection_id, u.engine, u.at, u.src_ip, u.src_port, u.dst_ip, u.dst_port, u.db_user, u.db_name, u.client_program, u.protocol, u.command,
          array(select jsonb_array_elements_text(u.objects)), u.sql, u.params::jsonb, u.rows, u.duration_ms, u.error_code, u.error_message
        from unnest(${col('id')}::bigint[], ${col('connection_id')}::uuid[], ${col('engine')}::text[], ${col('at')}::timestamptz[], ${col('src_ip')}::text[], ${col('src_port')}::int[], ${col('dst_ip')}::text[], ${col('dst_port')}::int[],
          ${col('db_user')}::text[], ${col('db_name')}::text[], ${col('client_program')}::text[], ${col('protocol')}::text[], ${col('command')}::text[], ${rows.map((x) => JSON.stringify(x.objects ?? []))}::jsonb[], ${col('sql')}::text[],
          ${col('params')}::text[], ${col('rows')}::bigint[], ${col('duration_ms')}::float8[], ${col('error_code')}::text[], ${col('error_message')}::text[])
          as u(id, connection_id, engine, at, src_ip, src_port, dst_ip, dst_port, db_user, db_name, client_program, protocol, command, objects, sql, params, rows, duration_ms, error_code, error_message)`.execute(tx);
    },
    insertAlerts: (rows: Insertable<AlertsTable>[], tx: Db = db) => (rows.length ? r(tx).insertInto('dbaudit.alerts').values(rows.map((row) => ({ ...row, detail: sql<string>`${row.detail}::jsonb` }))).execute() : Promise.resolve([])),
    closeConnections: (ids: string[], at: Date, tx: Db = db) => (ids.length ? r(tx).updateTable('dbaudit.connections').set({ ended_at: at }).where('id', 'in', ids).execute() : Promise.resolve([])),
    async listStatements(q: StatementFilter, tx: Db = db) {
      let base = r(tx).selectFrom('dbaudit.statements');
      if (q.user) base = base.where('db_user', '=', q.user);
      if (q.database) base = base.where('db_name', '=', q.database);
      if (q.command) base = base.where('command', '=', q.command.toUpperCase());
      if (q.srcIp) base = base.where('src_ip', '=', q.srcIp);
      if (q.engine) base = base.where('engine', '=', q.engine);
      if (q.failed === 'true') base = base.where('error_code', 'is not', null);
      if (q.failed === 'false') base = base.where('error_code', 'is', null);
      if (q.from) base = base.where('at', '>=', q.from);
      if (q.to) base = base.where('at', '<', q.to);
      if (q.text) base = base.where('sql', 'ilike', likeEscape(q.text));
      const rows = await base.selectAll().orderBy('id', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    async listAlerts(q: { offset: number; limit: number; kind?: string }, tx: Db = db) {
      let base = r(tx).selectFrom('dbaudit.alerts');
      if (q.kind) base = base.where('kind', '=', q.kind);
      const rows = await base.selectAll().orderBy('id', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    async listConnections(q: { offset: number; limit: number }, tx: Db = db) {
      const base = r(tx).selectFrom('dbaudit.connections');
      const rows = await base.selectAll().orderBy('started_at', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    /** What the compliance check reads: how much is recorded, since when, and how many records lack who/where. */
    async recordSummary(since: Date, tx: Db = db) {
      // Bounded by the window (the statements table is the largest the project keeps): the counts scan only recent
      // rows through the BRIN index on `at`; rows arrive in time order, so the first and last by primary key are the
      // oldest and newest — never a scan of the whole log.
      const st = await sql<{ oldest: Date | null; newest: Date | null; recent: string; no_user: string; no_source: string }>`
        select (select at from dbaudit.statements order by id limit 1) as oldest,
               (select at from dbaudit.statements order by id desc limit 1) as newest,
               count(*) as recent, count(*) filter (where db_user is null) as no_user, count(*) filter (where src_ip is null or src_ip = '') as no_source
        from dbaudit.statements where at >= ${since}`.execute(tx);
      const cn = await sql<{ engine: string; total: string; client_tls: string; upstream_tls: string; auth_failed: string }>`
        select engine, count(*) as total, count(*) filter (where client_tls) as client_tls, count(*) filter (where upstream_tls) as upstream_tls,
               count(*) filter (where auth_ok = false) as auth_failed
        from dbaudit.connections where started_at >= ${since} group by engine order by engine`.execute(tx);
      const al = await sql<{ severity: string; n: string }>`select severity, count(*) as n from dbaudit.alerts where at >= ${since} group by severity order by severity`.execute(tx);
      const s = st.rows[0]!;
      return {
        statements: { oldest: s.oldest, newest: s.newest, recent: Number(s.recent), recentWithoutUser: Number(s.no_user), recentWithoutSource: Number(s.no_source) },
        connections: cn.rows.map((c) => ({ engine: c.engine, total: Number(c.total), clientTls: Number(c.client_tls), upstreamTls: Number(c.upstream_tls), authFailed: Number(c.auth_failed) })),
        alerts: Object.fromEntries(al.rows.map((a) => [a.severity, Number(a.n)])) as Record<string, number>,
      };
    },
    findRoutine: (engine: 'postgresql' | 'mysql', dbName: string, name: string, tx: Db = db) =>
      r(tx).selectFrom('dbaudit.routines').selectAll().where('engine', '=', engine).where('db_name', '=', dbName).where('name', '=', name).executeTakeFirst(),
    saveRoutine: (row: Insertable<RoutinesTable>, tx: Db = db) =>
      r(tx).insertInto('dbaudit.routines').values(row).onConflict((oc) => oc.columns(['engine', 'db_name', 'name']).doNothing()).execute(),
    async listRoutines(q: { offset: number; limit: number }, tx: Db = db) {
      const base = r(tx).selectFrom('dbaudit.routines').where('user_defined', '=', true);
      const rows = await base.selectAll().orderBy('learned_at', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
  };
}
export type DbAuditDal = ReturnType<typeof createDbAuditDal>;
