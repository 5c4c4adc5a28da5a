import test from 'ava';
import { sql } from 'kysely';
import type { Database } from '../../core/db';
import { listOf } from '../../core/http';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { cloudModule } from './index';
import { createCloudDal, toView, type ListFilter } from './cloud-dal';
import { resourceSchema } from './cloud-schemas';

/*
 * The list routes send a body the database builds (`listJson`). It must be the very answer the row path gives
 * (`list` → `toView` → the response schema → JSON), for every kind of value a resource holds, on both engines.
 * And the remembered totals and page starts must follow every write made through the DAL.
 */

const dbs = new Map<string, Promise<Database>>();
const open = (kind: 'pglite' | 'postgres') => {
  if (!dbs.has(kind)) dbs.set(kind, createTestDatabase(kind, [cloudModule()]));
  return dbs.get(kind)!;
};
test.after.always(async () => {
  for (const d of dbs.values()) await (await d).close();
});

const shaped = listOf(resourceSchema);

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: the database-built list body equals the row path's answer`, async (t) => {
    const { db } = await open(kind);
    const dal = createCloudDal(db);
    const tenantId = kind === 'pglite' ? '31111111-1111-4111-8111-111111111111' : '32222222-2222-4222-8222-222222222222';
    const parent = await dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vpc', name: 'vpc-his', status: 'available', created_by: 't' });
    const base = Date.UTC(2026, 0, 1, 8, 0, 0);
    for (let i = 0; i < 13; i++) {
      await dal.insert({
        tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vm', name: i % 3 ? `his-app-${i}` : `影像-"引号"\\${i}\u2028`, status: i % 4 ? 'ACTIVE' : 'BUILD', created_by: 't',
        // Control characters and a time-like text in user strings stay as they are (only the database's own time
        // markers are rewritten).
        description: i % 2 ? null : i === 4 ? `x\u00012026-01-01 00:00:00\u0001y` : `第 ${i} 台`, parent_id: i % 5 ? null : parent.id, vcpus: i, ram_gb: 2 * i, size_gb: 0,
        spec: { flavor: 'c1.1c2g', ips: [`10.0.0.${i}`], ratio: 1.5, nested: { ok: i % 2 === 0, none: null }, big: 12345678901 },
        tags: i % 2 ? { env: 'prod', 'app/名': 'his' } : i === 6 ? { note: '\u00012026-01-01 00:00:00.5\u0001' } : {},
      });
    }
    // Microseconds in the stored times (the API shows milliseconds), a timed transition that has already
    // happened (the listed status is the effective one), and a recycled-style row with both dates set.
    await sql`update cloud.resources set created_at = ${new Date(base)}::timestamptz + (random() * interval '1000 seconds'), updated_at = now() - interval '1 microsecond' * floor(random() * 1000000) where tenant_id = ${tenantId}`.execute(db);
    await sql`update cloud.resources set next_status = 'ACTIVE', next_at = now() - interval '1 second' where tenant_id = ${tenantId} and status = 'BUILD' and vcpus = 4`.execute(db);
    await sql`update cloud.resources set deleted_at = now() - interval '0.000999 seconds', purge_after = now() + interval '7 days' where tenant_id = ${tenantId} and vcpus = 3`.execute(db);

    const filters: Partial<ListFilter>[] = [
      {},
      { offset: 5, limit: 4 },
      { offset: 12, limit: 4 },
      { offset: 40, limit: 4 },
      { sort: 'name', order: 'asc', limit: 6 },
      { sort: 'status', order: 'desc' },
      { q: '影像' },
      { tag: 'env=prod' },
      { status: 'ACTIVE', limit: 3 },
      { parentId: parent.id },
      // A platform reader's list over every tenant: each row carries its own tenant.
      { tenantId: null, limit: 7 },
      { tenantId: null, offset: 3, limit: 7, sort: 'name', order: 'asc' },
    ];
    for (const f of filters) {
      const full: ListFilter = { kind: 'vm', tenantId, offset: 0, limit: 50, sort: 'createdAt', order: 'desc', ...f };
      const { rows, total } = await dal.list(full);
      const expected = JSON.parse(JSON.stringify(shaped.parse({ items: rows.map(toView), total })));
      t.deepEqual(JSON.parse(await dal.listJson(full)), expected, JSON.stringify(f));
    }
    // A tenant's image list also holds another tenant's public and shared images: each row keeps its owner.
    const owner = kind === 'pglite' ? '33333333-3333-4333-8333-333333333333' : '34444444-4444-4444-8444-444444444444';
    const shared = await dal.insert({ tenant_id: owner, zone: 'liangcheng-dmz', kind: 'image', name: 'zy-his-win', status: 'active', created_by: 't', spec: { visibility: 'shared' } });
    await dal.insert({ tenant_id: owner, zone: 'liangcheng-dmz', kind: 'image', name: 'kylin-public', status: 'active', created_by: 't', spec: { visibility: 'public' } });
    await dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'image', name: 'own', status: 'active', created_by: 't', spec: { visibility: 'private' } });
    await sql`insert into cloud.image_members (image_id, tenant_id, added_by, status) values (${shared.id}, ${tenantId}, 't', 'accepted')`.execute(db);
    const images: ListFilter = { kind: 'image', tenantId, offset: 0, limit: 50, sort: 'name', order: 'asc' };
    const imageList = JSON.parse(await dal.listJson(images));
    t.deepEqual(imageList, JSON.parse(JSON.stringify(shaped.parse({ items: (await dal.list(images)).rows.map(toView), total: 3 }))));
    t.deepEqual(imageList.items.map((i: { name: string; tenantId: string }) => [i.name, i.tenantId === owner]).sort(), [['kylin-public', true], ['own', false], ['zy-his-win', true]]);

    const all = JSON.parse(await dal.listJson({ kind: 'vm', tenantId, offset: 0, limit: 50, sort: 'createdAt', order: 'desc' }));
    t.is(all.items.length, 13);
    t.true(all.items.some((v: { status: string; vcpus: number }) => v.status === 'ACTIVE' && v.vcpus === 4), 'the effective status is listed');
    // Another tenant's rows never appear.
    t.deepEqual(JSON.parse(await dal.listJson({ kind: 'vm', tenantId: '39999999-9999-4999-8999-999999999999', offset: 0, limit: 50, sort: 'createdAt', order: 'desc' })), { items: [], total: 0 });
  });

  test.serial(`${kind}: a remembered total follows every write through the DAL`, async (t) => {
    const { db } = await open(kind);
    const dal = createCloudDal(db);
    const tenantId = kind === 'pglite' ? '41111111-1111-4111-8111-111111111111' : '42222222-2222-4222-8222-222222222222';
    const vm = (i: number) => dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vm', name: `vm-${i}`, status: 'ACTIVE', created_by: 't', tags: { n: String(i) } });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await vm(i)).id);
    // A full page that is not the first: the total is counted (and remembered).
    const page = { kind: 'vm' as const, tenantId, offset: 2, limit: 2, sort: 'createdAt' as const, order: 'desc' as const };
    t.is((await dal.list(page)).total, 6);
    await vm(6);
    t.is((await dal.list(page)).total, 7, 'an insert forgets');
    await dal.remove(ids[0]!);
    t.is(JSON.parse(await dal.listJson(page)).total, 6, 'a delete forgets');
    await dal.update(ids[1]!, { tags: { n: 'x' } });
    t.is((await dal.list({ ...page, tag: 'n=x', offset: 0, limit: 1 })).total, 1);
    await dal.update(ids[2]!, { tags: { n: 'x' } });
    t.is((await dal.list({ ...page, tag: 'n=x', offset: 0, limit: 1 })).total, 2, 'an update forgets');
    // Behind the DAL's back (another process): seen after forgetLists, the hook the routes and jobs call.
    await sql`delete from cloud.resources where id = ${ids[3]!}`.execute(db);
    dal.forgetLists();
    t.is((await dal.list(page)).total, 5);
    // A total by effective status is never remembered: it changes with time, not only with writes.
    t.is((await dal.list({ ...page, status: 'ACTIVE' })).total, 5);
    await sql`update cloud.resources set next_status = 'SHUTOFF', next_at = now() - interval '1 second' where id = ${ids[4]!}`.execute(db);
    t.is((await dal.list({ ...page, status: 'ACTIVE' })).total, 4);
  });

  test.serial(`${kind}: paging from remembered page starts gives the pages an offset gives, in every sort order`, async (t) => {
    const { db } = await open(kind);
    // A clock that stands still: what is remembered stays remembered however slow the engine is here.
    const dal = createCloudDal(db, { now: () => 0 });
    const tenantId = kind === 'pglite' ? '51111111-1111-4111-8111-111111111111' : '52222222-2222-4222-8222-222222222222';
    for (let i = 0; i < 23; i++) await dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vm', name: `vm-${i % 7}`, status: 'ACTIVE', created_by: 't' });
    // Ties in the sort column (three rows per creation time, names repeated) and microseconds a Date cannot hold.
    await sql`update cloud.resources r set created_at = timestamptz '2026-03-01 08:00:00.000001+00' + (n.k / 3) * interval '0.0007 seconds'
      from (select id, row_number() over (order by id) as k from cloud.resources where tenant_id = ${tenantId}) n where r.id = n.id`.execute(db);
    dal.forgetLists();
    const rowPage = async (f: ListFilter) => JSON.parse(JSON.stringify(shaped.parse({ items: (await dal.list(f)).rows.map(toView), total: (await dal.list(f)).total })));
    const orders: Pick<ListFilter, 'sort' | 'order'>[] = [{ sort: 'createdAt', order: 'desc' }, { sort: 'createdAt', order: 'asc' }, { sort: 'name', order: 'asc' }, { sort: 'name', order: 'desc' }];
    for (const o of orders) {
      const page = (offset: number): ListFilter => ({ kind: 'vm', tenantId, offset, limit: 5, ...o });
      // In order twice (the second walk seeks from every start the first remembered), then jumping about.
      for (const offset of [0, 5, 10, 15, 20, 25, 0, 5, 10, 15, 20, 25, 20, 3, 12, 7, 22, 1]) {
        t.deepEqual(JSON.parse(await dal.listJson(page(offset))), await rowPage(page(offset)), `${o.sort} ${o.order} offset ${offset}`);
      }
      const seen = new Set<string>();
      for (let offset = 0; offset < 23; offset += 5) for (const v of JSON.parse(await dal.listJson(page(offset))).items) seen.add(v.id);
      t.is(seen.size, 23, `${o.sort} ${o.order}: every row once`);
    }

    // A start is remembered until a write through the DAL (or forgetLists after one elsewhere): a row removed
    // behind the DAL's back does not shift the pages after it until then.
    const page = (offset: number): ListFilter => ({ kind: 'vm', tenantId, offset, limit: 5, sort: 'createdAt', order: 'desc' });
    const before = JSON.parse(await dal.listJson(page(10))).items.map((v: { id: string }) => v.id);
    const firstOfPage0 = JSON.parse(await dal.listJson(page(0))).items[0].id;
    await sql`delete from cloud.resources where id = ${firstOfPage0}`.execute(db);
    t.deepEqual(JSON.parse(await dal.listJson(page(10))).items.map((v: { id: string }) => v.id), before, 'seeks from the remembered start');
    dal.forgetLists();
    const after = JSON.parse(await dal.listJson(page(10)));
    t.deepEqual(after, await rowPage(page(10)));
    t.is(after.items[0].id, before[1], 'after forgetting, the page moves up by the removed row');
    // A write through the DAL forgets as it writes.
    const inserted = await dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vm', name: 'vm-new', status: 'ACTIVE', created_by: 't' });
    await sql`update cloud.resources set created_at = timestamptz '2026-03-01 08:00:00.0000005+00' where id = ${inserted.id}`.execute(db);
    dal.forgetLists();
    await dal.listJson(page(20));
    await dal.remove(inserted.id);
    t.deepEqual(JSON.parse(await dal.listJson(page(20))), await rowPage(page(20)), 'a delete through the DAL forgets the starts');
  });
}
