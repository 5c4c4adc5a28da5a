import test from 'ava';
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { randomBytes, sm3Hex, totpAt } from '../../core/crypto';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import { validateAsciicast } from './asciicast-fns';
import { freePort, startTestSshd, type TestSshd } from './sshd-testing';

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
function gateway(user: string, loginId: string, opts: { otp?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map((p) => (/OTP/.test(p.prompt) ? opts.otp ?? totpAt({ secretBase32: ops[loginId]!.secret }, Date.now() + 30_000) : ops[loginId]!.password))));
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', port: gwPort, username: user, tryKeyboard: true, readyTimeout: 10_000 });
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

async function until<T>(f: () => T | Promise<T>, what: string, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
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
