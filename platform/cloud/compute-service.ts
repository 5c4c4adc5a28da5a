import type { z } from 'zod';
import type { Actor } from '../../core/authz';
import { ConflictError, InputError } from '../../core/errors';
import { ResourceTypes as T } from '../../policies';
import type { CloudCore, Scope } from './cloud-core';
import { toView, type ResourceRow } from './cloud-dal';
import { expandNamePattern, vmTransition, type VmAction, type VmStatus } from './cloud-fns';
import { vmSpec, type CreateVmInput, type VmSpec } from './cloud-schemas';
import type * as S from './cloud-schemas';
import type { FlavorSeed, RegionView } from './driver/cloud-driver';
import type { NetworkService } from './network-service';
import { createImageSharing } from './image-sharing';

/** VMs (create, template, clone, batch, lifecycle, VNC), server groups, templates and images. */
export function createComputeService(core: CloudCore, net: NetworkService) {
  const { dal, db } = core.deps;
  const images = createImageSharing(core);

  function flavorOf(region: RegionView, name: string): FlavorSeed {
    const f = region.flavors.find((x) => x.name === name);
    if (!f) throw new InputError(`zone ${region.zone} has no flavor ${name}`, { fields: [{ path: 'spec.flavor', message: 'unknown flavor' }] });
    return f;
  }

  async function imageOf(s: Scope, region: RegionView, id: string): Promise<{ id: string; name: string; osType: string; minDiskGb: number; ref: string }> {
    const pub = region.images.find((i) => i.id === id);
    if (pub) return { id: pub.id, name: pub.name, osType: pub.osType, minDiskGb: pub.minDiskGb, ref: pub.id };
    // the tenant's own images and those shared with it (or made public) while they are
    const own = await images.visible(s.actor, id);
    if (own.status !== 'active') throw new ConflictError(`the image ${own.name} is ${own.status}, not active`, { code: 'cloud.image_not_ready' });
    return { id: own.id, name: own.name, osType: own.spec.osType as string, minDiskGb: own.spec.minDiskGb as number, ref: own.provider_ref ?? own.id };
  }

  function volumeTypeDescs(region: RegionView, names: string[]) {
    return [...new Set(names)].map((n) => {
      const vt = region.volumeTypes.find((v) => v.name === n);
      if (!vt) throw new InputError(`zone ${region.zone} has no volume type ${n}`);
      return { type: T.volumeType, name: vt.name, props: { name: vt.name, extraSpecs: { 'yiyun:encryption': vt.encryption, 'yiyun:replicas': String(vt.replicas) } } };
    });
  }

  /** Places one VM whose row exists: ports, volumes, server; marks it ERROR (and frees its quota) on failure. */
  async function build(s: Scope, row: ResourceRow, orderId: string, spec: VmSpec, flavor: FlavorSeed, image: { ref: string; minDiskGb: number }, group: ResourceRow | null): Promise<ResourceRow> {
    const made: { ports: string[]; volumes: string[] } = { ports: [], volumes: [] };
    try {
      const nics: ResourceRow[] = [];
      for (const [i, subnetId] of spec.subnetIds.entries()) {
        const nic = await net.createNicRow(s, { name: `${row.name}-eth${i}`, subnetId, securityGroupIds: spec.securityGroupIds, vmId: row.id, primary: true });
        nics.push(nic);
        if (nic.provider_ref) made.ports.push(nic.provider_ref);
      }
      const sysGb = spec.systemDiskGb ?? Math.max(flavor.diskGb, image.minDiskGb);
      const disks: { name: string; sizeGb: number; volumeType: string; bootable: boolean }[] = [
        { name: `${row.name}-system`, sizeGb: sysGb, volumeType: spec.volumeType, bootable: true },
        ...spec.dataDisks.map((d, i) => ({ name: `${row.name}-data${i + 1}`, sizeGb: d.sizeGb, volumeType: d.volumeType, bootable: false })),
      ];
      const vols: { d: (typeof disks)[number]; ref: string; replicas: string[] }[] = [];
      for (const d of disks) {
        const v = await s.driver.createVolume({ name: d.name, sizeGb: d.sizeGb, volumeType: d.volumeType, imageRef: d.bootable ? image.ref : null });
        made.volumes.push(v.ref);
        vols.push({ d, ...v });
      }
      const server = await s.driver.createServer({
        name: row.name,
        tenantId: s.tenantId,
        flavor,
        imageRef: image.ref,
        portRefs: nics.map((n) => n.provider_ref ?? ''),
        serverGroup: group ? { ref: group.provider_ref ?? '', policy: group.spec.policy as 'anti-affinity' | 'soft-anti-affinity' } : null,
        keyName: spec.keypairId ?? null,
        adminPass: spec.password ?? null,
        userData: spec.userData ?? null,
        az: spec.az ?? null,
        publicKey: spec.keypairId ? (((await dal.find(spec.keypairId))?.spec.publicKey as string | undefined) ?? null) : null,
        volumes: vols.map((v) => ({ ref: v.ref, boot: v.d.bootable })),
      });
      if (!server.volumesAttached) for (const v of vols) if (!v.d.bootable) await s.driver.attachVolume(server.ref, v.ref);
      const diskIds: string[] = [];
      const placed = await db.transaction().execute(async (tx) => {
        for (const v of vols) {
          diskIds.push((await dal.insert(core.newRow(s, { kind: 'disk', name: v.d.name, status: 'in-use', provider_ref: v.ref, size_gb: v.d.sizeGb, spec: { volumeType: v.d.volumeType, replicas: v.replicas, bootable: v.d.bootable, vmId: row.id, initialised: v.d.bootable } }), tx)).id);
        }
        // BUILD until the driver reports the server ACTIVE (or ERROR): the order watch settles both (order-watch.ts).
        const after = await dal.update(row.id, { provider_ref: server.ref, status: 'BUILD', next_status: null, next_at: null, spec: { ...row.spec, host: server.host, az: server.az, ips: nics.map((n) => n.spec.ip) } }, tx);
        await dal.updateOrder(orderId, { status: 'running' }, tx);
        await core.audit(tx, s.actor, 'vm.placed', row, { detail: { host: server.host, az: server.az } });
        return after;
      });
      // After commit: each of the VM's disks gets its data key from the KMS.
      for (const diskId of diskIds) {
        await core.deps.eraser?.createDiskKey?.({ tenantId: s.tenantId, diskId }).catch((err: unknown) => core.deps.logger?.error({ err, diskId }, 'disk data key not created'));
      }
      return placed;
    } catch (err) {
      for (const p of made.ports) await s.driver.deletePort(p).catch(() => {});
      for (const v of made.volumes) await s.driver.deleteVolume(v).catch(() => {});
      await db.transaction().execute(async (tx) => {
        for (const n of await dal.bySpec(s.tenantId, 'nic', 'vmId', row.id, tx)) await dal.remove(n.id, tx);
        await dal.update(row.id, { status: 'ERROR', vcpus: 0, ram_gb: 0, spec: { ...row.spec, fault: (err as Error).message } }, tx);
        await dal.updateOrder(orderId, { status: 'failed', detail: { reason: (err as Error).message } }, tx);
        await core.audit(tx, s.actor, 'vm.create_failed', row, { outcome: 'failure', detail: { reason: (err as Error).message, code: (err as { code?: string }).code ?? null } });
      });
      throw err;
    }
  }

  /** Creates `count` VMs: one order each, quota reserved for all of them at once. */
  async function createMany(actor: Actor, input: CreateVmInput): Promise<{ rows: ResourceRow[]; errors: { name: string; code: string; message: string }[] }> {
    const s = await core.scope(actor);
    let base: Partial<VmSpec> = {};
    if (input.templateId) base = (await core.owned(actor, 'template', input.templateId)).spec as Partial<VmSpec>;
    const merged = vmSpec.safeParse({ ...base, ...input.spec });
    if (!merged.success) throw new InputError(`the VM's parameters are incomplete: ${merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { fields: merged.error.issues.map((i) => ({ path: `spec.${i.path.join('.')}`, message: i.message })) });
    const spec = merged.data;
    if (!spec.keypairId && !spec.password) throw new InputError('give a key pair or a password for the first login', { fields: [{ path: 'spec.keypairId', message: 'key pair or password required' }] });
    const region = await s.driver.describe();
    const flavor = flavorOf(region, spec.flavor);
    const image = await imageOf(s, region, spec.imageId);
    for (const id of spec.subnetIds) await core.owned(actor, 'subnet', id);
    for (const id of spec.securityGroupIds) await core.owned(actor, 'security_group', id);
    if (spec.keypairId) await core.owned(actor, 'keypair', spec.keypairId);
    const group = spec.serverGroupId ? await core.owned(actor, 'server_group', spec.serverGroupId) : null;
    core.admit(s, volumeTypeDescs(region, [spec.volumeType, ...spec.dataDisks.map((d) => d.volumeType)]));
    const names = input.count === 1 ? [input.name] : expandNamePattern(input.name, input.count);
    const sysGb = spec.systemDiskGb ?? Math.max(flavor.diskGb, image.minDiskGb);
    const diskGb = sysGb + spec.dataDisks.reduce((a, d) => a + d.sizeGb, 0);
    const n = names.length;
    const { password: _pw, userData, ...kept } = spec;
    const stored = { ...kept, imageName: image.name, osType: image.osType, passwordSet: !!spec.password, userDataSet: !!userData, templateId: input.templateId ?? null };
    const pending = await db.transaction().execute(async (tx) => {
      await core.reserve(s, { vms: n, vcpu: n * flavor.vcpus, ramGb: n * flavor.ramGb, diskGb: n * diskGb, volumes: n * (1 + spec.dataDisks.length) }, tx);
      const out: { row: ResourceRow; orderId: string }[] = [];
      for (const name of names) {
        const row = await dal.insert(core.newRow(s, { kind: 'vm', name, description: input.description ?? null, status: 'BUILD', vcpus: flavor.vcpus, ram_gb: flavor.ramGb, tags: input.tags, spec: stored }), tx);
        const order = await dal.insertOrder({ tenant_id: s.tenantId, zone: s.zone, kind: 'vm', action: 'create', resource_id: row.id, status: 'submitted', completes_at: null, detail: { name, flavor: flavor.name, image: image.name }, created_by: actor.loginId }, tx);
        await core.audit(tx, actor, 'vm.created', row, { after: { ...core.summary(row), flavor: flavor.name, image: image.name }, detail: { orderId: order.id, batch: n > 1 ? n : undefined } });
        out.push({ row, orderId: order.id });
      }
      return out;
    });
    const rows: ResourceRow[] = [];
    const errors: { name: string; code: string; message: string }[] = [];
    for (const p of pending) {
      try {
        rows.push(await build(s, p.row, p.orderId, spec, flavor, image, group));
      } catch (err) {
        if (n === 1) throw err;
        errors.push({ name: p.row.name, code: (err as { code?: string }).code ?? 'error', message: (err as Error).message });
      }
    }
    return { rows, errors };
  }

  async function act(actor: Actor, id: string, action: Exclude<VmAction, 'delete' | 'resize'>) {
    const s = await core.scope(actor);
    const vm = await core.owned(actor, 'vm', id);
    const t = vmTransition(vm.status as VmStatus, action);
    if ('refused' in t) throw new ConflictError(t.refused, { code: 'cloud.vm_state' });
    await s.driver.serverAction(vm.provider_ref ?? '', action);
    return toView(await net.patch(actor, vm, `vm.${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : 'rebooted'}`, { status: t.via, next_status: t.to, next_at: core.later(s.driver.timings[t.delay]) }));
  }

  const svc = {
    async createVm(actor: Actor, input: CreateVmInput) {
      const { rows } = await createMany(actor, { ...input, count: 1 });
      return toView(rows[0]!);
    },
    async createBatch(actor: Actor, input: CreateVmInput) {
      const { rows, errors } = await createMany(actor, input);
      return { items: rows.map(toView), total: rows.length, errors };
    },
    /** Same configuration as an existing VM (flavor, image, networks, groups, disks); a new login secret is not copied. */
    async cloneVm(actor: Actor, id: string, input: z.infer<typeof S.cloneVm>) {
      const src = await core.owned(actor, 'vm', id);
      const spec = vmSpec.partial().parse(Object.fromEntries(Object.entries(src.spec).filter(([k]) => k in vmSpec.shape)));
      if (!spec.keypairId) throw new InputError('the source VM logs in by password: clone it from a template with a key pair, or give a password', { code: 'cloud.clone_needs_keypair' });
      const { rows, errors } = await createMany(actor, { name: input.name, count: input.count, tags: src.tags, spec });
      return { items: rows.map(toView), total: rows.length, errors };
    },
    async start(actor: Actor, id: string) {
      return act(actor, id, 'start');
    },
    async stop(actor: Actor, id: string) {
      return act(actor, id, 'stop');
    },
    async reboot(actor: Actor, id: string) {
      return act(actor, id, 'reboot');
    },
    async resize(actor: Actor, id: string, flavorName: string) {
      const s = await core.scope(actor);
      const region = await s.driver.describe();
      const flavor = flavorOf(region, flavorName);
      const { vm, orderId, before } = await db.transaction().execute(async (tx) => {
        const cur = await core.lockOwned(actor, 'vm', id, tx);
        const t = vmTransition(cur.status as VmStatus, 'resize');
        if ('refused' in t) throw new ConflictError(t.refused, { code: 'cloud.vm_state' });
        if (cur.spec.flavor === flavor.name) throw new ConflictError('the VM has this flavor already', { code: 'cloud.vm_same_flavor' });
        await core.reserve(s, { vcpu: flavor.vcpus - cur.vcpus, ramGb: flavor.ramGb - cur.ram_gb }, tx);
        const order = await dal.insertOrder({ tenant_id: s.tenantId, zone: s.zone, kind: 'vm', action: 'resize', resource_id: cur.id, status: 'submitted', completes_at: null, detail: { from: cur.spec.flavor, to: flavor.name, expect: cur.status === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE' }, created_by: actor.loginId }, tx);
        const after = await dal.update(cur.id, { status: 'RESIZE', next_status: null, next_at: null, vcpus: flavor.vcpus, ram_gb: flavor.ramGb, spec: { ...cur.spec, flavor: flavor.name } }, tx);
        await core.audit(tx, actor, 'vm.resized', cur, { before: { flavor: cur.spec.flavor }, after: { flavor: flavor.name }, detail: { orderId: order.id } });
        return { vm: after, orderId: order.id, before: cur };
      });
      try {
        await s.driver.resizeServer(vm.provider_ref ?? '', flavor);
      } catch (err) {
        await db.transaction().execute(async (tx) => {
          await dal.update(vm.id, { status: before.status, vcpus: before.vcpus, ram_gb: before.ram_gb, spec: before.spec }, tx);
          await dal.updateOrder(orderId, { status: 'failed', detail: { reason: (err as Error).message } }, tx);
          await core.audit(tx, actor, 'vm.resize_failed', vm, { outcome: 'failure', detail: { reason: (err as Error).message } });
        });
        throw err;
      }
      // RESIZE until the driver reports the server settled (after VERIFY_RESIZE and the confirm): see order-watch.ts.
      await dal.updateOrder(orderId, { status: 'running' });
      return toView(vm);
    },
    async deleteVm(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const vm = await core.owned(actor, 'vm', id);
      const t = vmTransition(vm.status as VmStatus, 'delete');
      if ('refused' in t) throw new ConflictError(t.refused, { code: 'cloud.vm_state' });
      const havips = (await dal.bySpecArray(s.tenantId, 'havip', 'vmIds', vm.id));
      if (havips.length) throw new ConflictError(`unbind the VM from HaVIP ${havips[0]!.name} first`, { code: 'cloud.vm_in_havip' });
      if (vm.provider_ref) await s.driver.deleteServer(vm.provider_ref);
      await net.releaseVmNics(s, vm.id);
      const disks = await dal.bySpec(s.tenantId, 'disk', 'vmId', vm.id);
      for (const d of disks.filter((x) => x.spec.bootable)) if (d.provider_ref) await s.driver.deleteVolume(d.provider_ref);
      await db.transaction().execute(async (tx) => {
        for (const d of disks) {
          if (d.spec.bootable) await dal.remove(d.id, tx);
          else await dal.update(d.id, { status: 'available', spec: { ...d.spec, vmId: null } }, tx);
        }
        for (const e of await dal.eipsBoundTo(s.tenantId, vm.id, tx)) await dal.update(e.id, { status: 'available', spec: { ...e.spec, boundTo: null } }, tx);
        await dal.remove(vm.id, tx);
        await core.audit(tx, actor, 'vm.deleted', vm, { before: core.summary(vm), detail: { detachedDisks: disks.filter((d) => !d.spec.bootable).map((d) => d.id) } });
      });
    },
    async vnc(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const vm = await core.owned(actor, 'vm', id);
      if (vm.status !== 'ACTIVE') throw new ConflictError('the VNC console needs a running VM', { code: 'cloud.vm_state' });
      const c = await s.driver.consoleUrl(vm.provider_ref ?? '');
      await db.transaction().execute(async (tx) => core.audit(tx, actor, 'vm.console_opened', vm, { detail: { type: c.type } }));
      return { ...c, expiresAt: core.later(10 * 60_000) };
    },

    // ---- server groups ----
    async createServerGroup(actor: Actor, input: z.infer<typeof S.createServerGroup>) {
      const s = await core.scope(actor);
      const r = await net.provision(s, 'server_group.created', { kind: 'server_group', name: input.name, status: 'available', spec: { policy: input.policy } }, {}, async () => s.driver.createServerGroup({ name: input.name, policy: input.policy }));
      return toView(r);
    },
    async deleteServerGroup(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const g = await core.owned(actor, 'server_group', id);
      if ((await dal.bySpec(s.tenantId, 'vm', 'serverGroupId', id)).length) throw new ConflictError('the server group still has members', { code: 'cloud.group_in_use' });
      await net.removeWith(actor, g, 'server_group.deleted', () => (g.provider_ref ? s.driver.deleteServerGroup(g.provider_ref) : Promise.resolve()));
    },

    // ---- launch templates ----
    async createTemplate(actor: Actor, input: z.infer<typeof S.createTemplate>) {
      const s = await core.scope(actor);
      const r = await net.provision(s, 'template.created', { kind: 'template', name: input.name, description: input.description ?? null, status: 'available', spec: input.spec }, {}, async () => ({ ref: null }));
      return toView(r);
    },
    async templateFromVm(actor: Actor, vmId: string, input: z.infer<typeof S.templateFromVm>) {
      const src = await core.owned(actor, 'vm', vmId);
      const spec = Object.fromEntries(Object.entries(src.spec).filter(([k]) => k in vmSpec.shape && k !== 'password'));
      return svc.createTemplate(actor, { name: input.name, description: input.description, spec: spec as never });
    },
    async deleteTemplate(actor: Actor, id: string) {
      await core.scope(actor);
      const t = await core.owned(actor, 'template', id);
      await net.removeWith(actor, t, 'template.deleted', async () => {});
    },

    // ---- images ----
    async importImage(actor: Actor, input: z.infer<typeof S.importImage>) {
      const s = await core.scope(actor);
      const r = await net.provision(s, 'image.imported', { kind: 'image', name: input.name, status: 'importing', size_gb: 0, spec: { format: input.format, osType: input.osType, osVersion: input.osVersion ?? null, sizeGb: input.sizeGb, sourceUrl: input.sourceUrl ?? null, minDiskGb: input.minDiskGb, visibility: 'private', diskFormat: 'raw' } }, {}, async () => {
        const out = await s.driver.importImage({ name: input.name, format: input.format, sourceUrl: input.sourceUrl ?? null });
        return { ref: out.ref, spec: { steps: out.steps, convertedFrom: input.format === 'raw' ? null : input.format } };
      });
      return toView(await dal.update(r.id, { status: 'importing', next_status: 'active', next_at: core.later(s.driver.timings.importMs) }));
    },
    async deleteImage(actor: Actor, id: string) {
      const s = await core.scope(actor);
      const img = await core.owned(actor, 'image', id);
      await net.removeWith(actor, img, 'image.deleted', () => (img.provider_ref ? s.driver.deleteImage(img.provider_ref) : Promise.resolve()));
    },
  };
  return svc;
}

export type ComputeService = ReturnType<typeof createComputeService>;
