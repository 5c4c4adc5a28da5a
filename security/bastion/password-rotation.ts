import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Client } from 'ssh2';
import type { AuditTrail } from '../../core/audit';
import type { AuditEntry } from '../../core/audit/audit-types';
import type { Actor } from '../../core/authz';
import { NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { AssetAccountRow, AssetRow, BastionDal } from './bastion-dal';
import type { SecretSealer } from './bastion-service';
import { createPasswordRotationDal, type PasswordJobRow } from './password-rotation-dal';
import { generatePassword, rotationScript } from './password-rotation-fns';

export type PasswordRotationDeps = { db: Kysely<any>; dal: Pick<BastionDal, 'findAccountById' | 'findAsset' | 'listAccounts' | 'updateAccount' | 'updateAsset'>; audit: Pick<AuditTrail, 'record'>; sealer: SecretSealer; logger: Logger };

const SYSTEM: AuditEntry['actor'] = { kind: 'system', accountId: null, loginId: 'system:bastion-rotation', roles: ['system'], tenantId: null, sourceIp: null };
const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
const jobOut = (j: PasswordJobRow) => ({ id: j.id, accountId: j.account_id, assetId: j.asset_id, username: j.username, osType: j.os_type, trigger: j.trigger, requestedBy: j.requested_by, script: j.script, status: j.status, error: j.error, startedAt: j.started_at, finishedAt: j.finished_at });

/** Runs `command` over SSH as the admin account with `stdin`, checking the asset's pinned host key; resolves the exit code. */
function runOverSsh(asset: AssetRow, admin: AssetAccountRow, secret: string, command: string, stdin: string): Promise<{ code: number | null; stderr: string; hostKey: string }> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let hostKey = '';
    c.once('error', reject);
    c.once('ready', () => {
      c.exec(command, (err, ch) => {
        if (err) return (c.end(), reject(err));
        let stderr = '';
        let code: number | null = null;
        // Both streams must be read, or the channel never ends and 'close' never comes.
        ch.on('data', () => {});
        ch.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, 2000)));
        ch.on('exit', (x: number | null) => (code = x));
        ch.on('close', () => (c.end(), resolve({ code, stderr: stderr.trim(), hostKey })));
        ch.end(stdin);
      });
    });
    c.connect({
      host: asset.address, port: asset.port, username: admin.username, readyTimeout: 10_000,
      ...(admin.auth_kind === 'key' ? { privateKey: secret } : { password: secret }),
      // Same rule as the gateway: a pinned host key must match; an unpinned one is pinned by this job.
      hostVerifier: (key: Buffer) => {
        hostKey = fingerprint(key);
        return !asset.host_key_sha256 || asset.host_key_sha256 === hostKey;
      },
    });
  });
}

/**
 * Password-change jobs: an account's password is replaced by a fresh random one through its OS type's script, run
 * over the asset's rotation-admin credential; the sealed secret is updated only after the script succeeded. Every
 * job is a row and an audit record. Windows scripts are declared (recorded) but not executed from here.
 */
export function createPasswordRotation(deps: PasswordRotationDeps) {
  const { db, dal, audit, logger } = deps;
  const jobs = createPasswordRotationDal(db);

  async function rotate(accountId: string, trigger: 'schedule' | 'manual', actor: AuditEntry['actor']) {
    const account = await dal.findAccountById(accountId);
    const asset = account ? await dal.findAsset(account.asset_id) : undefined;
    if (!account || !asset) throw new NotFoundError('no such account', { code: 'bastion.account_not_found' });
    const admin = (await dal.listAccounts(asset.id)).find((a) => a.rotation_admin) ?? null;
    const script = rotationScript(asset.os_type, admin?.username ?? 'root');
    const base = { account_id: account.id, asset_id: asset.id, tenant_id: asset.tenant_id, username: account.username, os_type: asset.os_type, trigger, requested_by: actor.loginId ?? 'system', script: script.text };
    const finishJob = async (job: PasswordJobRow, status: PasswordJobRow['status'], error: string | null, sealed?: string, pinHostKey?: string) =>
      db.transaction().execute(async (tx) => {
        if (sealed) await dal.updateAccount(account.id, { secret_sealed: sealed, last_rotated_at: new Date() }, tx);
        if (pinHostKey) await dal.updateAsset(asset.id, { host_key_sha256: pinHostKey }, tx);
        const done = await jobs.updateJob(job.id, { status, error, finished_at: new Date() }, tx);
        await audit.record({ actor, action: status === 'succeeded' ? 'bastion_account.password_rotated' : status === 'declared' ? 'bastion_account.password_rotation_declared' : 'bastion_account.password_rotation_failed', target: { type: 'bastion_account', id: account.id }, detail: { jobId: job.id, asset: asset.name, username: account.username, trigger, error }, tenantId: asset.tenant_id }, tx);
        return jobOut(done);
      });

    if (!script.runnable || account.auth_kind !== 'password') {
      const job = await jobs.insertJob({ ...base, status: 'running', error: null, finished_at: null });
      const why = account.auth_kind !== 'password' ? 'only password accounts are rotated' : null;
      return finishJob(job, why ? 'failed' : 'declared', why ?? (asset.os_type === 'windows' ? 'declared: run the PowerShell script on the host (not executable from here)' : 'no script for this OS type'));
    }
    if (!admin) {
      const job = await jobs.insertJob({ ...base, status: 'running', error: null, finished_at: null });
      return finishJob(job, 'failed', 'the asset has no rotation-admin account');
    }
    const job = await jobs.insertJob({ ...base, status: 'running', error: null, finished_at: null });
    const password = generatePassword();
    try {
      const out = await runOverSsh(asset, admin, deps.sealer.open(admin.secret_sealed).toString('utf8'), script.command, script.stdin(account.username, password));
      if (out.code !== 0) return finishJob(job, 'failed', `${script.command} exited ${out.code}: ${out.stderr.slice(0, 300)}`);
      return finishJob(job, 'succeeded', null, deps.sealer.seal(Buffer.from(password, 'utf8')), asset.host_key_sha256 ? undefined : out.hostKey);
    } catch (err) {
      logger.warn({ err, asset: asset.name }, 'bastion: password change failed');
      return finishJob(job, 'failed', err instanceof Error ? err.message.slice(0, 300) : 'connection failed');
    }
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    /** Rotates one account now (an operator's request); tenant actors reach only their tenant's accounts. */
    async rotateNow(actor: Actor, assetId: string, accountId: string) {
      const account = await dal.findAccountById(accountId);
      const asset = await dal.findAsset(assetId);
      if (!account || !asset || account.asset_id !== asset.id || (actor.tenantId && asset.tenant_id !== actor.tenantId)) throw new NotFoundError('no such account', { code: 'bastion.account_not_found' });
      return rotate(accountId, 'manual', { kind: 'account', accountId: actor.accountId, loginId: actor.loginId, roles: actor.roles, tenantId: actor.tenantId, sourceIp: null });
    },
    /** Runs every due account once (the scheduler's tick); returns the jobs. */
    async runDue() {
      const out = [];
      for (const id of await jobs.dueAccountIds()) out.push(await rotate(id, 'schedule', SYSTEM));
      return out;
    },
    async listJobs(actor: Actor, q: { offset: number; limit: number; accountId?: string }) {
      const { rows, total } = await jobs.listJobs({ ...q, tenantId: actor.tenantId });
      return { items: rows.map(jobOut), total };
    },
    /** Checks for due accounts every `everyMs` (default hourly). */
    start(everyMs = 3_600_000) {
      timer = setInterval(() => void this.runDue().catch((err: unknown) => logger.error({ err }, 'bastion: password rotation tick failed')), everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
export type PasswordRotation = ReturnType<typeof createPasswordRotation>;
