import test from 'ava';
import { sql } from 'kysely';
import { testDatabaseKinds } from '../../core/db/testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] tenants: create with default and explicit quotas, list, filter, update, quota, audit`, async (t) => {
    const srv = await startTestServer(kind);
    try {
      const admin = new ApiClient(srv.url);
      await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
      const a = await admin.post('/api/tenants', { code: 'lc-rmyy', name: '凉城县人民医院', kind: 'county_hospital', quota: { vcpu: 512, ramGb: 2048 } });
      t.is(a.status, 201);
      t.is(a.body.quota.vcpu, 512);
      t.is(a.body.quota.vms, 20); // the default for what was not given
      t.is(a.body.zone, 'liangcheng-dmz');
      const b = await admin.post('/api/tenants', { code: 'mh-wsy', name: '麦胡图镇卫生院', kind: 'township_centre', zone: 'liangcheng-internet' });
      t.is(b.status, 201);
      const dup = await admin.post('/api/tenants', { code: 'LC-RMYY', name: 'x', kind: 'other' });
      t.is(dup.status, 400); // upper case is not a valid code
      const dup2 = await admin.post('/api/tenants', { code: 'lc-rmyy', name: 'x', kind: 'other' });
      t.is(dup2.status, 409);
      t.is(dup2.body.code, 'tenant.code_taken');

      const listed = await admin.get('/api/tenants?kind=township_centre');
      t.is(listed.body.total, 1);
      t.is(listed.body.items[0].code, 'mh-wsy');
      t.is((await admin.get('/api/tenants?q=%E4%BA%BA%E6%B0%91')).body.items[0].code, 'lc-rmyy');
      t.is((await admin.get('/api/tenants?sort=name&order=desc&limit=1')).body.items.length, 1);
      t.is((await admin.get('/api/tenants?limit=100000')).status, 400);
      t.is((await admin.get('/api/tenants?colour=red')).status, 400);

      const upd = await admin.patch(`/api/tenants/${a.body.id}`, { status: 'suspended', contactName: '赵医生' });
      t.is(upd.body.status, 'suspended');
      const q = { vcpu: 1024, ramGb: 4096, diskGb: 100000, vms: 100, volumes: 300, networks: 10, securityGroups: 50, floatingIps: 10, snapshots: 500, backups: 1000 };
      t.deepEqual((await admin.put(`/api/tenants/${a.body.id}/quota`, q)).body.quota, q);
      const negative = await admin.put(`/api/tenants/${a.body.id}/quota`, { ...q, vcpu: -1 });
      t.is(negative.status, 400);
      t.is((await admin.get(`/api/tenants/${a.body.id}`)).body.quota.vcpu, 1024);
      t.is((await admin.get('/api/tenants/00000000-0000-4000-8000-000000000000')).status, 404);

      const trail = await srv.ctx.audit.search({ offset: 0, limit: 50, targetType: 'tenant' });
      t.deepEqual(trail.items.map((r) => r.action).sort(), ['tenant.created', 'tenant.created', 'tenant.quota_changed', 'tenant.updated']);
      const quotaChange = trail.items.find((r) => r.action === 'tenant.quota_changed')!;
      t.is((quotaChange.beforeSummary as { vcpu: number }).vcpu, 512);
      t.is((quotaChange.afterSummary as { vcpu: number }).vcpu, 1024);
      t.is(quotaChange.actorLogin, 'admin');
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] a tenant administrator manages members of its own tenant only`, async (t) => {
    const srv = await startTestServer(kind);
    try {
      const admin = new ApiClient(srv.url);
      await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
      const mine = (await admin.post('/api/tenants', { code: 'hs-wsy', name: '厂汉营卫生院', kind: 'township_centre' })).body;
      const theirs = (await admin.post('/api/tenants', { code: 'tm-wsy', name: '天成卫生院', kind: 'township_centre' })).body;
      const ta = (await admin.post('/api/accounts', { loginId: 'ta.admin', displayName: '租户管理员', roles: ['tenant-admin'], tenantId: mine.id })).body;
      const other = (await admin.post('/api/accounts', { loginId: 'other.member', displayName: '他人', roles: ['tenant-member'], tenantId: theirs.id })).body;
      const c = new ApiClient(srv.url);
      await loginThroughFirstSteps(c, 'ta.admin', ta.initialPassword, 'Tenant#Admin2026');
      const added = await c.post('/api/tenant-members', { loginId: 'nurse.li', displayName: '李护士', roles: ['tenant-member'] });
      t.is(added.status, 201);
      t.is(added.body.account.tenantId, mine.id);
      t.is((await c.post('/api/tenant-members', { loginId: 'sneaky', displayName: 'x', roles: ['sysadmin'] })).status, 400);
      t.is((await c.post('/api/tenant-members', { loginId: 'sneaky2', displayName: 'x', roles: ['tenant-member'], tenantId: theirs.id })).status, 404);
      const listed = await c.get('/api/accounts');
      t.deepEqual(listed.body.items.map((x: { loginId: string }) => x.loginId).sort(), ['nurse.li', 'ta.admin']);
      t.is((await c.get(`/api/accounts/${other.account.id}`)).status, 404);
      t.is((await c.patch(`/api/accounts/${other.account.id}`, { displayName: 'hijack' })).status, 403);
    } finally {
      await srv.cleanup();
    }
  });
  test.serial(`[${kind}] bad input to a real route answers problem+json with a stable code and stores nothing`, async (t) => {
    const srv = await startTestServer(kind, { YIYUN_MAX_BODY_BYTES: '4096' });
    try {
      const admin = new ApiClient(srv.url);
      await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
      const counts = async () => {
        const db = srv.ctx.database.db;
        const tenants = await sql<{ n: number }>`select count(*)::int as n from tenants.tenants`.execute(db);
        const quotas = await sql<{ n: number }>`select count(*)::int as n from tenants.quotas`.execute(db);
        const records = await sql<{ n: number }>`select count(*)::int as n from audit.records`.execute(db);
        return { tenants: tenants.rows[0]!.n, quotas: quotas.rows[0]!.n, records: records.rows[0]!.n };
      };
      const before = await counts();
      const good = { code: 'bad-input', name: '坏输入卫生院', kind: 'township_centre' };
      const cases: [string, string | Record<string, unknown>, number, string][] = [
        ['malformed JSON', '{"code": "bad-input", "name": ', 400, 'request.malformed_json'],
        ['unknown field', { ...good, owner: 'mallory' }, 400, 'validation.failed'],
        ['unknown nested field', { ...good, quota: { vcpu: 4, gpus: 8 } }, 400, 'validation.failed'],
        ['wrong type', { ...good, name: 42 }, 400, 'validation.failed'],
        ['wrong type in a number', { ...good, quota: { vcpu: 'lots' } }, 400, 'validation.failed'],
        ['oversized body', { ...good, contactName: 'x'.repeat(8000) }, 413, 'request.too_large'],
      ];
      for (const [what, body, status, code] of cases) {
        const r = await admin.call('POST', '/api/tenants', body);
        t.is(r.status, status, what);
        t.is(r.headers.get('content-type')?.split(';')[0], 'application/problem+json', what);
        t.is(r.body.code, code, what);
        t.is(typeof r.body.requestId, 'string', what);
      }
      const unknown = await admin.call('POST', '/api/tenants', { ...good, owner: 'mallory' });
      t.true(JSON.stringify(unknown.body.fields).includes('owner'), 'the offending field is named');
      t.deepEqual(await counts(), before, 'no tenant, quota or audit record was written');
      // The same body without the faults is stored: the refusals were about the input, not the route.
      t.is((await admin.post('/api/tenants', good)).status, 201);
      t.is((await counts()).tenants, before.tenants + 1);
    } finally {
      await srv.cleanup();
    }
  });
}
