import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Actor } from '../../core/authz';
import { defineRoute, idParams, listOf, timestamp, type RouteDef } from '../../core/http';
import type { AccountService } from './account-service';
import type { AuthService, ClientInfo, SessionGrant } from './auth-service';
import {
  accountSchema,
  changePasswordSchema,
  createAccountSchema,
  createTokenSchema,
  listAccountsQuery,
  loginResultSchema,
  loginSchema,
  meSchema,
  mfaLoginSchema,
  otpTokenSchema,
  restrictionsSchema,
  securityPolicySchema,
  securityPolicyUpdateSchema,
  totpConfirmSchema,
  updateAccountSchema,
} from './identity-schemas';
import { ROLES } from './identity-roles';

export const SESSION_COOKIE = 'yiyun_session';

function clientOf(req: Request): ClientInfo {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  return { sourceIp: ip?.startsWith('::ffff:') ? ip.slice(7) : ip, userAgent: req.get('user-agent') ?? null };
}

function setSessionCookie(req: Request, res: Response, grant: SessionGrant): void {
  res.cookie(SESSION_COOKIE, grant.token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires: grant.expiresAt });
}

/** The http kit's `authenticate`: a bearer token wins over the cookie. */
export function createRequestAuthenticator(auth: Pick<AuthService, 'authenticate'>) {
  return async (req: Request): Promise<Actor | null> => {
    const header = req.get('authorization');
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!bearer && !cookie) return null;
    return auth.authenticate({ bearerToken: bearer, sessionToken: bearer ? undefined : cookie }, clientOf(req));
  };
}

const okGrant = (g: SessionGrant) => ({ status: 'ok' as const, csrfToken: g.csrfToken, pending: g.pending });
const createdAccount = z.object({ account: accountSchema, initialPassword: z.string().optional() });

/** Routes of login, sessions, MFA and tokens. */
export function authRoutes(auth: AuthService): RouteDef[] {
  return [
    defineRoute({
      method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Log in with login id and password', access: 'public', audit: 'auth.login_succeeded', rateLimit: 'login',
      body: loginSchema, response: loginResultSchema,
      handler: async ({ body, req, res }) => {
        const r = await auth.login(body, clientOf(req));
        if (r.status === 'mfa_required') return r;
        setSessionCookie(req, res, r);
        return okGrant(r);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/auth/login/mfa', tag: 'auth', summary: 'Second login step: TOTP or recovery code', access: 'public', audit: 'auth.login_succeeded', rateLimit: 'login',
      body: mfaLoginSchema, response: loginResultSchema,
      handler: async ({ body, req, res }) => {
        const r = await auth.loginMfa(body, clientOf(req));
        setSessionCookie(req, res, r);
        return okGrant(r);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Log out (revokes the session)', access: 'authenticated', audit: 'auth.logout', allowPending: true, status: 204,
      handler: async ({ actor, res }) => {
        await auth.logout(actor);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
      },
    }),
    defineRoute({
      method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The current account, its permissions and pending login steps', access: 'authenticated', allowPending: true,
      response: meSchema, handler: ({ actor }) => auth.me(actor),
    }),
    defineRoute({
      method: 'post', path: '/api/auth/password', tag: 'auth', summary: 'Change the own password', access: 'authenticated', audit: 'account.password_changed', allowPending: true, rateLimit: 'login', status: 204,
      body: changePasswordSchema, handler: async ({ actor, body }) => auth.changePassword(actor, body),
    }),
    defineRoute({
      method: 'post', path: '/api/auth/mfa/totp/setup', tag: 'auth', summary: 'Start TOTP enrolment (secret and QR code)', access: 'authenticated', audit: 'account.mfa_enrolment_started', allowPending: true,
      response: z.object({ secret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() }),
      handler: ({ actor }) => auth.totpSetup(actor),
    }),
    defineRoute({
      method: 'post', path: '/api/auth/mfa/totp/confirm', tag: 'auth', summary: 'Finish TOTP enrolment; returns recovery codes once', access: 'authenticated', audit: 'account.mfa_enrolled', allowPending: true, rateLimit: 'login',
      body: totpConfirmSchema, response: z.object({ recoveryCodes: z.array(z.string()) }),
      handler: ({ actor, body }) => auth.totpConfirm(actor, body.code),
    }),
    defineRoute({
      method: 'get', path: '/api/auth/tokens', tag: 'auth', summary: 'The own API tokens', access: 'authenticated',
      response: listOf(z.object({ id: z.uuid(), name: z.string(), createdAt: timestamp(), expiresAt: timestamp(), lastUsedAt: timestamp().nullable(), revoked: z.boolean() })),
      handler: ({ actor }) => auth.listTokens(actor),
    }),
    defineRoute({
      method: 'post', path: '/api/auth/tokens', tag: 'auth', summary: 'Create an API token (shown once)', access: 'authenticated', audit: 'token.created', status: 201,
      body: createTokenSchema, response: z.object({ id: z.uuid(), name: z.string(), createdAt: timestamp(), expiresAt: timestamp(), token: z.string() }),
      handler: ({ actor, body }) => auth.createToken(actor, body),
    }),
    defineRoute({
      method: 'delete', path: '/api/auth/tokens/:id', tag: 'auth', summary: 'Revoke an own API token', access: 'authenticated', audit: 'token.revoked', status: 204,
      params: idParams, handler: ({ actor, params }) => auth.revokeToken(actor, params.id),
    }),
  ];
}

/** Routes of accounts, roles and the security policy. */
export function accountRoutes(accounts: AccountService): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/roles', tag: 'accounts', summary: 'The roles and their permissions', access: 'authenticated',
      response: listOf(z.object({ id: z.string(), zh: z.string(), en: z.string(), scope: z.string(), mfaRequired: z.boolean(), permissions: z.array(z.string()) })),
      handler: () => {
        const items = Object.entries(ROLES).map(([id, r]) => ({ id, ...r, permissions: [...r.permissions] }));
        return { items, total: items.length };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/accounts', tag: 'accounts', summary: 'List accounts (a tenant sees its own)', access: 'account.read',
      query: listAccountsQuery, response: listOf(accountSchema), handler: ({ actor, query }) => accounts.list(actor, query),
    }),
    defineRoute({
      method: 'get', path: '/api/accounts/:id', tag: 'accounts', summary: 'One account', access: 'account.read',
      params: idParams, response: accountSchema, handler: ({ actor, params }) => accounts.get(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: '/api/accounts', tag: 'accounts', summary: 'Create an account (one-time password returned once)', access: 'account.manage', audit: 'account.created', status: 201,
      body: createAccountSchema, response: createdAccount, handler: ({ actor, body }) => accounts.create(actor, body),
    }),
    defineRoute({
      method: 'post', path: '/api/tenant-members', tag: 'accounts', summary: 'A tenant administrator adds a member to its tenant', access: 'tenant.member_manage', audit: 'account.created', status: 201,
      body: createAccountSchema, response: createdAccount, handler: ({ actor, body }) => accounts.create(actor, body),
    }),
    defineRoute({
      method: 'patch', path: '/api/accounts/:id', tag: 'accounts', summary: 'Update an account (name, contact, roles, status)', access: 'account.manage', audit: 'account.updated',
      params: idParams, body: updateAccountSchema, response: accountSchema, handler: ({ actor, params, body }) => accounts.update(actor, params.id, body),
    }),
    defineRoute({
      method: 'post', path: '/api/accounts/:id/unlock', tag: 'accounts', summary: 'Unlock a locked account', access: 'account.unlock', audit: 'account.unlocked',
      params: idParams, response: accountSchema, handler: ({ actor, params }) => accounts.unlock(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: '/api/accounts/:id/reset-password', tag: 'accounts', summary: 'Set a one-time password (returned once)', access: 'account.reset_password', audit: 'account.password_reset',
      params: idParams, response: z.object({ initialPassword: z.string() }), handler: ({ actor, params }) => accounts.resetPassword(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: '/api/accounts/:id/reset-mfa', tag: 'accounts', summary: 'Remove an account’s second factor so it enrols again', access: 'account.reset_mfa', audit: 'account.mfa_reset',
      params: idParams, response: accountSchema, handler: ({ actor, params }) => accounts.resetMfa(actor, params.id),
    }),
    defineRoute({
      method: 'put', path: '/api/accounts/:id/otp-token', tag: 'accounts', summary: 'Register a GM/T 0021 SM3 hardware token as the second factor', access: 'account.reset_mfa', audit: 'account.otp_token_registered',
      params: idParams, body: otpTokenSchema, response: accountSchema, handler: ({ actor, params, body }) => accounts.registerOtpToken(actor, params.id, body),
    }),
    defineRoute({
      method: 'put', path: '/api/accounts/:id/restrictions', tag: 'accounts', summary: 'Allowed source ranges and login hours', access: 'account.restrict', audit: 'account.restrictions_changed',
      params: idParams, body: restrictionsSchema, response: accountSchema, handler: ({ actor, params, body }) => accounts.setRestrictions(actor, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/api/security-policy', tag: 'accounts', summary: 'Password, lockout and session policy', access: 'security_policy.read',
      response: securityPolicySchema, handler: () => accounts.getPolicy(),
    }),
    defineRoute({
      method: 'patch', path: '/api/security-policy', tag: 'accounts', summary: 'Change the password, lockout and session policy', access: 'security_policy.update', audit: 'security_policy.updated',
      body: securityPolicyUpdateSchema, response: securityPolicySchema, handler: ({ actor, body }) => accounts.updatePolicy(actor, body),
    }),
  ];
}
