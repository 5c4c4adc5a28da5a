import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { openPgPool } from '../../../core/db';
import { from as copyFrom } from 'pg-copy-streams';
import type { LogEvent } from '../parsers/normalise-fns';
import { COLUMNS, columnsOf, encodeCopyRows, withIds } from './copy-fns';

/** A normalised event ready to store, with where it came from. */
export type EventRow = LogEvent & { receivedAt: Date; tenantId: string | null; sourceId: string | null };
/**
 * A batch a parse worker already encoded: each row's time, and the rows' COPY text without their ids
 * (`encodeCopyTail`) joined in `tails`, row i ending at `ends[i]` (one string crosses threads cheaper than many).
 */
export type EncodedBatch = { ts: Date[]; tails: string; ends: Uint32Array };

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

/** UTC day of a time, as YYYY-MM-DD. */
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** Runs one statement inside the batch's transaction, whichever connection it is on. */
export type BatchRunner = (q: RawBuilder<unknown>) => Promise<unknown>;

/**
 * Queries of the events table: batched writes and day partitions. On PostgreSQL with `copyUrl`, a batch is one
 * `COPY … FROM STDIN` in a transaction of its own connection (PostgreSQL then writes rows in bulk per partition:
 * ~3× the rows/s of an INSERT here); otherwise (PGlite, which has no COPY from a client stream) one
 * `insert … select * from unnest($arrays)`.
 */
export function createEventsDal(db: Kysely<any>, opts: { copyUrl?: string; copyConnections?: number } = {}) {
  const knownDays = new Set<string>();
  // A lost connection is reported by the next batch on it, never as an unhandled 'error' (openPgPool).
  const copyPool = opts.copyUrl ? openPgPool(opts.copyUrl, opts.copyConnections ?? 4) : null;

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
     * same transaction. Returns the ids in input order. COPY when configured, else the Kysely insert. An
     * `EncodedBatch` (from the parse worker, which runs only with COPY) is written as it was encoded.
     */
    async writeBatch(batch: EventRow[] | EncodedBatch, window: { from: Date; to: Date }, after: (run: BatchRunner) => Promise<void>): Promise<number[]> {
      const rows = Array.isArray(batch) ? batch : null;
      const times = rows ? rows.map((r) => r.ts) : (batch as EncodedBatch).ts;
      if (!copyPool) {
        if (!rows) throw new Error('an encoded batch needs the COPY connection (copyUrl)');
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
        const made = await ensureDaysWith(times, window, run);
        const idRes = await client.query<{ id: string | number }>('select nextval(\'logaudit.event_id_seq\')::bigint as id from generate_series(1, $1::int)', [times.length]);
        const ids = idRes.rows.map((r) => Number(r.id));
        const stream = client.query(copyFrom(`copy logaudit.events (${COLUMNS}) from stdin`));
        await pipeline(Readable.from([rows ? encodeCopyRows(rows, ids) : withIds(ids, (batch as EncodedBatch).tails, (batch as EncodedBatch).ends)]), stream);
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

    /**
     * Builds the trigram index (full-text search) of the day partitions that lack it: days before `now`'s UTC day
     * when `closed`, today and the days created ahead when `open` (migration 003 made the index per partition so that
     * today's can be left out for ingest speed: YIYUN_LOG_FULLTEXT_INDEX). CONCURRENTLY, so that events keep flowing;
     * an index a failed build left invalid is dropped and built again. Nothing where pg_trgm is not installed
     * (PGlite). Returns the days indexed.
     */
    async indexDays(now: Date, which: { closed: boolean; open: boolean }): Promise<string[]> {
      const ext = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
      const schema = ext.rows[0]?.schema;
      if (!schema) return [];
      const today = dayOf(now);
      const parts = await sql<{ name: string; valid: boolean | null }>`select c.relname as name, x.indisvalid as valid
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        left join pg_class ic on ic.relnamespace = c.relnamespace and ic.relname = c.relname || '_raw_trgm'
        left join pg_index x on x.indexrelid = ic.oid
        where i.inhparent = 'logaudit.events'::regclass order by c.relname`.execute(db);
      const done: string[] = [];
      for (const p of parts.rows) {
        if (!/^events_\d{8}$/.test(p.name) || p.valid === true) continue;
        const day = `${p.name.slice(7, 11)}-${p.name.slice(11, 13)}-${p.name.slice(13, 15)}`;
        if (day >= today ? !which.open : !which.closed) continue;
        const index = `${p.name}_raw_trgm`;
        if (p.valid === false) await sql`drop index concurrently if exists ${sql.id('logaudit', index)}`.execute(db);
        await sql`create index concurrently if not exists ${sql.id(index)} on ${sql.id('logaudit', p.name)} using gin (raw ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
        done.push(day);
      }
      return done;
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
