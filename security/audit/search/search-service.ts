import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { InputError, NotFoundError } from '../../../core/errors';
import { toStored, type StoredEvent } from '../events/events-dal';
import type { AggregateInput, SearchInput } from '../log-audit-schemas';
import { fieldExpr, HOT_COLUMNS, orderSql, whereSql } from './search-fns';

const INTERVALS: Record<string, string> = { minute: '1 minute', '5m': '5 minutes', hour: '1 hour', day: '1 day' };

/** An event as the API shows it. */
export const eventView = (e: StoredEvent) => ({ id: e.id, '@timestamp': e.ts, receivedAt: e.receivedAt, tenantId: e.tenantId, sourceId: e.sourceId, parser: e.parser, raw: e.raw, fields: e.fields });

type Bucket = { key: string | number | null; count: number; drilldown?: Record<string, unknown> };

/** Search, aggregations, dashboards, saved queries and history over the stored events; always tenant-scoped. */
export function createSearchService(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'> }) {
  const { db, audit } = deps;

  function historyOwner(actor: Actor): string {
    return actor.accountId ?? actor.loginId;
  }

  async function terms(where: ReturnType<typeof whereSql>, field: string, size: number): Promise<Bucket[]> {
    const expr = fieldExpr(field);
    const r = await sql<{ key: string | null; count: number }>`select ${expr} as key, count(*)::bigint as count from logaudit.events ${where} group by 1 order by 2 desc limit ${size}`.execute(db);
    return r.rows.map((x) => ({ key: x.key === null ? null : String(x.key), count: Number(x.count) }));
  }

  async function histogram(where: ReturnType<typeof whereSql>, interval: string): Promise<Bucket[]> {
    const step = INTERVALS[interval] ?? '1 hour';
    const r = await sql<{ key: Date; count: number }>`select date_bin(${step}::interval, ts, timestamptz '2000-01-01') as key, count(*)::bigint as count
      from logaudit.events ${where} group by 1 order by 1`.execute(db);
    return r.rows.map((x) => ({ key: new Date(x.key).toISOString(), count: Number(x.count) }));
  }

  return {
    /** One page of events matching the query, with the total; the query goes into the caller's history. */
    async search(actor: Actor, q: SearchInput): Promise<{ items: ReturnType<typeof eventView>[]; total: number }> {
      const where = whereSql(q, actor.tenantId);
      const [rows, count] = await Promise.all([
        sql<any>`select id, ts, received_at, tenant_id, source_id, parser, raw, fields from logaudit.events ${where} ${orderSql(q.sort, q.order)} limit ${q.limit} offset ${q.offset}`.execute(db),
        // Counting past 100k exactly is slow and useless in a UI: the total is capped and said so.
        sql<{ n: number }>`select count(*)::bigint as n from (select 1 from logaudit.events ${where} limit 100001) t`.execute(db),
      ]);
      const total = Number(count.rows[0]?.n ?? 0);
      await sql`insert into logaudit.query_history (owner, tenant_id, query, total) values (${historyOwner(actor)}, ${actor.tenantId}, ${JSON.stringify(q)}::jsonb, ${total})`.execute(db);
      return { items: rows.rows.map((r) => eventView(toStored(r))), total };
    },

    async aggregate(actor: Actor, q: AggregateInput): Promise<{ type: string; field?: string; buckets: Bucket[] }> {
      const where = whereSql(q, actor.tenantId);
      if (q.type === 'terms') {
        if (!q.field) throw new InputError('a terms aggregation needs a field', { code: 'log_search.field_required' });
        const buckets = await terms(where, q.field, q.size);
        return { type: 'terms', field: q.field, buckets: buckets.map((b) => ({ ...b, drilldown: { filters: [{ field: q.field, op: 'eq', value: b.key }] } })) };
      }
      return { type: 'histogram', buckets: await histogram(where, q.interval ?? 'hour') };
    },

    async event(actor: Actor, id: number): Promise<ReturnType<typeof eventView>> {
      const r = await sql<any>`select id, ts, received_at, tenant_id, source_id, parser, raw, fields from logaudit.events where id = ${id} limit 1`.execute(db);
      const row = r.rows[0];
      if (!row || (actor.tenantId && row.tenant_id !== actor.tenantId)) throw new NotFoundError('no such event', { code: 'log_event.not_found' });
      return eventView(toStored(row));
    },

    /** The home page: totals, volume trend, 24 h top-10 sources and alerts, alerts by severity, frequent categories. */
    async dashboard(actor: Actor, now = new Date()) {
      const since = new Date(now.getTime() - 86_400_000);
      const tenant = actor.tenantId;
      const where = whereSql({ from: since, to: undefined, text: undefined, filters: [], where: undefined }, tenant);
      const tScope = sql`(${tenant}::uuid is null or tenant_id = ${tenant}::uuid)`;
      const [total, volume, sources, alerts, severity, categories] = await Promise.all([
        sql<{ n: number }>`select coalesce(sum(events_total), 0)::bigint as n from logaudit.sources where ${tScope}`.execute(db),
        histogram(where, 'hour'),
        sql<{ id: string; name: string; count: number }>`select t.source_id as id, coalesce(s.name, 'unknown') as name, t.count from (
            select source_id, count(*)::bigint as count from logaudit.events ${where} group by 1 order by 2 desc limit 10) t
          left join logaudit.sources s on s.id = t.source_id order by t.count desc`.execute(db),
        sql<{ rule_id: string; title: string; count: number }>`select rule_id, min(rule_title) as title, count(*)::bigint as count from logaudit.alerts
          where created_at >= ${since} and ${tScope} group by 1 order by 3 desc limit 10`.execute(db),
        sql<{ severity: string; count: number }>`select severity, count(*)::bigint as count from logaudit.alerts where created_at >= ${since} and ${tScope} group by 1 order by 2 desc`.execute(db),
        terms(where, 'event.category', 10),
      ]);
      const range = { from: since.toISOString() };
      return {
        totalEvents: Number(total.rows[0]?.n ?? 0),
        volume,
        topSources: sources.rows.map((r) => ({ key: r.name, id: r.id, count: Number(r.count), drilldown: { ...range, filters: [{ field: 'source.id', op: 'eq', value: r.id }] } })),
        topAlerts: alerts.rows.map((r) => ({ key: r.title, id: r.rule_id, count: Number(r.count), drilldown: { ruleId: r.rule_id, from: range.from } })),
        alertsBySeverity: severity.rows.map((r) => ({ key: r.severity, count: Number(r.count), drilldown: { severity: r.severity, from: range.from } })),
        categories: categories.map((b) => ({ ...b, drilldown: { ...range, filters: b.key === null ? [{ field: 'event.category', op: 'exists', negate: true }] : [{ field: 'event.category', op: 'eq', value: b.key }] } })),
      };
    },

    async history(actor: Actor, limit = 50) {
      const r = await sql<{ id: number; query: unknown; total: number; ran_at: Date }>`select id, query, total, ran_at from logaudit.query_history where owner = ${historyOwner(actor)} order by ran_at desc, id desc limit ${limit}`.execute(db);
      return { items: r.rows.map((x) => ({ id: Number(x.id), query: x.query as Record<string, unknown>, total: Number(x.total), ranAt: x.ran_at })), total: r.rows.length };
    },

    async savedList(actor: Actor) {
      const r = await sql<{ id: string; name: string; query: Record<string, unknown>; created_at: Date }>`select id, name, query, created_at from logaudit.saved_queries where owner = ${historyOwner(actor)} order by name`.execute(db);
      return { items: r.rows.map((x) => ({ id: x.id, name: x.name, query: x.query, createdAt: x.created_at })), total: r.rows.length };
    },

    async savedCreate(actor: Actor, input: { name: string; query: Record<string, unknown> }) {
      // A saved query is a state change like any other: its record commits with it or not at all.
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<{ id: string; created_at: Date }>`insert into logaudit.saved_queries (owner, tenant_id, name, query) values (${historyOwner(actor)}, ${actor.tenantId}, ${input.name}, ${JSON.stringify(input.query)}::jsonb) returning id, created_at`.execute(tx);
        const created = r.rows[0]!;
        await audit.record({ actor, action: 'log_query.saved', target: { type: 'log_saved_query', id: created.id }, after: { name: input.name } }, tx);
        return created;
      });
      return { id: row.id, name: input.name, query: input.query, createdAt: row.created_at };
    },

    async savedDelete(actor: Actor, id: string): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const r = await sql<{ name: string }>`delete from logaudit.saved_queries where id = ${id} and owner = ${historyOwner(actor)} returning name`.execute(tx);
        if (r.rows.length === 0) throw new NotFoundError('no such saved query', { code: 'log_query.not_found' });
        await audit.record({ actor, action: 'log_query.deleted', target: { type: 'log_saved_query', id }, before: { name: r.rows[0]!.name } }, tx);
      });
    },

    /** Fields the search UI offers (hot columns first). */
    fields(): string[] {
      return Object.keys(HOT_COLUMNS);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
