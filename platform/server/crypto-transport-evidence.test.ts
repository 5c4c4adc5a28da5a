import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import test from 'ava';
import { settingsSchema } from '../../core/config';
import type { AccountRow } from '../identity';
import { authFactorFacts } from './crypto-evidence-deps';
import { judgeTransport, tlsCheck, type TransportChannel } from './crypto-transport-evidence';
import { nodeHandshake, transportFacts, type TransportFactsDeps } from './crypto-transport-facts';

const ch = (over: Partial<TransportChannel> & Pick<TransportChannel, 'name'>): TransportChannel => ({
  what: over.name, carries: ['admin', 'data'], exposure: 'network', protection: 'tlcp', confidentiality: true, integrity: true, peerAuth: true, gm: true, keys: 'own-ca', detail: {}, ...over,
});
const FERRY = ch({ name: 'gatekeeper-ferry', carries: ['data'], protection: 'signed-file', confidentiality: false });

test('judgeTransport: TLCP with our certificates and a signed ferry pass every item', (t) => {
  const v = judgeTransport([ch({ name: 'console-api' }), FERRY, ch({ name: 'database', exposure: 'loopback', protection: 'none', confidentiality: false, integrity: false })]);
  for (const [id, o] of Object.entries(v)) t.is(o.verdict, 'pass', id);
  // The ferry answers integrity and origin, not confidentiality; the loopback database crosses no network.
  t.deepEqual(v['MP-NC-03']!.objects!.map((o) => o.name), ['console-api']);
  t.deepEqual(v['MP-NC-02']!.objects!.map((o) => o.name), ['console-api', 'gatekeeper-ferry']);
});

test('judgeTransport: standard TLS with a public certificate satisfies 等保 but only partly 密评 (A = 0, K = 0.5)', (t) => {
  const v = judgeTransport([ch({ name: 'console-api', protection: 'tls', gm: false, keys: 'other' }), FERRY]);
  t.is(v['L3-CNS1-07']!.verdict, 'pass');
  t.is(v['L3-CES1-03']!.verdict, 'pass');
  t.is(v['MP-NC-03']!.verdict, 'partial');
  t.deepEqual(v['MP-AD-04']!.objects!.map((o) => [o.d, o.a, o.k]), [[1, 0, 0.5]]);
});

test('judgeTransport: plain HTTP on the network fails, and administrators\' credentials in clear are high risk; an unobserved gateway is 部分符合', (t) => {
  const plain = judgeTransport([ch({ name: 'console-api', protection: 'none', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none' }), FERRY]);
  t.is(plain['L3-CES1-03']!.verdict, 'fail');
  t.is(plain['L3-CES1-03']!.risk, 'high');
  t.is(plain['MP-DC-02']!.verdict, 'fail');
  t.is(plain['L3-CNS1-06']!.verdict, 'fail');
  const unverified = judgeTransport([ch({ name: 'console-api', protection: 'unverified', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none' }), FERRY]);
  t.is(unverified['L3-CNS1-07']!.verdict, 'partial');
  t.is(unverified['MP-NC-03']!.objects![0]!.d, 0.5);
});

const baseSettings = settingsSchema.parse({});
const noCa: TransportFactsDeps['ca'] = { verifyChain: async () => ({ valid: false, reason: 'not ours', chain: [] }), serviceIdentities: async () => [{ zone: 'liangcheng-dmz', name: 'ferry', certificate_id: 'c' }] as never };
const flows = () => [{ id: 'internet-audit-logs', from: 'internet', to: 'dmz' }];
const signal = new AbortController().signal;

test('transportFacts: the embedded default is a loopback console with an undeclared front, an in-process database and the signed ferry', async (t) => {
  const cs = await transportFacts({ settings: baseSettings, ca: noCa, ferryFlows: flows })(signal);
  t.deepEqual(cs.map((c) => [c.name, c.exposure, c.protection]), [['console-api', 'network', 'unverified'], ['database', 'in-process', 'none'], ['gatekeeper-ferry', 'network', 'signed-file']]);
  t.is(cs[2]!.keys, 'own-ca');
});

test('transportFacts: listeners in the settings appear with their protection; a public HTTP origin is plain', async (t) => {
  const settings = settingsSchema.parse({
    HOST: '0.0.0.0', YIYUN_PUBLIC_ORIGIN: 'http://yiyun.example', YIYUN_SYSLOG_UDP_PORT: '514', YIYUN_BASTION_SSH_PORT: '2222', YIYUN_DBAUDIT_PG_LISTEN: '0.0.0.0:6432',
    YIYUN_DBAUDIT_PG_UPSTREAM: '10.20.1.5:5432', YIYUN_DBAUDIT_UPSTREAM_TLS: 'require', DATABASE_URL: 'postgres://y@10.20.1.5:5432/y?sslmode=verify-full',
  });
  const cs = await transportFacts({ settings, ca: noCa, ferryFlows: () => [] })(signal);
  const by = Object.fromEntries(cs.map((c) => [c.name, c]));
  t.is(by['console-api']!.protection, 'none');
  t.is(by['syslog-udp']!.protection, 'none');
  t.is(by['bastion-ssh']!.protection, 'ssh');
  t.false(by['bastion-ssh']!.gm);
  t.is(by['dbaudit-pg-upstream']!.protection, 'tls');
  t.is(by['database']!.protection, 'tls');
  t.true(by['database']!.peerAuth);
  t.false('gatekeeper-ferry' in by);
  const v = judgeTransport(cs);
  t.is(v['L3-CNS1-07']!.verdict, 'fail');
});

function selfSignedCert(dir: string): { key: string; cert: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  return { key: readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'c.pem'), 'utf8') };
}

test('a real handshake with an https origin records the protocol, the suite and that the certificate is not from our CA', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-tls-'));
  const pair = selfSignedCert(dir);
  const server = tls.createServer(pair, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const settings = settingsSchema.parse({ YIYUN_PUBLIC_ORIGIN: `https://127.0.0.1:${port}` });
    const check = tlsCheck({ channels: transportFacts({ settings, ca: noCa, ferryFlows: () => [] }) });
    const r = await check.run({ now: new Date(), signal });
    const result = Array.isArray(r) ? r[0]! : r;
    const console = (result.evidence.channels as TransportChannel[]).find((c) => c.name === 'console-api')!;
    t.is(console.protection, 'tls');
    t.regex(String(console.detail.protocol), /^TLSv1\.[23]$/);
    t.false(console.gm);
    t.is(console.keys, 'other');
    t.is(result.perItem!['L3-CNS1-07']!.verdict, 'pass');
    t.is(result.perItem!['MP-NC-03']!.verdict, 'partial');
    t.false((await nodeHandshake(new URL(`https://127.0.0.1:${port}`), AbortSignal.abort())).ok);
    // Once nothing listens, the handshake fails and the channel stays unverified, never "protected".
    await new Promise((r) => server.close(r));
    const gone = await transportFacts({ settings, ca: noCa, ferryFlows: () => [] })(signal);
    t.is(gone[0]!.protection, 'unverified');
    t.regex(String(gone[0]!.detail.handshake), /ECONNREFUSED/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('authFactorFacts counts second factors per group; disabled accounts do not count', (t) => {
  const row = (login: string, roles: string[], over: Partial<AccountRow> = {}) => ({ login_id: login, roles, status: 'active', password_hash: 'pbkdf2-sm3$1$a$b', mfa_enrolled_at: null, totp_secret_sealed: null, otp_token_serial: null, otp_token_seed_sealed: null, ...over }) as AccountRow;
  const f = authFactorFacts(
    [
      row('admin', ['sysadmin'], { mfa_enrolled_at: new Date(), totp_secret_sealed: 's' }),
      // registerOtpToken always sets mfa_enrolled_at with the seed: only then does login ask for the token.
      row('sec', ['secadmin'], { mfa_enrolled_at: new Date(), otp_token_serial: 'T1', otp_token_seed_sealed: 's' }),
      row('m', ['tenant-member']),
      row('gone', ['sysadmin'], { status: 'disabled', otp_token_serial: 'T2', otp_token_seed_sealed: 's' }),
    ],
    'local-file',
  );
  t.deepEqual(f.groups, [
    { name: '管理员', active: 2, withTotp: 1, withSm3Otp: 1, passwordPbkdf2Sm3: 2 },
    { name: '其他用户', active: 1, withTotp: 0, withSm3Otp: 0, passwordPbkdf2Sm3: 1 },
  ]);
});

test('authFactorFacts counts one usable factor per account: SM3 over TOTP, nothing without enrolment or seed', (t) => {
  const row = (login: string, over: Partial<AccountRow> = {}) => ({ login_id: login, roles: ['sysadmin'], status: 'active', password_hash: 'pbkdf2-sm3$1$a$b', mfa_enrolled_at: null, totp_secret_sealed: null, otp_token_serial: null, otp_token_seed_sealed: null, ...over }) as AccountRow;
  const f = authFactorFacts(
    [
      row('both', { mfa_enrolled_at: new Date(), totp_secret_sealed: 's', otp_token_serial: 'T1', otp_token_seed_sealed: 's' }),
      row('serial-only', { mfa_enrolled_at: new Date(), otp_token_serial: 'T2' }),
      row('not-enrolled', { otp_token_serial: 'T3', otp_token_seed_sealed: 's', totp_secret_sealed: 's' }),
    ],
    'none',
  );
  t.deepEqual(f.groups[0], { name: '管理员', active: 3, withTotp: 0, withSm3Otp: 1, passwordPbkdf2Sm3: 3 });
});
