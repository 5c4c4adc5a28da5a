import test from 'ava';
import { Client } from 'ssh2';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import type { Actor } from '../../core/authz';
import { createBastionDal } from './bastion-dal';
import { createPasswordRotation } from './password-rotation';
import { generatePassword, rotationScript } from './password-rotation-fns';
import { startTestSshd, type TestSshd } from './sshd-testing';
import { bastionModule } from './index';

// The Linux path against a real OpenSSH target: chpasswd over the sealed root key, then the new password logs in.
type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let sshd: TestSshd;
const audits: Array<{ action: string; detail?: unknown }> = [];
// A reversible stand-in for the SM4 sealer (the real one is core/crypto's, wired by the server).
const sealer = { seal: (b: Buffer) => `t:${b.toString('base64')}`, open: (s: string) => Buffer.from(s.slice(2), 'base64') };
const actor = { accountId: '00000000-0000-4000-8000-000000000001', loginId: 'sysadmin', roles: ['sysadmin'], tenantId: null, permissions: [] } as unknown as Actor;

test.before(async () => {
  database = await createTestDatabase('postgres', [bastionModule()]);
  sshd = await startTestSshd({ rootKey: true, passwordAuth: true });
});
test.after.always(async () => {
  await sshd?.stop();
  await database?.close();
});

const loginWithPassword = (user: string, password: string) =>
  new Promise<boolean>((resolve) => {
    const c = new Client();
    c.once('ready', () => (c.end(), resolve(true)));
    c.once('error', () => resolve(false));
    c.connect({ host: '127.0.0.1', port: sshd.port, username: user, password, readyTimeout: 5000, tryKeyboard: false });
  });

test.serial('a Linux account password is changed by chpasswd over the rotation-admin credential, logged and audited', async (t) => {
  const dal = createBastionDal(database.db);
  const rot = createPasswordRotation({ db: database.db, dal, audit: { record: async (e: any) => void audits.push({ action: e.action, detail: e.detail }) } as any, sealer, logger: createLogger({ level: 'silent' }) });
  const asset = await dal.insertAsset({ tenant_id: null, name: 'his-db-1', address: '127.0.0.1', port: sshd.port, os_type: 'linux', folder: '/', encoding: 'utf-8', host_key_sha256: null, enabled: true });
  await dal.insertAccount({ asset_id: asset.id, username: 'root', auth_kind: 'key', secret_sealed: sealer.seal(Buffer.from(sshd.rootPrivateKey!)), rotate_every_days: null, last_rotated_at: null, rotation_admin: true });
  const acc = await dal.insertAccount({ asset_id: asset.id, username: sshd.user, auth_kind: 'password', secret_sealed: sealer.seal(Buffer.from('Old#Pass2026')), rotate_every_days: 30, last_rotated_at: null });
  t.false(await loginWithPassword(sshd.user, 'Old#Pass2026'));

  // The scheduler's tick finds the account due (never rotated) and runs the job.
  const jobs = await rot.runDue();
  t.is(jobs.length, 1);
  const job = jobs[0]!;
  t.is(job.status, 'succeeded', job.error ?? '');
  t.is(job.trigger, 'schedule');
  t.is(job.script, 'echo "<user>:<new password>" | chpasswd');
  const after = (await dal.findAccountById(acc.id))!;
  const newPassword = sealer.open(after.secret_sealed).toString('utf8');
  t.not(newPassword, 'Old#Pass2026');
  t.truthy(after.last_rotated_at);
  t.true(await loginWithPassword(sshd.user, newPassword));
  t.truthy((await dal.findAsset(asset.id))!.host_key_sha256, 'the host key was pinned');
  t.true(audits.some((a) => a.action === 'bastion_account.password_rotated'));
  t.false(JSON.stringify(audits).includes(newPassword), 'the password is in no audit record');
  t.false(JSON.stringify(await rot.listJobs(actor, { offset: 0, limit: 10 })).includes(newPassword));

  // Not due again within its period; a manual rotation changes it again.
  t.deepEqual(await rot.runDue(), []);
  const manual = await rot.rotateNow(actor, asset.id, acc.id);
  t.is(manual.status, 'succeeded');
  const third = sealer.open((await dal.findAccountById(acc.id))!.secret_sealed).toString('utf8');
  t.not(third, newPassword);
  t.true(await loginWithPassword(sshd.user, third));
  t.false(await loginWithPassword(sshd.user, newPassword));
  t.is((await rot.listJobs(actor, { offset: 0, limit: 10, accountId: acc.id })).total, 2);
});

test.serial('a wrong admin credential fails the job and keeps the old secret; Windows scripts are declared, not run', async (t) => {
  const dal = createBastionDal(database.db);
  const rot = createPasswordRotation({ db: database.db, dal, audit: { record: async () => {} } as any, sealer, logger: createLogger({ level: 'silent' }) });
  const asset = await dal.insertAsset({ tenant_id: null, name: 'his-db-2', address: '127.0.0.1', port: sshd.port, os_type: 'linux', folder: '/', encoding: 'utf-8', host_key_sha256: null, enabled: true });
  await dal.insertAccount({ asset_id: asset.id, username: 'root', auth_kind: 'key', secret_sealed: sealer.seal(Buffer.from(sshd.privateKey)), rotate_every_days: null, last_rotated_at: null, rotation_admin: true });
  const acc = await dal.insertAccount({ asset_id: asset.id, username: sshd.user, auth_kind: 'password', secret_sealed: sealer.seal(Buffer.from('Keep#Me2026')), rotate_every_days: null, last_rotated_at: null });
  const failed = await rot.rotateNow(actor, asset.id, acc.id);
  t.is(failed.status, 'failed');
  t.is(sealer.open((await dal.findAccountById(acc.id))!.secret_sealed).toString(), 'Keep#Me2026');

  const win = await dal.insertAsset({ tenant_id: null, name: 'pacs-win', address: '127.0.0.1', port: 5985, os_type: 'windows', folder: '/', encoding: 'utf-8', host_key_sha256: null, enabled: true });
  const wacc = await dal.insertAccount({ asset_id: win.id, username: 'Administrator', auth_kind: 'password', secret_sealed: sealer.seal(Buffer.from('Win#Pass2026')), rotate_every_days: null, last_rotated_at: null });
  const declared = await rot.rotateNow(actor, win.id, wacc.id);
  t.is(declared.status, 'declared');
  t.regex(declared.script, /Set-LocalUser/);
  t.is(sealer.open((await dal.findAccountById(wacc.id))!.secret_sealed).toString(), 'Win#Pass2026');
});

test('generated passwords have four character classes and no shell-special characters', (t) => {
  for (let i = 0; i < 50; i++) {
    const p = generatePassword();
    t.is(p.length, 20);
    for (const re of [/[a-z]/, /[A-Z]/, /[0-9]/, /[#%+\-=@^_]/]) t.regex(p, re);
    t.notRegex(p, /[:'"`$\\\s]/);
  }
  t.is(rotationScript('linux', 'ops').command, 'sudo -n chpasswd');
});
