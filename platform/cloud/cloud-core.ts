import type { Kysely } from 'kysely';
import type { AuditTrail } from '../../core/audit';
import type { Actor } from '../../core/authz';
import { ForbiddenError, InputError, NotFoundError, QuotaError } from '../../core/errors';
import type { Logger } from '../../core/log';
import { evaluateResource, ruleById, type PolicyContext, type PolicyRule, type ResourceDescription } from '../../policies';
import type { TenantsService, TenantView } from '../tenants';
import type { CloudDal, NewResource, ResourceRow, Usage } from './cloud-dal';
import type { Kind } from './cloud-schemas';
import type { CloudDriver } from './driver/cloud-driver';

/**
 * The KMS as the cloud needs it: every disk gets its own data key when it is created, and purging the disk from
 * the recycle bin destroys that key. No driver encrypts a volume with that key yet (the volume types' SM4 runs on
 * the storage backend's own keys), so destroying it is a record of intent, not yet a crypto-erase: what is left on
 * the storage depends on the backend's delete (see the cloud.residual-wipe check).
 */
export type DataKeyEraser = {
  createDiskKey?(ref: { tenantId: string; diskId: string }): Promise<void>;
  destroyDataKey(ref: { tenantId: string; diskId: string; providerRef: string | null }): Promise<void>;
  /** Each disk's data-key state for the compliance check: `missing` when the KMS never made one. */
  diskKeyStates?(diskIds: readonly string[]): Promise<Record<string, 'active' | 'destroyed' | 'missing'>>;
};

export type CloudServiceDeps = {
  db: Kysely<any>;
  dal: CloudDal;
  audit: Pick<AuditTrail, 'record' | 'search'>;
  tenants: Pick<TenantsService, 'get' | 'directory'>;
  /** one driver per zone */
  drivers: ReadonlyMap<string, CloudDriver>;
  /** the zones' address plan and lists, for admission by the 等保 rules */
  policyContext: PolicyContext;
  /** days a deleted disk stays in the recycle bin (≥ 7 by the procurement) */
  recycleDays: number;
  eraser?: DataKeyEraser;
  /** the zone's policy key (`dmz`) per tenant zone (`liangcheng-dmz`) */
  policyZones: ReadonlyMap<string, string>;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
};

/** The caller's footing in the cloud: its tenant, the tenant's zone and that zone's driver. */
export type Scope = { actor: Actor; tenant: TenantView; tenantId: string; zone: string; driver: CloudDriver };

const QUOTA_KEYS: (keyof Usage)[] = ['vms', 'vcpu', 'ramGb', 'diskGb', 'volumes', 'networks', 'securityGroups', 'floatingIps', 'snapshots', 'backups'];

/** Which limits a delta would exceed. Pure. */
export function quotaExceeded(quota: Record<string, number>, used: Usage, delta: Partial<Usage>): { key: string; limit: number; used: number; asked: number }[] {
  const out: { key: string; limit: number; used: number; asked: number }[] = [];
  for (const k of QUOTA_KEYS) {
    const d = delta[k] ?? 0;
    if (d <= 0) continue;
    const limit = quota[k] ?? 0;
    if (used[k] + d > limit) out.push({ key: k, limit, used: used[k], asked: d });
  }
  return out;
}

/** The rules a tenant's request is admitted by (stack-wide rules belong to `yiyun plan`). */
const ADMISSION_RULES: PolicyRule[] = ['admin-port-not-public', 'no-cross-zone-path', 'volume-type-encrypted', 'volume-type-three-replicas'].map((id) => ruleById(id)).filter((r): r is PolicyRule => !!r);

/** Shared machinery of the cloud services: scope, ownership, quotas, admission, audit. */
export function createCloudCore(deps: CloudServiceDeps) {
  const { dal } = deps;

  /** The zone's driver acting for one tenant (OpenStack project-per-tenant: in the tenant's own project). */
  function driverFor(zone: string, tenantId: string): CloudDriver {
    const driver = deps.drivers.get(zone);
    if (!driver) throw new InputError(`zone ${zone} has no cloud driver configured`, { code: 'cloud.zone_unavailable' });
    return driver.forTenant ? driver.forTenant(tenantId) : driver;
  }

  return {
    deps,

    /** A tenant actor's scope; platform accounts read across tenants but do not operate tenants' resources. */
    async scope(actor: Actor): Promise<Scope> {
      if (!actor.tenantId) throw new ForbiddenError('only a tenant account operates a tenant cloud', { code: 'cloud.tenant_only' });
      const tenant = await deps.tenants.get(actor, actor.tenantId);
      if (tenant.status !== 'active') throw new ForbiddenError(`the tenant is ${tenant.status}`, { code: 'cloud.tenant_inactive' });
      return { actor, tenant, tenantId: tenant.id, zone: tenant.zone, driver: driverFor(tenant.zone, tenant.id) };
    },

    driverFor,

    /** A row of the given kind the actor may see; another tenant's is "not found", never "forbidden". */
    async owned(actor: Actor, kind: Kind, id: string, tx?: Kysely<any>): Promise<ResourceRow> {
      const row = await dal.find(id, tx);
      if (!row || row.kind !== kind || (actor.tenantId !== null && row.tenant_id !== actor.tenantId)) {
        throw new NotFoundError(`no such ${kind.replace(/_/g, ' ')}`, { code: `cloud.${kind}_not_found` });
      }
      return row;
    },

    async lockOwned(actor: Actor, kind: Kind, id: string, tx: Kysely<any>): Promise<ResourceRow> {
      const row = await dal.lock(id, tx);
      if (!row || row.kind !== kind || (actor.tenantId !== null && row.tenant_id !== actor.tenantId)) {
        throw new NotFoundError(`no such ${kind.replace(/_/g, ' ')}`, { code: `cloud.${kind}_not_found` });
      }
      return row;
    },

    /** Takes the tenant's quota lock and refuses a delta that does not fit. Call inside the transaction that consumes it. */
    async reserve(s: Scope, delta: Partial<Usage>, tx: Kysely<any>): Promise<void> {
      await dal.lockTenant(s.tenantId, tx);
      const used = await dal.usage(s.tenantId, tx);
      const over = quotaExceeded(s.tenant.quota as unknown as Record<string, number>, used, delta);
      if (over.length) {
        throw new QuotaError(`quota exceeded: ${over.map((o) => `${o.key} (limit ${o.limit}, in use ${o.used}, asked ${o.asked})`).join('; ')}`, { code: 'cloud.quota_exceeded', extra: { exceeded: over } });
      }
    },

    /** Admits resource descriptions by the 等保 rules; refuses with every violation listed. */
    admit(s: Pick<Scope, 'zone'>, descs: Omit<ResourceDescription, 'zone'>[]): void {
      const zone = deps.policyZones.get(s.zone) ?? s.zone;
      const violations = descs.flatMap((d) => evaluateResource({ ...d, zone }, deps.policyContext, ADMISSION_RULES));
      if (violations.length) {
        throw new InputError(`refused by policy: ${violations.map((v) => `${v.policy}: ${v.message}`).join('; ')}`, {
          code: 'cloud.policy_violation',
          extra: { violations: violations.map((v) => ({ policy: v.policy, message: v.message, remediation: v.remediation, dengbao: v.dengbao })) },
        });
      }
    },

    async audit(tx: Kysely<any>, actor: Actor, action: `${string}.${string}`, row: Pick<ResourceRow, 'id' | 'kind' | 'tenant_id'>, extra: { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; detail?: Record<string, unknown> | null; outcome?: 'success' | 'failure' } = {}) {
      await deps.audit.record({ actor, action, target: { type: row.kind, id: row.id }, tenantId: row.tenant_id, ...extra }, tx);
    },

    newRow(s: Scope, r: Omit<NewResource, 'tenant_id' | 'zone' | 'created_by'>): NewResource {
      return { ...r, tenant_id: s.tenantId, zone: s.zone, created_by: s.actor.loginId };
    },

    summary(r: ResourceRow): Record<string, unknown> {
      return { name: r.name, status: r.status, ...(r.vcpus ? { vcpus: r.vcpus, ramGb: r.ram_gb } : {}), ...(r.size_gb ? { sizeGb: r.size_gb } : {}) };
    },

    later(ms: number): Date {
      return new Date(Date.now() + ms);
    },
  };
}

export type CloudCore = ReturnType<typeof createCloudCore>;
