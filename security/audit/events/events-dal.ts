import { isIP } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LogEvent } from '../parsers/normalise-fns';

/** A normalised event ready to store, with where it came from. */
export type EventRow = LogEvent & { receivedAt: Date; tenantId: string | null; sourceId: string | null };

/** A stored event as read back. */
export type StoredEvent = {
  id: number;
  ts: Date;
  receivedAt: Date;
  tenantId: string | null;
  sourceId: string | null;
  parser: string;
  raw: string;
  fields: Record<string, unknown>;
};

const DAY_MS = 86_400_000;
const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v).replace(/\u0000/g, ''));

/** UTC day of a time, as YYYY-MM-DD. */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** Strips NUL characters, which PostgreSQL text and jsonb refuse. */
function jsonSafe(fields: Record<string, unknown>): string {
  return JSON.stringify(fields).replace(/\\u0000/g, '');
}

/** Runs one statement inside the batch's transaction, whichever connection it is on. */
export type BatchRunner = (q: RawBuilder<unknown>) => Promise<unknown>;

const COLUMNS = 'id, ts, received_at, tenant_id, source_id, host_name, source_ip, user_name, event_action, event_outcome, event_category, severity, parser, message, raw, fields';

/** A value in COPY text format (`\N` is NULL; backslash, tab, newline and carriage return escaped). */
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/** The stored columns of one row (NUL stripped: PostgreSQL text and jsonb refuse it). */
function columnsOf(r: EventRow) {
  const f = r.fields;
  const ip = str(f['source.ip']);
  return {
    ts: r.ts.toISOString(),
    received: r.receivedAt.toISOString(),
    tenant: r.tenantId,
    source: r.sourceId,
    host: str(f['host.name']),
    ip: ip && isIP(ip) ? ip : null,
    user: str(f['user.name']),
    action: str(f['event.action']),
    outcome: str(f['event.outcome']),
    category: str(f['event.category']),
    severity: Number(f['event.severity'] ?? 0) || 0,
    parser: r.parser,
    message: str(f.message),
    raw: r.raw.replace(/\u0000/g, ''),
    fields: jsonSafe(f),
  };
}

/**
 * Queries of the events table: batched writes and day partitions. On PostgreSQL with `copyUrl`, a batch is one
 * `COPY … FROM STDIN` in a transaction of its own connection (PostgreSQL then writes rows in bulk per partition:
 * ~3× the rows/s of an INSERT here); otherwise (PGlite, which has no COPY from a client stream) one
 * `insert … select * from unnest($arrays)`.
 */
export function createEventsDal(db: Kysely<any>, opts: { copyUrl?: string; copyConnections?: number } = {}) {
  const knownDays = new Set<string>();
  const copyPool = opts.copyUrl ? new pg.Pool({ connectionString: opts.copyUrl, max: opts.copyConnections ?? 4 }) : null;
  copyPool?.on('error', () => {
    // An idle client lost its connection; the pool replaces it and the next batch reports its own error.
  });

  /** Partitions for the days of these times inside the window (others land in the default partition). */
  async function ensureDaysWith(times: Date[], window: { from: Date; to: Date }, run: BatchRunner): Promise<string[]> {
    const days = new Set<string>();
    for (const t of times) {
      if (t < window.from || t > window.to) continue;
      const d = dayOf(t);
      if (!knownDays.has(d)) days.add(d);
    }
    const made = [...days].sort();
    for (const d of made) await run(sql`select logaudit.ensure_day(${d}::date)`);
    return made;
  }

  return {
    /**
     * Creates the partitions of the days these times fall on (when inside the window the ingest keeps partitions
     * for); times outside land in the default partition.
     */
    async ensureDays(times: Date[], window: { from: Date; to: Date }, tx: Kysely<any> = db): Promise<void> {
      for (const d of await ensureDaysWith(times, window, (q) => q.execute(tx))) knownDays.add(d);
    },

    /** Whether `writeBatch` goes through COPY on its own connections. */
    copies: copyPool !== null,

    /**
     * Writes one batch in one transaction: partitions for its days, the rows, then `after` (source counters) in the
     * same transaction. Returns the ids in input order. COPY when configured, else the Kysely insert.
     */
    async writeBatch(rows: EventRow[], window: { from: Date; to: Date }, after: (run: BatchRunner) => Promise<void>): Promise<number[]> {
      if (!copyPool) {
        return db.transaction().execute(async (tx) => {
          await this.ensureDays(rows.map((r) => r.ts), window, tx);
          const ids = await this.insertBatch(rows, tx);
          await after((q) => q.execute(tx));
          return ids;
        });
      }
      const client = await copyPool.connect();
      let ok = false;
      try {
        const run: BatchRunner = (q) => {
          const c = q.compile(db);
          return client.query(c.sql, c.parameters as unknown[]);
        };
        await client.query('begin');
        const made = await ensureDaysWith(rows.map((r) => r.ts), window, run);
        const idRes = await client.query<{ id: string | number }>('select nextval(\'logaudit.event_id_seq\')::bigint as id from generate_series(1, $1::int)', [rows.length]);
        const ids = idRes.rows.map((r) => Number(r.id));
        const lines: string[] = new Array<string>(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const c = columnsOf(rows[i]!);
          lines[i] = `${ids[i]}\t${c.ts}\t${c.received}\t${copyText(c.tenant)}\t${copyText(c.source)}\t${copyText(c.host)}\t${copyText(c.ip)}\t${copyText(c.user)}\t${copyText(c.action)}\t${copyText(c.outcome)}\t${copyText(c.category)}\t${c.severity}\t${copyText(c.parser)}\t${copyText(c.message)}\t${copyText(c.raw)}\t${copyText(c.fields)}\n`;
        }
        const stream = client.query(copyFrom(`copy logaudit.events (${COLUMNS}) from stdin`));
        await pipeline(Readable.from([lines.join('')]), stream);
        await after(run);
        await client.query('commit');
        ok = true;
        for (const d of made) knownDays.add(d);
        return ids;
      } finally {
        if (!ok) await client.query('rollback').catch(() => {});
        // A client whose COPY broke mid-stream is not reused.
        client.release(!ok);
      }
    },

    async close(): Promise<void> {
      await copyPool?.end();
    },

    /** Partitions ahead: today and the next `ahead` days (run by the maintenance job and at start). */
    async createAhead(now: Date, ahead: number, tx: Kysely<any> = db): Promise<void> {
      for (let i = -1; i <= ahead; i++) {
        const d = dayOf(new Date(now.getTime() + i * DAY_MS));
        await sql`select logaudit.ensure_day(${d}::date)`.execute(tx);
        knownDays.add(d);
      }
    },

    forgetDay(day: string): void {
      knownDays.delete(day);
    },

    /** Inserts a batch in one statement; returns the ids in input order. */
    async insertBatch(rows: EventRow[], tx: Kysely<any> = db): Promise<number[]> {
      if (rows.length === 0) return [];
      const idRes = await sql<{ id: number }>`select nextval('logaudit.event_id_seq')::bigint as id from generate_series(1, ${rows.length})`.execute(tx);
      const ids = idRes.rows.map((r) => Number(r.id));
      const n = rows.length;
      const c = {
        id: ids,
        ts: new Array<string>(n),
        received: new Array<string>(n),
        tenant: new Array<string | null>(n),
        source: new Array<string | null>(n),
        host: new Array<string | null>(n),
        ip: new Array<string | null>(n),
        user: new Array<string | null>(n),
        action: new Array<string | null>(n),
        outcome: new Array<string | null>(n),
        category: new Array<string | null>(n),
        severity: new Array<number>(n),
        parser: new Array<string>(n),
        message: new Array<string | null>(n),
        raw: new Array<string>(n),
        fields: new Array<string>(n),
      };
      for (let i = 0; i < n; i++) {
        const x = columnsOf(rows[i]!);
        c.ts[i] = x.ts;
        c.received[i] = x.received;
        c.tenant[i] = x.tenant;
        c.source[i] = x.source;
        c.host[i] = x.host;
        c.ip[i] = x.ip;
        c.user[i] = x.user;
        c.action[i] = x.action;
        c.outcome[i] = x.outcome;
        c.category[i] = x.category;
        c.severity[i] = x.severity;
        c.parser[i] = x.parser;
        c.message[i] = x.message;
        c.raw[i] = x.raw;
        c.fields[i] = x.fields;
      }
      await sql`
        insert into logaudit.events (${sql.raw(COLUMNS)})
        select * from unnest(
          ${c.id}::bigint[], ${c.ts}::timestamptz[], ${c.received}::timestamptz[], ${c.tenant}::uuid[], ${c.source}::uuid[], ${c.host}::text[],
          ${c.ip}::inet[], ${c.user}::text[], ${c.action}::text[], ${c.outcome}::text[], ${c.category}::text[], ${c.severity}::smallint[],
          ${c.parser}::text[], ${c.message}::text[], ${c.raw}::text[], ${c.fields}::jsonb[])`.execute(tx);
      return ids;
    },

    async get(id: number, tx: Kysely<any> = db): Promise<StoredEvent | undefined> {
      const r = await sql<any>`select id, ts, received_at, tenant_id, source_id, parser, raw, fields from logaudit.events where id = ${id} limit 1`.execute(tx);
      const row = r.rows[0];
      return row ? toStored(row) : undefined;
    },

    async count(tx: Kysely<any> = db): Promise<number> {
      const r = await sql<{ n: number }>`select count(*)::bigint as n from logaudit.events`.execute(tx);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}

/** Maps a row of `select id, ts, received_at, tenant_id, source_id, parser, raw, fields`. */
export function toStored(row: any): StoredEvent {
  return {
    id: Number(row.id),
    ts: row.ts,
    receivedAt: row.received_at,
    tenantId: row.tenant_id,
    sourceId: row.source_id,
    parser: row.parser,
    raw: row.raw,
    fields: row.fields,
  };
}

export type EventsDal = ReturnType<typeof createEventsDal>;
