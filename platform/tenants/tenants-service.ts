import type { Kysely } from 'kysely';
import type { Actor } from '../../core/authz';
import type { AuditTrail } from '../../core/audit';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { QuotaRow, TenantRow, TenantsDal } from './tenants-dal';
import { DEFAULT_QUOTA, type CreateTenantInput, type ListTenantsQuery, type Quota, type TenantView, type UpdateTenantInput } from './tenants-schemas';

export type TenantsServiceDeps = { db: Kysely<any>; dal: TenantsDal; audit: Pick<AuditTrail, 'record'> };

const quotaFromRow = (q: QuotaRow): Quota => ({
  vcpu: q.vcpu,
  ramGb: q.ram_gb,
  diskGb: q.disk_gb,
  vms: q.vms,
  volumes: q.volumes,
  networks: q.networks,
  securityGroups: q.security_groups,
  floatingIps: q.floating_ips,
  snapshots: q.snapshots,
  backups: q.backups,
});
const quotaToRow = (q: Quota) => ({
  vcpu: q.vcpu,
  ram_gb: q.ramGb,
  disk_gb: q.diskGb,
  vms: q.vms,
  volumes: q.volumes,
  networks: q.networks,
  security_groups: q.securityGroups,
  floating_ips: q.floatingIps,
  snapshots: q.snapshots,
  backups: q.backups,
});

function toView(t: TenantRow, q: QuotaRow): TenantView {
  return {
    id: t.id,
    code: t.code,
    name: t.name,
    kind: t.kind as TenantView['kind'],
    zone: t.zone as TenantView['zone'],
    status: t.status as TenantView['status'],
    contactName: t.contact_name,
    contactPhone: t.contact_phone,
    description: t.description,
    quota: quotaFromRow(q),
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

const summary = (t: TenantRow) => ({ code: t.code, name: t.name, kind: t.kind, zone: t.zone, status: t.status });

/** Tenants (a hospital or health centre) and their quotas. A tenant's own accounts see only their tenant. */
export function createTenantsService(deps: TenantsServiceDeps) {
  const { db, dal, audit } = deps;

  async function loadVisible(actor: Actor, id: string) {
    const found = await dal.find(id);
    if (!found || (actor.tenantId && actor.tenantId !== id)) throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
    return found;
  }

  return {
    async list(actor: Actor, q: ListTenantsQuery) {
      const { rows, total } = await dal.list({ ...q, onlyId: actor.tenantId });
      return { items: rows.map((r) => toView(r.tenant, r.quota)), total };
    },

    async get(actor: Actor, id: string): Promise<TenantView> {
      const f = await loadVisible(actor, id);
      return toView(f.tenant, f.quota);
    },

    async create(actor: Actor, input: CreateTenantInput): Promise<TenantView> {
      if (await dal.findByCode(input.code)) throw new ConflictError(`the tenant code ${input.code} is taken`, { code: 'tenant.code_taken' });
      const quota = { ...DEFAULT_QUOTA, ...(input.quota ?? {}) };
      return db.transaction().execute(async (tx) => {
        const r = await dal.insert(
          { code: input.code, name: input.name, kind: input.kind, zone: input.zone, contact_name: input.contactName ?? null, contact_phone: input.contactPhone ?? null, description: input.description ?? null },
          quotaToRow(quota),
          tx,
        );
        await audit.record({ actor, action: 'tenant.created', target: { type: 'tenant', id: r.tenant.id }, after: { ...summary(r.tenant), quota }, tenantId: r.tenant.id }, tx);
        return toView(r.tenant, r.quota);
      });
    },

    async update(actor: Actor, id: string, input: UpdateTenantInput): Promise<TenantView> {
      const before = await loadVisible(actor, id);
      const patch: Record<string, unknown> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.status !== undefined) patch.status = input.status;
      if (input.contactName !== undefined) patch.contact_name = input.contactName;
      if (input.contactPhone !== undefined) patch.contact_phone = input.contactPhone;
      if (input.description !== undefined) patch.description = input.description;
      return db.transaction().execute(async (tx) => {
        const t = await dal.update(id, patch, tx);
        await audit.record({ actor, action: 'tenant.updated', target: { type: 'tenant', id }, before: summary(before.tenant), after: summary(t), tenantId: id }, tx);
        return toView(t, before.quota);
      });
    },

    async setQuota(actor: Actor, id: string, quota: Quota): Promise<TenantView> {
      const before = await loadVisible(actor, id);
      return db.transaction().execute(async (tx) => {
        const q = await dal.updateQuota(id, quotaToRow(quota), tx);
        await audit.record({ actor, action: 'tenant.quota_changed', target: { type: 'tenant', id }, before: quotaFromRow(before.quota), after: quota, tenantId: id }, tx);
        return toView(before.tenant, q);
      });
    },

    /**
     * The port other rooms use to name tenants and check their zone and status without reading this room's tables
     * (the cloud's image members: a tenant may share with a tenant it cannot otherwise read).
     */
    async directory(ids: string[]): Promise<Array<{ id: string; code: string; name: string; zone: string; status: string }>> {
      return dal.directory(ids);
    },

    /** The port identity uses to check a tenant exists (TenantDirectory). */
    async exists(id: string): Promise<boolean> {
      return !!(await dal.find(id));
    },
  };
}

export type TenantsService = ReturnType<typeof createTenantsService>;
