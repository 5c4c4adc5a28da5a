import test from 'ava';
import { Client, utils as sshUtils, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { randomBytes, sm3Hex, sm3OtpAt, totpAt } from '../../core/crypto';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import { validateAsciicast } from './asciicast-fns';
import { freePort, startTestSshd, type TestSshd } from './sshd-testing';
import { until } from '../../test/support/wait';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let sshd: TestSshd;
let gwPort: number;
const admin = { c: null as unknown as ApiClient };
const sec = { c: null as unknown as ApiClient };
const auditor = { c: null as unknown as ApiClient };
const ops: Record<string, { password: string; secret: string }> = {};

async function account(loginId: string, roles: string[]) {
  const r = await admin.c.post('/api/accounts', { loginId, displayName: loginId, roles });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  const c = new ApiClient(server.url);
  const password = `Ops#${loginId.length}Strong2026x`;
  let { secret } = await loginThroughFirstSteps(c, loginId, r.body.initialPassword as string, password);
  if (!secret) {
    const setup = await c.post('/api/auth/mfa/totp/setup');
    secret = setup.body.secret as string;
    const ok = await c.post('/api/auth/mfa/totp/confirm', { code: totpAt({ secretBase32: secret }) });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  ops[loginId] = { password, secret };
  return c;
}

/** Connects through the gateway answering the password and the next TOTP code (never a replay of the enrolment code). */
function gateway(user: string, loginId: string, opts: { otp?: string; key?: string; keyOnly?: boolean; password?: string; from?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    const answer = (prompts: { prompt: string }[]) => prompts.map((p) => (/OTP/.test(p.prompt) ? opts.otp ?? totpAt({ secretBase32: ops[loginId]!.secret }, Date.now() + 30_000) : opts.password ?? ops[loginId]!.password));
    c.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(answer(prompts)));
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    // With a key: publickey first, then (unless keyOnly) keyboard-interactive for what the gateway still asks.
    const authHandler = opts.key
      ? [{ type: 'publickey' as const, username: user, key: opts.key }, ...(opts.keyOnly ? [] : [{ type: 'keyboard-interactive' as const, username: user, prompt: (_n: string, _i: string, _l: string, prompts: { prompt: string }[], finish: (a: string[]) => void) => finish(answer(prompts)) }])]
      : undefined;
    c.connect({ host: '127.0.0.1', port: gwPort, username: user, tryKeyboard: true, readyTimeout: 10_000, ...(authHandler ? { authHandler } : {}), ...(opts.from ? { localAddress: opts.from } : {}) });
  });
}

function exec(c: Client, cmd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (e, ch) => {
      if (e) return reject(e);
      let out = '';
      let err = '';
      let code: number | null = null;
      ch.on('data', (d: Buffer) => (out += d.toString()));
      ch.stderr.on('data', (d: Buffer) => (err += d.toString()));
      ch.on('exit', (x: number) => (code = x));
      ch.on('close', () => resolve({ code, out, err }));
    });
  });
}

test.before(async () => {
  sshd = await startTestSshd();
  gwPort = await freePort();
  server = await startTestServer('postgres', { YIYUN_BASTION_SSH_PORT: String(gwPort) });
  admin.c = new ApiClient(server.url);
  await loginThroughFirstSteps(admin.c, 'admin', ADMIN_PASSWORD, 'Root#Changed2026x');
  sec.c = await account('sec1', ['secadmin']);
  auditor.c = await account('aud1', ['auditadmin']);
  await account('op1', ['assessor']);
  await account('op2', ['assessor']);
  await account('op3', ['assessor']);
  const asset = await admin.c.post('/api/bastion/assets', { name: 'web01', address: '127.0.0.1', port: sshd.port, folder: '/dmz/his/' });
  if (asset.status !== 201) throw new Error(JSON.stringify(asset.body));
  const acc = await admin.c.post(`/api/bastion/assets/${asset.body.id}/accounts`, { username: sshd.user, authKind: 'key', secret: sshd.privateKey });
  if (acc.status !== 201) throw new Error(JSON.stringify(acc.body));
  // op1 through the folder above the asset (inherited grant); op2's grant has expired.
  const g1 = await admin.c.post('/api/bastion/grants', { operatorLogin: 'op1', folder: '/dmz/', accountUsername: sshd.user, validUntil: new Date(Date.now() + 3_600_000).toISOString() });
  const g2 = await admin.c.post('/api/bastion/grants', { operatorLogin: 'op2', assetId: asset.body.id, accountUsername: sshd.user, validFrom: new Date(Date.now() - 7_200_000).toISOString(), validUntil: new Date(Date.now() - 3_600_000).toISOString() });
  const g3 = await admin.c.post('/api/bastion/grants', { operatorLogin: 'op3', folder: '/', accountUsername: sshd.user, protocols: ['shell'], validUntil: new Date(Date.now() + 3_600_000).toISOString() });
  if (g3.status !== 201) throw new Error(JSON.stringify(g3.body));
  if (g1.status !== 201 || g2.status !== 201) throw new Error(JSON.stringify([g1.body, g2.body]));
  const rule = await sec.c.post('/api/bastion/command-rules', { name: 'no downloads', pattern: '^(curl|wget)\\b', action: 'deny', priority: 10 });
  if (rule.status !== 201) throw new Error(JSON.stringify(rule.body));
});

test.after.always(async () => {
  await server?.cleanup();
  await sshd?.stop();
});

test.serial('credentials are never returned and operators cannot manage the bastion', async (t) => {
  const assets = await admin.c.get('/api/bastion/assets');
  const accounts = await admin.c.get(`/api/bastion/assets/${assets.body.items[0].id}/accounts`);
  t.is(accounts.status, 200);
  t.false(JSON.stringify(accounts.body).includes('PRIVATE KEY'));
  t.is((await sec.c.post('/api/bastion/assets', { name: 'x', address: '127.0.0.1' })).status, 403);
});

test.serial('a wrong OTP is refused and the failure is audited with channel ssh', async (t) => {
  await t.throwsAsync(gateway(`op1/${sshd.user}@web01`, 'op1', { otp: '000000' }));
  const trail = await auditor.c.get('/api/audit/records?action=auth.login_failed&limit=50');
  t.true(JSON.stringify(trail.body).includes('"channel":"ssh"'), JSON.stringify(trail.body).slice(0, 400));
});

test.serial('MFA login, exec, command filter, SFTP with digests, shell recording, search, replay and kill', async (t) => {
  const c = await gateway(`op1/${sshd.user}@web01`, 'op1');
  let uploaded: Buffer = Buffer.alloc(0);
  try {
    const who = await exec(c, 'whoami');
    t.is(who.out.trim(), sshd.user);
    t.is(who.code, 0);
    for (const trick of ['curl http://example.invalid', 'cu""rl x', 'c\\url x', '$(echo curl) x', 'sudo wget x']) {
      const r = await exec(c, trick);
      t.is(r.code, 126, trick);
      t.regex(r.err, /refused by rule "no downloads"/, trick);
    }

    // SFTP both ways: the transfer log holds name, size, direction and the SM3 digest of the bytes.
    const data = randomBytes(300_000);
    uploaded = data;
    const remote = `/tmp/yiyun-bastion-${Date.now()}.bin`;
    const sftp = await new Promise<SFTPWrapper>((res, rej) => c.sftp((e, s) => (e ? rej(e) : res(s))));
    await new Promise<void>((res, rej) => sftp.writeFile(remote, data, (e) => (e ? rej(e) : res())));
    const back = await new Promise<Buffer>((res, rej) => sftp.readFile(remote, (e, b) => (e ? rej(e) : res(b))));
    t.true(back.equals(data));
    sftp.end();

    // Interactive shell: typed commands run, a quoted trick is refused, everything is recorded.
    const sh = await new Promise<ClientChannel>((res, rej) => c.shell({ term: 'xterm', cols: 100, rows: 30, height: 600, width: 800 }, (e, ch) => (e ? rej(e) : res(ch))));
    let screen = '';
    sh.on('data', (d: Buffer) => (screen += d.toString()));
    sh.write('echo hello-$((6*7))\r');
    await until(() => screen.includes('hello-42'), 'echo output');
    sh.write('c\\url http://example.invalid\r');
    await until(() => screen.includes('refused'), 'refusal');
    sh.write('echo 中文-ok\r');
    await until(() => screen.includes('中文-ok\r\n'), 'utf-8 output');
    sh.write('exit\r');
    await new Promise((r) => sh.on('close', r));
  } finally {
    c.end();
  }

  const list = await until(async () => {
    const r = await auditor.c.get('/api/bastion/sessions?operator=op1&limit=100');
    return r.body.items?.filter((s: any) => s.endedAt).length >= 8 ? r : null;
  }, 'sessions to end');
  if (!list) throw new Error('no sessions');
  const shell = list.body.items.find((s: any) => s.kind === 'shell');
  const sftpSession = list.body.items.find((s: any) => s.kind === 'sftp');
  t.truthy(shell);
  const detail = await auditor.c.get(`/api/bastion/sessions/${sftpSession.id}`);
  const up = detail.body.transfers.find((x: any) => x.direction === 'upload');
  const down = detail.body.transfers.find((x: any) => x.direction === 'download');
  t.truthy(up && down, JSON.stringify(detail.body.transfers));
  t.is(up.size, 300_000);
  t.is(up.sm3, sm3Hex(uploaded));
  t.is(down.sm3, up.sm3);

  const shellDetail = await auditor.c.get(`/api/bastion/sessions/${shell.id}`);
  t.true(shellDetail.body.commands.some((x: any) => x.verdict === 'denied' && x.command.includes('c\\url')));
  t.true(shellDetail.body.commands.some((x: any) => x.verdict === 'allowed' && x.command === 'echo hello-$((6*7))'));

  const rec = await auditor.c.call('GET', `/api/bastion/sessions/${shell.id}/recording`);
  t.is(rec.status, 200);
  const cast = validateAsciicast(rec.body.raw as string);
  t.deepEqual(cast.problems, []);
  t.is(cast.header?.width, 100);
  const typed = cast.events.filter((e) => e[1] === 'i').map((e) => e[2]).join('');
  t.true(typed.includes('echo hello-$((6*7))'));
  t.true(cast.events.some((e) => e[1] === 'o' && e[2].includes('hello-42')));
  const viewed = await auditor.c.get('/api/audit/records?action=bastion_recording.viewed&limit=5');
  t.true(viewed.body.items.some((r: any) => r.actorLogin === 'aud1'));

  const found = await auditor.c.get(`/api/bastion/sessions?text=${encodeURIComponent('中文-ok')}`);
  t.is(found.body.items.length, 1);
  t.is(found.body.items[0].id, shell.id);
});

test.serial('an expired grant refuses the session', async (t) => {
  const c = await gateway(`op2/${sshd.user}@web01`, 'op2');
  const r = await exec(c, 'whoami');
  c.end();
  t.not(r.code, 0);
  t.regex(r.err, /expired/);
  t.is(r.out, '');
});

test.serial('a live session is listed and killed by a security administrator', async (t) => {
  const op1 = await gateway(`op3/${sshd.user}@web01`, 'op3');
  const sh = await new Promise<ClientChannel>((res, rej) => op1.shell({ term: 'xterm', cols: 80, rows: 24, height: 480, width: 640 }, (e, ch) => (e ? rej(e) : res(ch))));
  const closed = new Promise<void>((r) => op1.on('close', () => r()));
  const live = await until(async () => {
    const l = await sec.c.get('/api/bastion/sessions?live=true');
    return l.body.items?.find((s: any) => s.operatorLogin === 'op3' && s.kind === 'shell');
  }, 'live session');
  const k = await sec.c.post(`/api/bastion/sessions/${live.id}/kill`);
  t.is(k.status, 204);
  await Promise.race([closed, new Promise<void>((_resolve, rej) => setTimeout(() => rej(new Error('not closed')), 5000))]);

  const s = await until(async () => (await sec.c.get(`/api/bastion/sessions/${live.id}`)).body.endedAt && (await sec.c.get(`/api/bastion/sessions/${live.id}`)), 'end');
  t.regex(s.body.endReason, /killed by sec1/);
});

const grantAll = (login: string) => admin.c.post('/api/bastion/grants', { operatorLogin: login, folder: '/', accountUsername: sshd.user, validUntil: new Date(Date.now() + 3_600_000).toISOString() });

test.serial('public key + MFA: a registered key still needs the OTP; a key alone, a wrong OTP, another account or a removed key never log in', async (t) => {
  const op4 = await account('op4', ['assessor']);
  await account('op5', ['assessor']);
  t.is((await grantAll('op4')).status, 201);
  t.is((await grantAll('op5')).status, 201);
  const kp = sshUtils.generateKeyPairSync('ed25519', { comment: 'op4@laptop' });
  const other = sshUtils.generateKeyPairSync('ed25519');

  // Registering checks the key; a private key is refused; registration is audited.
  t.is((await op4.post('/api/bastion/profile/keys', { name: 'laptop', publicKey: kp.private })).body.code, 'bastion.private_key_given');
  const reg = await op4.post('/api/bastion/profile/keys', { name: 'laptop', publicKey: kp.public });
  t.is(reg.status, 201, JSON.stringify(reg.body));
  t.regex(reg.body.fingerprint, /^SHA256:/);
  t.is((await op4.post('/api/bastion/profile/keys', { name: 'again', publicKey: kp.public })).status, 409);
  t.is((await op4.get('/api/bastion/profile/keys')).body.total, 1);
  const trail = await auditor.c.get('/api/audit/records?action=bastion_key.registered&limit=5');
  t.true(trail.body.items.some((r: any) => r.actorLogin === 'op4'), JSON.stringify(trail.body).slice(0, 300));

  const user = `op4/${sshd.user}@web01`;
  await t.throwsAsync(gateway(user, 'op4', { key: kp.private, keyOnly: true }), undefined, 'a key alone');
  await t.throwsAsync(gateway(user, 'op4', { key: kp.private, otp: '000000' }), undefined, 'key + wrong OTP');
  await t.throwsAsync(gateway(user, 'op4', { key: other.private, password: 'not-the-password' }), undefined, 'unregistered key');
  await t.throwsAsync(gateway(`op5/${sshd.user}@web01`, 'op5', { key: kp.private, password: 'not-the-password' }), undefined, "op4's key for op5");

  const c = await gateway(user, 'op4', { key: kp.private });
  try {
    const who = await exec(c, 'whoami');
    t.is(who.out.trim(), sshd.user);
  } finally {
    c.end();
  }
  const ok = await auditor.c.get('/api/audit/records?action=auth.login_succeeded&limit=50');
  const rec = ok.body.items.find((r: any) => r.actorLogin === 'op4' && r.detail?.method === 'publickey');
  t.truthy(rec, JSON.stringify(ok.body.items.slice(0, 3)));
  t.is(rec.detail.mfa, 'totp');
  t.is(rec.detail.keyFingerprint, reg.body.fingerprint);
  t.truthy((await op4.get('/api/bastion/profile/keys')).body.items[0].lastUsedAt);

  // Nobody removes another's key through the profile (404); the owner does, audited, and the key stops working.
  t.is((await sec.c.delete(`/api/bastion/profile/keys/${reg.body.id}`)).status, 404);
  t.is((await op4.delete(`/api/bastion/profile/keys/${reg.body.id}`)).status, 204);
  const removed = await auditor.c.get('/api/audit/records?action=bastion_key.removed&limit=5');
  t.true(removed.body.items.some((r: any) => r.actorLogin === 'op4'));
  await t.throwsAsync(gateway(user, 'op4', { key: kp.private, password: 'not-the-password' }), undefined, 'removed key');
});

test.serial('an SM3 OTP token is a second factor at the gateway too', async (t) => {
  const op6 = await account('op6', ['assessor']);
  t.is((await grantAll('op6')).status, 201);
  const me = await op6.get('/api/auth/me');
  const seed = randomBytes(16);
  const put = await sec.c.put(`/api/accounts/${me.body.account.id}/otp-token`, { serial: 'SM3-0001', seedHex: seed.toString('hex') });
  t.is(put.status, 200, JSON.stringify(put.body));
  const c = await gateway(`op6/${sshd.user}@web01`, 'op6', { otp: sm3OtpAt(seed, { timeMs: Date.now() }) });
  c.end();
  const ok = await auditor.c.get('/api/audit/records?action=auth.login_succeeded&limit=50');
  t.true(ok.body.items.some((r: any) => r.actorLogin === 'op6' && r.detail?.mfa === 'sm3_otp'));
});

test.serial('administrators log in only from the declared admin addresses', async (t) => {
  const user = `sec1/${sshd.user}@web01`;
  // None declared: no administrator logs in, whatever the credentials.
  await t.throwsAsync(gateway(user, 'sec1'));
  const denied = await auditor.c.get('/api/audit/records?action=auth.login_failed&limit=50');
  t.true(denied.body.items.some((r: any) => r.actorLogin === 'sec1' && /no admin source/.test(r.detail?.reason ?? '')), JSON.stringify(denied.body.items.slice(0, 2)));

  // Only the security administrator declares them.
  t.is((await admin.c.post('/api/bastion/admin-sources', { cidr: '127.0.0.1/32' })).status, 403);
  t.is((await sec.c.post('/api/bastion/admin-sources', { cidr: 'not-a-range' })).body.code, 'bastion.bad_cidr');
  const src = await sec.c.post('/api/bastion/admin-sources', { cidr: '127.0.0.1', note: 'ops room' });
  t.is(src.status, 201, JSON.stringify(src.body));
  t.is(src.body.cidr, '127.0.0.1/32');
  // The cache of the ACLs lives 2 s.
  await new Promise((r) => setTimeout(r, 2100));
  await t.throwsAsync(gateway(user, 'sec1', { from: '127.0.0.2' }), undefined, 'from an undeclared address');
  const refused = await auditor.c.get('/api/audit/records?action=auth.login_failed&limit=50');
  t.true(refused.body.items.some((r: any) => r.actorLogin === 'sec1' && r.sourceIp === '127.0.0.2' && /declared admin/.test(r.detail?.reason ?? '')), JSON.stringify(refused.body.items.slice(0, 2)));
  const c = await gateway(user, 'sec1');
  c.end();
  // Operators are not affected by the admin ranges.
  const op = await gateway(`op5/${sshd.user}@web01`, 'op5', { from: '127.0.0.2' });
  op.end();

  // A MAC rule covering op5 from loopback: loopback has no neighbour entry, so the MAC is unknown and the login refused.
  const rule = await sec.c.post('/api/bastion/mac-rules', { name: 'op5-desk', logins: ['op5'], macs: ['52:54:00:12:34:56'] });
  t.is(rule.status, 201, JSON.stringify(rule.body));
  await new Promise((r) => setTimeout(r, 2100));
  await t.throwsAsync(gateway(`op5/${sshd.user}@web01`, 'op5'), undefined, 'MAC unknown');
  const macDenied = await auditor.c.get('/api/audit/records?action=auth.login_failed&limit=50');
  t.true(macDenied.body.items.some((r: any) => r.actorLogin === 'op5' && /MAC address cannot be determined/.test(r.detail?.reason ?? '')));
  t.is((await sec.c.delete(`/api/bastion/mac-rules/${rule.body.id}`)).status, 204);
});
