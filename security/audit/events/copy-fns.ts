import { isIP } from 'node:net';
import type { EventRow } from './events-dal';

/** Column order of a COPY line (and of the INSERT). */
export const COLUMNS = 'id, ts, received_at, tenant_id, source_id, host_name, source_ip, user_name, event_action, event_outcome, event_category, severity, parser, message, raw, fields';

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v).replace(/\u0000/g, ''));

/** Strips NUL characters, which PostgreSQL text and jsonb refuse. */
function jsonSafe(fields: Record<string, unknown>): string {
  return JSON.stringify(fields).replace(/\\u0000/g, '');
}

/** A value in COPY text format (`\N` is NULL; backslash, tab, newline and carriage return escaped). */
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/** The stored columns of one row (NUL stripped: PostgreSQL text and jsonb refuse it). */
export function columnsOf(r: EventRow) {
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
 * One row in COPY text format without its id column: everything after the id's tab, newline included. Ids come from
 * the sequence inside the batch's transaction, so a parse worker can encode before they are known.
 */
export function encodeCopyTail(r: EventRow): string {
  const c = columnsOf(r);
  return `${c.ts}\t${c.received}\t${copyText(c.tenant)}\t${copyText(c.source)}\t${copyText(c.host)}\t${copyText(c.ip)}\t${copyText(c.user)}\t${copyText(c.action)}\t${copyText(c.outcome)}\t${copyText(c.category)}\t${c.severity}\t${copyText(c.parser)}\t${copyText(c.message)}\t${copyText(c.raw)}\t${copyText(c.fields)}\n`;
}

/** Encoded tails (joined, row i ending at `ends[i]`) with their ids in front: the COPY text of a batch. */
export function withIds(ids: readonly number[], tails: string, ends: Uint32Array): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    out += `${ids[i]}\t${tails.slice(start, ends[i])}`;
    start = ends[i]!;
  }
  return out;
}

/** A batch in COPY text format, one line per row, columns in `COLUMNS` order. */
export function encodeCopyRows(rows: readonly EventRow[], ids: readonly number[]): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) out += `${ids[i]}\t${encodeCopyTail(rows[i]!)}`;
  return out;
}
