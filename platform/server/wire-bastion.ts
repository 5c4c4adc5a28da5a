import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { systemActor } from '../../core/authz';
import { verifySm3Otp, verifyTotp } from '../../core/crypto';
import {
  bastionAccessRoutes,
  bastionModule,
  bastionRoutes,
  cloudAssetRoutes,
  createBastionAccess,
  createBastionDal,
  createBastionService,
  createCloudAssetSync,
  createMacResolver,
  createPasswordRotation,
  createSshGateway,
  passwordRotationRoutes,
  type CloudVm,
  type CloudVmSource,
  type Operator,
  type OperatorDirectory,
} from '../../security/bastion';
import { bastionReportRoutes, createBastionReports } from '../../security/bastion/reports';
import type { CloudService } from '../cloud';
import { createIdentityDal, secondFactorOf, type AccountRow } from '../identity';
import { ipAllowed, timeAllowed } from '../identity/login-restrictions-fns';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../identity/password-fns';
import { bastionEvidenceSource, type OperatorFactor } from './bastion-evidence';
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
    async verifyLogin({ loginId, factor, otp, sourceIp, gate }) {
      const a = await dal.findAccountByLogin(loginId);
      if (!a) {
        if (factor.kind === 'password') await verifyPassword(factor.password, await DUMMY_HASH_PROMISE());
        await base.audit.record({ actor: { kind: 'anonymous', accountId: null, loginId: loginId.slice(0, 254), roles: [], tenantId: null, sourceIp }, action: 'auth.login_failed', target: { type: 'account', id: null }, outcome: 'failure', detail: { reason: 'unknown login id', channel: 'ssh' } });
        return null;
      }
      if (a.locked_until && a.locked_until > now()) return denied(a, sourceIp, 'locked');
      if (factor.kind === 'password') {
        const good = await verifyPassword(factor.password, a.password_hash);
        if (!good || a.status !== 'active') return fail(a, sourceIp, good ? 'account disabled' : 'wrong password');
      } else {
        // The gateway verified the key's signature; it must be this account's key, and the account usable.
        if (factor.accountId !== a.id) return denied(a, sourceIp, 'the key belongs to another account');
        if (a.status !== 'active') return denied(a, sourceIp, 'account disabled');
      }
      if (!ipAllowed(sourceIp, a.allowed_cidrs)) return denied(a, sourceIp, 'source address not allowed');
      if (!timeAllowed(now(), a.allowed_windows)) return denied(a, sourceIp, 'outside the allowed login hours');
      if (a.must_change_password) return denied(a, sourceIp, 'the password must be changed in the console first');
      const gateReason = gate ? await gate(toOperator(a)) : null;
      if (gateReason) return denied(a, sourceIp, gateReason);
      // The bastion always needs a second factor, whatever the role and whatever the first factor was.
      if (!a.mfa_enrolled_at || (!a.totp_secret_sealed && !a.otp_token_seed_sealed)) return denied(a, sourceIp, 'no second factor enrolled');
      const code = /^\d{6}$/.test(otp) ? otp : null;
      let proof: { mfa: 'totp'; step: number } | { mfa: 'sm3_otp'; step: number } | null = null;
      if (code && a.totp_secret_sealed) {
        const step = verifyTotp({ secretBase32: base.sealer.open(a.totp_secret_sealed).toString('utf8') }, code, now().getTime());
        // A code is good once: the same (or an older) step is a replay.
        if (step !== null && (a.totp_last_step === null || step > Number(a.totp_last_step))) proof = { mfa: 'totp', step };
      }
      if (!proof && code && a.otp_token_seed_sealed) {
        const step = verifySm3Otp(base.sealer.open(a.otp_token_seed_sealed), code, { timeMs: now().getTime(), window: 1 });
        if (step !== null && (a.otp_token_last_step === null || step > Number(a.otp_token_last_step))) proof = { mfa: 'sm3_otp', step };
      }
      if (!proof) return fail(a, sourceIp, 'wrong second factor');
      const p = proof;
      await base.db.transaction().execute(async (tx) => {
        await dal.updateAccount(a.id, { failed_attempts: 0, ...(p.mfa === 'totp' ? { totp_last_step: p.step } : { otp_token_last_step: p.step }), last_login_at: now(), last_login_ip: sourceIp }, tx);
        await base.audit.record({ actor: actorOf(a, sourceIp), action: 'auth.login_succeeded', target: { type: 'account', id: a.id }, detail: { channel: 'ssh', method: factor.kind, mfa: p.mfa, ...(factor.kind === 'publickey' ? { keyFingerprint: factor.fingerprint } : {}) } }, tx);
      });
      return toOperator(a);
    },
  };
}

/**
 * The tenant cloud's VMs for the bastion's asset mirror, read through the cloud room's service (built after this
 * room, so looked up when a pass runs). The listing is whole or it throws: a partial one would retire live assets.
 */
function cloudVmSource(base: Pick<BaseServices, 'rooms' | 'tenants'>): () => CloudVmSource | null {
  const actor = systemActor('bastion-cloud-sync');
  const codes = new Map<string, string | null>();
  return () => {
    const cloud = base.rooms.get('cloud')?.exports?.cloud as CloudService | undefined;
    if (!cloud) return null;
    return {
      async listVms(): Promise<CloudVm[]> {
        const { items, total } = await cloud.list(actor, 'vm', { offset: 0, limit: 100_000, sort: 'createdAt', order: 'asc' });
        if (items.length !== total) throw new Error(`the cloud listed ${items.length} of ${total} VMs`);
        const out: CloudVm[] = [];
        for (const v of items) {
          if (v.tenantId && !codes.has(v.tenantId)) codes.set(v.tenantId, await base.tenants.get(actor, v.tenantId).then((t) => t.code, () => null));
          const ips = Array.isArray(v.spec.ips) ? (v.spec.ips as unknown[]).filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
          out.push({ id: v.id, name: v.name, tenantId: v.tenantId, tenantCode: v.tenantId ? (codes.get(v.tenantId) ?? null) : null, status: v.status, address: ips[0] ?? null, osType: typeof v.spec.osType === 'string' ? v.spec.osType : 'linux' });
        }
        return out;
      },
    };
  };
}

/** The second factor each operator holds, for the bastion's compliance check (read over the identity DAL). */
function operatorFactors(base: Pick<BaseServices, 'db'>): (ids: readonly string[]) => Promise<OperatorFactor[]> {
  const dal = createIdentityDal(base.db);
  return async (ids) => {
    const out: OperatorFactor[] = [];
    for (const id of ids) {
      const a = await dal.findAccountById(id);
      if (!a) continue;
      out.push({ accountId: a.id, loginId: a.login_id, active: a.status === 'active', secondFactor: secondFactorOf(a) });
    }
    return out;
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

/** How often the asset mirror of the tenant cloud's VMs is reconciled (`POST /api/bastion/cloud-sync` runs a pass at once). */
const VM_SYNC_MS = 15_000;

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
    // MACs come from a DHCP-snooping feed file when the deployment provides one, else the neighbour table (docs/bastion.md).
    const access = createBastionAccess({ db: base.db, audit: base.audit, resolveMac: createMacResolver({ feedFile: path.join(dir, 'mac-feed') }) });
    const vmAssets = createCloudAssetSync({ db: base.db, dal, audit: base.audit, source: cloudVmSource(base) });
    let vmTimer: NodeJS.Timeout | null = null;
    let vmPass: Promise<void> | null = null;
    let gateway: ReturnType<typeof createSshGateway> | null = null;
    return {
      routes: [...bastionRoutes(service), ...passwordRotationRoutes(rotation), ...bastionAccessRoutes(access), ...cloudAssetRoutes(vmAssets), ...bastionReportRoutes(createBastionReports({ db: base.db, audit: base.audit }))],
      exports: {
        bastion: service,
        bastionAccess: access,
        bastionVmAssets: vmAssets,
        evidence: bastionEvidenceSource({ dal, access, recordingsDir, gatewayPort: base.settings.YIYUN_BASTION_SSH_PORT, factors: operatorFactors(base) }),
      },
      async start() {
        rotation.start();
        // The tenant cloud's VMs become assets (and deleted ones retire) within one pass of this timer.
        const syncVms = () => {
          vmPass = vmAssets.sync().then(
            () => {},
            (err: unknown) => base.logger.error({ err }, 'bastion cloud asset sync failed'),
          );
        };
        syncVms();
        vmTimer = setInterval(syncVms, VM_SYNC_MS);
        vmTimer.unref();
        if (!base.settings.YIYUN_BASTION_SSH_PORT) return;
        gateway = createSshGateway({ host: base.settings.YIYUN_BASTION_SSH_HOST ?? base.settings.HOST, port: base.settings.YIYUN_BASTION_SSH_PORT, hostKey: loadOrCreateHostKey(dir), service, operators, access, recordingsDir, logger: base.logger });
        const port = await gateway.listen();
        base.logger.info({ port }, 'bastion SSH gateway listening');
      },
      async stop() {
        rotation.stop();
        if (vmTimer) clearInterval(vmTimer);
        // A pass under way finishes before the database closes.
        await vmPass;
        await gateway?.close();
      },
    };
  },
};
