/**
 * Who is calling and what they may do. Roles and their permissions are data owned by identity;
 * the kernel only knows the shape, so every room can check a permission without importing identity.
 */
export type Permission = `${string}.${string}`;

/** What a route needs: a permission, any logged-in caller, or nobody at all. */
export type RouteAccess = Permission | 'authenticated' | 'public';

/** A login that is not finished yet confines the caller to the few routes that finish it. */
export type PendingStep = 'password_change' | 'mfa_enrolment' | null;

export type Actor = {
  kind: 'account' | 'system' | 'anonymous';
  accountId: string | null;
  loginId: string;
  displayName?: string;
  roles: readonly string[];
  /** Set for tenant roles; null for platform roles. */
  tenantId: string | null;
  permissions: ReadonlySet<Permission>;
  sourceIp: string | null;
  /** How the caller authenticated: a console cookie needs CSRF protection, a bearer token does not. */
  via: 'cookie' | 'bearer' | 'internal';
  sessionId?: string;
  csrfToken?: string;
  pending: PendingStep;
  /** The request this actor is acting in, so every audit record names it. */
  requestId?: string;
};

/** True when the actor holds the permission. */
export function can(actor: Pick<Actor, 'permissions'>, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** The actor for work the system does by itself (jobs, start-up): recorded as such in the audit trail. */
export function systemActor(task: string, permissions: Iterable<Permission> = []): Actor {
  return {
    kind: 'system',
    accountId: null,
    loginId: `system:${task}`,
    roles: ['system'],
    tenantId: null,
    permissions: new Set(permissions),
    sourceIp: null,
    via: 'internal',
    pending: null,
  };
}

/** The caller of a public route before it has logged in. */
export function anonymousActor(sourceIp: string | null): Actor {
  return {
    kind: 'anonymous',
    accountId: null,
    loginId: 'anonymous',
    roles: [],
    tenantId: null,
    permissions: new Set(),
    sourceIp,
    via: 'internal',
    pending: null,
  };
}
