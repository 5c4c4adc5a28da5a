import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { verifyTotp } from '../../core/crypto';
import { bastionModule, bastionRoutes, createBastionDal, createBastionService, createPasswordRotation, createSshGateway, passwordRotationRoutes, type Operator, type OperatorDirectory } from '../../security/bastion';
import { createIdentityDal, type AccountRow } from '../identity';
import { ipAllowed, timeAllowed } from '../identity/login-restrictions-fns';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../identity/password-fns';
import type { BaseServices, RoomWiring } from './room';

/**
 * The bastion's port to identity. `auth.login` opens console sessions, so the SSH login checks the same things here
 * over the identity DAL: password, lockout (failures counted on the same account), login restrictions (source
 * ranges, time windows) and a TOTP code that is not a replay; it records `auth.login_*` with `{channel: 'ssh'}`.
 */
export function createOperatorDirectory(base: Pick<BaseServices, 'db' | 'audit' | 'accounts' | 'sealer'>, now: () => Date = () => new Date()): OperatorDirectory {
  const dal = createIdentityDal(base.db);
  const toOperator = (a: AccountRow): Operator => ({ accountId: a.id, loginId: a.login_id, roles: a.roles, tenantId: a.tenant_id });
  const actorOf = (a: AccountRow, ip: string | null) => ({ kind: 'account' as const, accountId: a.id, loginId: a.login_id, roles: a.roles, tenantId: a.tenant_id, sourceIp: ip });
  async function fail(a: AccountRow, ip: string | null, reason: string) {
    const policy = await base.accounts.getPolicy();
    await base.db.transaction().execute(async (tx) => {
      const r = (await dal.lockAccount(a.id, tx))!;
      const attempts = r.failed_attempts + 1;
      const lock = attempts >= policy.lockoutThreshold;
      await dal.updateAccount(r.id, lock ? { failed_attempts: 0, locked_until: new Date(now().getTime() + policy.lockoutMinutes * 60_000) } : { failed_attempts: attempts }, tx);
      await base.audit.record({ actor: actorOf(r, ip), action: 'auth.login_failed', target: { type: 'account', id: r.id }, outcome: 'failure', detail: { reason, attempts, channel: 'ssh' } }, tx);
      if (lock) await base.audit.record({ actor: actorOf(r, ip), action: 'account.locked', target: { type: 'account', id: r.id }, detail: { minutes: policy.lockoutMinutes, channel: 'ssh' } }, tx);
    });
    return null;
  }
  const denied = async (a: AccountRow, ip: string | null, reason: string) => {
    await base.audit.record({ actor: actorOf(a, ip), action: 'auth.login_failed', target: { type: 'account', id: a.id }, outcome: 'denied', detail: { reason, channel: 'ssh' } });
    return null;
  };
  return {
    async findByLogin(loginId) {
      const a = await dal.findAccountByLogin(loginId);
      return a && a.status === 'active' ? toOperator(a) : null;
    },
    async verifyLogin({ loginId, password, otp, sourceIp }) {
      const a = await dal.findAccountByLogin(loginId);
      if (!a) {
        await verifyPassword(password, await DUMMY_HASH_PROMISE());
        await base.audit.record({ actor: { kind: 'anonymous', accountId: null, loginId: loginId.slice(0, 254), roles: [], tenantId: null, sourceIp }, action: 'auth.login_failed', target: { type: 'account', id: null }, outcome: 'failure', detail: { reason: 'unknown login id', channel: 'ssh' } });
        return null;
      }
      if (a.locked_until && a.locked_until > now()) return denied(a, sourceIp, 'locked');
      const good = await verifyPassword(password, a.password_hash);
      if (!good || a.status !== 'active') return fail(a, sourceIp, good ? 'account disabled' : 'wrong password');
      if (!ipAllowed(sourceIp, a.allowed_cidrs)) return denied(a, sourceIp, 'source address not allowed');
      if (!timeAllowed(now(), a.allowed_windows)) return denied(a, sourceIp, 'outside the allowed login hours');
      if (a.must_change_password) return denied(a, sourceIp, 'the password must be changed in the console first');
      // The bastion always needs a second factor, whatever the role.
      if (!a.mfa_enrolled_at || !a.totp_secret_sealed) return denied(a, sourceIp, 'no second factor enrolled');
      const step = /^\d{6}$/.test(otp) ? verifyTotp({ secretBase32: base.sealer.open(a.totp_secret_sealed).toString('utf8') }, otp, now().getTime()) : null;
      if (step === null || (a.totp_last_step !== null && step <= Number(a.totp_last_step))) return fail(a, sourceIp, 'wrong second factor');
      await base.db.transaction().execute(async (tx) => {
        await dal.updateAccount(a.id, { failed_attempts: 0, totp_last_step: step, last_login_at: now(), last_login_ip: sourceIp }, tx);
        await base.audit.record({ actor: actorOf(a, sourceIp), action: 'auth.login_succeeded', target: { type: 'account', id: a.id }, detail: { channel: 'ssh', mfa: 'totp' } }, tx);
      });
      return toOperator(a);
    },
  };
}

/** The gateway's own host key, made once and kept in the data directory (mode 600). */
function loadOrCreateHostKey(dir: string): string {
  const file = path.join(dir, 'ssh_host_ed25519_key');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const kp = sshUtils.generateKeyPairSync('ed25519');
  writeFileSync(file, kp.private, { mode: 0o600 });
  return kp.private;
}

export const bastionWiring: RoomWiring = {
  name: 'bastion',
  modules: [bastionModule()],
  build(base) {
    const dir = path.resolve(base.settings.YIYUN_DATA_DIR, 'bastion');
    const recordingsDir = path.join(dir, 'recordings');
    mkdirSync(recordingsDir, { recursive: true, mode: 0o700 });
    const operators = createOperatorDirectory(base);
    const dal = createBastionDal(base.db);
    const service = createBastionService({ db: base.db, dal, audit: base.audit, sealer: base.sealer, operators, recordingsDir });
    const rotation = createPasswordRotation({ db: base.db, dal, audit: base.audit, sealer: base.sealer, logger: base.logger });
    let gateway: ReturnType<typeof createSshGateway> | null = null;
    return {
      routes: [...bastionRoutes(service), ...passwordRotationRoutes(rotation)],
      exports: { bastion: service },
      async start() {
        rotation.start();
        if (!base.settings.YIYUN_BASTION_SSH_PORT) return;
        gateway = createSshGateway({ host: base.settings.YIYUN_BASTION_SSH_HOST ?? base.settings.HOST, port: base.settings.YIYUN_BASTION_SSH_PORT, hostKey: loadOrCreateHostKey(dir), service, operators, recordingsDir, logger: base.logger });
        const port = await gateway.listen();
        base.logger.info({ port }, 'bastion SSH gateway listening');
      },
      async stop() {
        rotation.stop();
        await gateway?.close();
      },
    };
  },
};
