import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { auditModule, createAuditTrail, loadOrCreateSigningKey } from '../../core/audit';
import { ConfigError } from '../../core/errors';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { cloudModule } from './index';
import { createCloudDal } from './cloud-dal';
import { checkZoneBackend, zoneBackendOf } from './zone-backend';
import type { ZoneConfig } from './zones-config';

const tenancy = (mode: 'shared' | 'project-per-tenant') => ({ mode, projects: {}, projectName: 'yiyun-{code}', projectDomainId: 'default', create: false, role: 'member' });
const openstack = (over: Partial<Extract<ZoneConfig, { driver: 'openstack' }>> = {}): ZoneConfig => ({
  driver: 'openstack', authUrl: 'https://keystone.dmz.example:5000/v3', region: 'RegionOne',
  credentials: { username: 'yiyun', password: 'first-secret', projectName: 'yiyun', userDomain: 'Default', projectDomain: 'Default' },
  interface: 'public', novaMicroversion: '2.79', cinderMicroversion: '3.47', timeoutMs: 30_000, pollMs: 1000, waitTimeoutMs: 180_000, timings: {},
  tenancy: tenancy('shared'),
  ...over,
});

test('what counts as moving a zone: driver, Keystone, region and tenancy, not the credentials', (t) => {
  const base = zoneBackendOf(openstack());
  t.deepEqual(zoneBackendOf(openstack({ credentials: { applicationCredentialId: 'ac', applicationCredentialSecret: 'rotated' } })), base);
  t.deepEqual(zoneBackendOf(openstack({ authUrl: 'https://keystone.dmz.example:5000/v3/' })), base);
  t.notDeepEqual(zoneBackendOf(openstack({ region: 'RegionTwo' })), base);
  t.notDeepEqual(zoneBackendOf(openstack({ tenancy: tenancy('project-per-tenant') })), base);
  t.deepEqual(zoneBackendOf({ driver: 'embedded', seed: 'demo', timings: {} }), { driver: 'embedded' });
  t.false(JSON.stringify(base).includes('secret'));
});

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: a zone holding resources cannot move to another backend; an empty one can, audited`, async (t) => {
    const database = await createTestDatabase(kind, [auditModule(), cloudModule()]);
    const keys = mkdtempSync(path.join(tmpdir(), 'yiyun-zone-backend-'));
    try {
      const { db } = database;
      const audit = createAuditTrail({ db, signer: loadOrCreateSigningKey(keys), checkpointEvery: 1_000_000 });
      const actions = async () => (await sql<{ action: string; target_id: string }>`select action, target_id from audit.records where action like 'cloud.zone_backend%' order by seq`.execute(db)).rows.map((r) => `${r.action} ${r.target_id}`);
      const stored = async (zone: string) => (await sql<{ backend: unknown }>`select backend from cloud.zone_backends where zone = ${zone}`.execute(db)).rows[0]?.backend;
      const zone = 'liangcheng-dmz';

      await checkZoneBackend(db, audit, zone, zoneBackendOf({ driver: 'embedded', seed: 'config', timings: {} }));
      await checkZoneBackend(db, audit, zone, zoneBackendOf({ driver: 'embedded', seed: 'demo', timings: {} }));
      t.deepEqual(await actions(), ['cloud.zone_backend_recorded liangcheng-dmz'], 'recorded once; a restart on the same backend records nothing');

      const dal = createCloudDal(db);
      const vm = await dal.insert({ tenant_id: '31111111-1111-4111-8111-111111111111', zone, kind: 'vm', name: 'his-app-1', status: 'ACTIVE', created_by: 't' });
      const err = await t.throwsAsync(checkZoneBackend(db, audit, zone, zoneBackendOf(openstack())), { instanceOf: ConfigError });
      t.regex(err!.message, /zone liangcheng-dmz holds 1 resources created on the embedded driver, but now points at OpenStack https:\/\/keystone\.dmz\.example:5000\/v3 region RegionOne, tenancy shared/);
      t.deepEqual(await stored(zone), { driver: 'embedded' }, 'the record stays');
      t.is(await (await sql<{ n: string }>`select count(*) as n from cloud.resources`.execute(db)).rows[0]!.n.toString(), '1', 'nothing stored is lost');

      // The other zone is its own: recording it does not look at this one's rows.
      await checkZoneBackend(db, audit, 'liangcheng-internet', zoneBackendOf(openstack()));

      await sql`delete from cloud.resources where id = ${vm.id}`.execute(db);
      await checkZoneBackend(db, audit, zone, zoneBackendOf(openstack()));
      t.deepEqual(await stored(zone), zoneBackendOf(openstack()));
      // shared → a project per tenant on the same Keystone is a move too
      await dal.insert({ tenant_id: '31111111-1111-4111-8111-111111111111', zone, kind: 'disk', name: 'pacs-data', status: 'recycled', created_by: 't' });
      const perTenant = openstack({ tenancy: tenancy('project-per-tenant') });
      await t.throwsAsync(checkZoneBackend(db, audit, zone, zoneBackendOf(perTenant)), { instanceOf: ConfigError, message: /holds 1 resources .* tenancy shared, but now points at .* tenancy project-per-tenant/ });
      t.deepEqual(await actions(), ['cloud.zone_backend_recorded liangcheng-dmz', 'cloud.zone_backend_recorded liangcheng-internet', 'cloud.zone_backend_changed liangcheng-dmz']);
    } finally {
      await database.close();
      rmSync(keys, { recursive: true, force: true });
    }
  });
}
