import { sql } from 'kysely';
import type { z } from 'zod';
import { systemActor, type Actor } from '../../core/authz';
import { ConflictError, InputError } from '../../core/errors';
import { ResourceTypes as T } from '../../policies';
import type { CloudCore, Scope } from './cloud-core';
import { RESOURCE_COLUMNS, toView, type ResourceRow } from './cloud-dal';
import type * as S from './cloud-schemas';
import type { NetworkService } from './network-service';

const DAY = 86_400_000;

/** Disks (attach, init, extend, tags, recycle bin), snapshots, backups and backup policies. */
export function createStorageService(core: CloudCore, net: NetworkService) {
  const { dal, db } = core.deps;

  async function admitType(s: Scope, name: string) {
    const region = await s.driver.describe();
    const vt = region.volumeTypes.find((v) => v.name === name);
    if (!vt) throw new InputError(`zone ${s.zone} has no volume type ${name}`, { fields: [{ path: 'volumeType', message: 'unknown' }] });
    core.admit(s, [{ type: T.volumeType, name: vt.name, props: { name: vt.name, extraSpecs: { 'yiyun:encryption': vt.encryption, 'yiyun:replicas': String(vt.replicas) } } }]);
  }

  function assertLive(d: ResourceRow) {
    if (d.status === 'recycled') throw new ConflictError('the disk is in the recycle bin; restore it first', { code: 'cloud.disk_recycled' });
  }

  async function vmOf(actor: Actor, id: string) {
    const vm = await core.owned(actor, 'vm', id);
    if (!['ACTIVE', 'SHUTOFF'].includes(vm.status)) throw new ConflictError(`the VM is ${vm.status}`, { code: 'cloud.vm_state' });
    return vm;
  }

  /** Deletes a recycled disk for good: the volume, its snapshots, and (with the KMS) its data key. */
  async function purge(actor: Actor, d: ResourceRow) {
    const driver = core.deps.drivers.has(d.zone) ? core.driverFor(d.zone, d.tenant_id) : undefined;
    const snaps = await dal.children(d.id, 'snapshot');
    for (const sn of snaps) if (sn.provider_ref) await driver?.deleteSnapshot(sn.provider_ref);
    if (d.provider_ref) await driver?.deleteVolume(d.provider_ref);
    await core.deps.eraser?.destroyDataKey({ tenantId: d.tenant_id, diskId: d.id, providerRef: d.provider_ref });
    await db.transaction().execute(async (tx) => {
      for (const sn of snaps) await dal.remove(sn.id, tx);
      await dal.remove(d.id, tx);
      await core.audit(tx, actor, 'disk.purged', d, { before: core.summary(d), detail: { cryptoErased: !!core.deps.eraser, snapshots: snaps.length } });
    });
  }

  const svc = {
    async createDisk(actor: Actor, input: z.infer<typeof S.createDisk>) {
      const s = await core.scope(actor);
      await admitType(s, input.volumeType);
      let snapshot: ResourceRow | null = null;
      let backup: ResourceRow | null = null;
      if (input.snapshotId) snapshot = await core.owned(actor, 'snapshot', input.snapshotId);
      if (input.backupId) {
        backup = await core.owned(actor, 'backup', input.backupId);
        if (backup.spec.sourceType !== 'disk') throw new InputError('create disks from disk backups (a VM backup restores onto its VM)');
      }
      const minGb = (snapshot?.size_gb ?? 0) || (backup?.size_gb ?? 0);
      if (input.sizeGb < minGb) throw new InputError(`the disk must be at least ${minGb} GB (its source's size)`, { fields: [{ path: 'sizeGb', message: `≥ ${minGb}` }] });
      const r = await net.provision(s, 'disk.created', { kind: 'disk', name: input.name, description: input.description ?? null, status: 'available', size_gb: input.sizeGb, tags: input.tags, spec: { volumeType: input.volumeType, bootable: false, vmId: null, initialised: false, fromSnapshot: snapshot?.id ?? null, fromBackup: backup?.id ?? null } }, { volumes: 1, diskGb: input.sizeGb }, async (row) => {
        const v = await s.driver.createVolume({ name: row.name, sizeGb: input.sizeGb, volumeType: input.volumeType, fromSnapshotRef: snapshot?.provider_ref ?? null, fromBackupRef: backup?.provider_ref ?? null });
        return { ref: v.ref, spec: { replicas: v.replicas } };
      });
      await db.transaction().execute(async (tx) => {
        await dal.insertOrder({ tenant_id: s.tenantId, zone: s.zone, kind: 'disk', action: 'create', resource_id: r.id, status: 'completed', completes_at: new Date(), detail: { sizeGb: input.sizeGb, volumeType: input.volumeType }, created_by: actor.loginId }, tx);
      });
      // After commit: the KMS writes its own records in its own transaction.
      await core.deps.eraser?.createDiskKey?.({ tenantId: s.tenantId, diskId: r.id }).catch((err: unknown) => core.deps.logger?.error({ err, diskId: r.id }, 'disk data key not created'));
      return toView(r);
    },
    async attach(actor: Actor, id: string, vmId: string) {
      const s = await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      assertLive(d);
      if (d.spec.vmId) throw new ConflictError('the disk is attached already', { code: 'cloud.disk_in_use' });
      const vm = await vmOf(actor, vmId);
      const attached = (await dal.bySpec(s.tenantId, 'disk', 'vmId', vm.id)).filter((x) => !x.spec.bootable);
      if (attached.length >= 22) throw new ConflictError('a VM holds at most 22 data disks', { code: 'cloud.disk_limit' });
      await s.driver.attachVolume(vm.provider_ref ?? '', d.provider_ref ?? '');
      return toView(await net.patch(actor, d, 'disk.attached', { status: 'in-use', spec: { ...d.spec, vmId: vm.id } }, { vmId }));
    },
    async detach(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      if (!d.spec.vmId) throw new ConflictError('the disk is not attached', { code: 'cloud.disk_not_attached' });
      if (d.spec.bootable) throw new ConflictError('a system disk stays with its VM', { code: 'cloud.disk_bootable' });
      const vm = await dal.find(d.spec.vmId as string);
      await s.driver.detachVolume(vm?.provider_ref ?? '', d.provider_ref ?? '');
      return toView(await net.patch(actor, d, 'disk.detached', { status: 'available', spec: { ...d.spec, vmId: null } }, { vmId: d.spec.vmId as string }));
    },
    async initialise(actor: Actor, id: string, input: z.infer<typeof S.initDisk>) {
      await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      assertLive(d);
      if (d.spec.bootable) throw new ConflictError('a system disk is initialised by its image', { code: 'cloud.disk_bootable' });
      return toView(await net.patch(actor, d, 'disk.initialised', { spec: { ...d.spec, initialised: true, filesystem: input.filesystem, partition: input.partition } }, input));
    },
    async extend(actor: Actor, id: string, sizeGb: number) {
      const s = await core.scope(actor);
      const d0 = await core.owned(actor, 'disk', id);
      assertLive(d0);
      if (sizeGb <= d0.size_gb) throw new InputError(`a disk only grows: give more than ${d0.size_gb} GB`, { fields: [{ path: 'sizeGb', message: 'must grow' }] });
      if (d0.spec.bootable && sizeGb > 500) throw new InputError('a system disk holds at most 500 GB');
      const { d, orderId } = await db.transaction().execute(async (tx) => {
        const cur = await core.lockOwned(actor, 'disk', id, tx);
        await core.reserve(s, { diskGb: sizeGb - cur.size_gb }, tx);
        const order = await dal.insertOrder({ tenant_id: s.tenantId, zone: s.zone, kind: 'disk', action: 'resize', resource_id: cur.id, status: 'processing', completes_at: null, detail: { from: cur.size_gb, to: sizeGb }, created_by: actor.loginId }, tx);
        const after = await dal.update(cur.id, { size_gb: sizeGb }, tx);
        await core.audit(tx, actor, 'disk.extended', cur, { before: { sizeGb: cur.size_gb }, after: { sizeGb }, detail: { orderId: order.id } });
        return { d: after, orderId: order.id };
      });
      try {
        await s.driver.extendVolume(d.provider_ref ?? '', sizeGb);
      } catch (err) {
        await db.transaction().execute(async (tx) => {
          await dal.update(d.id, { size_gb: d0.size_gb }, tx);
          await dal.updateOrder(orderId, { status: 'failed', detail: { reason: (err as Error).message } }, tx);
        });
        throw err;
      }
      await dal.updateOrder(orderId, { status: 'completed', completes_at: new Date() });
      return toView(d);
    },
    /** Moves a detached disk to the recycle bin; it is purged after the retention unless restored. */
    async recycle(actor: Actor, id: string) {
      await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      assertLive(d);
      if (d.spec.vmId) throw new ConflictError('detach the disk before deleting it', { code: 'cloud.disk_in_use' });
      const purgeAfter = new Date(Date.now() + core.deps.recycleDays * DAY);
      return toView(await net.patch(actor, d, 'disk.recycled', { status: 'recycled', deleted_at: new Date(), purge_after: purgeAfter, spec: { ...d.spec, statusBefore: d.status } }, { purgeAfter: purgeAfter.toISOString() }));
    },
    async restore(actor: Actor, id: string) {
      await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      if (d.status !== 'recycled') throw new ConflictError('the disk is not in the recycle bin', { code: 'cloud.disk_not_recycled' });
      return toView(await net.patch(actor, d, 'disk.restored', { status: 'available', deleted_at: null, purge_after: null }));
    },
    async purgeNow(actor: Actor, id: string) {
      await core.scope(actor);
      const d = await core.owned(actor, 'disk', id);
      if (d.status !== 'recycled') throw new ConflictError('only a disk in the recycle bin can be purged', { code: 'cloud.disk_not_recycled' });
      await purge(actor, d);
    },
    /** The scheduled job: purges every recycled disk whose retention has passed. */
    async purgeDue(now = new Date()) {
      const actor = systemActor('cloud-recycle-purge');
      let n = 0;
      for (const d of await dal.dueForPurge(now)) {
        await purge(actor, d);
        n++;
      }
      return { purged: n };
    },

    // ---- snapshots ----
    async createSnapshot(actor: Actor, input: z.infer<typeof S.createSnapshot>) {
      const s = await core.scope(actor);
      const d = await core.owned(actor, 'disk', input.diskId);
      assertLive(d);
      const r = await net.provision(s, 'snapshot.created', { kind: 'snapshot', name: input.name, description: input.description ?? null, status: 'available', parent_id: d.id, size_gb: 0, spec: { diskId: d.id, diskName: d.name, diskSizeGb: d.size_gb } }, { snapshots: 1 }, async () => s.driver.createSnapshot(d.provider_ref ?? '', input.name));
      return toView(r);
    },
    async deleteSnapshot(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const sn = await core.owned(actor, 'snapshot', id);
      await net.removeWith(actor, sn, 'snapshot.deleted', () => (sn.provider_ref ? s.driver.deleteSnapshot(sn.provider_ref) : Promise.resolve()));
    },
    /** Reverts the disk to the snapshot (Cinder revert-to-snapshot: the disk must be detached). */
    async rollback(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const sn = await core.owned(actor, 'snapshot', id);
      const d = await core.owned(actor, 'disk', sn.parent_id!);
      assertLive(d);
      if (d.spec.vmId) throw new ConflictError('detach the disk (or stop its VM) before rolling back', { code: 'cloud.disk_in_use' });
      await s.driver.revertToSnapshot(d.provider_ref ?? '', sn.provider_ref ?? '');
      return toView(await net.patch(actor, d, 'disk.rolled_back', { spec: { ...d.spec, rolledBackTo: sn.id, rolledBackAt: new Date().toISOString() } }, { snapshotId: sn.id }));
    },

    // ---- backups ----
    async createBackup(actor: Actor, input: z.infer<typeof S.createBackup>, policyId: string | null = null) {
      const s = await core.scope(actor);
      const src = await core.owned(actor, input.sourceType, input.sourceId);
      if (input.sourceType === 'disk') assertLive(src);
      const disks = input.sourceType === 'disk' ? [src] : await dal.bySpec(s.tenantId, 'disk', 'vmId', src.id);
      const previous = (await dal.bySpec(s.tenantId, 'backup', 'sourceId', src.id)).sort((a, b) => +b.created_at - +a.created_at)[0];
      if (input.mode === 'incremental' && !previous) throw new ConflictError('an incremental backup needs an earlier backup of the same source', { code: 'cloud.backup_no_base' });
      const size = disks.reduce((a, d) => a + d.size_gb, 0);
      const r = await net.provision(s, 'backup.created', { kind: 'backup', name: input.name, status: 'available', parent_id: input.mode === 'incremental' ? previous!.id : null, size_gb: size, spec: { sourceType: input.sourceType, sourceId: src.id, sourceName: src.name, mode: input.mode, policyId, disks: disks.map((d) => ({ diskId: d.id, name: d.name, sizeGb: d.size_gb, bootable: !!d.spec.bootable })) } }, { backups: 1 }, async () => {
        const refs: Record<string, string> = {};
        for (const d of disks) refs[d.id] = (await s.driver.createBackup({ volumeRef: d.provider_ref ?? '', name: `${input.name}-${d.name}`, incremental: input.mode === 'incremental' })).ref;
        return { ref: Object.values(refs)[0] ?? null, spec: { volumeBackups: refs } };
      });
      return toView(r);
    },
    async restoreBackup(actor: Actor, id: string, input: z.infer<typeof S.restoreBackup>) {
      const s = await core.scope(actor);
      const b = await core.owned(actor, 'backup', id);
      const refs = (b.spec.volumeBackups ?? {}) as Record<string, string>;
      if (b.spec.sourceType === 'vm') {
        const vm = await core.owned(actor, 'vm', b.spec.sourceId as string);
        if (vm.status !== 'SHUTOFF') throw new ConflictError('stop the VM before restoring its backup', { code: 'cloud.vm_state' });
        for (const [diskId, ref] of Object.entries(refs)) {
          const d = await dal.find(diskId);
          if (d) await s.driver.restoreBackup(ref, d.provider_ref ?? '');
        }
      } else {
        const target = await core.owned(actor, 'disk', input.targetDiskId ?? (b.spec.sourceId as string));
        assertLive(target);
        if (target.spec.vmId) throw new ConflictError('detach the disk before restoring onto it', { code: 'cloud.disk_in_use' });
        if (target.size_gb < b.size_gb) throw new ConflictError('the target disk is smaller than the backup', { code: 'cloud.disk_too_small' });
        await s.driver.restoreBackup(b.provider_ref ?? '', target.provider_ref ?? '');
      }
      await db.transaction().execute(async (tx) => core.audit(tx, actor, 'backup.restored', b, { detail: { targetDiskId: input.targetDiskId ?? null } }));
      return toView(b);
    },
    async deleteBackup(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const b = await core.owned(actor, 'backup', id);
      if ((await dal.children(b.id, 'backup')).length) throw new ConflictError('later incremental backups depend on this one; delete them first', { code: 'cloud.backup_has_dependents' });
      await net.removeWith(actor, b, 'backup.deleted', async () => {
        for (const ref of Object.values((b.spec.volumeBackups ?? {}) as Record<string, string>)) await s.driver.deleteBackup(ref);
      });
    },
    async createPolicy(actor: Actor, input: z.infer<typeof S.createBackupPolicy>) {
      const s = await core.scope(actor);
      for (const t of input.targets) await core.owned(actor, t.type, t.id);
      const r = await net.provision(s, 'backup_policy.created', { kind: 'backup_policy', name: input.name, status: input.enabled ? 'enabled' : 'disabled', spec: { ...input, nextRunAt: new Date(Date.now() + input.intervalHours * 3_600_000).toISOString(), runs: 0 } }, {}, async () => ({ ref: null }));
      return toView(r);
    },
    async deletePolicy(actor: Actor, id: string) {
      await core.scope(actor);
      const p = await core.owned(actor, 'backup_policy', id);
      await net.removeWith(actor, p, 'backup_policy.deleted', async () => {});
    },
    /** The scheduler: runs every enabled policy whose time has come, then prunes backups past retention. */
    async runPolicies(now = new Date()) {
      const due = (await db.selectFrom('cloud.resources').select(RESOURCE_COLUMNS).where('kind', '=', 'backup_policy').where('status', '=', 'enabled').where(sql<boolean>`(spec->>'nextRunAt')::timestamptz <= ${now}`).execute()) as ResourceRow[];
      let made = 0;
      for (const p of due) {
        const actor: Actor = { ...systemActor('cloud-backup-policy'), tenantId: p.tenant_id };
        for (const t of (p.spec.targets ?? []) as { type: 'disk' | 'vm'; id: string }[]) {
          try {
            await svc.createBackup(actor, { sourceType: t.type, sourceId: t.id, name: `${p.name}-${now.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`, mode: p.spec.mode === 'incremental' && p.spec.runs > 0 ? 'incremental' : 'full' }, p.id);
            made++;
          } catch (err) {
            core.deps.logger?.warn({ policy: p.id, target: t.id, err: (err as Error).message }, 'scheduled backup failed');
          }
        }
        const cutoff = new Date(now.getTime() - (p.spec.retentionDays as number) * DAY);
        const old = (await dal.bySpec(p.tenant_id, 'backup', 'policyId', p.id)).filter((b) => b.created_at < cutoff).sort((a, b) => +b.created_at - +a.created_at);
        for (const b of old) if ((await dal.children(b.id, 'backup')).length === 0) await svc.deleteBackup(actor, b.id).catch(() => {});
        await dal.update(p.id, { spec: { ...p.spec, runs: (p.spec.runs as number) + 1, lastRunAt: now.toISOString(), nextRunAt: new Date(now.getTime() + (p.spec.intervalHours as number) * 3_600_000).toISOString() } });
      }
      return { policies: due.length, backups: made };
    },
  };
  return svc;
}

export type StorageService = ReturnType<typeof createStorageService>;
