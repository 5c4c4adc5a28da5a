import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import { auditModule, createAuditTrail, signerFromKeyPair } from '../../../core/audit';
import { systemActor } from '../../../core/authz';
import { generateSm2KeyPair } from '../../../core/crypto';
import { createTestDatabase } from '../../../core/db/testing';
import { ConflictError } from '../../../core/errors';
import { createLogAudit, logAuditModule } from '../index';
import { createArchiveService, directoryStore } from './archive-service';
import { sftpStore } from './sftp-store';

const pair = generateSm2KeyPair();
const signer = signerFromKeyPair('zone-key', pair.privateKey, pair.publicKey);
const actor = { ...systemActor('t'), kind: 'account' as const, loginId: 'sec', roles: ['secadmin'] };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A real OpenSSH server on a loopback port, root login by key only, SFTP into a scratch directory. */
async function startSshd(dir: string): Promise<{ port: number; key: Buffer; proc: ChildProcess }> {
  mkdirSync('/run/sshd', { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const cfg = path.join(dir, 'sshd_config');
  writeFileSync(cfg, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_key')}`, `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password',
    'UsePAM no', 'StrictModes no', 'Subsystem sftp internal-sftp', '',
  ].join('\n'));
  const proc = spawn('/usr/sbin/sshd', ['-D', '-f', cfg, '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' });
  const end = Date.now() + 5000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const c = require('node:net').connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); r(true); });
      c.once('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > end) throw new Error('sshd did not start');
    await new Promise((r) => setTimeout(r, 30));
  }
  return { port, key: readFileSync(path.join(dir, 'client_key')), proc };
}

test.serial('a closed day is archived (gzip NDJSON, SM3, SM2-signed manifest), shipped to a real OpenSSH server over SFTP, dropped, and restored for search', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-sftp-'));
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const trail = createAuditTrail({ db: d.db, signer, checkpointEvery: 1000 });
  const la = createLogAudit({ db: d.db, audit: trail, tenants: { exists: async () => true } });
  const sshd = await startSshd(dir);
  try {
    await la.init();
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const lines = Array.from({ length: 300 }, (_, i) => `<86>1 ${day}T0${i % 10}:00:00Z db01 sshd 9 - - Failed password for u${i % 7} from 198.51.100.${i % 50} port ${1000 + i} ssh2`);
    await la.pipeline.submit(lines.map((line) => ({ line, sourceId: null, tenantId: null, parser: 'auto', peerIp: null, receivedAt: new Date() })));
    const remoteDir = path.join(dir, 'archive');
    const archive = createArchiveService({ db: d.db, audit: trail, signer, events: la.events, remote: sftpStore({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.key, directory: remoteDir }) });
    const m = await archive.archiveDay(day, actor);
    t.is(m.events, 300);
    t.deepEqual(readdirSync(remoteDir).sort(), [`logaudit-${day}.ndjson.gz`, `logaudit-${day}.ndjson.gz.manifest.json`]);
    t.true(await archive.isArchived(day));
    const listed = (await archive.list()).items.find((x) => x.day === day);
    t.like(listed, { events: 300, sm3: m.sm3, keyId: signer.keyId, signature: 'valid' });
    // A recorded digest that no longer matches its signed manifest shows as invalid.
    await sql`update logaudit.archives set sm3 = ${'0'.repeat(64)} where day = ${day}::date`.execute(d.db);
    t.is((await archive.list()).items.find((x) => x.day === day)!.signature, 'invalid');
    await sql`update logaudit.archives set sm3 = ${m.sm3} where day = ${day}::date`.execute(d.db);
    await t.throwsAsync(archive.archiveDay(new Date().toISOString().slice(0, 10), actor), { instanceOf: ConflictError });

    // Drop the day as retention would, then bring it back from the SFTP server.
    await sql.raw(`drop table logaudit.events_${day.replace(/-/g, '')}`).execute(d.db);
    la.events.forgetDay(day);
    const gone = await sql<{ n: number }>`select count(*)::int as n from logaudit.events where raw like '%Failed password for u%'`.execute(d.db);
    t.is(gone.rows[0]!.n, 0);
    const res = await archive.restoreDay(actor, day);
    t.deepEqual(res, { restored: 300, skipped: 0 });
    const back = await la.search.search(actor, { filters: [{ field: 'user.name', op: 'eq', value: 'u3', negate: false, disabled: false }], sort: '@timestamp', order: 'desc', offset: 0, limit: 5 } as never);
    t.true(back.total > 0);
    t.is((await archive.restoreDay(actor, day)).skipped, 300, 'restoring twice loads nothing twice');

    // A tampered archive or a manifest signed by another key is refused before anything loads.
    const file = path.join(remoteDir, `logaudit-${day}.ndjson.gz`);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 1])]));
    await t.throwsAsync(archive.restoreDay(actor, day), { instanceOf: ConflictError, message: /SM3/ });
    writeFileSync(file, good);
    const other = generateSm2KeyPair();
    await t.throwsAsync(archive.restoreDay(actor, day, other.publicKey), { instanceOf: ConflictError, message: /SM2/ });
    const actions = (await trail.search({ action: 'log_archive', offset: 0, limit: 10 })).items.map((r) => r.action).sort();
    t.deepEqual(actions, ['log_archive.created', 'log_archive.restored', 'log_archive.restored']);
  } finally {
    sshd.proc.kill('SIGTERM');
    await la.stop();
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory store serves as local remote storage', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-arch-'));
  const s = directoryStore(dir);
  await s.put('a', Buffer.from('x'));
  t.is((await s.get('a')).toString(), 'x');
  rmSync(dir, { recursive: true, force: true });
});
