import test from 'ava';
import type { CheckResult } from '../../compliance';
import { testDatabaseKinds } from '../../core/db/testing';
import { auditEvidenceSource } from './audit-evidence';
import { auditEvidenceDeps } from './audit-evidence-deps';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

type Rec = { seq: number; tenantId: string | null; action: string; actorLogin: string; actorRoles: string[]; sourceIp: string | null };

const QUOTA = { vcpu: 64, ramGb: 256, diskGb: 4000, vms: 20, volumes: 40, networks: 4, securityGroups: 10, floatingIps: 4, snapshots: 50, backups: 50 };

for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] a tenant administrator audits every action on its tenant, the provider's included, and nothing else`, async (t) => {
    const srv = await startTestServer(kind);
    try {
      const admin = new ApiClient(srv.url);
      await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
      const a = (await admin.post('/api/tenants', { code: 'ta-wsy', name: '甲卫生院', kind: 'township_centre' })).body;
      const b = (await admin.post('/api/tenants', { code: 'tb-wsy', name: '乙卫生院', kind: 'township_centre' })).body;
      const aAdmin = (await admin.post('/api/accounts', { loginId: 'a.admin', displayName: '甲管理员', roles: ['tenant-admin'], tenantId: a.id })).body;
      const bAdmin = (await admin.post('/api/accounts', { loginId: 'b.admin', displayName: '乙管理员', roles: ['tenant-admin'], tenantId: b.id })).body;
      // The provider acts on both tenants.
      t.is((await admin.put(`/api/tenants/${a.id}/quota`, QUOTA)).status, 200);
      t.is((await admin.put(`/api/tenants/${b.id}/quota`, { ...QUOTA, vcpu: 32 })).status, 200);

      const ca = new ApiClient(srv.url);
      await loginThroughFirstSteps(ca, 'a.admin', aAdmin.initialPassword, 'Tenant#Admin2026a');
      t.is((await ca.post('/api/tenant-members', { loginId: 'a.nurse', displayName: '甲护士', roles: ['tenant-member'] })).status, 201);

      const seen = await ca.get('/api/tenant-audit?limit=500');
      t.is(seen.status, 200);
      const items = seen.body.items as Rec[];
      // Exactly what the trail holds for A, nothing of B's or the platform's own.
      const truth = await srv.ctx.audit.search({ offset: 0, limit: 500, tenantId: a.id });
      t.deepEqual(items.map((r) => r.seq), truth.items.map((r) => r.seq));
      t.is(seen.body.total, truth.total);
      t.true(items.every((r) => r.tenantId === a.id));
      const byProvider = items.find((r) => r.action === 'tenant.quota_changed');
      t.truthy(byProvider, "the provider's quota change on A is visible to A");
      t.is(byProvider!.actorLogin, 'admin');
      t.deepEqual(byProvider!.actorRoles, ['sysadmin']);
      t.truthy(byProvider!.sourceIp);
      t.true(items.some((r) => r.actorLogin === 'a.admin'), "A's own actions are there too");

      const bRecords = await srv.ctx.audit.search({ offset: 0, limit: 50, tenantId: b.id });
      t.true(bRecords.total > 0);
      const bSeqs = new Set(bRecords.items.map((r) => r.seq));
      t.false(items.some((r) => bSeqs.has(r.seq)));

      // The query schema is the platform's, filters work, but the tenant is never the caller's to choose.
      const filtered = await ca.get('/api/tenant-audit?action=tenant.quota');
      t.deepEqual((filtered.body.items as Rec[]).map((r) => [r.action, r.tenantId]), [['tenant.quota_changed', a.id]]);
      const widen = await ca.get(`/api/tenant-audit?tenantId=${b.id}`);
      t.is(widen.status, 400);
      t.is(widen.body.code, 'validation.failed');
      const bSeq = bRecords.items.find((r) => r.action === 'tenant.quota_changed')!.seq;
      t.is((await ca.get(`/api/tenant-audit/${bSeq}`)).status, 404);
      t.is((await ca.get(`/api/tenant-audit/${byProvider!.seq}`)).body.action, 'tenant.quota_changed');

      // The platform trail stays the audit administrator's; the tenant view is not the platform's.
      t.is((await ca.get('/api/audit/records')).status, 403);
      t.is((await ca.get(`/api/audit/records?tenantId=${a.id}`)).status, 403);
      t.is((await admin.get('/api/tenant-audit')).status, 403);

      const cb = new ApiClient(srv.url);
      await loginThroughFirstSteps(cb, 'b.admin', bAdmin.initialPassword, 'Tenant#Admin2026b');
      const bSeen = (await cb.get('/api/tenant-audit?limit=500')).body.items as Rec[];
      t.true(bSeen.some((r) => r.seq === bSeq));
      t.true(bSeen.every((r) => r.tenantId === b.id));

      // The checks over this server's own route registry, role table and trail.
      const source = auditEvidenceSource(auditEvidenceDeps({ db: srv.ctx.database.db, audit: srv.ctx.audit, settings: srv.settings, rooms: srv.ctx.rooms }));
      const run = (key: string) => source.checks.find((c) => c.key === key)!.run({ now: new Date(), signal: new AbortController().signal }) as Promise<CheckResult>;
      const visibility = await run('audit.tenant-visibility');
      t.is(visibility.verdict, 'pass', visibility.summary);
      const privileged = await run('audit.privileged-commands');
      // Every VM delete, stop, reboot and resize route is audited; no VM was touched here, so nothing to sample yet.
      t.is(privileged.verdict, 'partial', privileged.summary);
      t.deepEqual((privileged.evidence.privilegedRoutes as { path: string }[]).map((r) => r.path).sort(), ['/api/cloud/vms/:id', '/api/cloud/vms/:id/reboot', '/api/cloud/vms/:id/resize', '/api/cloud/vms/:id/stop']);
    } finally {
      await srv.cleanup();
    }
  });
}
