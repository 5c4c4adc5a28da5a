import { combineVerdicts, csvFile, jsonFile, type CheckDefinition, type CheckResult, type Verdict } from '../../compliance';
import type { AccountRow } from './identity-dal';
import { ROLES, roleSetProblem, type RoleInfo, type RoleName } from './identity-roles';

/** Permissions that change who may do what: accounts' roles, tenant members, login restrictions, the security policy, bastion ACLs. */
const POLICY_PERMISSIONS = ['account.manage', 'tenant.member_manage', 'account.restrict', 'security_policy.update', 'bastion.acl_manage'] as const;

/** Permissions that act on a tenant's data itself (decrypt, sign, operate its VMs and disks), as opposed to managing the platform. */
const TENANT_DATA_PERMISSIONS = ['kms.use', 'signing.use', 'cloud.operate'] as const;

/** The administrators who alone may hold a policy-changing permission (三员 and the tenant's own administrator). */
const POLICY_ROLES: readonly string[] = ['sysadmin', 'secadmin', 'tenant-admin'];

type Roles = Readonly<Record<string, RoleInfo>>;

/** The facts identity.rbac judges, pure so that a weakened role table can be tested. */
function judgeRbac(roles: Roles, accounts: readonly Pick<AccountRow, 'login_id' | 'roles' | 'tenant_id' | 'status'>[]) {
  const holders = (perms: readonly string[]) =>
    Object.entries(roles).flatMap(([role, r]) => r.permissions.filter((p) => perms.includes(p)).map((permission) => ({ role, scope: r.scope, mfaRequired: r.mfaRequired, permission })));
  const policyHolders = holders(POLICY_PERMISSIONS);
  // A policy-changing permission outside the named administrators, or on a role that may work without a second factor.
  const wrongPolicyHolders = policyHolders.filter((h) => !POLICY_ROLES.includes(h.role) || !h.mfaRequired);
  const unknownRoles = accounts.filter((a) => a.roles.some((r) => !roles[r]));
  const badRoleSets = accounts
    .filter((a) => a.status === 'active')
    .map((a) => ({ login: a.login_id, problem: a.roles.every((r) => roles[r]) ? roleSetProblem(a.roles as RoleName[], a.tenant_id) : 'unknown role' }))
    .filter((x): x is { login: string; problem: string } => x.problem !== null);
  // Platform roles that can act on tenant data directly: the provider reaches customer data without the tenant granting it.
  const providerDataAccess = holders(TENANT_DATA_PERMISSIONS).filter((h) => h.scope === 'platform');
  const coarse = Object.entries(roles).flatMap(([role, r]) => r.permissions.filter((p) => !/^[a-z_]+\.[a-z_]+$/.test(p) || p.endsWith('.*')).map((p) => `${role}:${p}`));
  const labelled = accounts.filter((a) => a.status === 'active').every((a) => a.roles.every((r) => (roles[r]?.scope === 'tenant') === (a.tenant_id !== null)));

  const v09: Verdict = wrongPolicyHolders.length ? 'fail' : 'pass';
  const v10: Verdict = badRoleSets.length || coarse.length ? 'fail' : 'partial';
  const v11: Verdict = labelled && badRoleSets.length === 0 ? 'partial' : 'fail';
  const v2_11: Verdict = providerDataAccess.length === 0 ? 'pass' : 'partial';
  return { policyHolders, wrongPolicyHolders, unknownRoles: unknownRoles.map((a) => a.login_id), badRoleSets, providerDataAccess, coarse, labelled, verdicts: { 'L3-CES1-09': v09, 'L3-CES1-10': v10, 'L3-CES1-11': v11, 'L3-CES2-11': v2_11 } };
}

/** identity.rbac: who may change access control, role granularity, scope labels, and the provider's reach into tenant data. */
export function rbacCheck(deps: { accounts(): Promise<AccountRow[]>; roles?: () => Roles }): CheckDefinition {
  return {
    key: 'identity.rbac',
    title: '访问控制策略与角色授权（RBAC）',
    itemIds: ['L3-CES1-09', 'L3-CES1-10', 'L3-CES1-11', 'L3-CES2-11'],
    kind: 'automated',
    async run(): Promise<CheckResult> {
      // Read at run time: rooms extend roles (extendRole) after this module loads.
      const roles: Roles = deps.roles?.() ?? ROLES;
      const rows = await deps.accounts();
      const j = judgeRbac(roles, rows);
      const v = j.verdicts;
      const overall = combineVerdicts(Object.values(v)) ?? 'pass';
      const table = Object.entries(roles).map(([role, r]) => ({ role, zh: r.zh, scope: r.scope, mfaRequired: r.mfaRequired, permissions: r.permissions }));
      const list = (xs: { role: string; permission: string }[]) => xs.map((h) => `${roles[h.role]?.zh ?? h.role}(${h.permission})`).join('、');
      return {
        verdict: overall,
        summary: `角色 ${table.length} 个，权限按“对象.操作”细分；可修改访问控制的权限只授予 ${[...new Set(j.policyHolders.map((h) => h.role))].join('、')}${j.wrongPolicyHolders.length ? `；越权持有：${list(j.wrongPolicyHolders)}` : ''}`,
        evidence: {
          policyPermissions: POLICY_PERMISSIONS,
          policyHolders: j.policyHolders,
          wrongPolicyHolders: j.wrongPolicyHolders,
          accountsWithBadRoleSets: j.badRoleSets,
          accountsWithUnknownRoles: j.unknownRoles,
          providerRolesWithTenantDataAccess: j.providerDataAccess,
          coarsePermissions: j.coarse,
          scopeLabelsConsistent: j.labelled,
          roleTableSource: 'platform/identity/identity-roles.ts (data shipped with the release; no API edits it)',
        },
        perItem: {
          'L3-CES1-09': {
            verdict: v['L3-CES1-09'],
            summary: j.wrongPolicyHolders.length
              ? `非授权角色可修改访问控制策略：${list(j.wrongPolicyHolders)}`
              : '角色与权限表随版本发布、不能在线修改；账户角色、登录限制、安全策略仅由须双因素的系统/安全/租户管理员配置，变更均审计',
            ...(j.wrongPolicyHolders.length ? { risk: 'medium' as const } : {}),
          },
          'L3-CES1-10': {
            verdict: v['L3-CES1-10'],
            summary: j.badRoleSets.length
              ? `${j.badRoleSets.length} 个账户的角色组合违反规则：${j.badRoleSets.map((b) => `${b.login}(${b.problem})`).join('；')}`
              : j.coarse.length
                ? `存在通配或粗粒度权限：${j.coarse.join('、')}`
                : '平台内主体到账户、客体到租户资源与操作；主机与数据库层的粒度由测评现场核查',
          },
          'L3-CES1-11': {
            verdict: v['L3-CES1-11'],
            summary: v['L3-CES1-11'] === 'fail' ? '账户的租户标记与其角色范围不一致' : '每个账户与资源带租户与区域标记，访问按标记隔离；强制访问控制标记由测评现场核查',
          },
          'L3-CES2-11': {
            verdict: v['L3-CES2-11'],
            summary: j.providerDataAccess.length
              ? `服务商角色无需租户授权即可使用租户数据权限：${list(j.providerDataAccess)}；其使用均记入租户可查的审计记录`
              : '服务商角色不持有租户数据的使用权限（解密、签名、操作云资源）',
          },
        },
        files: [
          jsonFile('rbac-role-table.json', table),
          csvFile('rbac-policy-permissions.csv', [['role', 'scope', 'mfa_required', 'permission'], ...j.policyHolders.map((h) => [h.role, h.scope, h.mfaRequired, h.permission])]),
        ],
      };
    },
  };
}
