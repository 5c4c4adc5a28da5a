import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { sql } from 'kysely';
import { testDatabaseKinds } from '../../core/db/testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import { AUTH_CACHE_TTL_MS } from './auth-cache';

// Behind a trusted proxy the client address is X-Forwarded-For's: that is how these tests move a caller between networks.
const PROXIED = { YIYUN_TRUST_PROXY: 'true' };
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const POLICY = '/api/security-policy'; // a read the assessor role may make

async function world(kind: 'pglite' | 'postgres') {
  const srv = await startTestServer(kind, PROXIED);
  const admin = new ApiClient(srv.url);
  await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
  const make = async (loginId: string, roles: string[]) => {
    const r = await admin.post('/api/accounts', { loginId, displayName: loginId, roles });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return r.body as { account: { id: string }; initialPassword: string };
  };
  const sec = await make('sec.restrict', ['secadmin']);
  const secadmin = new ApiClient(srv.url);
  await loginThroughFirstSteps(secadmin, 'sec.restrict', sec.initialPassword, 'Secadmin#Pass2026');
  const bot = await make('ops.bot', ['assessor']);
  const owner = new ApiClient(srv.url);
  await loginThroughFirstSteps(owner, 'ops.bot', bot.initialPassword, 'Opsbot#Pass2026');
  const token = await owner.post('/api/auth/tokens', { name: 'nightly', expiresInDays: 30 });
  if (token.status !== 201) throw new Error(JSON.stringify(token.body));
  const api = new ApiClient(srv.url);
  api.bearer = token.body.token as string;
  const restrict = async (allowedCidrs: string[], allowedWindows: { days: number[]; from: string; to: string }[] = []) => {
    const r = await secadmin.put(`/api/accounts/${bot.account.id}/restrictions`, { allowedCidrs, allowedWindows });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  };
  return { srv, admin, api, restrict, botId: bot.account.id, password: 'Opsbot#Pass2026' };
}

for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] an API token obeys the account's source ranges and hours on every request`, async (t) => {
    const w = await world(kind);
    try {
      t.is((await w.api.call('GET', POLICY, undefined, from('192.168.7.7'))).status, 200);
      await w.restrict(['10.0.0.0/8']);
      const outside = await w.api.call('GET', POLICY, undefined, from('192.168.7.7'));
      t.is(outside.status, 403);
      t.is(outside.body.code, 'auth.login_restricted');
      t.is((await w.api.call('GET', POLICY, undefined, from('10.20.30.40'))).status, 200);
      // Only the hop the proxy appended counts: an address the client wrote in front of it is not believed.
      t.is((await w.api.call('GET', POLICY, undefined, from('10.20.30.40, 192.168.7.7'))).status, 403);

      const otherDay = ((new Date().getDay() + 2) % 7) + 1; // an ISO weekday that is not today
      await w.restrict([], [{ days: [otherDay], from: '00:00', to: '24:00' }]);
      const afterHours = await w.api.call('GET', POLICY, undefined, from('10.20.30.40'));
      t.is(afterHours.status, 403);
      t.is(afterHours.body.code, 'auth.login_restricted');
      await w.restrict([]);
      t.is((await w.api.call('GET', POLICY, undefined, from('192.168.7.7'))).status, 200);

      const refused = await w.srv.ctx.audit.search({ offset: 0, limit: 10, action: 'auth.request_refused' });
      t.is(refused.total, 3);
      t.true(refused.items.every((r) => r.outcome === 'denied' && r.targetType === 'api_token' && r.actorLogin === 'ops.bot'));
      t.deepEqual(refused.items.map((r) => r.sourceIp).sort(), ['10.20.30.40', '192.168.7.7', '192.168.7.7']);
    } finally {
      await w.srv.cleanup();
    }
  });

  test.serial(`[${kind}] a cookie session carried to an address outside the ranges is refused`, async (t) => {
    const w = await world(kind);
    try {
      await w.restrict(['10.0.0.0/8']);
      const c = new ApiClient(w.srv.url);
      t.is((await c.call('POST', '/api/auth/login', { loginId: 'ops.bot', password: w.password }, from('10.1.2.3'))).status, 200);
      t.is((await c.call('GET', POLICY, undefined, from('10.1.2.3'))).status, 200);
      const moved = await c.call('GET', POLICY, undefined, from('172.16.0.9'));
      t.is(moved.status, 403);
      t.is(moved.body.code, 'auth.login_restricted');
      // A state change from outside is refused before it runs.
      const write = await c.call('POST', '/api/auth/tokens', { name: 'sneaky', expiresInDays: 1 }, from('172.16.0.9'));
      t.is(write.status, 403);
      t.is((await w.srv.ctx.audit.search({ offset: 0, limit: 10, action: 'token.created' })).total, 1, 'only the token made in setup');
      const refused = await w.srv.ctx.audit.search({ offset: 0, limit: 10, action: 'auth.request_refused' });
      t.true(refused.items.some((r) => r.targetType === 'session' && r.sourceIp === '172.16.0.9'));
    } finally {
      await w.srv.cleanup();
    }
  });
}

test.serial('[postgres] tokens outlive password expiry and a lockout by guessers, but stop with a disabled account', async (t) => {
  const w = await world('postgres');
  try {
    // Password expiry is about the person at the keyboard: automation keeps working, the console session must change it.
    await sql`update identity.accounts set password_changed_at = now() - interval '200 days' where login_id = 'ops.bot'`.execute(w.srv.ctx.database.db);
    await sleep(AUTH_CACHE_TTL_MS);
    t.is((await w.api.get(POLICY)).status, 200);
    const person = new ApiClient(w.srv.url);
    t.is((await person.post('/api/auth/login', { loginId: 'ops.bot', password: w.password })).body.pending, 'password_change');
    t.is((await person.get(POLICY)).body.code, 'auth.password_change_required');

    // Locked by someone guessing the password: the password login is shut, the token keeps working.
    const guesser = new ApiClient(w.srv.url);
    for (let i = 0; i < 5; i++) await guesser.post('/api/auth/login', { loginId: 'ops.bot', password: `Wrong#guess${i}` });
    t.is((await new ApiClient(w.srv.url).post('/api/auth/login', { loginId: 'ops.bot', password: w.password })).body.code, 'auth.locked');
    await sleep(AUTH_CACHE_TTL_MS);
    t.is((await w.api.get(POLICY)).status, 200);

    t.is((await w.admin.patch(`/api/accounts/${w.botId}`, { status: 'disabled' })).status, 200);
    t.is((await w.api.get(POLICY)).status, 401);
  } finally {
    await w.srv.cleanup();
  }
});

test.serial('[postgres] CSRF: a cookie-authenticated change without the token or from a foreign origin is refused and stores nothing', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from tenants.tenants`.execute(srv.ctx.database.db)).rows[0]!.n;
    const before = await count();
    const body = JSON.stringify({ code: 'csrf-victim', name: '跨站', kind: 'other' });
    const send = (headers: Record<string, string>) =>
      fetch(`${srv.url}/api/tenants`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie!, ...headers }, body });
    const noToken = await send({});
    t.is(noToken.status, 403);
    t.is(noToken.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    t.is(((await noToken.json()) as { code: string }).code, 'auth.csrf_failed');
    const wrongToken = await send({ 'x-csrf-token': 'not-the-token' });
    t.is(((await wrongToken.json()) as { code: string }).code, 'auth.csrf_failed');
    const foreign = await send({ 'x-csrf-token': admin.csrf!, origin: 'https://evil.example' });
    t.is(foreign.status, 403);
    t.is(((await foreign.json()) as { code: string }).code, 'auth.csrf_failed');
    t.is(await count(), before);
    t.is((await srv.ctx.audit.search({ offset: 0, limit: 5, action: 'tenant.created' })).total, 0);
    // The same request from the console's own origin with the session's token goes through.
    const own = await send({ 'x-csrf-token': admin.csrf!, origin: srv.url });
    t.is(own.status, 201);
    t.is(await count(), before + 1);
  } finally {
    await srv.cleanup();
  }
});

test.serial('[postgres] the session cookie is Secure when the request came over TLS through a trusted proxy', async (t) => {
  const srv = await startTestServer('postgres', PROXIED);
  try {
    const login = (headers: Record<string, string>) =>
      fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ loginId: 'admin', password: ADMIN_PASSWORD }) });
    const tls = await login({ 'x-forwarded-proto': 'https' });
    t.is(tls.status, 200);
    const cookie = tls.headers.get('set-cookie') ?? '';
    t.regex(cookie, /^yiyun_session=/);
    t.regex(cookie, /;\s*Secure/i);
    t.regex(cookie, /HttpOnly/i);
    t.regex(tls.headers.get('strict-transport-security') ?? '', /max-age=/);
    const plain = await login({});
    t.notRegex(plain.headers.get('set-cookie') ?? '', /;\s*Secure/i, 'plain HTTP (the embedded default on localhost) cannot carry a Secure cookie');
  } finally {
    await srv.cleanup();
  }
  // Without trusting the proxy, a client cannot claim TLS by sending the header itself.
  const direct = await startTestServer('postgres');
  try {
    const r = await fetch(`${direct.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ loginId: 'admin', password: ADMIN_PASSWORD }) });
    t.notRegex(r.headers.get('set-cookie') ?? '', /;\s*Secure/i);
  } finally {
    await direct.cleanup();
  }
});
