import mysql from 'mysql2/promise';
import pg from 'pg';
import { analyseMysql, loadSqlParser, pgRoutineTables } from './sql-analysis-fns';

/** A learned routine: its language and the tables its body touches; null when the name is not a user routine. */
export type LearnedRoutine = { language: string | null; tables: string[] } | null;
export type RoutineSource = { lookup(engine: 'postgresql' | 'mysql', database: string, user: string | null, name: string): Promise<LearnedRoutine> };

type Upstream = { host: string; port: number; user?: string; password?: string };

/**
 * Reads a routine's body over a separate upstream connection (never the audited client's): PostgreSQL from pg_proc
 * (parsed with libpg-query, PL/pgSQL statements included), MySQL / MariaDB from information_schema.ROUTINES (each
 * statement of the body shaped with node-sql-parser). The account is the configured one, else the caller's own
 * (which works where the server trusts the proxy host, as on this machine).
 */
export function createRoutineSource(opts: { pg?: Upstream; mysql?: Upstream }): RoutineSource {
  return {
    async lookup(engine, database, user, name) {
      const parts = name.split('.');
      const routine = parts.pop()!;
      const schema = parts.pop() ?? null;
      if (engine === 'postgresql') {
        if (!opts.pg) return null;
        await loadSqlParser();
        const c = new pg.Client({ host: opts.pg.host, port: opts.pg.port, user: opts.pg.user ?? user ?? 'postgres', password: opts.pg.password, database, application_name: 'yiyun-dbaudit-learner', connectionTimeoutMillis: 5000 });
        c.on('error', () => undefined); // a lost session fails the query below; it must not crash the process
        await c.connect();
        try {
          const r = await c.query<{ prosrc: string; lanname: string; def: string }>(
            `select p.prosrc, l.lanname, pg_get_functiondef(p.oid) as def from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
             where p.prokind <> 'a' and p.proname = $1 and (($2::text is null and n.nspname not in ('pg_catalog', 'information_schema')) or n.nspname = $2)`,
            [routine, schema],
          );
          if (!r.rows.length || r.rows.every((x) => x.lanname !== 'sql' && x.lanname !== 'plpgsql')) return null;
          const tables = new Set<string>();
          for (const row of r.rows) for (const t of pgRoutineTables(row.lanname, row.prosrc, row.def)) tables.add(t);
          return { language: r.rows[0]!.lanname, tables: [...tables].sort() };
        } finally {
          await c.end();
        }
      }
      if (!opts.mysql) return null;
      const c = await mysql.createConnection({ host: opts.mysql.host, port: opts.mysql.port, user: opts.mysql.user ?? user ?? 'root', password: opts.mysql.password ?? '', connectTimeout: 5000 });
      try {
        const [rows] = await c.query<mysql.RowDataPacket[]>('select ROUTINE_DEFINITION as body from information_schema.ROUTINES where ROUTINE_NAME = ? and ROUTINE_SCHEMA = ?', [routine, schema ?? database]);
        if (!rows.length) return null;
        const tables = new Set<string>();
        for (const row of rows) for (const t of mysqlRoutineTables(String(row.body ?? ''))) tables.add(t);
        return { language: 'sql', tables: [...tables].sort() };
      } finally {
        await c.end();
      }
    },
  };
}

/** Tables in a MySQL routine body: BEGIN … END split into statements, each shaped (keyword fallback inside). */
export function mysqlRoutineTables(body: string): string[] {
  const inner = body.replace(/^\s*begin\b/i, '').replace(/\bend\s*;?\s*$/i, '');
  const out = new Set<string>();
  for (const stmt of inner.split(';')) {
    const s = stmt.trim();
    if (!s || /^(declare|set|if|end|else|return|leave|iterate|open|close|fetch)\b/i.test(s)) continue;
    for (const o of analyseMysql(s).objects) out.add(o);
  }
  return [...out];
}
