import type { Kysely } from 'kysely';
import type { Actor } from '../../core/authz';
import type { AuditTrail } from '../../core/audit';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import type { IdentityDal, AccountRow } from './identity-dal';
import type { AuthCache } from './auth-cache';
import type { SecretSealer } from './auth-service';
import { accountSummary, toAccountView } from './identity-fns';
import { ROLES, roleSetProblem, type RoleName } from './identity-roles';
import {
  securityPolicySchema,
  type CreateAccountInput,
  type ListAccountsQuery,
  type SecurityPolicy,
  type UpdateAccountInput,
} from './identity-schemas';
import { generatePassword, hashPassword, passwordProblems } from './password-fns';

/** What identity needs to know about tenants (a port: the tenants room implements it). */
export type TenantDirectory = { exists(tenantId: string): Promise<boolean> };

export type AccountServiceDeps = {
  db: Kysely<any>;
  dal: IdentityDal;
  audit: Pick<AuditTrail, 'record'>;
  tenants: TenantDirectory;
  /** Seals hardware-token seeds at rest. */
  sealer: Pick<SecretSealer, 'seal'>;
  /** The request authenticator's cache: every write here can change an authenticated request's answer. */
  authCache?: Pick<AuthCache, 'invalidate'>;
};

const POLICY_KEY = 'security_policy';

/** Accounts, roles, login restrictions and the security policy. */
export function createAccountService(deps: AccountServiceDeps) {
  const { db, dal, audit } = deps;
  /** Writes commit, then the authenticator forgets what it remembered (roles, status, MFA, sessions, policy). */
  const transaction = <T>(fn: (tx: Kysely<any>) => Promise<T>): Promise<T> => db.transaction().execute(fn).finally(() => deps.authCache?.invalidate());

  async function getPolicy(): Promise<SecurityPolicy> {
    const stored = await dal.getSetting(POLICY_KEY);
    // Stored values are merged over defaults, so a setting added in a newer version gets its default.
    return securityPolicySchema.parse(stored ?? {});
  }

  /** A tenant-scoped actor only ever sees accounts of its own tenant; foreign ids are "not found". */
  async function loadVisible(actor: Actor, id: string): Promise<AccountRow> {
    const row = await dal.findAccountById(id);
    if (!row || (actor.tenantId && row.tenant_id !== actor.tenantId)) throw new NotFoundError('no such account', { code: 'account.not_found' });
    return row;
  }

  function assertRoles(roles: RoleName[], tenantId: string | null, actor: Actor): void {
    const problem = roleSetProblem(roles, tenantId);
    if (problem) throw new InputError(problem, { code: 'account.invalid_roles', fields: [{ path: 'body.roles', message: problem }] });
    if (actor.tenantId && roles.some((r) => ROLES[r].scope !== 'tenant')) {
      throw new ForbiddenError('a tenant administrator can grant tenant roles only');
    }
  }

  async function create(actor: Actor, input: CreateAccountInput): Promise<{ account: ReturnType<typeof toAccountView>; initialPassword?: string }> {
    const tenantId = actor.tenantId ?? input.tenantId ?? null;
    if (actor.tenantId && input.tenantId && input.tenantId !== actor.tenantId) throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
    assertRoles(input.roles, tenantId, actor);
    if (tenantId && !(await deps.tenants.exists(tenantId))) throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
    const policy = await getPolicy();
    const initialPassword = input.password ?? generatePassword();
    const problems = passwordProblems(initialPassword, policy, input.loginId);
    if (problems.length) throw new InputError(`the password needs ${problems.join('; ')}`, { code: 'account.weak_password', fields: [{ path: 'body.password', message: problems.join('; ') }] });
    if (await dal.findAccountByLogin(input.loginId)) throw new ConflictError(`the login id ${input.loginId} is taken`, { code: 'account.login_taken' });
    const hash = await hashPassword(initialPassword);
    const row = await transaction(async (tx) => {
      const r = await dal.insertAccount(
        {
          login_id: input.loginId,
          display_name: input.displayName,
          email: input.email ?? null,
          phone: input.phone ?? null,
          tenant_id: tenantId,
          roles: input.roles,
          password_hash: hash,
          must_change_password: true,
        },
        tx,
      );
      await dal.addPasswordHistory(r.id, hash, tx);
      await audit.record({ actor, action: 'account.created', target: { type: 'account', id: r.id }, after: accountSummary(r), tenantId: r.tenant_id }, tx);
      return r;
    });
    return { account: toAccountView(row), ...(input.password ? {} : { initialPassword }) };
  }

  return {
    getPolicy,

    async updatePolicy(actor: Actor, patch: Partial<SecurityPolicy>): Promise<SecurityPolicy> {
      const before = await getPolicy();
      const after = securityPolicySchema.parse({ ...before, ...patch });
      await transaction(async (tx) => {
        await dal.putSetting(POLICY_KEY, after, tx);
        await audit.record({ actor, action: 'security_policy.updated', target: { type: 'security_policy', id: POLICY_KEY }, before, after }, tx);
      });
      return after;
    },

    async list(actor: Actor, q: ListAccountsQuery) {
      const { rows, total } = await dal.listAccounts({ ...q, scopeTenantId: actor.tenantId });
      return { items: rows.map((r) => toAccountView(r)), total };
    },

    async get(actor: Actor, id: string) {
      return toAccountView(await loadVisible(actor, id));
    },

    create,

    async update(actor: Actor, id: string, input: UpdateAccountInput) {
      const before = await loadVisible(actor, id);
      if (input.roles) assertRoles(input.roles, before.tenant_id, actor);
      if ((input.status === 'disabled' || input.roles) && id === actor.accountId) {
        throw new ConflictError('you cannot disable your own account or change your own roles', { code: 'account.self_change' });
      }
      const patch: Partial<AccountRow> = {};
      if (input.displayName !== undefined) patch.display_name = input.displayName;
      if (input.email !== undefined) patch.email = input.email;
      if (input.phone !== undefined) patch.phone = input.phone;
      if (input.roles !== undefined) patch.roles = input.roles;
      if (input.status !== undefined) patch.status = input.status;
      const after = await transaction(async (tx) => {
        const r = await dal.updateAccount(id, patch, tx);
        if (input.status === 'disabled') await dal.revokeAccountSessions(id, null, tx);
        const action = input.status === 'disabled' ? 'account.disabled' : input.roles ? 'account.roles_changed' : 'account.updated';
        await audit.record({ actor, action, target: { type: 'account', id }, before: accountSummary(before), after: accountSummary(r), tenantId: r.tenant_id }, tx);
        return r;
      });
      return toAccountView(after);
    },

    async unlock(actor: Actor, id: string) {
      await loadVisible(actor, id);
      const r = await transaction(async (tx) => {
        const row = await dal.updateAccount(id, { locked_until: null, failed_attempts: 0 }, tx);
        await audit.record({ actor, action: 'account.unlocked', target: { type: 'account', id }, tenantId: row.tenant_id }, tx);
        return row;
      });
      return toAccountView(r);
    },

    /** Sets a one-time password (shown once) that must be changed at the next login. */
    async resetPassword(actor: Actor, id: string): Promise<{ initialPassword: string }> {
      const row = await loadVisible(actor, id);
      const initialPassword = generatePassword();
      const hash = await hashPassword(initialPassword);
      await transaction(async (tx) => {
        await dal.updateAccount(id, { password_hash: hash, must_change_password: true, password_changed_at: new Date(), failed_attempts: 0, locked_until: null }, tx);
        await dal.addPasswordHistory(id, hash, tx);
        await dal.revokeAccountSessions(id, null, tx);
        await audit.record({ actor, action: 'account.password_reset', target: { type: 'account', id }, tenantId: row.tenant_id }, tx);
      });
      return { initialPassword };
    },

    async resetMfa(actor: Actor, id: string) {
      const row = await loadVisible(actor, id);
      const r = await transaction(async (tx) => {
        const updated = await dal.updateAccount(
          id,
          { totp_secret_sealed: null, totp_pending_sealed: null, totp_last_step: null, mfa_enrolled_at: null, otp_token_serial: null, otp_token_seed_sealed: null, otp_token_last_step: null },
          tx,
        );
        await dal.replaceRecoveryCodes(id, [], tx);
        await dal.revokeAccountSessions(id, null, tx);
        await audit.record({ actor, action: 'account.mfa_reset', target: { type: 'account', id }, tenantId: row.tenant_id }, tx);
        return updated;
      });
      return toAccountView(r);
    },

    /** Registers a GM/T 0021 SM3 hardware token as the account's second factor (the seed is sealed at rest). */
    async registerOtpToken(actor: Actor, id: string, input: { serial: string; seedHex: string }) {
      const row = await loadVisible(actor, id);
      const sealed = deps.sealer.seal(Buffer.from(input.seedHex, 'hex'));
      const r = await transaction(async (tx) => {
        const updated = await dal.updateAccount(id, { otp_token_serial: input.serial, otp_token_seed_sealed: sealed, otp_token_last_step: null, mfa_enrolled_at: row.mfa_enrolled_at ?? new Date() }, tx);
        await audit.record({ actor, action: 'account.otp_token_registered', target: { type: 'account', id }, after: { serial: input.serial }, tenantId: row.tenant_id }, tx);
        return updated;
      });
      return toAccountView(r);
    },

    async setRestrictions(actor: Actor, id: string, input: { allowedCidrs: string[]; allowedWindows: AccountRow['allowed_windows'] }) {
      const before = await loadVisible(actor, id);
      const r = await transaction(async (tx) => {
        const updated = await dal.updateAccount(id, { allowed_cidrs: input.allowedCidrs, allowed_windows: input.allowedWindows }, tx);
        await audit.record(
          {
            actor,
            action: 'account.restrictions_changed',
            target: { type: 'account', id },
            before: { allowedCidrs: before.allowed_cidrs, allowedWindows: before.allowed_windows },
            after: { allowedCidrs: updated.allowed_cidrs, allowedWindows: updated.allowed_windows },
            tenantId: updated.tenant_id,
          },
          tx,
        );
        return updated;
      });
      return toAccountView(r);
    },

    /** On an empty database: the first sysadmin, with the given or a generated one-time password. */
    async bootstrapAdmin(actor: Actor, password?: string): Promise<{ created: boolean; password?: string }> {
      if ((await dal.countAccounts()) > 0) return { created: false };
      const result = await create(actor, { loginId: 'admin', displayName: '系统管理员', roles: ['sysadmin'], ...(password ? { password } : {}) });
      return { created: true, password: password ?? result.initialPassword };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
