import test from 'ava';
import type { KmsService } from '../../security/crypto/kms/kms-service';
import { systemActor } from '../../core/authz';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

test.serial('crypto-erase: a disk gets its own KMS data key; purging it from the recycle bin destroys the key for good', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const tenant = (await admin.post('/api/tenants', { code: 'ce-wsy', name: '擦除卫生院', kind: 'township_centre' })).body;
    const made = (await admin.post('/api/accounts', { loginId: 'ce.admin', displayName: '租户管理员', roles: ['tenant-admin'], tenantId: tenant.id })).body;
    const ta = new ApiClient(srv.url);
    await loginThroughFirstSteps(ta, 'ce.admin', made.initialPassword, 'Tenant#Admin2026');

    const disk = await ta.post('/api/cloud/disks', { name: 'pacs-archive', sizeGb: 100 });
    t.is(disk.status, 201);
    const kms = srv.ctx.rooms.get('crypto')!.exports!.kms as KmsService;
    const sys = systemActor('test');
    const keys = await kms.listDataKeys(sys, { resource: `disk:${disk.body.id}`, offset: 0, limit: 10 });
    t.is(keys.items.length, 1);
    const keyId = keys.items[0]!.id;
    t.truthy(await kms.unwrapDataKey(sys, keyId));
    // The tenant sees its disk key among its own data keys.
    const own = await ta.get(`/api/kms/data-keys?resource=${encodeURIComponent(`disk:${disk.body.id}`)}`);
    t.is(own.status, 200);
    t.is(own.body.items.length, 1);

    t.is((await ta.delete(`/api/cloud/disks/${disk.body.id}`)).status < 300, true);
    // In the recycle bin the key still exists: the disk can be restored.
    t.truthy(await kms.unwrapDataKey(sys, keyId));
    t.is((await ta.delete(`/api/cloud/recycle-bin/${disk.body.id}`)).status, 204);
    await t.throwsAsync(() => kms.unwrapDataKey(sys, keyId), { message: /destroyed/ });
    const purged = await srv.ctx.audit.search({ offset: 0, limit: 5, action: 'disk.purged', outcome: 'success' });
    t.is((purged.items[0]!.detail as { cryptoErased: boolean }).cryptoErased, true);
    t.is((await srv.ctx.audit.search({ offset: 0, limit: 5, action: 'data_key.destroyed' })).total, 1);
  } finally {
    await srv.cleanup();
  }
});
