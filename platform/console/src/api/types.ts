/**
 * Shapes of the yiyun API as the console sees them (JSON on the wire: timestamps are ISO strings).
 * Mirrored by hand from the server's zod schemas (platform/identity/identity-schemas.ts,
 * platform/tenants/tenants-schemas.ts, core/audit/audit-routes.ts): the console shares no code with the server.
 */

export const ROLE_IDS = ['sysadmin', 'secadmin', 'auditadmin', 'tenant-admin', 'tenant-member', 'tenant-viewer', 'assessor'] as const;
export type RoleId = (typeof ROLE_IDS)[number];
export const PLATFORM_ROLES: readonly RoleId[] = ['sysadmin', 'secadmin', 'auditadmin', 'assessor'];

export const TENANT_KINDS = ['county_hospital', 'township_centre', 'village_clinic', 'public_health', 'other'] as const;
export const ZONES = ['liangcheng-dmz', 'liangcheng-internet'] as const;
export const TENANT_STATUSES = ['active', 'suspended', 'archived'] as const;
export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

export const QUOTA_KEYS = ['vcpu', 'ramGb', 'diskGb', 'vms', 'volumes', 'networks', 'securityGroups', 'floatingIps', 'snapshots', 'backups'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
export type Quota = Record<QuotaKey, number>;
/** Upper bounds the server accepts for each quota number. */
export const QUOTA_MAX: Quota = {
  vcpu: 100_000,
  ramGb: 1_000_000,
  diskGb: 10_000_000,
  vms: 100_000,
  volumes: 100_000,
  networks: 10_000,
  securityGroups: 10_000,
  floatingIps: 10_000,
  snapshots: 100_000,
  backups: 100_000,
};
/** The server's default share (a township centre), pre-filled when creating a tenant. */
export const DEFAULT_QUOTA: Quota = { vcpu: 64, ramGb: 256, diskGb: 4096, vms: 20, volumes: 60, networks: 5, securityGroups: 20, floatingIps: 5, snapshots: 100, backups: 200 };

export type TimeWindow = { days: number[]; from: string; to: string };

export type Account = {
  id: string;
  loginId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  tenantId: string | null;
  roles: string[];
  status: (typeof ACCOUNT_STATUSES)[number];
  locked: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  passwordChangedAt: string;
  mfaEnrolled: boolean;
  allowedCidrs: string[];
  allowedWindows: TimeWindow[];
  lastLoginAt: string | null;
  lastLoginIp: string | null;
  createdAt: string;
};

export type Tenant = {
  id: string;
  code: string;
  name: string;
  kind: (typeof TENANT_KINDS)[number];
  zone: (typeof ZONES)[number];
  status: (typeof TENANT_STATUSES)[number];
  contactName: string | null;
  contactPhone: string | null;
  description: string | null;
  quota: Quota;
  createdAt: string;
  updatedAt: string;
};

export type Role = { id: string; zh: string; en: string; scope: string; mfaRequired: boolean; permissions: string[] };

export type AuditRecord = {
  seq: number;
  /** The record's uuid; in the console `id` is the sequence number (react-admin's key), this keeps the uuid. */
  recordId?: string;
  id: string | number;
  occurredAt: string;
  actorKind: string;
  actorAccount: string | null;
  actorLogin: string;
  actorRoles: string[];
  tenantId: string | null;
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: (typeof AUDIT_OUTCOMES)[number];
  beforeSummary: unknown;
  afterSummary: unknown;
  detail: unknown;
  prevHash: string;
  hash: string;
};

export type ChainVerification = { ok: boolean; records: number; checkpoints: number; lastSeq: number; firstBad?: { seq: number; reason: string } };

export type ApiToken = { id: string; name: string; createdAt: string; expiresAt: string; lastUsedAt: string | null; revoked: boolean };
export type CreatedApiToken = { id: string; name: string; createdAt: string; expiresAt: string; token: string };

export type SecurityPolicy = {
  passwordMinLength: number;
  passwordMinClasses: number;
  passwordHistory: number;
  passwordMaxAgeDays: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
};
/** Bounds of each policy number, as the server validates them. */
export const POLICY_BOUNDS: Record<keyof SecurityPolicy, [number, number]> = {
  passwordMinLength: [8, 128],
  passwordMinClasses: [2, 4],
  passwordHistory: [0, 24],
  passwordMaxAgeDays: [1, 3650],
  lockoutThreshold: [3, 20],
  lockoutMinutes: [1, 1440],
  sessionIdleMinutes: [1, 1440],
  sessionAbsoluteHours: [1, 168],
};

export type PendingStep = 'password_change' | 'mfa_enrolment';

export type Me = {
  account: Account;
  permissions: string[];
  pending: PendingStep | null;
  csrfToken: string | null;
  passwordExpiresAt: string;
  mfaRequired: boolean;
};

export type LoginResult = { status: 'mfa_required'; challengeId: string } | { status: 'ok'; csrfToken: string; pending: PendingStep | null };

export type ProblemField = { path: string; message: string };
export type Problem = { type?: string; title?: string; status: number; code?: string; detail?: string; requestId?: string; fields?: ProblemField[] };

export type ListAnswer<T> = { items: T[]; total: number };
