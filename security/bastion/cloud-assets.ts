import type { Kysely } from 'kysely';
import type { AuditTrail } from '../../core/audit';
import type { AssetRow, BastionDal } from './bastion-dal';

/** A tenant cloud VM as the bastion needs it; `platform/server` reads these from the cloud room's service. */
export type CloudVm = { id: string; name: string; tenantId: string | null; tenantCode: string | null; status: string; address: string | null; osType: string };

/** The port to the tenant cloud: every VM it holds now (all tenants). Throws when it cannot answer completely. */
export type CloudVmSource = { listVms(): Promise<CloudVm[]> };

const SYSTEM = { kind: 'system' as const, accountId: null, loginId: 'system:bastion-cloud-sync', roles: ['system'], tenantId: null, sourceIp: null };

/** An asset name operators can type in `login/account@asset`: the VM's name made safe, then the tenant code. */
export function assetNameFor(vm: Pick<CloudVm, 'id' | 'name' | 'tenantCode' | 'tenantId'>, taken: (name: string) => boolean): string {
  const base = vm.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 60) || 'vm';
  const tenant = vm.tenantCode ?? vm.tenantId?.slice(0, 8) ?? 'platform';
  const first = `${base}.${tenant}`;
  return taken(first) ? `${base}-${vm.id.slice(0, 8)}.${tenant}` : first;
}

export const folderFor = (vm: Pick<CloudVm, 'tenantCode' | 'tenantId'>) => `/tenants/${vm.tenantCode ?? vm.tenantId ?? 'platform'}/`;
const osTypeOf = (os: string) => (os === 'windows' ? 'windows' : 'linux');

/**
 * Keeps one asset per tenant cloud VM: a VM that is ACTIVE with an address gets an asset (port 22, OS from its image,
 * its tenant, under /tenants/<code>/ in the asset tree); an address change follows; a VM that is gone retires its
 * asset (disabled, kept for its sessions' history). Each change is audited as the system.
 */
export function createCloudAssetSync(deps: { db: Kysely<any>; dal: BastionDal; audit: Pick<AuditTrail, 'record'>; source: () => CloudVmSource | null; now?: () => Date }) {
  const { db, dal, audit } = deps;
  const now = deps.now ?? (() => new Date());
  let running: Promise<{ created: number; updated: number; retired: number }> | null = null;

  async function once() {
    const source = deps.source();
    if (!source) return { created: 0, updated: 0, retired: 0 };
    const vms = await source.listVms();
    const mirrored = new Map((await dal.cloudAssets()).map((a) => [a.cloud_vm_id!, a] as [string, AssetRow]));
    const out = { created: 0, updated: 0, retired: 0 };
    for (const vm of vms) {
      const have = mirrored.get(vm.id);
      if (!have) {
        if (vm.status !== 'ACTIVE' || !vm.address) continue;
        const names = new Set<string>();
        const candidate = assetNameFor(vm, (n) => names.has(n));
        if (await dal.findAssetByName(candidate)) names.add(candidate);
        const name = assetNameFor(vm, (n) => names.has(n));
        await db.transaction().execute(async (tx) => {
          const a = await dal.insertAsset({ name, address: vm.address!, port: 22, os_type: osTypeOf(vm.osType), folder: folderFor(vm), encoding: 'utf-8', tenant_id: vm.tenantId, host_key_sha256: null, enabled: true, cloud_vm_id: vm.id }, tx);
          await audit.record({ actor: SYSTEM, action: 'bastion_asset.created', target: { type: 'bastion_asset', id: a.id }, after: { name, address: a.address, folder: a.folder, osType: a.os_type }, detail: { source: 'cloud', vmId: vm.id, vmName: vm.name }, tenantId: a.tenant_id }, tx);
        });
        out.created++;
      } else if (!have.retired_at && vm.address && vm.address !== have.address) {
        await db.transaction().execute(async (tx) => {
          await dal.updateAsset(have.id, { address: vm.address! }, tx);
          await audit.record({ actor: SYSTEM, action: 'bastion_asset.updated', target: { type: 'bastion_asset', id: have.id }, before: { address: have.address }, after: { address: vm.address }, detail: { source: 'cloud', vmId: vm.id }, tenantId: have.tenant_id }, tx);
        });
        out.updated++;
      }
    }
    const present = new Set(vms.map((v) => v.id));
    for (const [vmId, a] of mirrored) {
      if (present.has(vmId) || a.retired_at) continue;
      await db.transaction().execute(async (tx) => {
        await dal.updateAsset(a.id, { enabled: false, retired_at: now() }, tx);
        await audit.record({ actor: SYSTEM, action: 'bastion_asset.retired', target: { type: 'bastion_asset', id: a.id }, before: { name: a.name, enabled: a.enabled }, detail: { source: 'cloud', vmId, reason: 'the VM was deleted' }, tenantId: a.tenant_id }, tx);
      });
      out.retired++;
    }
    return out;
  }

  return {
    /** One reconcile pass; concurrent callers share the pass under way. */
    sync() {
      running ??= once().finally(() => (running = null));
      return running;
    },
  };
}
export type CloudAssetSync = ReturnType<typeof createCloudAssetSync>;
