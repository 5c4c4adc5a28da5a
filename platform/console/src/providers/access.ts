import { CLOUD_ACCESS } from '../cloud/config';
import { SECAUDIT_ACCESS } from '../resources/bastion/config';
import { CRYPTO_ACCESS } from '../resources/crypto/config';

/**
 * Which API permission each console action needs: the same table the API enforces (see each route's
 * `access` in platform/identity, platform/tenants and core/audit). `null` means any logged-in account;
 * a list means any one of them; a missing entry means nobody (the API has no such action).
 */
const ACCESS: Record<string, Record<string, string | readonly string[] | null>> = {
  accounts: {
    list: 'account.read',
    show: 'account.read',
    // Platform administrators create any account (POST /api/accounts); tenant administrators add members
    // to their own tenant (POST /api/tenant-members).
    create: ['account.manage', 'tenant.member_manage'],
    edit: 'account.manage',
    unlock: 'account.unlock',
    reset_password: 'account.reset_password',
    reset_mfa: 'account.reset_mfa',
    restrict: 'account.restrict',
  },
  tenants: { list: 'tenant.read', show: 'tenant.read', create: 'tenant.manage', edit: 'tenant.manage', quota: 'tenant.quota_update' },
  roles: { list: null, show: null },
  audit: { list: 'audit.read', show: 'audit.read', verify: 'audit.verify' },
  'tenant-audit': { list: 'audit.read_tenant', show: 'audit.read_tenant' },
  'security-policy': { read: 'security_policy.read', update: 'security_policy.update' },
  tokens: { list: null, create: null, delete: null },
  // compliance/compliance-routes.ts: running the checks changes the dashboard, so it needs more than read; the
  // assessor's 测评结论 (conclude) is its own permission beside the operator's evidence (record_verdict).
  compliance: { list: 'compliance.read', show: 'compliance.read', dashboard: 'compliance.read', record_verdict: 'compliance.manual_verdict', conclude: 'compliance.assess', run: 'compliance.run', export: 'compliance.export' },
  // security/audit/log-audit-routes.ts
  'log-alerts': { list: 'log_audit.read', show: 'log_audit.read', manage: 'log_audit.alert_manage' },
  'log-sources': { list: 'log_audit.read', show: 'log_audit.read', create: 'log_audit.source_manage', edit: 'log_audit.source_manage', delete: 'log_audit.source_manage', rotate_token: 'log_audit.source_manage' },
  'log-rules': { list: 'log_audit.read', show: 'log_audit.read', import: 'log_audit.rule_manage', edit: 'log_audit.rule_manage' },
  'log-search': { read: 'log_audit.read' },
  'log-parsers': { list: 'log_audit.read', show: 'log_audit.read', test: 'log_audit.read', create: 'log_audit.parser_manage', edit: 'log_audit.parser_manage', activate: 'log_audit.parser_manage', delete: 'log_audit.parser_manage' },
  'log-retention': { read: 'log_audit.read', update: 'log_audit.retention_manage', archive: 'log_audit.retention_manage', restore: 'log_audit.retention_manage' },
  ...CLOUD_ACCESS,
  ...SECAUDIT_ACCESS,
  ...CRYPTO_ACCESS,
};

/** The permission(s) a resource action needs; null for any account; undefined when the action does not exist. */
export function permissionFor(resource: string | undefined, action: string): string | readonly string[] | null | undefined {
  return resource ? ACCESS[resource]?.[action] : undefined;
}

/** True when the given permission list allows the action. */
export function allows(permissions: readonly string[] | undefined, resource: string | undefined, action: string): boolean {
  const needed = permissionFor(resource, action);
  if (needed === undefined) return false;
  if (needed === null) return true;
  const held = permissions ?? [];
  return typeof needed === 'string' ? held.includes(needed) : needed.some((p) => held.includes(p));
}
