import test from 'ava';
import { systemActor } from '../../core/authz';
import type { ComplianceService } from '../../compliance';
import type { LogAudit } from '../../security/audit';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

test.serial('identity evidence: a weakened password policy turns L3-CES1-01 不符合 and the score drops; 三员 staffing shows', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const compliance = srv.ctx.rooms.get('compliance')!.exports!.service as ComplianceService;
    const actor = systemActor('test');
    await compliance.runChecks(actor);
    const item = await compliance.getItem(actor, 'L3-CES1-01');
    t.is(item.verdict, 'pass');
    const before = (await compliance.overview(actor)).dengbao.score;
    const mfa = await compliance.getItem(actor, 'L3-CES1-04');
    t.is(mfa.verdict, 'pass'); // the only admin enrolled TOTP at first login
    const sod = await compliance.getItem(actor, 'L3-CES1-08');
    t.is(sod.verdict, 'partial'); // secadmin and auditadmin are not staffed yet

    await srv.ctx.accounts.updatePolicy(actor, { passwordMaxAgeDays: 365 });
    await compliance.runChecks(actor);
    t.is((await compliance.getItem(actor, 'L3-CES1-01')).verdict, 'fail');
    const after = (await compliance.overview(actor)).dengbao.score;
    t.true(after < before, `${after} < ${before}`);

    // Through HTTP, an assessor sees the items read-only.
    const made = await admin.post('/api/accounts', { loginId: 'assessor1', displayName: '测评师', roles: ['assessor'] });
    const a = new ApiClient(srv.url);
    await loginThroughFirstSteps(a, 'assessor1', made.body.initialPassword, 'Assess#Pass2026');
    const items = await a.get('/api/compliance/items?verdict=fail');
    t.is(items.status, 200);
    t.true(items.body.items.some((i: { id: string }) => i.id === 'L3-CES1-01'));
    t.is((await a.post('/api/compliance/runs')).status, 403);
  } finally {
    await srv.cleanup();
  }
});

test.serial('密评: the crypto inventory and the log chain give the application and device items their verdicts', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const compliance = srv.ctx.rooms.get('compliance')!.exports!.service as ComplianceService;
    const actor = systemActor('test');
    // The trail reaches the log audit every 2 s; read it now so the central-collection item does not depend on timing.
    await (srv.ctx.rooms.get('log-audit')!.exports!.logAudit as LogAudit).pollFeed();
    // A fresh trail has fewer records than the checkpoint interval: sign one so the chain is bound to a key (K = 1).
    await srv.ctx.audit.checkpoint('test');
    await compliance.runChecks(actor);
    const verdict = async (id: string) => (await compliance.getItem(actor, id)).verdict;
    // Other rooms' checks judge some of the same items: these read what this check said about the item.
    const by = async (key: string, id: string) => (await compliance.getItem(actor, id)).results.find((r) => r.checkKey === key)?.verdict;
    // The embedded default generates its KEK beside the data: partial until production supplies one.
    t.is(await verdict('MP-AD-05'), 'partial');
    t.is(await by('crypto.kms', 'MP-CO-02'), 'partial');
    // Nobody has a second factor yet (the admin never logged in): no cryptographic login at all.
    t.is(await by('crypto.inventory', 'MP-AD-01'), 'fail');
    t.is(await verdict('MP-DC-05'), 'pass');
    t.true((await compliance.overview(actor)).miping.score > 0);
    // Every volume type of both zones is SM4-encrypted; tenants manage their own keys.
    t.is(await by('crypto.storage-encryption', 'L3-CES1-28'), 'pass');
    t.is(await by('crypto.kms', 'L3-CES2-13'), 'pass');
    // The console listens on loopback with no https origin declared: the transport is unverified, not failed.
    t.is(await by('crypto.tls', 'L3-CNS1-07'), 'partial');
    t.is(await by('crypto.tls', 'MP-NC-03'), 'partial');
    t.is(await by('identity.rbac', 'L3-CES1-09'), 'pass');
    t.is(await by('audit.fields', 'L3-CES1-13'), 'pass');
    // The trail is append-only but has no off-host copy in the embedded default.
    t.is(await by('audit.retention', 'L3-CES1-14'), 'partial');
    // The log audit keeps 180 days by default: the central-audit retention item passes; it drops expired days unarchived.
    t.is(await by('log-audit.retention', 'L3-SMC1-10'), 'pass');
    t.is(await by('audit.retention', 'L3-SMC1-10'), 'pass');
    t.is(await by('log-audit.retention', 'L3-ABS1-18'), 'fail');
    // No WAF or IPS sends logs here; the trail itself is collected; the shipped Sigma rules are on.
    t.is(await by('log-audit.sources', 'L3-ABS1-16'), 'fail');
    t.is(await by('log-audit.sources', 'L3-SMC2-03'), 'pass');
    t.is(await by('log-audit.analysis', 'L3-MMS1-20'), 'pass');
    t.is(await by('log-audit.fields', 'L3-ABS1-17'), 'pass');
    // secadmin may use any tenant's keys (kms.use, signing.use) without the tenant's grant: reported as 部分符合.
    t.is(await by('identity.rbac', 'L3-CES2-11'), 'partial');
  } finally {
    await srv.cleanup();
  }
});
