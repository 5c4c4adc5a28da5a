import test from 'ava';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { createTenantsDal } from './tenants-dal';
import { tenantsModule } from './index';

const quota = { vcpu: 8, ram_gb: 16, disk_gb: 100, vms: 2, volumes: 4, networks: 1, security_groups: 2, floating_ips: 1, snapshots: 4, backups: 4 };

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: tenants data layer — insert with quota, unique code, list filters, updates`, async (t) => {
    const d = await createTestDatabase(kind, [tenantsModule()]);
    const dal = createTenantsDal(d.db);
    try {
      const a = await dal.insert({ code: 'lc-rmyy', name: '凉城县人民医院', kind: 'county_hospital', zone: 'liangcheng-dmz', contact_name: null, contact_phone: null, description: null }, quota);
      await dal.insert({ code: 'mh-wsy', name: '麦胡图镇卫生院', kind: 'township_centre', zone: 'liangcheng-internet', contact_name: null, contact_phone: null, description: null }, quota);
      await t.throwsAsync(() => dal.insert({ code: 'LC-RMYY', name: 'dup', kind: 'other', zone: 'liangcheng-dmz', contact_name: null, contact_phone: null, description: null }, quota));
      t.is((await dal.findByCode('LC-rmyy'))?.id, a.tenant.id);
      t.is((await dal.find(a.tenant.id))?.quota.vcpu, 8);
      const list = await dal.list({ offset: 0, limit: 10, sort: 'code', order: 'asc', kind: 'township_centre' });
      t.deepEqual(list.rows.map((r) => r.tenant.code), ['mh-wsy']);
      t.is(list.rows[0]!.quota.ram_gb, 16);
      t.is((await dal.list({ offset: 0, limit: 10, sort: 'name', order: 'desc', onlyId: a.tenant.id })).total, 1);
      t.is((await dal.list({ offset: 0, limit: 10, sort: 'code', order: 'asc', q: '卫生院' })).total, 1);
      await dal.update(a.tenant.id, { status: 'suspended' });
      await dal.updateQuota(a.tenant.id, { ...quota, vcpu: 64 });
      const after = await dal.find(a.tenant.id);
      t.is(after?.tenant.status, 'suspended');
      t.is(after?.quota.vcpu, 64);
      await t.throwsAsync(() => dal.updateQuota(a.tenant.id, { ...quota, vcpu: -1 }));
    } finally {
      await d.close();
    }
  });
}
