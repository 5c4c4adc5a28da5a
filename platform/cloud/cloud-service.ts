import ExcelJS from 'exceljs';
import type { Actor } from '../../core/authz';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { createCloudCore, type CloudServiceDeps } from './cloud-core';
import { toView, type OrderRow } from './cloud-dal';
import { toCsv } from './cloud-fns';
import { WIDGETS, type ExportQuery, type Kind, type ListQuery } from './cloud-schemas';
import { createComputeService } from './compute-service';
import { createNetworkService } from './network-service';
import { createOrderWatch } from './order-watch';
import { createStorageService } from './storage-service';
import { createImageSharing } from './image-sharing';

const DEFAULT_LAYOUT = WIDGETS.map((type) => ({ type, w: type === 'operations' ? 12 : 6 }));

const EXPORT_COLUMNS: Partial<Record<Kind, string[]>> = {
  vpc: ['id', 'name', 'cidr', 'region', 'status', 'tags', 'createdAt'],
  subnet: ['id', 'name', 'vpcId', 'cidr', 'cidr6', 'stack', 'gateway', 'az', 'status', 'aclId', 'routeTable', 'createdAt'],
  disk: ['id', 'name', 'sizeGb', 'volumeType', 'status', 'vmId', 'bootable', 'tags', 'createdAt'],
  vm: ['id', 'name', 'status', 'flavor', 'imageName', 'host', 'ips', 'tags', 'createdAt'],
};

const orderView = (o: OrderRow) => ({ id: o.id, tenantId: o.tenant_id, zone: o.zone, kind: o.kind, action: o.action, resourceId: o.resource_id, status: o.status, detail: o.detail, createdBy: o.created_by, createdAt: o.created_at, updatedAt: o.updated_at });

/** The tenant self-service cloud: one object over the network, compute and storage services. */
export function createCloudService(deps: CloudServiceDeps) {
  const core = createCloudCore(deps);
  const network = createNetworkService(core);
  const compute = createComputeService(core, network);
  const storage = createStorageService(core, network);
  const orderWatch = createOrderWatch(core);
  const images = createImageSharing(core);
  const { dal } = deps;

  /** What a list route asks the DAL for: the caller's tenant only (all tenants for platform readers). */
  const filterOf = (actor: Actor, kind: Kind, q: ListQuery & { parentId?: string }) => ({
    kind, tenantId: actor.tenantId, q: q.q, status: q.status, tag: q.tag, parentId: q.parentId, offset: q.offset, limit: q.limit, sort: q.sort, order: q.order,
    // Recycled disks are listed only in the recycle bin (or when asked for by status).
    excludeStatus: kind === 'disk' && !q.status ? 'recycled' : undefined,
  });

  async function list(actor: Actor, kind: Kind, q: ListQuery & { parentId?: string }) {
    const { rows, total } = await dal.list(filterOf(actor, kind, q));
    return { items: rows.map(toView), total };
  }

  return {
    core,
    network,
    compute,
    storage,
    list,
    /** `list` as its JSON body (`{"items":[…],"total":n}`), built by the database: the list routes send it as it is. */
    listJson: (actor: Actor, kind: Kind, q: ListQuery & { parentId?: string }) => dal.listJson(filterOf(actor, kind, q)),
    /** After a write outside an HTTP route (a job) has committed: remembered list totals and page starts go. */
    forgetLists: () => dal.forgetLists(),
    images,
    async get(actor: Actor, kind: Kind, id: string) {
      if (kind === 'image') return images.get(actor, id);
      return toView(await core.owned(actor, kind, id));
    },
    async children(actor: Actor, parentKind: Kind, parentId: string, kind: Kind) {
      await core.owned(actor, parentKind, parentId);
      const rows = await dal.children(parentId, kind);
      return { items: rows.map(toView), total: rows.length };
    },
    /** A list as CSV, JSON or XLSX (at most 10,000 rows). */
    async exportList(actor: Actor, kind: Kind, q: ExportQuery): Promise<{ body: Buffer | string; type: string; filename: string }> {
      const { rows } = await dal.list({ kind, tenantId: actor.tenantId, q: q.q, tag: q.tag, status: q.status, offset: 0, limit: 10_000, sort: 'createdAt', order: 'desc' });
      const cols = EXPORT_COLUMNS[kind] ?? ['id', 'name', 'status', 'createdAt'];
      const flat = rows.map((r) => {
        const v = toView(r);
        const o: Record<string, unknown> = { ...v.spec, ...v, spec: undefined, createdAt: v.createdAt.toISOString() };
        if (kind === 'subnet') o.vpcId = r.parent_id;
        return o;
      });
      const stamp = new Date().toISOString().slice(0, 10);
      if (q.format === 'json') return { body: JSON.stringify(flat.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))), null, 2), type: 'application/json', filename: `${kind}s-${stamp}.json` };
      if (q.format === 'csv') return { body: toCsv(cols, flat), type: 'text/csv; charset=utf-8', filename: `${kind}s-${stamp}.csv` };
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(kind);
      ws.addRow(cols);
      for (const r of flat) ws.addRow(cols.map((c) => (r[c] === null || r[c] === undefined ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : (r[c] as string | number))));
      return { body: Buffer.from(await wb.xlsx.writeBuffer()), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: `${kind}s-${stamp}.xlsx` };
    },
    async recycleBin(actor: Actor, q: ListQuery) {
      return list(actor, 'disk', { ...q, status: 'recycled' });
    },
    async orders(actor: Actor, q: { offset: number; limit: number; status?: string; kind?: string }) {
      const { rows, total } = await dal.listOrders({ tenantId: actor.tenantId, ...q });
      return { items: rows.map(orderView), total };
    },
    async order(actor: Actor, id: string) {
      const o = await dal.findOrder(id);
      if (!o || (actor.tenantId && o.tenant_id !== actor.tenantId)) throw new NotFoundError('no such order', { code: 'cloud.order_not_found' });
      return orderView(o);
    },
    /** Quota against use, line by line (the tenant's own, or any tenant's for a platform reader). */
    async quota(actor: Actor, tenantId?: string) {
      const id = actor.tenantId ?? tenantId;
      if (!id) throw new InputError('name the tenant (tenantId)');
      const tenant = await deps.tenants.get(actor, id);
      const used = await dal.usage(tenant.id);
      const q = tenant.quota as unknown as Record<string, number>;
      return { tenantId: tenant.id, zone: tenant.zone, lines: Object.keys(used).map((k) => ({ key: k, limit: q[k] ?? 0, used: used[k as keyof typeof used] })) };
    },
    async region(actor: Actor, zone?: string) {
      const z = actor.tenantId ? (await deps.tenants.get(actor, actor.tenantId)).zone : zone;
      const d = z ? deps.drivers.get(z) : undefined;
      if (!d) throw new NotFoundError(`no zone ${z ?? '(none given)'}`, { code: 'cloud.zone_not_found' });
      return d.describe();
    },
    async zones(_actor: Actor) {
      const out = [];
      for (const d of deps.drivers.values()) out.push({ ...(await d.describe()), hosts: await d.hosts() });
      return { items: out, total: out.length };
    },
    async overview(actor: Actor) {
      const tenantId = actor.tenantId;
      const [counts, orders, ops] = await Promise.all([
        dal.countsByKind(tenantId),
        dal.orderCounts(tenantId),
        deps.audit.search({ offset: 0, limit: 10, ...(tenantId ? { tenantId } : {}) }),
      ]);
      const layout = (actor.accountId ? await dal.getLayout(actor.accountId) : undefined) ?? DEFAULT_LAYOUT;
      return {
        layout,
        resources: counts,
        orders,
        quota: tenantId ? (await this.quota(actor)).lines : [],
        operations: ops.items.map((r) => ({ at: r.occurredAt, actor: r.actorLogin, action: r.action, targetType: r.targetType, targetId: r.targetId, outcome: r.outcome })),
      };
    },
    async saveLayout(actor: Actor, widgets: { type: string; w: number }[]) {
      if (!actor.accountId) throw new ForbiddenError('only an account has a layout');
      await dal.putLayout(actor.accountId, widgets);
      return { layout: widgets };
    },
    /** The tenant's network drawn as nodes and edges: VPC → router → subnets → NICs/HaVIPs → VMs; SGs and EIPs beside. */
    async topology(actor: Actor) {
      const tid = actor.tenantId;
      const all = async (kind: Kind) => (await dal.list({ kind, tenantId: tid, offset: 0, limit: 2000, sort: 'createdAt', order: 'asc' })).rows;
      const [vpcs, subnets, nics, vms, havips, sgs, eips] = await Promise.all(['vpc', 'subnet', 'nic', 'vm', 'havip', 'security_group', 'eip'].map((k) => all(k as Kind)));
      const nodes: { id: string; kind: string; name: string; status: string }[] = [];
      const edges: { from: string; to: string; kind: string }[] = [];
      for (const v of vpcs!) {
        nodes.push({ id: v.id, kind: 'vpc', name: v.name, status: v.status }, { id: `router:${v.id}`, kind: 'router', name: `${v.name}-router`, status: 'available' });
        edges.push({ from: v.id, to: `router:${v.id}`, kind: 'contains' });
      }
      for (const s of subnets!) {
        nodes.push({ id: s.id, kind: 'subnet', name: s.name, status: s.status });
        edges.push({ from: `router:${s.parent_id}`, to: s.id, kind: 'routes' });
      }
      for (const v of vms!) nodes.push({ id: v.id, kind: 'vm', name: v.name, status: v.status });
      for (const n of nics!) if (n.spec.vmId) edges.push({ from: n.parent_id!, to: n.spec.vmId as string, kind: 'nic' });
      for (const h of havips!) {
        nodes.push({ id: h.id, kind: 'havip', name: h.name, status: h.status });
        edges.push({ from: h.parent_id!, to: h.id, kind: 'contains' });
        for (const vm of (h.spec.vmIds as string[]) ?? []) edges.push({ from: h.id, to: vm, kind: 'vip' });
      }
      for (const g of sgs!) nodes.push({ id: g.id, kind: 'security_group', name: g.name, status: g.status });
      for (const v of vms!) for (const g of (v.spec.securityGroupIds as string[]) ?? []) edges.push({ from: g, to: v.id, kind: 'guards' });
      for (const e of eips!) {
        nodes.push({ id: e.id, kind: 'eip', name: e.name, status: e.status });
        const b = e.spec.boundTo as { id: string } | null;
        if (b) edges.push({ from: e.id, to: b.id, kind: 'binds' });
      }
      return { nodes, edges };
    },
    /** Writes down timed transitions and settles the VM orders the drivers report done (the settle job). */
    async settle() {
      const n = await dal.settle();
      await orderWatch.reconcile();
      return n;
    },
    /** Only the order watch (tests, and a settle that must not wait for timings). */
    reconcileOrders: () => orderWatch.reconcile(),
  };
}

export type CloudService = ReturnType<typeof createCloudService>;
