import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { sm3Hex } from '../../core/crypto';
import { TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { parseCertificate } from '../../security/crypto/ca/x509-fns';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/yiyun.js');
type Failed = { code: number; stdout: string; stderr: string };

/**
 * `yiyun ferry` across the gatekeeper, two processes and two databases as two zones would have: the internet zone
 * exports its audit trail; the DMZ, once it trusts the internet zone's root CA, rejects a tampered copy (quarantined,
 * exit 3) and imports the genuine bundle (exit 0); a replay of it is quarantined too.
 */
test.serial('yiyun ferry export (internet zone) and import (DMZ): signed bundle imported, tampered and replayed ones quarantined', async (t) => {
  t.timeout(600_000);
  const stamp = `${process.pid}_${Date.now().toString(36)}`;
  const names = { internet: `yiyun_t_fi_${stamp}`, dmz: `yiyun_t_fd_${stamp}` };
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  for (const n of Object.values(names)) await admin.query(`create database ${n}`);
  const urlOf = (n: string) => {
    const u = new URL(TEST_POSTGRES_ADMIN_URL);
    u.pathname = `/${n}`;
    return u.toString();
  };
  const work = mkdtempSync(path.join(tmpdir(), 'yiyun-ferry-'));
  const base = { ...process.env, YIYUN_LOG_LEVEL: 'silent', YIYUN_ADMIN_PASSWORD: 'Boot#Strap2026x' };
  const internet = { ...base, DATABASE_URL: urlOf(names.internet), YIYUN_DATA_DIR: path.join(work, 'internet'), YIYUN_ZONE: 'liangcheng-internet' };
  const dmz = { ...base, DATABASE_URL: urlOf(names.dmz), YIYUN_DATA_DIR: path.join(work, 'dmz'), YIYUN_ZONE: 'liangcheng-dmz' };
  const outbox = path.join(work, 'outbox');
  const q = async (db: string, sql: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: urlOf(db) });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  };
  try {
    // The internet zone exports: a signed bundle with sequence 1.
    const exp = await run('node', [BIN, 'ferry', 'export', '--flow', 'internet-audit-logs', '--out', outbox, '--json'], { env: internet });
    const bundle = JSON.parse(exp.stdout) as { path: string; sequence: number; flow: string; direction: string; files: Array<{ name: string; sm3: string }> };
    t.is(bundle.sequence, 1);
    t.is(bundle.direction, 'out');
    t.deepEqual(readdirSync(bundle.path).sort(), ['manifest.json', 'manifest.sig.json', 'payload']);
    t.regex(bundle.files[0]!.name, /^audit-1-\d+\.ndjson$/);
    // A flow that leaves the other zone is refused here (exit 1).
    const wrong = (await t.throwsAsync(() => run('node', [BIN, 'ferry', 'export', '--flow', 'dmz-config', '--out', outbox], { env: internet }))) as unknown as Failed;
    t.is(wrong.code, 1);
    t.regex(wrong.stderr, /leaves zone dmz/);

    // The DMZ starts once (nothing to import), then trusts the internet zone's root, as an operator does through
    // POST /api/ca/trusted-roots with the root carried over on paper or media.
    const incoming = path.join(work, 'incoming');
    const replays = path.join(work, 'replays');
    mkdirSync(incoming);
    cpSync(bundle.path, path.join(replays, 'keep'), { recursive: true });
    const first = await run('node', [BIN, 'ferry', 'import', '--dir', incoming], { env: dmz });
    t.regex(first.stdout, /nothing to import/);
    const [root] = await q(names.internet, `select certificate from crypto.authorities where zone = 'liangcheng-internet' and kind = 'root'`);
    await q(names.dmz, 'insert into crypto.trusted_roots (fingerprint, zone, certificate) values ($1, $2, $3)', [sm3Hex(parseCertificate(root.certificate).der), 'liangcheng-internet', root.certificate]);

    // A tampered copy is quarantined with the reason, exit 3.
    const tampered = path.join(incoming, 'tampered');
    cpSync(bundle.path, tampered, { recursive: true });
    writeFileSync(path.join(tampered, 'payload', bundle.files[0]!.name), '{"forged":true}\n');
    const bad = (await t.throwsAsync(() => run('node', [BIN, 'ferry', 'import', '--bundle', tampered], { env: dmz }))) as unknown as Failed;
    t.is(bad.code, 3);
    t.regex(bad.stderr, /QUARANTINED tampered: .*altered/);

    // The genuine bundle verifies (signature, chain to the trusted root, whitelist, digests, sequence) and is imported.
    const ok = await run('node', [BIN, 'ferry', 'import', '--bundle', bundle.path, '--json'], { env: dmz });
    const outcome = JSON.parse(ok.stdout) as { status: string; flow: string; sequence: number; location: string };
    t.is(outcome.status, 'imported');
    t.is(outcome.flow, 'internet-audit-logs');
    t.is(outcome.sequence, 1);
    t.deepEqual(readdirSync(path.join(outcome.location, 'payload')), [bundle.files[0]!.name]);

    // Replaying it (the kept copy) is quarantined.
    const replay = (await t.throwsAsync(() => run('node', [BIN, 'ferry', 'import', '--dir', replays, '--json'], { env: dmz }))) as unknown as Failed;
    t.is(replay.code, 3);
    const lines = replay.stdout.trim().split('\n').map((l) => JSON.parse(l) as { bundle: string; status: string; reason: string | null });
    t.true(lines.some((l) => l.bundle === 'keep' && l.status === 'quarantined' && /replayed sequence 1/.test(l.reason ?? '')), replay.stdout);

    const rows = await q(names.dmz, `select status, reason from crypto.ferry_transfers where direction = 'in' order by created_at`);
    t.deepEqual(rows.map((r) => r.status).slice(0, 2), ['quarantined', 'imported']);
  } finally {
    for (const n of Object.values(names)) await admin.query(`drop database if exists ${n} with (force)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
});
