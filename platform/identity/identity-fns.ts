import type { AccountRow } from './identity-dal';
import type { AccountView, SecurityPolicy } from './identity-schemas';
import { ROLES, type RoleName } from './identity-roles';

/** The account as the API shows it: never a hash, a secret or a sealed value. */
export function toAccountView(r: AccountRow, now = new Date()): AccountView {
  return {
    id: r.id,
    loginId: r.login_id,
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    tenantId: r.tenant_id,
    roles: r.roles,
    status: r.status,
    locked: !!r.locked_until && r.locked_until > now,
    lockedUntil: r.locked_until && r.locked_until > now ? r.locked_until : null,
    mustChangePassword: r.must_change_password,
    passwordChangedAt: r.password_changed_at,
    mfaEnrolled: !!r.mfa_enrolled_at,
    otpTokenSerial: r.otp_token_serial,
    allowedCidrs: r.allowed_cidrs,
    allowedWindows: r.allowed_windows,
    lastLoginAt: r.last_login_at,
    lastLoginIp: r.last_login_ip,
    createdAt: r.created_at,
  };
}

/** The audit summary of an account: what changed, never secrets. */
export function accountSummary(r: AccountRow): Record<string, unknown> {
  return { loginId: r.login_id, displayName: r.display_name, roles: r.roles, status: r.status, tenantId: r.tenant_id, email: r.email, phone: r.phone };
}

export function mfaRequiredFor(roles: readonly string[]): boolean {
  return roles.some((r) => ROLES[r as RoleName]?.mfaRequired);
}

/** A second factor the account can log in with; SM3 (国密) is named first when both are held. */
export type SecondFactor = 'sm3_otp' | 'totp';

/**
 * The account's usable second factor. Login asks for one only once `mfa_enrolled_at` is set, and checks a code against
 * the sealed TOTP secret or SM3 token seed: a seed or secret without enrolment (or a token serial without a seed) never
 * gates a login, so it does not count.
 */
export function secondFactorOf(r: Pick<AccountRow, 'mfa_enrolled_at' | 'otp_token_seed_sealed' | 'totp_secret_sealed'>): SecondFactor | null {
  if (!r.mfa_enrolled_at) return null;
  if (r.otp_token_seed_sealed) return 'sm3_otp';
  if (r.totp_secret_sealed) return 'totp';
  return null;
}

export function passwordExpiresAt(r: Pick<AccountRow, 'password_changed_at'>, policy: SecurityPolicy): Date {
  return new Date(r.password_changed_at.getTime() + policy.passwordMaxAgeDays * 86_400_000);
}

/** What the login still needs before the account may do anything else. */
export function pendingStepOf(r: AccountRow, policy: SecurityPolicy, now = new Date()): 'password_change' | 'mfa_enrolment' | null {
  if (r.must_change_password || passwordExpiresAt(r, policy) <= now) return 'password_change';
  if (mfaRequiredFor(r.roles) && !r.mfa_enrolled_at) return 'mfa_enrolment';
  return null;
}
