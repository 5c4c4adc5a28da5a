import type { AuthProvider, UserIdentity } from 'react-admin';
import { api, ApiError, hasCsrfToken, setCsrfToken } from '../api/http';
import type { LoginResult, Me, PendingStep } from '../api/types';
import { allows } from './access';

/**
 * Sessions live in an httpOnly cookie set by the API; the console only keeps the CSRF token. `/api/auth/me`
 * is the source of truth for who is logged in, what they may do and which first-login step is pending.
 */

/** Thrown by `login` when the password was right and a second factor is needed. */
export class MfaRequired extends Error {
  constructor(readonly challengeId: string) {
    super('mfa_required');
  }
}

export type LoginParams = { loginId: string; password: string } | { challengeId: string; code: string };

/** The route of the page that finishes a pending first-login step. */
export const PENDING_PATHS: Record<PendingStep, string> = { password_change: '/password-change', mfa_enrolment: '/mfa-enrolment' };

// One /me answer is shared by the many checks react-admin makes while a page renders.
const ME_TTL_MS = 3_000;
let meCache: { at: number; value: Promise<Me | null> } | null = null;

/** The current session's account, or null when logged out. Cached for a few seconds; `fresh` skips the cache. */
export function fetchMe(fresh = false): Promise<Me | null> {
  if (!fresh && meCache && Date.now() - meCache.at < ME_TTL_MS) return meCache.value;
  const value = api<Me>('GET', '/api/auth/me').then(
    (me) => {
      if (me.csrfToken) setCsrfToken(me.csrfToken);
      return me;
    },
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return null;
      meCache = null;
      throw err;
    },
  );
  meCache = { at: Date.now(), value };
  return value;
}

/** Forgets the cached /me (after login, logout, password change, MFA enrolment). */
export function forgetMe(): void {
  meCache = null;
}

export type Identity = UserIdentity & { loginId: string; pending: PendingStep | null; me: Me };

export const authProvider: AuthProvider = {
  async login(params: LoginParams) {
    forgetMe();
    const result =
      'challengeId' in params
        ? await api<LoginResult>('POST', '/api/auth/login/mfa', { body: { challengeId: params.challengeId, code: params.code.trim() } })
        : await api<LoginResult>('POST', '/api/auth/login', { body: { loginId: params.loginId.trim(), password: params.password } });
    if (result.status === 'mfa_required') throw new MfaRequired(result.challengeId);
    setCsrfToken(result.csrfToken);
    return { redirectTo: result.pending ? PENDING_PATHS[result.pending] : '/' };
  },

  async logout() {
    try {
      // react-admin also "logs out" when a page finds no session; only a tab that had one calls the API.
      if (hasCsrfToken()) await api('POST', '/api/auth/logout');
    } catch {
      // Already logged out (401) or the server is away: the local state is cleared either way.
    }
    forgetMe();
    setCsrfToken(null);
    return '/login';
  },

  async checkAuth() {
    const me = await fetchMe();
    if (!me) throw new Error('ra.auth.auth_check_error');
    // A pending first-login step is still a session: the layout sends the user to the page that finishes it.
  },

  async checkError(error: unknown) {
    const status = (error as { status?: number })?.status;
    const code = (error as { code?: string })?.code;
    if (status === 401) {
      forgetMe();
      setCsrfToken(null);
      throw new Error('ra.notification.logged_out');
    }
    if (status === 403 && (code === 'auth.password_change_required' || code === 'auth.mfa_enrolment_required')) {
      forgetMe();
      const step: PendingStep = code === 'auth.password_change_required' ? 'password_change' : 'mfa_enrolment';
      // Not a logout: the session stays, the user finishes the step first.
      throw { logoutUser: false, redirectTo: PENDING_PATHS[step], message: false };
    }
    // Other 403s are a missing permission: shown as a notification, the session stays.
  },

  async getIdentity(): Promise<Identity> {
    const me = await fetchMe();
    if (!me) throw new Error('ra.auth.auth_check_error');
    return { id: me.account.id, fullName: me.account.displayName, loginId: me.account.loginId, pending: me.pending, me };
  },

  async getPermissions() {
    const me = await fetchMe();
    return me && !me.pending ? me.permissions : [];
  },

  async canAccess({ resource, action }) {
    const me = await fetchMe();
    if (!me || me.pending) return false;
    return allows(me.permissions, resource, action);
  },
};
