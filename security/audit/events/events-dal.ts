import { isIP } from 'node:net';
import { sql, type Kysely } from 'kysely';
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

/** Queries of the events table: batched inserts (one statement per batch, arrays unnested) and day partitions. */
export function createEventsDal(db: Kysely<any>) {
  const knownDays = new Set<string>();

  return {
    /**
     * Creates the partitions of the days these times fall on (when inside the window the ingest keeps partitions
     * for); times outside land in the default partition.
     */
    async ensureDays(times: Date[], window: { from: Date; to: Date }, tx: Kysely<any> = db): Promise<void> {
      const days = new Set<string>();
      for (const t of times) {
        if (t < window.from || t > window.to) continue;
        const d = dayOf(t);
        if (!knownDays.has(d)) days.add(d);
      }
      for (const d of [...days].sort()) {
        await sql`select logaudit.ensure_day(${d}::date)`.execute(tx);
        knownDays.add(d);
      }
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
        const r = rows[i]!;
        const f = r.fields;
        const ip = str(f['source.ip']);
        c.ts[i] = r.ts.toISOString();
        c.received[i] = r.receivedAt.toISOString();
        c.tenant[i] = r.tenantId;
        c.source[i] = r.sourceId;
        c.host[i] = str(f['host.name']);
        c.ip[i] = ip && isIP(ip) ? ip : null;
        c.user[i] = str(f['user.name']);
        c.action[i] = str(f['event.action']);
        c.outcome[i] = str(f['event.outcome']);
        c.category[i] = str(f['event.category']);
        c.severity[i] = Number(f['event.severity'] ?? 0) || 0;
        c.parser[i] = r.parser;
        c.message[i] = str(f.message);
        c.raw[i] = r.raw.replace(/\u0000/g, '');
        c.fields[i] = jsonSafe(f);
      }
      await sql`
        insert into logaudit.events (id, ts, received_at, tenant_id, source_id, host_name, source_ip, user_name, event_action, event_outcome, event_category, severity, parser, message, raw, fields)
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
