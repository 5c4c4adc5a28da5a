import test from 'ava';
import type { CheckDefinition, CheckResult } from '../../compliance';
import type { AccountRow } from './identity-dal';
import { identityEvidenceSource } from './identity-evidence';
import { rbacCheck } from './identity-rbac-evidence';
import { ROLES, type RoleInfo } from './identity-roles';
import { securityPolicySchema, type SecurityPolicy } from './identity-schemas';

const NOW = new Date('2026-11-20T08:00:00Z');
const DAY = 86_400_000;

function account(login: string, roles: string[], over: Partial<AccountRow> = {}): AccountRow {
  return {
    id: `id-${login}`, login_id: login, display_name: login, email: null, phone: null, tenant_id: null, roles, status: 'active',
    password_hash: 'x', password_changed_at: new Date(NOW.getTime() - DAY), must_change_password: false, failed_attempts: 0, locked_until: null,
    totp_secret_sealed: null, totp_pending_sealed: null, totp_last_step: null, mfa_enrolled_at: new Date(NOW.getTime() - 2 * DAY),
    otp_token_serial: null, otp_token_seed_sealed: null, otp_token_last_step: null, allowed_cidrs: [], allowed_windows: [],
    last_login_at: new Date(NOW.getTime() - DAY), last_login_ip: '10.0.0.1', created_at: new Date(NOW.getTime() - 30 * DAY), updated_at: NOW,
    ...over,
  };
}

const staffed = () => [account('admin', ['sysadmin']), account('sec1', ['secadmin']), account('aud1', ['auditadmin'])];

function source(rows: AccountRow[], policy: Partial<SecurityPolicy> = {}) {
  return identityEvidenceSource({
    accounts: { getPolicy: async () => securityPolicySchema.parse(policy) },
    dal: { listAccounts: async (q) => ({ rows: rows.slice(q.offset, q.offset + q.limit), total: rows.length }) },
  });
}

async function run(rows: AccountRow[], key: string, policy: Partial<SecurityPolicy> = {}): Promise<CheckResult> {
  const check = source(rows, policy).checks.find((c) => c.key === key)!;
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}

const item = (r: CheckResult, id: string) => r.perItem?.[id]?.verdict ?? r.verdict;

test('lockout-session: the defaults pass; a lax threshold, a short lockout or a long idle timeout fail', async (t) => {
  t.is((await run(staffed(), 'identity.lockout-session')).verdict, 'pass');
  t.is((await run(staffed(), 'identity.lockout-session', { lockoutThreshold: 15 })).verdict, 'fail');
  t.is((await run(staffed(), 'identity.lockout-session', { lockoutMinutes: 2 })).verdict, 'fail');
  const idle = await run(staffed(), 'identity.lockout-session', { sessionIdleMinutes: 60 });
  t.is(idle.verdict, 'fail');
  t.is(idle.evidence.sessionIdleMinutes, 60);
});

test('mfa-admins: an acting admin without a second factor is 不符合 with high risk; one who never logged in is 部分符合', async (t) => {
  t.is((await run(staffed(), 'identity.mfa-admins')).verdict, 'pass');
  const fresh = [...staffed(), account('sec2', ['secadmin'], { mfa_enrolled_at: null, last_login_at: null, must_change_password: true })];
  const partial = await run(fresh, 'identity.mfa-admins');
  t.is(partial.verdict, 'partial');
  t.deepEqual(partial.evidence.notEnrolled, ['sec2']);
  const acting = [...staffed(), account('sec2', ['secadmin'], { mfa_enrolled_at: null })];
  const fail = await run(acting, 'identity.mfa-admins');
  t.is(fail.verdict, 'fail');
  t.is(fail.risk, 'high');
  // Tenant members need no second factor: they do not count.
  t.is((await run([...staffed(), account('m1', ['tenant-member'], { tenant_id: 't1', mfa_enrolled_at: null })], 'identity.mfa-admins')).verdict, 'pass');
});

test('accounts: an unchanged bootstrap password, a role-less account and stale accounts turn their items', async (t) => {
  const ok = await run(staffed(), 'identity.accounts');
  t.deepEqual([item(ok, 'L3-CES1-05'), item(ok, 'L3-CES1-06'), item(ok, 'L3-CES1-07')], ['pass', 'pass', 'pass']);
  const bad = await run(
    [account('admin', ['sysadmin'], { must_change_password: true }), account('nobody', []), account('old', ['tenant-viewer'], { tenant_id: 't1', last_login_at: new Date(NOW.getTime() - 120 * DAY) })],
    'identity.accounts',
  );
  t.is(item(bad, 'L3-CES1-05'), 'fail');
  t.is(item(bad, 'L3-CES1-06'), 'fail');
  t.is(item(bad, 'L3-CES1-07'), 'partial');
  t.deepEqual(bad.evidence.stale, ['old']);
});

test('separation-of-duties: one account holding two 三员 roles is 不符合; a missing role is 部分符合', async (t) => {
  t.is((await run(staffed(), 'identity.separation-of-duties')).verdict, 'pass');
  t.is((await run([account('admin', ['sysadmin'])], 'identity.separation-of-duties')).verdict, 'partial');
  const doubled = await run([...staffed(), account('both', ['sysadmin', 'auditadmin'])], 'identity.separation-of-duties');
  t.is(doubled.verdict, 'fail');
  t.deepEqual(doubled.evidence.doubled, ['both']);
});

async function rbac(rows: AccountRow[], roles: Record<string, RoleInfo> = ROLES): Promise<CheckResult> {
  const check: CheckDefinition = rbacCheck({ accounts: async () => rows, roles: () => roles });
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}

test('rbac: the shipped role table keeps policy changes with MFA administrators; the provider\'s reach into tenant data shows', async (t) => {
  const r = await rbac([...staffed(), account('ta', ['tenant-admin'], { tenant_id: 't1' })]);
  t.is(item(r, 'L3-CES1-09'), 'pass');
  t.is(item(r, 'L3-CES1-10'), 'partial');
  t.is(item(r, 'L3-CES1-11'), 'partial');
  // secadmin holds kms.use and signing.use on every tenant's keys: reported, not hidden.
  const reach = (r.evidence.providerRolesWithTenantDataAccess as { role: string; permission: string }[]).map((h) => `${h.role}:${h.permission}`);
  t.true(reach.includes('secadmin:kms.use'));
  t.is(item(r, 'L3-CES2-11'), reach.length ? 'partial' : 'pass');
});

test('rbac: a viewer role that can change accounts, a mixed-scope account and provider data access fail their items', async (t) => {
  const weakened: Record<string, RoleInfo> = { ...ROLES, 'tenant-viewer': { ...ROLES['tenant-viewer'], permissions: [...ROLES['tenant-viewer'].permissions, 'account.manage'] } };
  const r = await rbac([...staffed(), account('mixed', ['sysadmin', 'tenant-admin'], { tenant_id: 't1' })], weakened);
  t.is(item(r, 'L3-CES1-09'), 'fail');
  t.is(r.perItem?.['L3-CES1-09']?.risk, 'medium');
  t.deepEqual((r.evidence.wrongPolicyHolders as { role: string }[]).map((h) => h.role), ['tenant-viewer']);
  t.is(item(r, 'L3-CES1-10'), 'fail');
  t.is(item(r, 'L3-CES1-11'), 'fail');
  t.is(r.verdict, 'fail');

  // A role table where no platform role touches tenant data: L3-CES2-11 passes.
  const strict: Record<string, RoleInfo> = Object.fromEntries(
    Object.entries(ROLES).map(([k, v]) => [k, v.scope === 'platform' ? { ...v, permissions: v.permissions.filter((p) => !['kms.use', 'signing.use', 'cloud.operate'].includes(p)) } : v]),
  );
  t.is(item(await rbac(staffed(), strict), 'L3-CES2-11'), 'pass');
});
