import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { asRoom } from '../../core/db';
import type { ListTenantsQuery } from './tenants-schemas';

type TenantsTable = {
  id: Generated<string>;
  code: string;
  name: string;
  kind: string;
  zone: string;
  status: Generated<string>;
  contact_name: string | null;
  contact_phone: string | null;
  description: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
};
type QuotasTable = {
  tenant_id: string;
  vcpu: number;
  ram_gb: number;
  disk_gb: number;
  vms: number;
  volumes: number;
  networks: number;
  security_groups: number;
  floating_ips: number;
  snapshots: number;
  backups: number;
  updated_at: Generated<Date>;
};
export type TenantRow = Selectable<TenantsTable>;
export type QuotaRow = Selectable<QuotasTable>;
type Tables = { 'tenants.tenants': TenantsTable; 'tenants.quotas': QuotasTable };
type Db = Kysely<any>;
const room = (tx: Db) => asRoom<Tables>(tx);

/** Queries of the tenants schema. */
export function createTenantsDal(db: Db) {
  return {
    async find(id: string, tx: Db = db): Promise<{ tenant: TenantRow; quota: QuotaRow } | undefined> {
      const tenant = await room(tx).selectFrom('tenants.tenants').selectAll().where('id', '=', id).executeTakeFirst();
      if (!tenant) return undefined;
      const quota = await room(tx).selectFrom('tenants.quotas').selectAll().where('tenant_id', '=', id).executeTakeFirstOrThrow();
      return { tenant, quota };
    },

    async directory(ids: string[], tx: Db = db): Promise<Array<Pick<TenantRow, 'id' | 'code' | 'name' | 'zone' | 'status'>>> {
      if (!ids.length) return [];
      return room(tx).selectFrom('tenants.tenants').select(['id', 'code', 'name', 'zone', 'status']).where('id', 'in', ids).execute();
    },

    async findByCode(code: string, tx: Db = db): Promise<TenantRow | undefined> {
      return room(tx).selectFrom('tenants.tenants').selectAll().where((eb) => eb(eb.fn('lower', ['code']), '=', code.toLowerCase())).executeTakeFirst();
    },

    async list(q: ListTenantsQuery & { onlyId?: string | null }, tx: Db = db): Promise<{ rows: Array<{ tenant: TenantRow; quota: QuotaRow }>; total: number }> {
      let query = room(tx).selectFrom('tenants.tenants');
      if (q.onlyId) query = query.where('id', '=', q.onlyId);
      if (q.kind) query = query.where('kind', '=', q.kind);
      if (q.status) query = query.where('status', '=', q.status);
      if (q.zone) query = query.where('zone', '=', q.zone);
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb.or([eb('code', 'ilike', like), eb('name', 'ilike', like)]));
      }
      const col = ({ code: 'code', name: 'name', createdAt: 'created_at' } as const)[q.sort];
      const [tenants, count] = await Promise.all([
        query.selectAll().orderBy(col, q.order).orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      const ids = tenants.map((t) => t.id);
      const quotas = ids.length ? await room(tx).selectFrom('tenants.quotas').selectAll().where('tenant_id', 'in', ids).execute() : [];
      const byId = new Map(quotas.map((x) => [x.tenant_id, x]));
      return { rows: tenants.map((t) => ({ tenant: t, quota: byId.get(t.id)! })), total: Number(count?.n ?? 0) };
    },

    async insert(t: Insertable<TenantsTable>, q: Omit<Insertable<QuotasTable>, 'tenant_id'>, tx: Db = db) {
      const tenant = await room(tx).insertInto('tenants.tenants').values(t).returningAll().executeTakeFirstOrThrow();
      const quota = await room(tx).insertInto('tenants.quotas').values({ ...q, tenant_id: tenant.id }).returningAll().executeTakeFirstOrThrow();
      return { tenant, quota };
    },

    async update(id: string, patch: Updateable<TenantsTable>, tx: Db = db): Promise<TenantRow> {
      return room(tx).updateTable('tenants.tenants').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },

    async updateQuota(id: string, q: Omit<Updateable<QuotasTable>, 'tenant_id'>, tx: Db = db): Promise<QuotaRow> {
      return room(tx).updateTable('tenants.quotas').set({ ...q, updated_at: new Date() }).where('tenant_id', '=', id).returningAll().executeTakeFirstOrThrow();
    },
  };
}

export type TenantsDal = ReturnType<typeof createTenantsDal>;
