import test from 'ava';
import { systemActor } from '../../core/authz';
import type { ComplianceService } from '../../compliance';
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
    await compliance.runChecks(actor);
    // The embedded default generates its KEK beside the data: partial until production supplies one.
    t.is((await compliance.getItem(actor, 'MP-AD-05')).verdict, 'partial');
    t.is((await compliance.getItem(actor, 'MP-AD-01')).verdict, 'pass');
    t.is((await compliance.getItem(actor, 'MP-DC-05')).verdict, 'pass');
    t.true((await compliance.overview(actor)).miping.score > 0);
    // The log audit keeps 180 days by default: the central-audit retention item passes.
    t.is((await compliance.getItem(actor, 'L3-SMC1-10')).verdict, 'pass');
  } finally {
    await srv.cleanup();
  }
});
