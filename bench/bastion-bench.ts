/**
 * Bastion throughput and memory: 100 MB over exec `cat`, SCP (legacy protocol, `scp -O`) and SFTP with the real
 * OpenSSH clients, direct to a loopback sshd vs through the yiyun SSH gateway (operator login with password + TOTP,
 * a grant, recordings and transfer digests on), and the gateway's memory for 200 concurrent idle pty sessions.
 * Both paths use one multiplexed OpenSSH master connection (ControlMaster) so each transfer is one channel, as
 * an operator's client does; the clients run in their own processes. Targets: exec and SFTP ≥ 0.8 × direct;
 * ≤ 200 KB per idle session.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { freePort, startTestSshd } from '../security/bastion/sshd-testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../test/support/test-server';
import { totpAt } from '../core/crypto';
import type { BenchModule } from './run';

const MB = Number(process.env.BENCH_BASTION_MB ?? 100);
const ROUNDS = Number(process.env.BENCH_BASTION_ROUNDS ?? 2);
const IDLE = Number(process.env.BENCH_BASTION_IDLE ?? 200);
const IDLE_PER_CONNECTION = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const devnull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'], env });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      closeSync(devnull);
      return code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args.join(' ')} → ${code}: ${err.slice(-400)}`));
    });
  });
}

type Master = { sock: string; stop(): void };

/** An OpenSSH master connection (ControlMaster); later ssh/scp/sftp commands reuse it through `sock`. */
async function master(dir: string, name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Master> {
  const sock = path.join(dir, `${name}.sock`);
  const common = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', `ControlPath=${sock}`];
  const child = spawn('ssh', [...common, '-o', 'ControlMaster=yes', '-N', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      execFileSync('ssh', [...common, '-O', 'check', 'x'], { stdio: 'ignore' });
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`ssh master ${name} did not come up: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { sock, stop: () => void child.kill('SIGTERM') };
}

function gcNow() {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

export const bastionBench: BenchModule = {
  name: 'bastion',
  description: `SSH gateway: ${MB} MB over exec cat / scp / sftp direct vs through the gateway; ${IDLE} idle sessions' memory`,
  async run() {
    const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-bastion-bench-'));
    chmodSync(dir, 0o700);
    const sshd = await startTestSshd();
    const gwPort = await freePort();
    const server = await startTestServer('postgres', { YIYUN_BASTION_SSH_PORT: String(gwPort) });
    const masters: Master[] = [];
    try {
      // The payload: printable text (what `cat` usually moves; zeros would flatter compression-free paths alike).
      const home = execFileSync('getent', ['passwd', sshd.user]).toString().split(':')[5]!;
      execFileSync('sh', ['-c', `head -c ${Math.ceil((MB * 1024 * 1024 * 3) / 4)} /dev/urandom | base64 -w 76 | head -c ${MB * 1024 * 1024} > ${home}/blob.txt && chown ${sshd.user} ${home}/blob.txt`]);

      const admin = new ApiClient(server.url);
      await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Root#Changed2026x');
      const asset = await admin.post('/api/bastion/assets', { name: 'bench01', address: '127.0.0.1', port: sshd.port, folder: '/bench/' });
      if (asset.status !== 201) throw new Error(JSON.stringify(asset.body));
      const acc = await admin.post(`/api/bastion/assets/${asset.body.id}/accounts`, { username: sshd.user, authKind: 'key', secret: sshd.privateKey });
      if (acc.status !== 201) throw new Error(JSON.stringify(acc.body));
      const operators: Array<{ login: string; password: string; secret: string }> = [];
      const connections = 1 + Math.ceil(IDLE / IDLE_PER_CONNECTION);
      for (let i = 0; i < connections; i++) {
        const login = `benchop${i}`;
        const r = await admin.post('/api/accounts', { loginId: login, displayName: login, roles: ['assessor'] });
        if (r.status !== 201) throw new Error(JSON.stringify(r.body));
        const password = `Bench#${i}Strong2026x`;
        const c = new ApiClient(server.url);
        let { secret } = await loginThroughFirstSteps(c, login, r.body.initialPassword as string, password);
        if (!secret) {
          // Roles whose console login needs no MFA enrol here: the bastion always asks for it.
          secret = (await c.post('/api/auth/mfa/totp/setup')).body.secret as string;
          const ok = await c.post('/api/auth/mfa/totp/confirm', { code: totpAt({ secretBase32: secret }) });
          if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
        }
        const g = await admin.post('/api/bastion/grants', { operatorLogin: login, folder: '/bench/', accountUsername: sshd.user, validUntil: new Date(Date.now() + 3_600_000).toISOString() });
        if (g.status !== 201) throw new Error(JSON.stringify(g.body));
        operators.push({ login, password, secret });
      }

      // Direct: the target account's key. Gateway: password + OTP answered by an askpass script (two prompts).
      const keyFile = path.join(dir, 'id_target');
      writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
      const op = operators[0]!;
      writeFileSync(path.join(dir, 'pw'), op.password, { mode: 0o600 });
      writeFileSync(path.join(dir, 'otp'), totpAt({ secretBase32: op.secret }, Date.now() + 30_000), { mode: 0o600 });
      writeFileSync(path.join(dir, 'askpass'), `#!/bin/sh\ncase "$1" in *OTP*) cat ${dir}/otp;; *) cat ${dir}/pw;; esac\n`, { mode: 0o700 });
      const askEnv = { ...process.env, SSH_ASKPASS: path.join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
      const direct = await master(dir, 'direct', ['-i', keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'PasswordAuthentication=no', '-p', String(sshd.port), '-l', sshd.user, '127.0.0.1'], process.env);
      masters.push(direct);
      const gw = await master(dir, 'gateway', ['-o', 'PreferredAuthentications=keyboard-interactive', '-o', 'PubkeyAuthentication=no', '-p', String(gwPort), '-l', `${op.login}/${sshd.user}@bench01`, '127.0.0.1'], askEnv);
      masters.push(gw);

      const mux = (m: Master) => ['-o', `ControlPath=${m.sock}`, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
      const batch = path.join(dir, 'sftp.batch');
      writeFileSync(batch, 'get blob.txt /dev/null\n');
      const kinds = {
        exec: (m: Master) => run('ssh', [...mux(m), 'x', 'cat blob.txt']),
        scp: (m: Master) => run('scp', ['-O', ...mux(m), 'x:blob.txt', '/dev/null']),
        sftp: (m: Master) => run('sftp', [...mux(m), '-b', batch, 'x']),
      };
      const rows: Array<Record<string, string | number | boolean | null>> = [];
      // Idle sessions first (before 100 MB transfers leave freed memory in RSS): the gateway runs in this process,
      // the clients in a child.
      gcNow();
      const before = process.memoryUsage();
      const child = spawn(process.execPath, ['--import=tsx', path.join(__dirname, 'support', 'bastion-idle-clients.ts')], { stdio: ['pipe', 'pipe', 'pipe'] });
      let childErr = '';
      child.stderr.on('data', (d: Buffer) => (childErr += d));
      const ready = new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          if (new RegExp(`ready ${IDLE}\\b`).test(out)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`idle clients exited (${code}): ${childErr.slice(-400)}`)));
        setTimeout(() => reject(new Error(`idle sessions not up in 180 s: ${out.slice(-200)} ${childErr.slice(-200)}`)), 180_000).unref();
      });
      let left = IDLE;
      for (const o of operators.slice(1)) {
        const n = Math.min(IDLE_PER_CONNECTION, left);
        left -= n;
        if (n > 0) child.stdin.write(`${JSON.stringify({ port: gwPort, user: `${o.login}/${sshd.user}@bench01`, password: o.password, secret: o.secret, perConnection: n })}\n`);
      }
      await ready;
      await new Promise((r) => setTimeout(r, 2000));
      gcNow();
      const after = process.memoryUsage();
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
      const rssPer = (after.rss - before.rss) / IDLE / 1024;
      const heapPer = (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE / 1024;
      const idleRows = [] as typeof rows;
      // The process's RSS already holds what the 100 MB transfers left behind, so its growth can read below zero;
      // the target is judged on the larger of the two measures.
      const perSession = Math.max(rssPer, heapPer);
      idleRows.push({ measure: `${IDLE} idle sessions: gateway RSS growth per session`, value: rssPer, unit: 'KB', ratio: null, target: null, met: null });
      idleRows.push({ measure: `${IDLE} idle sessions: JS heap + external per session`, value: heapPer, unit: 'KB', ratio: null, target: null, met: null });
      idleRows.push({ measure: `${IDLE} idle sessions: memory per session (larger of the two)`, value: perSession, unit: 'KB', ratio: null, target: '≤ 200', met: perSession <= 200 });
      const perRound: string[] = [];
      let met = perSession <= 200;
      for (const [kind, f] of Object.entries(kinds)) {
        const ratios: number[] = [];
        const dMs: number[] = [];
        const gMs: number[] = [];
        // Alternating direct / gateway in rounds: the machine is shared, load moves both alike.
        for (let r = 0; r < ROUNDS; r++) {
          const d = await f(direct);
          const g = await f(gw);
          dMs.push(d);
          gMs.push(g);
          ratios.push(d / g);
        }
        const ratio = median(ratios);
        const target = kind === 'scp' ? null : 0.8;
        if (target !== null && ratio < target) met = false;
        rows.push({ measure: `${kind} ${MB} MB direct`, value: (MB / median(dMs)) * 1000, unit: 'MB/s', ratio: 1, target: null, met: null });
        rows.push({ measure: `${kind} ${MB} MB via gateway`, value: (MB / median(gMs)) * 1000, unit: 'MB/s', ratio, target: target === null ? '(none)' : `≥ ${target.toFixed(2)}`, met: target === null ? null : ratio >= target });
        perRound.push(`${kind}: ${ratios.map((x) => x.toFixed(2)).join(' / ')}`);
      }

      return {
        columns: ['measure', 'value', 'unit', 'ratio', 'target', 'met'],
        rows: [...rows, ...idleRows],
        notes: [
          `${ROUNDS} alternating rounds per transfer kind, median; ratio = direct time / gateway time; per round: ${perRound.join('; ')}`,
          `idle sessions: ${IDLE} pty shells over ${Math.ceil(IDLE / IDLE_PER_CONNECTION)} operator connections (${IDLE_PER_CONNECTION} channels each), each with its own upstream channel and recording file`,
          `load average before / after: ${loadBefore} / ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        ],
        targetsMet: met,
      };
    } finally {
      for (const m of masters) m.stop();
      await server.cleanup();
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
