import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { sql } from 'kysely';
import { sm3OtpAt, totpAt } from '../../core/crypto';
import type { DatabaseKind } from '../../core/db';
import { testDatabaseKinds } from '../../core/db/testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, loginWithMfa, startTestServer } from '../../test/support/test-server';
import { AUTH_CACHE_TTL_MS } from './auth-cache';

const NEW_ADMIN = 'Changed#Root2026';

async function adminWorld(kind: DatabaseKind, env: Record<string, string> = {}) {
  const srv = await startTestServer(kind, env);
  const admin = new ApiClient(srv.url);
  const { secret } = await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, NEW_ADMIN);
  return { srv, admin, adminSecret: secret! };
}

async function makeAccount(admin: ApiClient, body: Record<string, unknown>) {
  const r = await admin.post('/api/accounts', body);
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body as { account: { id: string }; initialPassword: string };
}

/**
 * PGlite runs a representative subset (first login and MFA, lockout, 三员分立, login restrictions; tokens and
 * per-request restrictions in request-restrictions.test.ts): each PGlite server costs seconds, and the engine-specific
 * risk is in the SQL, which the subset and the DAL tests cover. PostgreSQL runs every test.
 */
for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] first login: forced password change, then MFA enrolment, then full access`, async (t) => {
    const srv = await startTestServer(kind);
    try {
      const c = new ApiClient(srv.url);
      const login = await c.post('/api/auth/login', { loginId: 'admin', password: ADMIN_PASSWORD });
      t.is(login.status, 200);
      t.is(login.body.pending, 'password_change');
      t.regex(login.headers.get('set-cookie') ?? '', /HttpOnly/i);
      t.regex(login.headers.get('set-cookie') ?? '', /SameSite=Strict/i);
      const blocked = await c.get('/api/tenants');
      t.is(blocked.status, 403);
      t.is(blocked.body.code, 'auth.password_change_required');
      const weak = await c.post('/api/auth/password', { currentPassword: ADMIN_PASSWORD, newPassword: 'short' });
      t.is(weak.status, 400);
      t.is(weak.body.code, 'account.weak_password');
      const same = await c.post('/api/auth/password', { currentPassword: ADMIN_PASSWORD, newPassword: ADMIN_PASSWORD });
      t.is(same.body.code, 'account.password_reused');
      t.is((await c.post('/api/auth/password', { currentPassword: ADMIN_PASSWORD, newPassword: NEW_ADMIN })).status, 204);
      const mfaBlocked = await c.get('/api/tenants');
      t.is(mfaBlocked.body.code, 'auth.mfa_enrolment_required');
      const setup = await c.post('/api/auth/mfa/totp/setup');
      t.regex(setup.body.otpauthUri, /^otpauth:\/\/totp\//);
      t.regex(setup.body.qrDataUrl, /^data:image\/png;base64,/);
      t.is((await c.post('/api/auth/mfa/totp/confirm', { code: '000000' })).status, 400);
      const confirm = await c.post('/api/auth/mfa/totp/confirm', { code: totpAt({ secretBase32: setup.body.secret }) });
      t.is(confirm.body.recoveryCodes.length, 10);
      t.is((await c.get('/api/tenants')).status, 200);

      // The next login needs the second factor; a recovery code works exactly once.
      const c2 = new ApiClient(srv.url);
      const step1 = await c2.post('/api/auth/login', { loginId: 'admin', password: NEW_ADMIN });
      t.is(step1.body.status, 'mfa_required');
      t.is((await c2.post('/api/auth/login/mfa', { challengeId: step1.body.challengeId, code: '123456' })).body.code, 'auth.invalid_mfa_code');
      const rc = confirm.body.recoveryCodes[0];
      t.is((await c2.post('/api/auth/login/mfa', { challengeId: step1.body.challengeId, code: rc })).status, 200);
      const c3 = new ApiClient(srv.url);
      const again = await c3.post('/api/auth/login', { loginId: 'admin', password: NEW_ADMIN });
      t.is((await c3.post('/api/auth/login/mfa', { challengeId: again.body.challengeId, code: rc })).status, 401);

      const audit = await srv.ctx.audit.search({ offset: 0, limit: 100 });
      const actions = audit.items.map((r) => r.action);
      for (const a of ['account.created', 'auth.login_succeeded', 'account.password_changed', 'account.mfa_enrolled', 'auth.login_failed']) t.true(actions.includes(a), a);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] five wrong passwords lock the account; unknown ids answer the same way`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const { initialPassword } = await makeAccount(admin, { loginId: 'zhang.san', displayName: '张三', roles: ['assessor'] });
      const c = new ApiClient(srv.url);
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) answers.push((await c.post('/api/auth/login', { loginId: 'zhang.san', password: `Wrong#pass${i}` })).status);
      t.deepEqual(answers, [401, 401, 401, 401, 423]);
      const locked = await c.post('/api/auth/login', { loginId: 'zhang.san', password: initialPassword });
      t.is(locked.status, 423);
      t.is(locked.body.code, 'auth.locked');
      const ghost: number[] = [];
      for (let i = 0; i < 6; i++) ghost.push((await c.post('/api/auth/login', { loginId: 'nobody.here', password: `Wrong#pass${i}` })).status);
      t.deepEqual(ghost, [401, 401, 401, 401, 423, 423]);
      t.is((await c.post('/api/auth/login', { loginId: 'zhang.san', password: 'x' })).body.detail, (await c.post('/api/auth/login', { loginId: 'nobody.here', password: 'x' })).body.detail);

      const list = await admin.get('/api/accounts?q=zhang');
      t.true(list.body.items[0].locked);
      // sysadmin may unlock; the account logs in again
      t.is((await admin.post(`/api/accounts/${list.body.items[0].id}/unlock`)).status, 200);
      t.is((await c.post('/api/auth/login', { loginId: 'zhang.san', password: initialPassword })).status, 200);
      const audit = await srv.ctx.audit.search({ offset: 0, limit: 200, action: 'account.locked' });
      t.is(audit.total, 1);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] 三员分立, role scopes, and what each role may not do`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const two = await admin.post('/api/accounts', { loginId: 'both', displayName: 'x', roles: ['sysadmin', 'auditadmin'] });
      t.is(two.status, 400);
      t.is(two.body.code, 'account.invalid_roles');
      t.is((await admin.post('/api/accounts', { loginId: 'mixed', displayName: 'x', roles: ['tenant-admin'] })).body.code, 'account.invalid_roles');

      const tenant = (await admin.post('/api/tenants', { code: 'xz-wsy', name: '新镇卫生院', kind: 'township_centre' })).body;
      const other = (await admin.post('/api/tenants', { code: 'dm-wsy', name: '东门卫生院', kind: 'township_centre' })).body;
      const member = await makeAccount(admin, { loginId: 'li.si', displayName: '李四', roles: ['tenant-member'], tenantId: tenant.id });
      const auditor = await makeAccount(admin, { loginId: 'auditor', displayName: '审计员', roles: ['auditadmin'] });
      const before = await srv.ctx.audit.search({ offset: 0, limit: 1 });

      const m = new ApiClient(srv.url);
      await loginThroughFirstSteps(m, 'li.si', member.initialPassword, 'Member#Pass2026');
      const denied = await m.post('/api/tenants', { code: 'evil', name: 'x', kind: 'other' });
      t.is(denied.status, 403);
      t.is((await m.get('/api/accounts')).status, 403);
      const mine = await m.get('/api/tenants');
      t.deepEqual(mine.body.items.map((x: { id: string }) => x.id), [tenant.id]);
      t.is((await m.get(`/api/tenants/${other.id}`)).status, 404);

      const a = new ApiClient(srv.url);
      await loginThroughFirstSteps(a, 'auditor', auditor.initialPassword, 'Audit#Pass2026');
      t.is((await a.get('/api/audit/records')).status, 200);
      t.true((await a.post('/api/audit/verify')).body.ok);
      for (const [method, url, body] of [
        ['POST', '/api/tenants', { code: 'x1', name: 'x', kind: 'other' }],
        ['POST', '/api/accounts', { loginId: 'x1', displayName: 'x', roles: ['assessor'] }],
        ['PATCH', '/api/security-policy', { passwordMinLength: 12 }],
        ['PUT', `/api/tenants/${tenant.id}/quota`, { vcpu: 1, ramGb: 1, diskGb: 1, vms: 1, volumes: 1, networks: 1, securityGroups: 1, floatingIps: 1, snapshots: 1, backups: 1 }],
        ['GET', '/api/tenants', undefined],
      ] as const) {
        t.is((await a.call(method, url, body)).status, 403, `${method} ${url}`);
      }
      // No route can change the trail, for anyone.
      t.is((await admin.call('DELETE', '/api/audit/records/1')).status, 404);
      t.is((await a.call('PATCH', '/api/audit/records/1', { action: 'x' })).status, 404);
      const denials = await srv.ctx.audit.search({ offset: 0, limit: 50, outcome: 'denied' });
      t.true(denials.total >= 5);
      t.true((await srv.ctx.audit.search({ offset: 0, limit: 1 })).items[0]!.seq > before.items[0]!.seq);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] login restrictions by source range and by time window`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const acc = await makeAccount(admin, { loginId: 'wang.wu', displayName: '王五', roles: ['assessor'] });
      const id = acc.account.id;
      // secadmin sets restrictions (sysadmin may not)
      t.is((await admin.put(`/api/accounts/${id}/restrictions`, { allowedCidrs: ['10.0.0.0/8'], allowedWindows: [] })).status, 403);
      const sec = await makeAccount(admin, { loginId: 'secadmin1', displayName: '安全员', roles: ['secadmin'] });
      const s = new ApiClient(srv.url);
      await loginThroughFirstSteps(s, 'secadmin1', sec.initialPassword, 'Secadmin#Pass2026');
      t.is((await s.put(`/api/accounts/${id}/restrictions`, { allowedCidrs: ['10.0.0.0/8'], allowedWindows: [] })).status, 200);
      const c = new ApiClient(srv.url);
      const refused = await c.post('/api/auth/login', { loginId: 'wang.wu', password: acc.initialPassword });
      t.is(refused.status, 403);
      t.is(refused.body.code, 'auth.login_restricted');
      t.is((await s.put(`/api/accounts/${id}/restrictions`, { allowedCidrs: ['127.0.0.0/8', '::1'], allowedWindows: [] })).status, 200);
      t.is((await c.post('/api/auth/login', { loginId: 'wang.wu', password: acc.initialPassword })).status, 200);
      const now = new Date();
      const closedDay = ((now.getDay() + 2) % 7) + 1; // a weekday that is not today
      t.is((await s.put(`/api/accounts/${id}/restrictions`, { allowedCidrs: [], allowedWindows: [{ days: [closedDay], from: '00:00', to: '24:00' }] })).status, 200);
      t.is((await c.post('/api/auth/login', { loginId: 'wang.wu', password: acc.initialPassword })).body.code, 'auth.login_restricted');
      const bad = await s.put(`/api/accounts/${id}/restrictions`, { allowedCidrs: ['not-a-range'], allowedWindows: [] });
      t.is(bad.status, 400);
    } finally {
      await srv.cleanup();
    }
  });

}

for (const kind of testDatabaseKinds().filter((k) => k === 'postgres')) {
  test.serial(`[${kind}] sessions end after 15 idle minutes and after their absolute lifetime`, async (t) => {
    const { srv, admin, adminSecret } = await adminWorld(kind);
    try {
      t.is((await admin.get('/api/auth/me')).status, 200);
      // Push the session's last activity past the 15-minute idle limit.
      // Written behind the server's back (as another process would): seen once the authenticator's cache expires.
      await sql`update identity.sessions set last_seen_at = now() - interval '16 minutes'`.execute(srv.ctx.database.db);
      await sleep(AUTH_CACHE_TTL_MS);
      const expired = await admin.get('/api/auth/me');
      t.is(expired.status, 401);
      t.is(expired.body.code, 'auth.unauthenticated');

      const c = new ApiClient(srv.url);
      t.is((await loginWithMfa(c, 'admin', NEW_ADMIN, adminSecret)).status, 200);
      t.is((await c.get('/api/auth/me')).status, 200);
      // The absolute lifetime ends a session however active it is.
      await sql`update identity.sessions set expires_at = now() - interval '1 second' where revoked_at is null`.execute(srv.ctx.database.db);
      await sleep(AUTH_CACHE_TTL_MS);
      t.is((await c.get('/api/auth/me')).status, 401);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] API tokens authenticate automation and stop working when revoked`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const created = await admin.post('/api/auth/tokens', { name: 'ci', expiresInDays: 7 });
      t.is(created.status, 201);
      t.regex(created.body.token, /^yy_/);
      const bot = new ApiClient(srv.url);
      bot.bearer = created.body.token;
      t.is((await bot.get('/api/tenants')).status, 200);
      // Bearer calls need no CSRF token.
      t.is((await bot.post('/api/tenants', { code: 'bot-made', name: '机器人', kind: 'other' })).status, 201);
      t.is((await admin.delete(`/api/auth/tokens/${created.body.id}`)).status, 204);
      t.is((await bot.get('/api/tenants')).status, 401);
      const logout = await admin.post('/api/auth/logout');
      t.is(logout.status, 204);
      t.is((await admin.get('/api/auth/me')).status, 401);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] password policy is configurable by secadmin and enforced; history of 5`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const sec = await makeAccount(admin, { loginId: 'sec2', displayName: '安全员2', roles: ['secadmin'] });
      const s = new ApiClient(srv.url);
      await loginThroughFirstSteps(s, 'sec2', sec.initialPassword, 'Secadmin#Pass2026');
      const policy = await s.patch('/api/security-policy', { passwordMinLength: 12 });
      t.is(policy.body.passwordMinLength, 12);
      t.is((await s.patch('/api/security-policy', { passwordMinLength: 4 })).status, 400);
      const weak = await admin.post('/api/accounts', { loginId: 'pw.one', displayName: 'x', roles: ['assessor'], password: 'Abc#12345' });
      t.is(weak.body.code, 'account.weak_password');
      const acc = await makeAccount(admin, { loginId: 'pw.two', displayName: 'x', roles: ['assessor'], password: 'Abcdef#123456' });
      const c = new ApiClient(srv.url);
      await c.post('/api/auth/login', { loginId: 'pw.two', password: 'Abcdef#123456' });
      const history = ['Second#Pass2026', 'Third#Pass20260', 'Fourth#Pass2026', 'Fifth#Pass20260'];
      let current = 'Abcdef#123456';
      for (const next of history) {
        t.is((await c.post('/api/auth/password', { currentPassword: current, newPassword: next })).status, 204, next);
        current = next;
      }
      t.is((await c.post('/api/auth/password', { currentPassword: current, newPassword: 'Abcdef#123456' })).body.code, 'account.password_reused');
      t.truthy(acc.account.id);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] an expired password forces a change at login`, async (t) => {
    const { srv, admin, adminSecret } = await adminWorld(kind);
    try {
      await sql`update identity.accounts set password_changed_at = now() - interval '91 days' where login_id = 'admin'`.execute(srv.ctx.database.db);
      const c = new ApiClient(srv.url);
      const r = await loginWithMfa(c, 'admin', NEW_ADMIN, adminSecret);
      t.is(r.body.pending, 'password_change');
      t.is((await c.get('/api/tenants')).body.code, 'auth.password_change_required');
      t.truthy(admin);
    } finally {
      await srv.cleanup();
    }
  });

  test.serial(`[${kind}] a GM/T 0021 SM3 hardware token works as the second factor, once per code`, async (t) => {
    const { srv, admin } = await adminWorld(kind);
    try {
      const sec = await makeAccount(admin, { loginId: 'sec3', displayName: '安全员3', roles: ['secadmin'] });
      const s = new ApiClient(srv.url);
      await loginThroughFirstSteps(s, 'sec3', sec.initialPassword, 'Secadmin#Pass2026');
      const op = await makeAccount(admin, { loginId: 'token.user', displayName: '令牌用户', roles: ['assessor'] });
      const seedHex = '0123456789abcdef0123456789abcdef';
      t.is((await admin.put(`/api/accounts/${op.account.id}/otp-token`, { serial: 'GM-0001', seedHex })).status, 403); // sysadmin may not
      t.is((await s.put(`/api/accounts/${op.account.id}/otp-token`, { serial: 'GM-0001', seedHex: 'zz' })).status, 400);
      const reg = await s.put(`/api/accounts/${op.account.id}/otp-token`, { serial: 'GM-0001', seedHex });
      t.is(reg.status, 200);
      t.is(reg.body.otpTokenSerial, 'GM-0001');
      t.true(reg.body.mfaEnrolled);
      t.false(JSON.stringify(reg.body).includes(seedHex));

      const c = new ApiClient(srv.url);
      const step1 = await c.post('/api/auth/login', { loginId: 'token.user', password: op.initialPassword });
      t.is(step1.body.status, 'mfa_required');
      const code = sm3OtpAt(Buffer.from(seedHex, 'hex'), { timeMs: Date.now() });
      t.is((await c.post('/api/auth/login/mfa', { challengeId: step1.body.challengeId, code })).status, 200);
      const c2 = new ApiClient(srv.url);
      const again = await c2.post('/api/auth/login', { loginId: 'token.user', password: op.initialPassword });
      const replay = await c2.post('/api/auth/login/mfa', { challengeId: again.body.challengeId, code });
      t.is(replay.status, 401);
      t.is(replay.body.code, 'auth.invalid_mfa_code');
      const trail = await srv.ctx.audit.search({ offset: 0, limit: 10, action: 'account.otp_token_registered', outcome: 'success' });
      t.is(trail.total, 1);
    } finally {
      await srv.cleanup();
    }
  });
}
