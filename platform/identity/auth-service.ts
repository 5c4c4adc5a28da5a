import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { Actor } from '../../core/authz';
import type { AuditTrail } from '../../core/audit';
import { newTotpSecret, randomBytes, randomToken, sm3Hex, totpUri, verifySm3Otp, verifyTotp } from '../../core/crypto';
import { ConflictError, ForbiddenError, InputError, LockedError, NotFoundError, UnauthenticatedError } from '../../core/errors';
import type { AccountService } from './account-service';
import type { AuthCache } from './auth-cache';
import type { AccountRow, IdentityDal } from './identity-dal';
import { mfaRequiredFor, passwordExpiresAt, pendingStepOf, toAccountView } from './identity-fns';
import { permissionsOf } from './identity-roles';
import { ipAllowed, timeAllowed } from './login-restrictions-fns';
import { DUMMY_HASH_PROMISE, hashPassword, passwordProblems, verifyPassword } from './password-fns';
import { createUnknownLoginTracker } from './unknown-login-tracker';

/** Seals small secrets (TOTP seeds) at rest; the KMS implements it once it exists. */
export type SecretSealer = { seal(plain: Buffer): string; open(sealed: string): Buffer };

export type AuthServiceDeps = {
  db: Kysely<any>;
  dal: IdentityDal;
  audit: Pick<AuditTrail, 'record'>;
  accounts: Pick<AccountService, 'getPolicy'>;
  sealer: SecretSealer;
  issuer: string;
  now?: () => Date;
  /** Shared with the account service, which invalidates it on its writes; without it every request reads the rows. */
  cache?: AuthCache;
};

export type ClientInfo = { sourceIp: string | null; userAgent: string | null };

export type SessionGrant = { token: string; csrfToken: string; expiresAt: Date; pending: Actor['pending'] };

const CHALLENGE_MINUTES = 5;
// No 0/o, 1/l/i: recovery codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten characters from a 31-letter alphabet: about 49 bits, used once. */
function newRecoveryCode(): string {
  return [...randomBytes(10)].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
}
// Touching last_seen on every request would turn every read into a write; a minute's granularity is enough.
const TOUCH_EVERY_MS = 60_000;
const TOKEN_PREFIX = 'yy_';

const invalidCredentials = () => new UnauthenticatedError('wrong login id or password', { code: 'auth.invalid_credentials' });
const lockedError = (minutes: number) => new LockedError(`too many failed attempts; the account is locked, try again in up to ${minutes} minutes`, { extra: { retryAfterMinutes: minutes } });

/** Login with lockout and restrictions, MFA, sessions, API tokens, and resolving a request to an actor. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, dal, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const unknownLogins = createUnknownLoginTracker();
  const cache = deps.cache;
  const cached = <T>(key: string, load: () => Promise<T | undefined>) => (cache ? cache.get(key, load) : load());
  /** A write transaction whose commit may change who a request authenticates as: the cache forgets after it. */
  const transaction = <T>(fn: (tx: Kysely<any>) => Promise<T>): Promise<T> => db.transaction().execute(fn).finally(() => cache?.invalidate());

  function anonymousFor(loginId: string, client: ClientInfo) {
    return { kind: 'anonymous' as const, accountId: null, loginId, roles: [], tenantId: null, sourceIp: client.sourceIp };
  }
  function actorOf(r: AccountRow, client: ClientInfo) {
    return { kind: 'account' as const, accountId: r.id, loginId: r.login_id, roles: r.roles, tenantId: r.tenant_id, sourceIp: client.sourceIp };
  }

  /** Counts a failed attempt; locks the account at the threshold. Returns true when this attempt locked it. */
  async function recordFailure(account: AccountRow, client: ClientInfo, reason: string): Promise<boolean> {
    const policy = await deps.accounts.getPolicy();
    return transaction(async (tx) => {
      const r = (await dal.lockAccount(account.id, tx))!;
      const attempts = r.failed_attempts + 1;
      const lock = attempts >= policy.lockoutThreshold;
      await dal.updateAccount(r.id, lock ? { failed_attempts: 0, locked_until: new Date(now().getTime() + policy.lockoutMinutes * 60_000) } : { failed_attempts: attempts }, tx);
      await audit.record({ actor: actorOf(r, client), action: 'auth.login_failed', target: { type: 'account', id: r.id }, outcome: 'failure', detail: { reason, attempts } }, tx);
      if (lock) await audit.record({ actor: actorOf(r, client), action: 'account.locked', target: { type: 'account', id: r.id }, detail: { minutes: policy.lockoutMinutes } }, tx);
      return lock;
    });
  }

  async function openSession(account: AccountRow, client: ClientInfo): Promise<SessionGrant> {
    const policy = await deps.accounts.getPolicy();
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now().getTime() + policy.sessionAbsoluteHours * 3_600_000);
    await transaction(async (tx) => {
      const s = await dal.insertSession({ token_hash: sm3Hex(token), account_id: account.id, csrf_token: csrfToken, source_ip: client.sourceIp, user_agent: client.userAgent?.slice(0, 300) ?? null, expires_at: expiresAt }, tx);
      await dal.updateAccount(account.id, { failed_attempts: 0, last_login_at: now(), last_login_ip: client.sourceIp }, tx);
      await audit.record({ actor: actorOf(account, client), action: 'auth.login_succeeded', target: { type: 'session', id: s.id }, detail: { userAgent: s.user_agent } }, tx);
    });
    return { token, csrfToken, expiresAt, pending: pendingStepOf(account, policy, now()) };
  }

  function isLocked(r: AccountRow): boolean {
    return !!r.locked_until && r.locked_until > now();
  }

  function restrictionReason(r: AccountRow, client: ClientInfo, at: Date = now()): string | null {
    return !ipAllowed(client.sourceIp, r.allowed_cidrs) ? 'source address not allowed' : !timeAllowed(at, r.allowed_windows) ? 'outside the allowed login hours' : null;
  }

  async function checkRestrictions(r: AccountRow, client: ClientInfo): Promise<void> {
    const reason = restrictionReason(r, client);
    if (!reason) return;
    await audit.record({ actor: actorOf(r, client), action: 'auth.login_failed', target: { type: 'account', id: r.id }, outcome: 'denied', detail: { reason } });
    throw new ForbiddenError(`login refused: ${reason}`, { code: 'auth.login_restricted' });
  }

  /**
   * The account's source ranges and hours hold for every request, not only at login: a session carried to
   * another address, a token used from anywhere, or either used after hours is refused (and the refusal recorded).
   */
  async function checkRequestRestrictions(r: AccountRow, client: ClientInfo, via: 'cookie' | 'bearer', targetId: string, at: Date): Promise<void> {
    const reason = restrictionReason(r, client, at);
    if (!reason) return;
    await audit.record({ actor: actorOf(r, client), action: 'auth.request_refused', target: { type: via === 'bearer' ? 'api_token' : 'session', id: targetId }, outcome: 'denied', detail: { reason, via } });
    throw new ForbiddenError(`request refused: ${reason}`, { code: 'auth.login_restricted' });
  }

  async function verifySecondFactor(r: AccountRow, code: string): Promise<{ ok: boolean; step?: number; tokenStep?: number; recovery?: boolean }> {
    if (/^\d{6}$/.test(code) && r.totp_secret_sealed) {
      const step = verifyTotp({ secretBase32: deps.sealer.open(r.totp_secret_sealed).toString('utf8') }, code, now().getTime());
      // A code is good once: replaying the same (or an older) step is refused.
      if (step !== null && (r.totp_last_step === null || step > Number(r.totp_last_step))) return { ok: true, step };
    }
    if (/^\d{6}$/.test(code) && r.otp_token_seed_sealed) {
      const step = verifySm3Otp(deps.sealer.open(r.otp_token_seed_sealed), code, { timeMs: now().getTime(), window: 1 });
      if (step !== null && (r.otp_token_last_step === null || step > Number(r.otp_token_last_step))) return { ok: true, tokenStep: step };
    }
    if (/^\d{6}$/.test(code)) return { ok: false };
    const normalised = code.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (normalised.length === 10 && (await dal.useRecoveryCode(r.id, sm3Hex(normalised)))) return { ok: true, recovery: true };
    return { ok: false };
  }

  return {
    /** Step one: login id and password. Answers identically whether or not the account exists. */
    async login(input: { loginId: string; password: string }, client: ClientInfo): Promise<{ status: 'mfa_required'; challengeId: string } | ({ status: 'ok' } & SessionGrant)> {
      const policy = await deps.accounts.getPolicy();
      const account = await dal.findAccountByLogin(input.loginId);
      if (!account) {
        await verifyPassword(input.password, await DUMMY_HASH_PROMISE());
        const locked = unknownLogins.fail(input.loginId, policy.lockoutThreshold, policy.lockoutMinutes, now());
        await audit.record({ actor: anonymousFor(input.loginId.slice(0, 254), client), action: 'auth.login_failed', target: { type: 'account', id: null }, outcome: 'failure', detail: { reason: 'unknown login id' } });
        throw locked ? lockedError(policy.lockoutMinutes) : invalidCredentials();
      }
      // Hashed before the lock check, so a locked account answers after the same work as any other (no timing oracle).
      const good = await verifyPassword(input.password, account.password_hash);
      if (isLocked(account)) {
        await audit.record({ actor: actorOf(account, client), action: 'auth.login_failed', target: { type: 'account', id: account.id }, outcome: 'denied', detail: { reason: 'locked' } });
        throw lockedError(policy.lockoutMinutes);
      }
      if (!good || account.status !== 'active') {
        const lockedNow = await recordFailure(account, client, good ? 'account disabled' : 'wrong password');
        throw lockedNow ? lockedError(policy.lockoutMinutes) : invalidCredentials();
      }
      await checkRestrictions(account, client);
      if (account.mfa_enrolled_at) {
        const challengeId = await dal.insertChallenge(account.id, client.sourceIp, new Date(now().getTime() + CHALLENGE_MINUTES * 60_000));
        return { status: 'mfa_required', challengeId };
      }
      return { status: 'ok', ...(await openSession(account, client)) };
    },

    /** Step two for enrolled accounts: a TOTP code or a recovery code. */
    async loginMfa(input: { challengeId: string; code: string }, client: ClientInfo): Promise<{ status: 'ok' } & SessionGrant> {
      const policy = await deps.accounts.getPolicy();
      const challenge = await dal.findChallenge(input.challengeId);
      if (!challenge || challenge.expires_at <= now()) throw new UnauthenticatedError('the login step expired; start again', { code: 'auth.challenge_expired' });
      const account = await dal.findAccountById(challenge.account_id);
      if (!account || account.status !== 'active') throw invalidCredentials();
      if (isLocked(account)) throw lockedError(policy.lockoutMinutes);
      const result = await verifySecondFactor(account, input.code);
      if (!result.ok) {
        // The challenge stays valid for another try until it expires; the lockout bounds the guessing.
        const lockedNow = await recordFailure(account, client, 'wrong second factor');
        throw lockedNow ? lockedError(policy.lockoutMinutes) : new UnauthenticatedError('wrong verification code', { code: 'auth.invalid_mfa_code' });
      }
      // Deleting is the claim: of two concurrent uses of one challenge only one gets a session.
      if (!(await dal.deleteChallenge(challenge.id))) throw new UnauthenticatedError('the login step expired; start again', { code: 'auth.challenge_expired' });
      if (result.step !== undefined) await dal.updateAccount(account.id, { totp_last_step: result.step });
      if (result.tokenStep !== undefined) await dal.updateAccount(account.id, { otp_token_last_step: result.tokenStep });
      return { status: 'ok', ...(await openSession(account, client)) };
    },

    /** Resolves a session token or an API token to the actor; null when absent, expired or revoked. */
    async authenticate(credential: { sessionToken?: string; bearerToken?: string }, client: ClientInfo): Promise<Actor | null> {
      const t = now();
      if (credential.bearerToken) {
        if (!credential.bearerToken.startsWith(TOKEN_PREFIX)) return null;
        const hash = sm3Hex(credential.bearerToken);
        const tok = await cached(`token:${hash}`, () => dal.findTokenByHash(hash));
        if (!tok || tok.revoked_at || tok.expires_at <= t) return null;
        const acct = await cached(`account:${tok.account_id}`, () => dal.findAccountById(tok.account_id));
        // A disabled account's tokens stop with it. Neither password expiry (automation has no one to type a new
        // password; the token has its own expiry) nor a lockout ends them: the lockout guards the password, and
        // anyone who knows a login id could otherwise halt that account's automation with five wrong guesses.
        if (!acct || acct.status !== 'active') return null;
        await checkRequestRestrictions(acct, client, 'bearer', tok.id, t);
        if (!tok.last_used_at || t.getTime() - tok.last_used_at.getTime() > TOUCH_EVERY_MS) {
          await dal.touchToken(tok.id, t);
          tok.last_used_at = t;
        }
        return { kind: 'account', accountId: acct.id, loginId: acct.login_id, displayName: acct.display_name, roles: acct.roles, tenantId: acct.tenant_id, permissions: permissionsOf(acct.roles), sourceIp: client.sourceIp, via: 'bearer', pending: null };
      }
      if (!credential.sessionToken) return null;
      const hash = sm3Hex(credential.sessionToken);
      const s = await cached(`session:${hash}`, () => dal.findSessionByHash(hash));
      if (!s || s.revoked_at || s.expires_at <= t) return null;
      const policy = (await cached('policy', () => deps.accounts.getPolicy()))!;
      if (t.getTime() - s.last_seen_at.getTime() > policy.sessionIdleMinutes * 60_000) {
        await dal.revokeSession(s.id);
        cache?.invalidate();
        return null;
      }
      const acct = await cached(`account:${s.account_id}`, () => dal.findAccountById(s.account_id));
      // As for tokens, a lockout (password guessing) does not end sessions already proven with password and MFA.
      if (!acct || acct.status !== 'active') return null;
      await checkRequestRestrictions(acct, client, 'cookie', s.id, t);
      if (t.getTime() - s.last_seen_at.getTime() > TOUCH_EVERY_MS) {
        await dal.touchSession(s.id, t);
        // The cached row is the one later requests see: it must not look idle while the database says otherwise.
        s.last_seen_at = t;
      }
      return {
        kind: 'account',
        accountId: acct.id,
        loginId: acct.login_id,
        displayName: acct.display_name,
        roles: acct.roles,
        tenantId: acct.tenant_id,
        permissions: permissionsOf(acct.roles),
        sourceIp: client.sourceIp,
        via: 'cookie',
        sessionId: s.id,
        csrfToken: s.csrf_token,
        pending: pendingStepOf(acct, policy, t),
      };
    },

    async me(actor: Actor) {
      if (!actor.accountId) throw new UnauthenticatedError();
      const acct = await dal.findAccountById(actor.accountId);
      if (!acct) throw new UnauthenticatedError();
      const policy = await deps.accounts.getPolicy();
      return {
        account: toAccountView(acct, now()),
        permissions: [...actor.permissions].sort(),
        pending: actor.pending,
        csrfToken: actor.csrfToken ?? null,
        passwordExpiresAt: passwordExpiresAt(acct, policy),
        mfaRequired: mfaRequiredFor(acct.roles),
      };
    },

    async logout(actor: Actor): Promise<void> {
      if (!actor.sessionId) return;
      await transaction(async (tx) => {
        await dal.revokeSession(actor.sessionId!, tx);
        await audit.record({ actor, action: 'auth.logout', target: { type: 'session', id: actor.sessionId! } }, tx);
      });
    },

    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }): Promise<void> {
      const acct = actor.accountId ? await dal.findAccountById(actor.accountId) : undefined;
      if (!acct) throw new UnauthenticatedError();
      const policy = await deps.accounts.getPolicy();
      if (!(await verifyPassword(input.currentPassword, acct.password_hash))) {
        await recordFailure(acct, { sourceIp: actor.sourceIp, userAgent: null }, 'wrong current password on change');
        throw new InputError('the current password is wrong', { code: 'auth.invalid_credentials', fields: [{ path: 'body.currentPassword', message: 'wrong password' }] });
      }
      const problems = passwordProblems(input.newPassword, policy, acct.login_id);
      if (problems.length) throw new InputError(`the new password needs ${problems.join('; ')}`, { code: 'account.weak_password', fields: [{ path: 'body.newPassword', message: problems.join('; ') }] });
      for (const old of await dal.recentPasswordHashes(acct.id, policy.passwordHistory)) {
        if (await verifyPassword(input.newPassword, old)) {
          throw new InputError(`the new password must differ from the last ${policy.passwordHistory}`, { code: 'account.password_reused', fields: [{ path: 'body.newPassword', message: 'used recently' }] });
        }
      }
      const hash = await hashPassword(input.newPassword);
      await transaction(async (tx) => {
        await dal.updateAccount(acct.id, { password_hash: hash, must_change_password: false, password_changed_at: now() }, tx);
        await dal.addPasswordHistory(acct.id, hash, tx);
        await dal.revokeAccountSessions(acct.id, actor.sessionId ?? null, tx);
        await audit.record({ actor, action: 'account.password_changed', target: { type: 'account', id: acct.id } }, tx);
      });
    },

    /** Starts TOTP enrolment: a new secret, its otpauth URI and a QR code to scan. */
    async totpSetup(actor: Actor): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
      const acct = actor.accountId ? await dal.findAccountById(actor.accountId) : undefined;
      if (!acct) throw new UnauthenticatedError();
      if (acct.mfa_enrolled_at) throw new ConflictError('a second factor is already enrolled; ask a security administrator to reset it', { code: 'auth.mfa_already_enrolled' });
      const secret = newTotpSecret();
      await transaction(async (tx) => {
        await dal.updateAccount(acct.id, { totp_pending_sealed: deps.sealer.seal(Buffer.from(secret, 'utf8')) }, tx);
        await audit.record({ actor, action: 'account.mfa_enrolment_started', target: { type: 'account', id: acct.id }, detail: { method: 'totp' } }, tx);
      });
      const otpauthUri = totpUri({ issuer: deps.issuer, label: acct.login_id, secretBase32: secret });
      return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }) };
    },

    /** Finishes enrolment with a first code; returns ten recovery codes, shown once. */
    async totpConfirm(actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
      const acct = actor.accountId ? await dal.findAccountById(actor.accountId) : undefined;
      if (!acct) throw new UnauthenticatedError();
      if (!acct.totp_pending_sealed) throw new NotFoundError('start the enrolment first', { code: 'auth.mfa_not_started' });
      const secret = deps.sealer.open(acct.totp_pending_sealed).toString('utf8');
      const step = verifyTotp({ secretBase32: secret }, code, now().getTime());
      if (step === null) throw new InputError('the code does not match; check the clock of your phone', { code: 'auth.invalid_mfa_code', fields: [{ path: 'body.code', message: 'wrong code' }] });
      const codes = Array.from({ length: 10 }, newRecoveryCode);
      await transaction(async (tx) => {
        await dal.updateAccount(acct.id, { totp_secret_sealed: acct.totp_pending_sealed, totp_pending_sealed: null, totp_last_step: step, mfa_enrolled_at: now() }, tx);
        await dal.replaceRecoveryCodes(acct.id, codes.map((c) => sm3Hex(c)), tx);
        await audit.record({ actor, action: 'account.mfa_enrolled', target: { type: 'account', id: acct.id }, detail: { method: 'totp' } }, tx);
      });
      return { recoveryCodes: codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`) };
    },

    async createToken(actor: Actor, input: { name: string; expiresInDays: number }) {
      if (!actor.accountId || actor.via !== 'cookie') throw new ForbiddenError('API tokens are created from a console session', { code: 'auth.token_needs_session' });
      const token = `${TOKEN_PREFIX}${randomToken(32)}`;
      const row = await transaction(async (tx) => {
        const r = await dal.insertToken({ account_id: actor.accountId!, name: input.name, token_hash: sm3Hex(token), expires_at: new Date(now().getTime() + input.expiresInDays * 86_400_000) }, tx);
        await audit.record({ actor, action: 'token.created', target: { type: 'api_token', id: r.id }, after: { name: r.name, expiresAt: r.expires_at.toISOString() } }, tx);
        return r;
      });
      return { id: row.id, name: row.name, expiresAt: row.expires_at, createdAt: row.created_at, token };
    },

    async listTokens(actor: Actor) {
      const rows = await dal.listTokens(actor.accountId!);
      return { items: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revoked: !!r.revoked_at })), total: rows.length };
    },

    async revokeToken(actor: Actor, id: string): Promise<void> {
      await transaction(async (tx) => {
        if (!(await dal.revokeToken(actor.accountId!, id, tx))) throw new NotFoundError('no such token', { code: 'token.not_found' });
        await audit.record({ actor, action: 'token.revoked', target: { type: 'api_token', id } }, tx);
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
