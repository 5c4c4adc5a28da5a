import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { randomToken, sm3Hex } from '../../../core/crypto';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import type { ResolvedSource, SourceResolver } from '../ingest/listeners';
import type { CreateSourceInput, SourceView, UpdateSourceInput } from '../log-audit-schemas';

type SourceRow = {
  id: string;
  tenant_id: string | null;
  name: string;
  kind: SourceView['kind'];
  address: string | null;
  parser: string;
  token_hash: string | null;
  enabled: boolean;
  description: string | null;
  last_seen_at: Date | null;
  events_total: number;
  rate_per_min: number;
  created_at: Date;
  updated_at: Date;
};

/** A tenant directory port (identity/tenants live in platform/): whether a tenant id exists. */
export type TenantCheck = { exists(id: string): Promise<boolean> };

const view = (r: SourceRow): SourceView => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  kind: r.kind,
  address: r.address,
  parser: r.parser,
  enabled: r.enabled,
  description: r.description,
  hasToken: !!r.token_hash,
  lastSeenAt: r.last_seen_at,
  eventsTotal: Number(r.events_total),
  ratePerMin: Number(r.rate_per_min),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const summary = (r: SourceRow) => ({ name: r.name, kind: r.kind, address: r.address, parser: r.parser, enabled: r.enabled, tenantId: r.tenant_id });

/** The sources registry: registered senders, their tokens, last-seen and rate; also the listeners' resolver. */
export function createSourcesService(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'>; tenants: TenantCheck }) {
  const { db, audit } = deps;
  const byAddress = new Map<string, ResolvedSource>();
  const byToken = new Map<string, ResolvedSource | null>();
  const invalidate = () => {
    byAddress.clear();
    byToken.clear();
  };

  async function load(actor: Actor, id: string): Promise<SourceRow> {
    const r = await sql<SourceRow>`select * from logaudit.sources where id = ${id}`.execute(db);
    const row = r.rows[0];
    if (!row || (actor.tenantId && row.tenant_id !== actor.tenantId)) throw new NotFoundError('no such log source', { code: 'log_source.not_found' });
    return row;
  }

  async function nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const r = await sql<{ id: string }>`select id from logaudit.sources where lower(name) = lower(${name})`.execute(db);
    return r.rows.some((x) => x.id !== exceptId);
  }

  const resolver: SourceResolver = {
    async byPeer(ip: string): Promise<ResolvedSource> {
      const hit = byAddress.get(ip);
      if (hit) return hit;
      let r = await sql<SourceRow>`select * from logaudit.sources where address = ${ip} and kind in ('syslog', 'auto') order by created_at limit 1`.execute(db);
      if (!r.rows[0]) {
        // First contact from an unregistered sender: register it (platform-owned) so nothing is dropped and it shows up.
        r = await sql<SourceRow>`insert into logaudit.sources (name, kind, address, parser, description)
          values (${`syslog ${ip}`}, 'auto', ${ip}, 'auto', 'registered automatically on first contact')
          on conflict (lower(name)) do update set updated_at = now() returning *`.execute(db);
      }
      const row = r.rows[0]!;
      const resolved = { sourceId: row.id, tenantId: row.tenant_id, parser: row.parser };
      byAddress.set(ip, resolved);
      return resolved;
    },
    async byToken(token: string): Promise<ResolvedSource | null> {
      const hash = sm3Hex(token);
      if (byToken.has(hash)) return byToken.get(hash)!;
      const r = await sql<SourceRow>`select * from logaudit.sources where token_hash = ${hash} and enabled`.execute(db);
      const row = r.rows[0];
      const resolved = row ? { sourceId: row.id, tenantId: row.tenant_id, parser: row.parser } : null;
      byToken.set(hash, resolved);
      return resolved;
    },
  };

  return {
    resolver,

    async list(actor: Actor, q: { offset: number; limit: number; q?: string }): Promise<{ items: SourceView[]; total: number }> {
      const tenant = actor.tenantId;
      const like = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const where = sql`where (${tenant}::uuid is null or tenant_id = ${tenant}::uuid) and (${like}::text is null or name ilike ${like} or address ilike ${like})`;
      const [rows, count] = await Promise.all([
        sql<SourceRow>`select * from logaudit.sources ${where} order by last_seen_at desc nulls last, name limit ${q.limit} offset ${q.offset}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from logaudit.sources ${where}`.execute(db),
      ]);
      return { items: rows.rows.map(view), total: Number(count.rows[0]?.n ?? 0) };
    },

    async get(actor: Actor, id: string): Promise<SourceView> {
      return view(await load(actor, id));
    },

    /** Registers a source; an HTTP source gets its token here, shown once. */
    async create(actor: Actor, input: CreateSourceInput): Promise<SourceView & { token?: string }> {
      const tenantId = actor.tenantId ?? input.tenantId ?? null;
      if (tenantId && !actor.tenantId && !(await deps.tenants.exists(tenantId))) throw new InputError('no such tenant', { code: 'tenant.not_found' });
      if (await nameTaken(input.name)) throw new ConflictError(`a source named ${input.name} exists`, { code: 'log_source.name_taken' });
      if (input.kind === 'syslog' && !input.address) throw new InputError('a syslog source needs the sender address', { code: 'log_source.address_required' });
      const token = input.kind === 'http' ? randomToken() : undefined;
      const created = await db.transaction().execute(async (tx) => {
        const r = await sql<SourceRow>`insert into logaudit.sources (tenant_id, name, kind, address, parser, token_hash, description)
          values (${tenantId}, ${input.name}, ${input.kind}, ${input.address ?? null}, ${input.parser}, ${token ? sm3Hex(token) : null}, ${input.description ?? null}) returning *`.execute(tx);
        const row = r.rows[0]!;
        await audit.record({ actor, action: 'log_source.created', target: { type: 'log_source', id: row.id }, after: summary(row), tenantId }, tx);
        return row;
      });
      invalidate();
      return { ...view(created), ...(token ? { token } : {}) };
    },

    async update(actor: Actor, id: string, input: UpdateSourceInput): Promise<SourceView> {
      const before = await load(actor, id);
      if (input.name && (await nameTaken(input.name, id))) throw new ConflictError(`a source named ${input.name} exists`, { code: 'log_source.name_taken' });
      const row = await db.transaction().execute(async (tx) => {
        const r = await sql<SourceRow>`update logaudit.sources set
            name = coalesce(${input.name ?? null}, name),
            address = coalesce(${input.address ?? null}, address),
            parser = coalesce(${input.parser ?? null}, parser),
            enabled = coalesce(${input.enabled ?? null}, enabled),
            description = coalesce(${input.description ?? null}, description),
            kind = case when kind = 'auto' and ${input.address !== undefined || input.name !== undefined} then 'syslog' else kind end,
            updated_at = now()
          where id = ${id} returning *`.execute(tx);
        const after = r.rows[0]!;
        await audit.record({ actor, action: 'log_source.updated', target: { type: 'log_source', id }, before: summary(before), after: summary(after), tenantId: after.tenant_id }, tx);
        return after;
      });
      invalidate();
      return view(row);
    },

    async rotateToken(actor: Actor, id: string): Promise<{ token: string }> {
      const before = await load(actor, id);
      if (before.kind !== 'http') throw new InputError('only HTTP sources have tokens', { code: 'log_source.not_http' });
      const token = randomToken();
      await db.transaction().execute(async (tx) => {
        await sql`update logaudit.sources set token_hash = ${sm3Hex(token)}, updated_at = now() where id = ${id}`.execute(tx);
        await audit.record({ actor, action: 'log_source.token_rotated', target: { type: 'log_source', id }, tenantId: before.tenant_id }, tx);
      });
      invalidate();
      return { token };
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const before = await load(actor, id);
      await db.transaction().execute(async (tx) => {
        await sql`delete from logaudit.sources where id = ${id}`.execute(tx);
        await audit.record({ actor, action: 'log_source.deleted', target: { type: 'log_source', id }, before: summary(before), tenantId: before.tenant_id }, tx);
      });
      invalidate();
    },

    /** The source yiyun's own audit trail feeds in as (created once). */
    async ensureInternal(name: string): Promise<ResolvedSource> {
      const r = await sql<SourceRow>`insert into logaudit.sources (name, kind, parser, description)
        values (${name}, 'yiyun', 'yiyun', 'yiyun''s own audit trail and security services')
        on conflict (lower(name)) do update set updated_at = logaudit.sources.updated_at returning *`.execute(db);
      const row = r.rows[0]!;
      return { sourceId: row.id, tenantId: null, parser: 'yiyun' };
    },
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;
