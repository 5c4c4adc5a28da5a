import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Kind, ResourceView } from './cloud-schemas';
import { parseTagFilter } from './cloud-fns';
import { LISTED_JSON_COLUMNS, listedJson, TENANT_COLUMN, utcTextToTimestamptz, type ListedJsonRow } from './list-json';
import { createListMemory, type SeekKey } from './list-memory';

export type ResourceRow = {
  id: string;
  tenant_id: string;
  zone: string;
  kind: Kind;
  name: string;
  description: string | null;
  status: string;
  next_status: string | null;
  next_at: Date | null;
  parent_id: string | null;
  provider_ref: string | null;
  spec: Record<string, any>;
  tags: Record<string, string>;
  vcpus: number;
  ram_gb: number;
  size_gb: number;
  deleted_at: Date | null;
  purge_after: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};
/** A resource row's columns: every read names them (the table also holds list-only text copies of spec and tags). */
export const RESOURCE_COLUMNS = ['id', 'tenant_id', 'zone', 'kind', 'name', 'description', 'status', 'next_status', 'next_at', 'parent_id', 'provider_ref', 'spec', 'tags', 'vcpus', 'ram_gb', 'size_gb', 'deleted_at', 'purge_after', 'created_by', 'created_at', 'updated_at'] as const satisfies readonly (keyof ResourceRow)[];

export type NewResource = Pick<ResourceRow, 'tenant_id' | 'zone' | 'kind' | 'name' | 'status' | 'created_by'> & Partial<Omit<ResourceRow, 'id' | 'created_at' | 'updated_at'>>;

export type OrderRow = { id: string; tenant_id: string; zone: string; kind: string; action: string; resource_id: string | null; status: 'submitted' | 'running' | 'processing' | 'completed' | 'failed'; completes_at: Date | null; detail: Record<string, unknown>; created_by: string; created_at: Date; updated_at: Date };

export type Usage = { vms: number; vcpu: number; ramGb: number; diskGb: number; volumes: number; networks: number; securityGroups: number; floatingIps: number; snapshots: number; backups: number };

// The status a tenant sees: a timed transition has happened once its moment has passed, even before the
// settle job writes it down. Reads never wait for the job.
const EFFECTIVE = sql<string>`case when next_at is not null and next_at <= now() then next_status else status end`;
const ORDER_EFFECTIVE = sql<string>`case when status = 'processing' and completes_at is not null and completes_at <= now() then 'completed' else status end`;

const json = (v: unknown) => JSON.stringify(v);

export function toView(r: ListedRow): ResourceView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    zone: r.zone,
    kind: r.kind,
    name: r.name,
    description: r.description,
    status: r.status,
    parentId: r.parent_id,
    spec: r.spec,
    tags: r.tags,
    vcpus: r.vcpus,
    ramGb: r.ram_gb,
    sizeGb: r.size_gb,
    deletedAt: r.deleted_at,
    purgeAfter: r.purge_after,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export type ListFilter = {
  kind: Kind;
  /** null = every tenant (platform readers) */
  tenantId: string | null;
  q?: string;
  status?: string;
  tag?: string;
  parentId?: string;
  excludeStatus?: string;
  offset: number;
  limit: number;
  sort: 'name' | 'createdAt' | 'status';
  order: 'asc' | 'desc';
};

/** The columns a list answers with (what `toView` shows). */
const LISTED = ['id', 'tenant_id', 'zone', 'kind', 'name', 'description', 'parent_id', 'spec', 'tags', 'vcpus', 'ram_gb', 'size_gb', 'deleted_at', 'purge_after', 'created_at', 'updated_at'] as const;
export type ListedRow = Pick<ResourceRow, (typeof LISTED)[number] | 'status'>;

/** A tenant an image is shared with, and how it answered the share. */
export type ImageMemberRow = { image_id: string; tenant_id: string; added_by: string; added_at: Date; status: 'pending' | 'accepted' | 'rejected'; decided_by: string | null; decided_at: Date | null };

/** The tenant cloud's records: resources, orders, quota locks, overview layouts. */
export function createCloudDal(db: Kysely<any>, opts: { now?: () => number } = {}) {
  const base = (tx: Kysely<any>) => tx.selectFrom('cloud.resources').select(RESOURCE_COLUMNS).select(EFFECTIVE.as('status'));
  const memory = createListMemory(opts.now);

  const SORT_COLUMN = { createdAt: 'created_at', name: 'name', status: 'status' } as const;
  // A page that starts at a remembered start (no offset) and has one of these sizes is sent with its size written
  // into the text: PostgreSQL then costs the prepared statement's generic plan as well as a custom one and keeps it,
  // instead of planning every call anew (~0.3 ms each, measured) because a `limit $n` of unknown size looks dear.
  const PAGE_SIZES = new Set([10, 20, 25, 50, 100, 200, 500]);

  /**
   * One page of a list, its rows selected as `listedJson` writes them. A page that starts at a remembered start
   * (or at the top) reads from there in index order. Otherwise its first row is found by an index-only scan (the
   * InitPlan: the offset steps over index entries, not rows), from the nearest remembered start before it.
   */
  function jsonPageQuery(f: ListFilter, seek: SeekKey | undefined) {
    const col = SORT_COLUMN[f.sort];
    const desc = f.order === 'desc';
    const skip = f.offset - (seek?.at ?? 0);
    const after = seek && sql<boolean>`(${sql.ref(col)}, id) ${sql.raw(desc ? '<' : '>')} (${col === 'created_at' ? sql`${seek.value}::timestamptz` : sql`${seek.value}::text`}, ${seek.id}::uuid)`;
    let page = filtered(db, f).select((ownRowsOnly(f) ? LISTED_JSON_COLUMNS : sql`${LISTED_JSON_COLUMNS}, ${TENANT_COLUMN}`) as never);
    if (skip === 0) {
      // The first page, or one that starts right at a remembered start: read from there.
      if (after) page = page.where(after);
    } else {
      let first = filtered(db, f).select([col, 'id']).orderBy(col, f.order).orderBy('id', f.order).limit(sql.lit(1)).offset(skip);
      if (after) first = first.where(after);
      page = page.where(sql<boolean>`(${sql.ref(col)}, id) ${sql.raw(desc ? '<=' : '>=')} (${first})`);
    }
    return page
      .orderBy(col, f.order)
      .orderBy('id', f.order)
      .limit(PAGE_SIZES.has(f.limit) ? sql.lit(f.limit) : f.limit);
  }

  // Building and compiling the page query through Kysely costs more CPU than the rest of a list request's own
  // work, so the plain shape (no text, status, tag or parent filter) is compiled once per kind, tenant scope, sort,
  // order and whether it seeks, with stand-in values whose parameter slots take each request's values.
  const SLOTS = ['tenantId', 'excludeStatus', 'skip', 'limit', 'seekValue', 'seekId'] as const;
  type Slot = (typeof SLOTS)[number];
  const STAND_IN: Record<Slot, string | number> = { tenantId: '\u0000tenant', excludeStatus: '\u0000exclude', skip: 987_654_321, limit: 987_654_322, seekValue: '\u0000seek', seekId: '\u0000seek-id' };
  const compiledPages = new Map<string, { sql: string; slots: (Slot | null)[]; fixed: readonly unknown[] }>();
  function jsonPage(f: ListFilter, seek: SeekKey | undefined): CompiledQuery<ListedJsonRow> {
    if (f.q || f.status || f.tag || f.parentId) return jsonPageQuery(f, seek).compile() as CompiledQuery<ListedJsonRow>;
    const skip = f.offset - (seek?.at ?? 0);
    const key = `${f.kind}|${f.tenantId ? 'tenant' : 'all'}|${f.excludeStatus ? 'exclude' : ''}|${f.sort}|${f.order}|${seek ? 'seek' : ''}|${skip === 0 ? 0 : 'skip'}|${PAGE_SIZES.has(f.limit) ? f.limit : 'limit'}`;
    let c = compiledPages.get(key);
    if (!c) {
      const probe = { ...f, tenantId: f.tenantId ? STAND_IN.tenantId : null, excludeStatus: f.excludeStatus ? STAND_IN.excludeStatus : undefined, offset: skip === 0 ? 0 : STAND_IN.skip, limit: PAGE_SIZES.has(f.limit) ? f.limit : STAND_IN.limit } as ListFilter;
      const q = jsonPageQuery(probe, seek ? { at: 0, value: STAND_IN.seekValue as string, id: STAND_IN.seekId as string } : undefined).compile();
      const slots = q.parameters.map((p) => SLOTS.find((k) => STAND_IN[k] === p) ?? null);
      c = { sql: q.sql, slots, fixed: q.parameters };
      compiledPages.set(key, c);
    }
    const values: Record<Slot, unknown> = { tenantId: f.tenantId, excludeStatus: f.excludeStatus, skip, limit: f.limit, seekValue: seek?.value, seekId: seek?.id };
    const { slots, fixed } = c;
    return CompiledQuery.raw(c.sql, slots.map((k, i) => (k === null ? fixed[i] : values[k]))) as CompiledQuery<ListedJsonRow>;
  }

  /** The filter's total, given that the page at `f.offset` held `onPage` rows. */
  async function total(f: ListFilter, onPage: number, tx: Kysely<any>, key = tx === db ? memory.keyOf(f) : null): Promise<number> {
    // A short page that is not empty (or the first page) tells the total without counting the tenant's rows.
    if (onPage < f.limit && (onPage > 0 || f.offset === 0)) return f.offset + onPage;
    const known = key === null ? undefined : memory.total(key);
    if (known !== undefined) return known;
    const epoch = memory.epoch;
    const count = await filtered(tx, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const n = Number(count?.n ?? 0);
    if (key !== null) memory.rememberTotal(key, n, epoch);
    return n;
  }

  /** Whether every row of the list is the filter's tenant's own (an image list also holds public and shared images). */
  const ownRowsOnly = (f: Pick<ListFilter, 'tenantId' | 'kind'>) => f.tenantId !== null && f.kind !== 'image';

  function filtered(tx: Kysely<any>, f: Omit<ListFilter, 'offset' | 'limit' | 'sort' | 'order'>) {
    // The kind is one of the route table's constants, never the caller's text: written into the statement, it lets
    // PostgreSQL cost a prepared statement's generic plan by the kind's own rows (see PAGE_SIZES).
    let q = tx.selectFrom('cloud.resources').where('kind', '=', sql.lit(f.kind));
    if (f.tenantId && f.kind === 'image') {
      // A tenant's image list: its own, the public ones, and those shared with it while they are shared and it has
      // accepted the share (a pending or rejected share is listed only among the shares offered to it).
      const t = f.tenantId;
      q = q.where((eb) => eb.or([
        eb('tenant_id', '=', t),
        sql<boolean>`spec->>'visibility' = 'public'`,
        sql<boolean>`(spec->>'visibility' = 'shared' and exists (select 1 from cloud.image_members m where m.image_id = cloud.resources.id and m.tenant_id = ${t} and m.status = 'accepted'))`,
      ]));
    } else if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
    if (f.q) q = q.where('name', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (f.status) q = q.where(EFFECTIVE, '=', f.status);
    if (f.parentId) q = q.where('parent_id', '=', f.parentId);
    if (f.excludeStatus) q = q.where('status', '<>', f.excludeStatus);
    if (f.tag) {
      const { key, value } = parseTagFilter(f.tag);
      q = value === undefined ? q.where(sql<boolean>`tags ? ${key}`) : q.where(sql<boolean>`tags @> ${json({ [key]: value })}::jsonb`);
    }
    return q;
  }

  // The read by id behind every GET of one resource and every ownership check, compiled once: building and
  // compiling it through Kysely was ~10 % of such a request's CPU, and its text never changes.
  const byIdText = (q: CompiledQuery) => {
    if (q.parameters.length !== 1) throw new Error('the by-id read takes exactly one parameter, the id');
    return q.sql;
  };
  const FIND = byIdText(base(db).where('id', '=', '').compile());
  const LOCK = byIdText(base(db).where('id', '=', '').forUpdate().compile());

  return {
    async find(id: string, tx: Kysely<any> = db): Promise<ResourceRow | undefined> {
      return (await tx.executeQuery<ResourceRow>(CompiledQuery.raw(FIND, [id]))).rows[0];
    },

    /** Locks the row for the rest of the transaction. */
    async lock(id: string, tx: Kysely<any>): Promise<ResourceRow | undefined> {
      return (await tx.executeQuery<ResourceRow>(CompiledQuery.raw(LOCK, [id]))).rows[0];
    },

    async list(f: ListFilter, tx: Kysely<any> = db): Promise<{ rows: ListedRow[]; total: number }> {
      const col = f.sort === 'name' ? 'name' : f.sort === 'status' ? 'status' : 'created_at';
      // The page's ids first (an index-only scan however deep the offset), then only those rows from the heap,
      // only the columns a listing shows (no second `status`, no timers or provider refs to parse).
      const page = filtered(tx, f).select('id').orderBy(col, f.order).orderBy('id', f.order).offset(f.offset).limit(f.limit);
      // The page keeps the order it was chosen in: by the stored column (`status` alone would be the effective one).
      const rows = (await tx.selectFrom('cloud.resources').select(LISTED).select(EFFECTIVE.as('status')).where('id', 'in', page).orderBy(`cloud.resources.${col}`, f.order).orderBy('id', f.order).execute()) as ListedRow[];
      return { rows, total: await total(f, rows.length, tx) };
    },

    /** `list` answered as the JSON body of a list route: `{"items":[…],"total":n}`, written from what PostgreSQL prints. */
    async listJson(f: ListFilter, tx: Kysely<any> = db): Promise<string> {
      const key = tx === db ? memory.keyOf(f) : null;
      // A status-sorted page is keyed by the stored status, which a listing does not show: it steps by offset.
      const seekable = key !== null && f.sort !== 'status';
      const order = `${f.sort}|${f.order}`;
      const epoch = memory.epoch;
      const seek = seekable ? memory.seek(key, order, f.offset) : undefined;
      const rows = (await tx.executeQuery<ListedJsonRow>(jsonPage(f, seek))).rows;
      const last = rows[rows.length - 1];
      // The sort value as a seek key reads it back: a time with its microseconds, as PostgreSQL printed it.
      if (seekable && last) memory.rememberStart(key, order, f.offset + rows.length, f.sort === 'createdAt' ? utcTextToTimestamptz(last.created_utc) : last.name, last.id, epoch);
      let items = '[';
      const page = { kind: f.kind, tenantId: ownRowsOnly(f) ? f.tenantId : null };
      for (let i = 0; i < rows.length; i++) items += (i ? ',' : '') + listedJson(rows[i]!, page);
      return `{"items":${items}],"total":${await total(f, rows.length, tx, key)}}`;
    },

    /** Forget every remembered list total and page start: call after the commit of anything that adds, removes or changes resources. */
    forgetLists(): void {
      memory.forget();
    },

    // ---- image members ----
    async imageMembers(imageId: string, tx: Kysely<any> = db): Promise<ImageMemberRow[]> {
      return (await tx.selectFrom('cloud.image_members').select(['image_id', 'tenant_id', 'added_by', 'added_at', 'status', 'decided_by', 'decided_at']).where('image_id', '=', imageId).orderBy('added_at').orderBy('tenant_id').execute()) as never;
    },
    /** The tenant's membership of the image, whatever its status. */
    async imageMembership(imageId: string, tenantId: string, tx: Kysely<any> = db): Promise<ImageMemberRow | undefined> {
      return (await tx.selectFrom('cloud.image_members').select(['image_id', 'tenant_id', 'added_by', 'added_at', 'status', 'decided_by', 'decided_at']).where('image_id', '=', imageId).where('tenant_id', '=', tenantId).executeTakeFirst()) as never;
    },
    /** A member that may use the image: it has accepted the share. */
    async isImageMember(imageId: string, tenantId: string, tx: Kysely<any> = db): Promise<boolean> {
      return !!(await tx.selectFrom('cloud.image_members').select('tenant_id').where('image_id', '=', imageId).where('tenant_id', '=', tenantId).where('status', '=', 'accepted').executeTakeFirst());
    },
    /** Every share offered to a tenant (of images that are shared now), with the image rows. */
    async imagesOfferedTo(tenantId: string, status: string | undefined, tx: Kysely<any> = db): Promise<(ImageMemberRow & { image: ResourceRow })[]> {
      let q = tx.selectFrom('cloud.image_members as m').innerJoin('cloud.resources as r', 'r.id', 'm.image_id')
        .select(['m.image_id', 'm.tenant_id', 'm.added_by', 'm.added_at', 'm.status', 'm.decided_by', 'm.decided_at'])
        .where('m.tenant_id', '=', tenantId).where('r.kind', '=', 'image').where(sql<boolean>`r.spec->>'visibility' = 'shared'`);
      if (status) q = q.where('m.status', '=', status);
      const members = (await q.orderBy('m.added_at', 'desc').limit(500).execute()) as ImageMemberRow[];
      const ids = members.map((m) => m.image_id);
      const rows = ids.length ? ((await base(tx).where('id', 'in', ids).execute()) as ResourceRow[]) : [];
      const images = new Map(rows.map((r) => [r.id, r]));
      return members.filter((m) => images.has(m.image_id)).map((m) => ({ ...m, image: images.get(m.image_id)! }));
    },
    /** false when the tenant is no member */
    async setImageMemberStatus(imageId: string, tenantId: string, status: string, decidedBy: string, tx: Kysely<any> = db): Promise<boolean> {
      const r = await tx.updateTable('cloud.image_members').set({ status, decided_by: decidedBy, decided_at: new Date() }).where('image_id', '=', imageId).where('tenant_id', '=', tenantId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** false when the tenant was a member already */
    async addImageMember(imageId: string, tenantId: string, addedBy: string, tx: Kysely<any> = db): Promise<boolean> {
      const r = await tx.insertInto('cloud.image_members').values({ image_id: imageId, tenant_id: tenantId, added_by: addedBy }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** false when the tenant was not a member */
    async removeImageMember(imageId: string, tenantId: string, tx: Kysely<any> = db): Promise<boolean> {
      const r = await tx.deleteFrom('cloud.image_members').where('image_id', '=', imageId).where('tenant_id', '=', tenantId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async byIds(ids: readonly string[], tx: Kysely<any> = db): Promise<ResourceRow[]> {
      if (ids.length === 0) return [];
      return (await base(tx).where('id', 'in', [...ids]).execute()) as ResourceRow[];
    },

    async children(parentId: string, kind: Kind | null = null, tx: Kysely<any> = db): Promise<ResourceRow[]> {
      let q = base(tx).where('parent_id', '=', parentId);
      if (kind) q = q.where('kind', '=', kind);
      return (await q.orderBy('created_at').orderBy('id').execute()) as ResourceRow[];
    },

    /** Rows of a tenant whose spec has `field` equal to `value` (e.g. NICs of a VM). */
    async bySpec(tenantId: string, kind: Kind, field: string, value: string, tx: Kysely<any> = db): Promise<ResourceRow[]> {
      return (await base(tx).where('tenant_id', '=', tenantId).where('kind', '=', kind).where(sql<boolean>`spec->>${field} = ${value}`).execute()) as ResourceRow[];
    },

    /** Rows whose spec array `field` contains `value`. */
    async bySpecArray(tenantId: string, kind: Kind, field: string, value: string, tx: Kysely<any> = db): Promise<ResourceRow[]> {
      return (await base(tx).where('tenant_id', '=', tenantId).where('kind', '=', kind).where(sql<boolean>`spec->${field} ? ${value}`).execute()) as ResourceRow[];
    },

    async eipsBoundTo(tenantId: string, targetId: string, tx: Kysely<any> = db): Promise<ResourceRow[]> {
      return (await base(tx).where('tenant_id', '=', tenantId).where('kind', '=', 'eip').where(sql<boolean>`spec->'boundTo'->>'id' = ${targetId}`).execute()) as ResourceRow[];
    },

    async insert(r: NewResource, tx: Kysely<any> = db): Promise<ResourceRow> {
      memory.forget();
      const row = await tx
        .insertInto('cloud.resources')
        .values({ ...r, spec: json(r.spec ?? {}), tags: json(r.tags ?? {}) })
        .returning(RESOURCE_COLUMNS)
        .executeTakeFirstOrThrow();
      memory.forget();
      return row as ResourceRow;
    },

    async update(id: string, patch: Partial<Omit<ResourceRow, 'id'>>, tx: Kysely<any> = db): Promise<ResourceRow> {
      memory.forget();
      const values: Record<string, unknown> = { ...patch, updated_at: new Date() };
      if (patch.spec) values.spec = json(patch.spec);
      if (patch.tags) values.tags = json(patch.tags);
      const row = await tx.updateTable('cloud.resources').set(values).where('id', '=', id).returning(RESOURCE_COLUMNS).executeTakeFirstOrThrow();
      memory.forget();
      return { ...(row as ResourceRow), status: (row as ResourceRow).next_at && (row as ResourceRow).next_at! <= new Date() ? (row as ResourceRow).next_status! : (row as ResourceRow).status };
    },

    async remove(id: string, tx: Kysely<any> = db): Promise<void> {
      memory.forget();
      await tx.deleteFrom('cloud.resources').where('id', '=', id).execute();
      memory.forget();
    },

    /** Takes the tenant's quota lock for the rest of the transaction. */
    async lockTenant(tenantId: string, tx: Kysely<any>): Promise<void> {
      await sql`insert into cloud.tenant_locks (tenant_id) values (${tenantId}) on conflict do nothing`.execute(tx);
      await sql`select tenant_id from cloud.tenant_locks where tenant_id = ${tenantId} for update`.execute(tx);
    },

    async usage(tenantId: string, tx: Kysely<any> = db): Promise<Usage> {
      const r = await sql<Record<string, number>>`
        select count(*) filter (where kind = 'vm' and status <> 'ERROR')::int vms,
               coalesce(sum(vcpus) filter (where kind = 'vm'), 0)::int vcpu,
               coalesce(sum(ram_gb) filter (where kind = 'vm'), 0)::int ram_gb,
               coalesce(sum(size_gb) filter (where kind = 'disk'), 0)::int disk_gb,
               count(*) filter (where kind = 'disk')::int volumes,
               count(*) filter (where kind = 'vpc')::int networks,
               count(*) filter (where kind = 'security_group')::int security_groups,
               count(*) filter (where kind = 'eip')::int floating_ips,
               count(*) filter (where kind = 'snapshot')::int snapshots,
               count(*) filter (where kind = 'backup')::int backups
          from cloud.resources where tenant_id = ${tenantId}`.execute(tx);
      const u = r.rows[0] ?? {};
      return {
        vms: u.vms ?? 0,
        vcpu: u.vcpu ?? 0,
        ramGb: u.ram_gb ?? 0,
        diskGb: u.disk_gb ?? 0,
        volumes: u.volumes ?? 0,
        networks: u.networks ?? 0,
        securityGroups: u.security_groups ?? 0,
        floatingIps: u.floating_ips ?? 0,
        snapshots: u.snapshots ?? 0,
        backups: u.backups ?? 0,
      };
    },

    async countsByKind(tenantId: string | null, tx: Kysely<any> = db): Promise<Record<string, number>> {
      let q = tx.selectFrom('cloud.resources').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind');
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return Object.fromEntries((await q.execute()).map((r) => [r.kind as string, Number(r.n)]));
    },

    /** Writes down the timed transitions that have happened (the settle job). */
    async settle(tx: Kysely<any> = db): Promise<number> {
      const r = await sql`update cloud.resources set status = next_status, next_status = null, next_at = null, updated_at = now() where next_at is not null and next_at <= now()`.execute(tx);
      await sql`update cloud.orders set status = 'completed', updated_at = now() where status = 'processing' and completes_at is not null and completes_at <= now()`.execute(tx);
      return Number(r.numAffectedRows ?? 0);
    },

    async dueForPurge(now: Date, limit = 100, tx: Kysely<any> = db): Promise<ResourceRow[]> {
      return (await base(tx).where('kind', '=', 'disk').where('purge_after', '<=', now).orderBy('purge_after').limit(limit).execute()) as ResourceRow[];
    },

    async insertOrder(o: Omit<OrderRow, 'id' | 'created_at' | 'updated_at'>, tx: Kysely<any> = db): Promise<OrderRow> {
      return (await tx.insertInto('cloud.orders').values({ ...o, detail: json(o.detail) }).returningAll().executeTakeFirstOrThrow()) as OrderRow;
    },

    async updateOrder(id: string, patch: Partial<Pick<OrderRow, 'status' | 'completes_at' | 'detail' | 'resource_id'>>, tx: Kysely<any> = db): Promise<void> {
      const values: Record<string, unknown> = { ...patch, updated_at: new Date() };
      if (patch.detail) values.detail = json(patch.detail);
      await tx.updateTable('cloud.orders').set(values).where('id', '=', id).execute();
    },

    /** VM orders the infrastructure has not settled yet, oldest first, with their VM's provider ref (null when the VM is gone). */
    async pendingVmOrders(limit = 200, tx: Kysely<any> = db): Promise<(OrderRow & { provider_ref: string | null; vm_status: string | null })[]> {
      const r = await sql<OrderRow & { provider_ref: string | null; vm_status: string | null }>`
        select o.*, r.provider_ref, r.status as vm_status
          from cloud.orders o left join cloud.resources r on r.id = o.resource_id
         where o.status in ('submitted', 'running') and o.kind = 'vm'
         order by o.created_at limit ${limit}`.execute(tx);
      return r.rows;
    },

    async lockOrder(id: string, tx: Kysely<any>): Promise<OrderRow | undefined> {
      return (await tx.selectFrom('cloud.orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) as OrderRow | undefined;
    },

    async findOrder(id: string, tx: Kysely<any> = db): Promise<OrderRow | undefined> {
      return (await tx.selectFrom('cloud.orders').selectAll().select(ORDER_EFFECTIVE.as('status')).where('id', '=', id).executeTakeFirst()) as OrderRow | undefined;
    },

    async listOrders(f: { tenantId: string | null; status?: string; kind?: string; offset: number; limit: number }, tx: Kysely<any> = db) {
      let q = tx.selectFrom('cloud.orders');
      if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
      if (f.status) q = q.where(ORDER_EFFECTIVE, '=', f.status);
      if (f.kind) q = q.where('kind', '=', f.kind);
      const [rows, count] = await Promise.all([
        q.selectAll().select(ORDER_EFFECTIVE.as('status')).orderBy('created_at', 'desc').orderBy('id').offset(f.offset).limit(f.limit).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows: rows as OrderRow[], total: Number(count?.n ?? 0) };
    },

    async orderCounts(tenantId: string | null, tx: Kysely<any> = db): Promise<Record<string, number>> {
      let q = tx.selectFrom('cloud.orders').select([ORDER_EFFECTIVE.as('s'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(sql`1`);
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return Object.fromEntries((await q.execute()).map((r) => [r.s as string, Number(r.n)]));
    },

    async getLayout(accountId: string, tx: Kysely<any> = db): Promise<unknown[] | undefined> {
      const r = await tx.selectFrom('cloud.layouts').select('widgets').where('account_id', '=', accountId).executeTakeFirst();
      return r?.widgets as unknown[] | undefined;
    },

    async putLayout(accountId: string, widgets: unknown[], tx: Kysely<any> = db): Promise<void> {
      await sql`insert into cloud.layouts (account_id, widgets) values (${accountId}, ${json(widgets)}::jsonb) on conflict (account_id) do update set widgets = excluded.widgets, updated_at = now()`.execute(tx);
    },
  };
}

export type CloudDal = ReturnType<typeof createCloudDal>;
