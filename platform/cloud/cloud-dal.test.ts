import test from 'ava';
import { sql } from 'kysely';
import type { Database } from '../../core/db';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { ConflictError, QuotaError } from '../../core/errors';
import { cloudModule } from './index';
import { createCloudCore, type Scope } from './cloud-core';
import { createCloudDal } from './cloud-dal';
import type { FlavorSeed } from './driver/cloud-driver';
import { createEmbeddedDriver, embeddedModule } from './driver/embedded/embedded-driver';
import { demoSeed } from './region-seed';

/*
 * The cloud schema's critical queries on both engines (PGlite and PostgreSQL), one database per kind reused by
 * every test of this file: the tenant quota lock, placement against host capacity, and address allocation.
 * On PostgreSQL the concurrent calls really run on separate connections; PGlite serialises them.
 */

const TENANT = '11111111-1111-4111-8111-111111111111';
const dbs = new Map<string, Promise<Database>>();
const open = (kind: 'pglite' | 'postgres') => {
  if (!dbs.has(kind)) dbs.set(kind, createTestDatabase(kind, [cloudModule(), embeddedModule()]));
  return dbs.get(kind)!;
};
test.after.always(async () => {
  for (const d of dbs.values()) await (await d).close();
});

const HALF: FlavorSeed = { name: 'g1.8c32g', vcpus: 8, ramGb: 32, diskGb: 80, purpose: 'general' };

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: the quota lock lets concurrent reservations take the last units only once`, async (t) => {
    const { db } = await open(kind);
    const dal = createCloudDal(db);
    const core = createCloudCore({ db, dal } as never);
    const tenantId = kind === 'pglite' ? TENANT : '22222222-2222-4222-8222-222222222222';
    const scope = { tenantId, zone: 'liangcheng-dmz', tenant: { quota: { vms: 5, vcpu: 100, ramGb: 1000 } }, actor: { loginId: 't' } } as unknown as Scope;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        db.transaction().execute(async (tx) => {
          await core.reserve(scope, { vms: 1, vcpu: 2, ramGb: 4 }, tx);
          await dal.insert({ tenant_id: tenantId, zone: 'liangcheng-dmz', kind: 'vm', name: `vm-${i}`, status: 'BUILD', created_by: 't', vcpus: 2, ram_gb: 4 }, tx);
        }),
      ),
    );
    t.is(outcomes.filter((o) => o.status === 'fulfilled').length, 5);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    t.is(refused.length, 7);
    t.true(refused.every((r) => r.reason instanceof QuotaError && r.reason.code === 'cloud.quota_exceeded'));
    const used = await dal.usage(tenantId);
    t.like(used, { vms: 5, vcpu: 10, ramGb: 20 });
    // an ERROR VM frees its slot
    await sql`update cloud.resources set status = 'ERROR', vcpus = 0, ram_gb = 0 where id = (select id from cloud.resources where tenant_id = ${tenantId} and kind = 'vm' limit 1)`.execute(db);
    t.like(await dal.usage(tenantId), { vms: 4, vcpu: 8 });
  });

  test.serial(`${kind}: placement never over-commits a host, and strong anti-affinity refuses a shared host`, async (t) => {
    const { db } = await open(kind);
    const seed = demoSeed('liangcheng-dmz', { zone: `place-${kind}` });
    const driver = createEmbeddedDriver({ db, seed });
    t.true(await driver.bootstrap());
    t.false(await driver.bootstrap(), 'bootstrapped once');
    // two general hosts of 16 vCPU / 64 GB: four 8-vCPU VMs fit, the other six race for nothing
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => driver.createServer({ name: `v${i}`, tenantId: TENANT, flavor: HALF, imageRef: 'img', portRefs: [] })));
    t.is(outcomes.filter((o) => o.status === 'fulfilled').length, 4);
    t.true(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').every((o) => o.reason instanceof ConflictError && o.reason.code === 'cloud.no_valid_host'));
    const hosts = await driver.hosts();
    for (const h of hosts.filter((x) => x.purpose === 'general')) {
      t.is(h.usedVcpus, 16);
      t.true(h.usedRamGb <= h.ramGb);
      t.is(h.servers, 2);
    }
    // the database itself refuses over-commit, whatever a caller does
    await t.throwsAsync(sql`update cloud_embedded.hosts set used_vcpus = vcpus + 1 where zone = ${seed.zone}`.execute(db));

    // free everything, then three members of a strong anti-affinity group on two hosts: the third is refused
    for (const o of outcomes) if (o.status === 'fulfilled') await driver.deleteServer(o.value.ref);
    t.true((await driver.hosts()).every((h) => h.usedVcpus === 0 && h.servers === 0));
    const g = await driver.createServerGroup({ name: 'ha', policy: 'anti-affinity' });
    const small: FlavorSeed = { name: 'c1.2c4g', vcpus: 2, ramGb: 4, diskGb: 40, purpose: 'general' };
    const m1 = await driver.createServer({ name: 'm1', tenantId: TENANT, flavor: small, imageRef: 'img', portRefs: [], serverGroup: { ref: g.ref, policy: 'anti-affinity' } });
    const m2 = await driver.createServer({ name: 'm2', tenantId: TENANT, flavor: small, imageRef: 'img', portRefs: [], serverGroup: { ref: g.ref, policy: 'anti-affinity' } });
    t.not(m1.host, m2.host);
    await t.throwsAsync(driver.createServer({ name: 'm3', tenantId: TENANT, flavor: small, imageRef: 'img', portRefs: [], serverGroup: { ref: g.ref, policy: 'anti-affinity' } }), { code: 'cloud.anti_affinity' });
    const soft = await driver.createServerGroup({ name: 'weak', policy: 'soft-anti-affinity' });
    const placed = [];
    for (const n of ['s1', 's2', 's3']) placed.push(await driver.createServer({ name: n, tenantId: TENANT, flavor: small, imageRef: 'img', portRefs: [], serverGroup: { ref: soft.ref, policy: 'soft-anti-affinity' } }));
    t.is(new Set(placed.map((p) => p.host)).size, 2, 'weak anti-affinity spreads first, then shares');
  });

  test.serial(`${kind}: concurrent address allocation never hands out one address twice`, async (t) => {
    const { db } = await open(kind);
    const driver = createEmbeddedDriver({ db, seed: demoSeed('liangcheng-dmz', { zone: `ip-${kind}` }) });
    await driver.bootstrap();
    // a /29 has six usable addresses; the gateway takes one
    const sn = await driver.createSubnet({ networkRef: 'n', name: 's', cidr: '192.168.9.0/29', gateway: '192.168.9.1', dhcp: true, dns: [] });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => driver.createPort({ subnetRef: sn.ref, name: `p${i}` })));
    const ips = outcomes.filter((o): o is PromiseFulfilledResult<{ ref: string; ip: string }> => o.status === 'fulfilled').map((o) => o.value.ip);
    t.is(ips.length, 5);
    t.is(new Set(ips).size, 5);
    t.false(ips.includes('192.168.9.1'));
    t.true(outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').every((o) => o.reason.code === 'cloud.ip_exhausted'));
    // a requested address that is taken is a conflict; the unique key refuses a duplicate even without the lock
    const sn2 = await driver.createSubnet({ networkRef: 'n', name: 's2', cidr: '192.168.10.0/24', gateway: '192.168.10.1', dhcp: true, dns: [] });
    await driver.createPort({ subnetRef: sn2.ref, name: 'vip', ip: '192.168.10.100' });
    await t.throwsAsync(driver.createPort({ subnetRef: sn2.ref, name: 'vip2', ip: '192.168.10.100' }), { code: 'cloud.ip_in_use' });
    await t.throwsAsync(sql`insert into cloud_embedded.ports (zone, subnet_id, ip) values (${`ip-${kind}`}, ${sn2.ref}, '192.168.10.100')`.execute(db), { message: /unique|duplicate/ });
    // floating IPs of the zone: the demo pool is a /28
    const fips = await Promise.allSettled(Array.from({ length: 16 }, () => driver.allocateFloatingIp({ tenantId: TENANT })));
    const got = fips.filter((o): o is PromiseFulfilledResult<{ ref: string; ip: string }> => o.status === 'fulfilled').map((o) => o.value.ip);
    t.is(new Set(got).size, got.length);
    t.true(got.length >= 13 && got.length < 16);
  });
}
