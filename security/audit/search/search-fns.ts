import { isIP } from 'node:net';
import { sql, type RawBuilder } from 'kysely';
import { InputError } from '../../../core/errors';
import type { Condition, Filter, FilterOp, SearchInput } from '../log-audit-schemas';

/** Fields stored as real columns (indexed, fast); every other field is read from the jsonb `fields`. */
export const HOT_COLUMNS: Record<string, { column: string; type: 'text' | 'inet' | 'ts' | 'int' | 'uuid' }> = {
  '@timestamp': { column: 'ts', type: 'ts' },
  'event.ingested': { column: 'received_at', type: 'ts' },
  'source.ip': { column: 'source_ip', type: 'inet' },
  'user.name': { column: 'user_name', type: 'text' },
  'event.action': { column: 'event_action', type: 'text' },
  'event.outcome': { column: 'event_outcome', type: 'text' },
  'event.category': { column: 'event_category', type: 'text' },
  'event.severity': { column: 'severity', type: 'int' },
  'host.name': { column: 'host_name', type: 'text' },
  tenant: { column: 'tenant_id', type: 'uuid' },
  'source.id': { column: 'source_id', type: 'uuid' },
  parser: { column: 'parser', type: 'text' },
  message: { column: 'message', type: 'text' },
  raw: { column: 'raw', type: 'text' },
};

const NUMERIC = /^-?\d+(\.\d+)?$/;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The SQL expression of a field (a column, or `fields->>'name'`). */
export function fieldExpr(field: string): RawBuilder<unknown> {
  const hot = HOT_COLUMNS[field];
  if (hot) return sql.raw(hot.column === 'source_ip' ? 'host(source_ip)' : hot.column === 'ts' || hot.column === 'received_at' ? hot.column : `${hot.column}::text`);
  return sql`(fields->>${field})`;
}

function typedValue(field: string, v: string | number | boolean): unknown {
  const hot = HOT_COLUMNS[field];
  if (hot?.type === 'uuid' && !/^[0-9a-f-]{36}$/i.test(String(v))) throw new InputError(`${field} takes an id`, { code: 'log_search.invalid_value' });
  if (hot?.type === 'ts') {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new InputError(`${field} takes a time`, { code: 'log_search.invalid_value' });
    return d;
  }
  return String(v);
}

/** One field condition as SQL; NULL (field missing) means no match, and negations test `is not true`. */
export function conditionSql(field: string, op: FilterOp, value: unknown, values: unknown[] | undefined): RawBuilder<unknown> {
  const hot = HOT_COLUMNS[field];
  const col = hot ? sql.raw(hot.column) : null;
  const expr = fieldExpr(field);
  const need = (): string | number | boolean => {
    if (value === undefined || value === null) throw new InputError(`the filter on ${field} needs a value`, { code: 'log_search.value_required' });
    return value as string | number | boolean;
  };
  switch (op) {
    case 'exists':
      return hot ? sql`${col} is not null` : sql`fields ? ${field}`;
    case 'eq': {
      const v = need();
      if (hot?.type === 'inet') {
        if (!isIP(String(v))) return sql`false`;
        return sql`(source_ip = ${String(v)}::inet)`;
      }
      if (hot?.type === 'int') return sql`(${col} = ${Number(v)})`;
      if (hot) return sql`(${col} = ${typedValue(field, v)})`;
      // jsonb containment uses the GIN-free path but keeps types: "200" and 200 both match a numeric field.
      return sql`(fields->>${field} = ${String(v)})`;
    }
    case 'in': {
      const vs = (values ?? (value !== undefined ? [value] : [])).map(String);
      if (vs.length === 0) throw new InputError(`the filter on ${field} needs values`, { code: 'log_search.value_required' });
      if (hot?.type === 'inet') return sql`(host(source_ip) = any(${vs.filter((x) => isIP(x))}::text[]))`;
      return sql`(${expr} = any(${vs}::text[]))`;
    }
    case 'contains':
      return sql`(${expr} ilike ${`%${escapeLike(String(need()))}%`})`;
    case 'prefix':
      return sql`(${expr} ilike ${`${escapeLike(String(need()))}%`})`;
    case 're': {
      const v = String(need());
      try {
        new RegExp(v);
      } catch {
        throw new InputError(`the pattern on ${field} is not a valid regular expression`, { code: 'log_search.invalid_value' });
      }
      return sql`(${expr} ~* ${v})`;
    }
    case 'cidr': {
      const v = String(need());
      if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(v)) throw new InputError(`${v} is not a CIDR range`, { code: 'log_search.invalid_value' });
      if (hot?.type === 'inet') return sql`(source_ip <<= ${v}::inet)`;
      return sql`(case when fields->>${field} ~ '^[0-9a-fA-F:.]+$' then (fields->>${field})::inet <<= ${v}::inet end)`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const v = need();
      const sym = sql.raw(op === 'gt' ? '>' : op === 'gte' ? '>=' : op === 'lt' ? '<' : '<=');
      if (hot?.type === 'ts') return sql`(${col} ${sym} ${typedValue(field, v)})`;
      if (hot?.type === 'int') return sql`(${col} ${sym} ${Number(v)})`;
      if (!NUMERIC.test(String(v))) return sql`(${expr} ${sym} ${String(v)})`;
      return sql`(case when fields->>${field} ~ ${NUMERIC.source} then (fields->>${field})::numeric end ${sym} ${Number(v)})`;
    }
  }
}

/** The advanced condition tree as SQL. */
export function treeSql(c: Condition, depth = 0): RawBuilder<unknown> {
  if (depth > 20) throw new InputError('the condition is nested too deeply', { code: 'log_search.too_deep' });
  if ('and' in c) return sql`(${sql.join(c.and.map((x) => treeSql(x, depth + 1)), sql` and `)})`;
  if ('or' in c) return sql`(${sql.join(c.or.map((x) => treeSql(x, depth + 1)), sql` or `)})`;
  // A missing field does not match, so its negation does: NULL must count as false before NOT.
  if ('not' in c) return sql`((${treeSql(c.not, depth + 1)}) is not true)`;
  return conditionSql(c.field, c.op ?? 'eq', c.value, c.values);
}

/** The WHERE clause of a search: tenant scope first, then time range, text, active filters and the tree. */
export function whereSql(q: Pick<SearchInput, 'from' | 'to' | 'text' | 'filters' | 'where'>, tenantId: string | null): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (tenantId) parts.push(sql`tenant_id = ${tenantId}::uuid`);
  if (q.from) parts.push(sql`ts >= ${q.from}`);
  if (q.to) parts.push(sql`ts < ${q.to}`);
  if (q.text) {
    // Full text over the raw line: every word must appear (case-insensitive).
    for (const word of q.text.split(/\s+/).filter(Boolean).slice(0, 10)) parts.push(sql`raw ilike ${`%${escapeLike(word)}%`}`);
  }
  for (const f of q.filters as Filter[]) {
    if (f.disabled) continue;
    const c = conditionSql(f.field, f.op, f.value, f.values);
    parts.push(f.negate ? sql`((${c}) is not true)` : c);
  }
  if (q.where) parts.push(treeSql(q.where));
  return parts.length ? sql`where ${sql.join(parts, sql` and `)}` : sql``;
}

/** ORDER BY for a sort field (hot columns sort on the column; others on the text value). */
export function orderSql(field: string, order: 'asc' | 'desc'): RawBuilder<unknown> {
  const hot = HOT_COLUMNS[field];
  const dir = sql.raw(order === 'asc' ? 'asc' : 'desc');
  if (hot) return sql`order by ${sql.raw(hot.column)} ${dir} nulls last, id ${dir}`;
  return sql`order by fields->>${field} ${dir} nulls last, id ${dir}`;
}
