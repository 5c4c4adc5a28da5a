import { allPages, csvFile, defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource } from '../../compliance';
import type { AccountService } from './account-service';
import type { IdentityDal } from './identity-dal';
import { mfaRequiredFor } from './identity-fns';
import { ROLES, SEPARATED_ROLES, type RoleName } from './identity-roles';
import { rbacCheck } from './identity-rbac-evidence';

const STALE_DAYS = 90;

/** Identity's checks for the compliance room: password and lockout policy, MFA, accounts, 三员分立, RBAC. */
export function identityEvidenceSource(deps: { accounts: Pick<AccountService, 'getPolicy'>; dal: Pick<IdentityDal, 'listAccounts'> }): EvidenceSource {
  const allAccounts = () => allPages(async (offset, limit) => ({ items: (await deps.dal.listAccounts({ offset, limit, sort: 'loginId', order: 'asc' })).rows }), 500);

  return defineEvidenceSource({
    id: 'identity',
    room: 'platform/identity',
    checks: [
      {
        key: 'identity.password-policy',
        title: '口令复杂度与定期更换',
        itemIds: ['L3-CES1-01'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const p = await deps.accounts.getPolicy();
          const ok = p.passwordMinLength >= 8 && p.passwordMinClasses >= 3 && p.passwordMaxAgeDays <= 90 && p.passwordHistory >= 1;
          return {
            verdict: ok ? 'pass' : 'fail',
            summary: `口令至少 ${p.passwordMinLength} 位、${p.passwordMinClasses} 类字符、${p.passwordMaxAgeDays} 天更换、不得重复最近 ${p.passwordHistory} 次（要求：≥8 位、≥3 类、≤90 天）；登录名唯一`,
            evidence: { policy: p, hashing: 'PBKDF2-SM3 with a per-account random salt', loginIdUnique: true },
            files: [jsonFile('password-policy.json', p)],
          };
        },
      },
      {
        key: 'identity.lockout-session',
        title: '登录失败处理与会话超时',
        itemIds: ['L3-CES1-02'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const p = await deps.accounts.getPolicy();
          const ok = p.lockoutThreshold <= 10 && p.lockoutMinutes >= 5 && p.sessionIdleMinutes <= 30;
          return {
            verdict: ok ? 'pass' : 'fail',
            summary: `连续失败 ${p.lockoutThreshold} 次锁定 ${p.lockoutMinutes} 分钟；空闲 ${p.sessionIdleMinutes} 分钟自动退出；会话最长 ${p.sessionAbsoluteHours} 小时（要求：≤10 次、≥5 分钟、空闲 ≤30 分钟）`,
            evidence: { lockoutThreshold: p.lockoutThreshold, lockoutMinutes: p.lockoutMinutes, sessionIdleMinutes: p.sessionIdleMinutes, sessionAbsoluteHours: p.sessionAbsoluteHours },
          };
        },
      },
      {
        key: 'identity.mfa-admins',
        title: '管理用户双因素鉴别',
        itemIds: ['L3-CES1-04'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const rows = (await allAccounts()).filter((a) => a.status === 'active' && mfaRequiredFor(a.roles));
          const without = rows.filter((a) => !a.mfa_enrolled_at);
          // Accounts still inside their first login (never logged in) cannot have enrolled yet: they cannot act either.
          const actingWithout = without.filter((a) => a.last_login_at && !a.must_change_password);
          return {
            verdict: actingWithout.length === 0 ? (without.length === 0 ? 'pass' : 'partial') : 'fail',
            summary: `管理类账户 ${rows.length} 个，已启用 TOTP 双因素 ${rows.length - without.length} 个；管理角色未完成双因素登记前只能修改口令和登记`,
            evidence: { adminAccounts: rows.length, enrolled: rows.length - without.length, notEnrolled: without.map((a) => a.login_id), enforced: 'administrative roles are confined to enrolment until a second factor exists' },
            ...(actingWithout.length ? { risk: 'high' as const } : {}),
            files: [csvFile('mfa-coverage.csv', [['login_id', 'roles', 'mfa_enrolled_at'], ...rows.map((a) => [a.login_id, a.roles.join(' '), a.mfa_enrolled_at?.toISOString() ?? ''])])],
          };
        },
      },
      {
        key: 'identity.accounts',
        title: '账户清单：默认账户、多余与过期账户',
        itemIds: ['L3-CES1-05', 'L3-CES1-06', 'L3-CES1-07'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const rows = await allAccounts();
          const staleBefore = ctx.now.getTime() - STALE_DAYS * 86_400_000;
          const stale = rows.filter((a) => a.status === 'active' && (a.last_login_at ?? a.created_at).getTime() < staleBefore);
          const defaultAdmin = rows.find((a) => a.login_id === 'admin');
          const defaultUnchanged = !!defaultAdmin && defaultAdmin.must_change_password;
          return {
            verdict: 'pass',
            summary: `账户 ${rows.length} 个（停用 ${rows.filter((a) => a.status === 'disabled').length}）；${STALE_DAYS} 天未用 ${stale.length} 个；默认账户 admin 口令${defaultUnchanged ? '尚未' : '已'}修改`,
            evidence: { total: rows.length, stale: stale.map((a) => a.login_id), defaultAdminPasswordChanged: !defaultUnchanged },
            perItem: {
              'L3-CES1-05': { verdict: rows.every((a) => a.roles.length > 0) ? 'pass' : 'fail', summary: '每个账户都分配了角色' },
              'L3-CES1-06': { verdict: defaultUnchanged ? 'fail' : 'pass', summary: defaultUnchanged ? '默认账户 admin 的一次性口令尚未修改' : '默认账户 admin 首次登录已强制修改口令' },
              'L3-CES1-07': { verdict: stale.length === 0 ? 'pass' : 'partial', summary: stale.length ? `${stale.length} 个账户超过 ${STALE_DAYS} 天未使用，应停用或删除` : `无超过 ${STALE_DAYS} 天未使用的账户` },
            },
            files: [
              csvFile('accounts.csv', [
                ['login_id', 'display_name', 'roles', 'tenant_id', 'status', 'mfa', 'last_login_at', 'created_at'],
                ...rows.map((a) => [a.login_id, a.display_name, a.roles.join(' '), a.tenant_id, a.status, a.mfa_enrolled_at ? 'yes' : 'no', a.last_login_at?.toISOString() ?? '', a.created_at.toISOString()]),
              ]),
            ],
          };
        },
      },
      {
        key: 'identity.separation-of-duties',
        title: '三员分立与最小权限',
        itemIds: ['L3-CES1-08', 'L3-SMC1-01', 'L3-SMC1-03', 'L3-SMC1-05'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const rows = (await allAccounts()).filter((a) => a.status === 'active');
          const doubled = rows.filter((a) => a.roles.filter((r) => SEPARATED_ROLES.includes(r as RoleName)).length > 1);
          const staffed = Object.fromEntries(SEPARATED_ROLES.map((r) => [r, rows.filter((a) => a.roles.includes(r)).map((a) => a.login_id)]));
          const missing = SEPARATED_ROLES.filter((r) => staffed[r]!.length === 0);
          // The audit administrator reads and verifies; any permission that changes state breaks the separation.
          const auditOnly = ROLES.auditadmin.permissions.every((p) => /\.(read|session_read|verify)$/.test(p));
          const verdict = doubled.length > 0 || !auditOnly ? 'fail' : missing.length > 0 ? 'partial' : 'pass';
          const table = Object.entries(ROLES).map(([id, r]) => ({ role: id, zh: r.zh, permissions: r.permissions }));
          return {
            verdict,
            summary: doubled.length
              ? `${doubled.length} 个账户同时持有两个三员角色`
              : missing.length
                ? `三员互斥已强制；尚未配备：${missing.map((r) => ROLES[r].zh).join('、')}`
                : '系统、安全、审计管理员分别由不同账户担任，权限互斥；审计管理员只能查看与校验审计记录',
            evidence: { staffed, doubled: doubled.map((a) => a.login_id), rolePermissions: table },
            perItem: Object.fromEntries(
              (['L3-SMC1-01', 'L3-SMC1-03', 'L3-SMC1-05'] as const).map((id, i) => {
                const role = (['sysadmin', 'auditadmin', 'secadmin'] as const)[i]!;
                return [id, { verdict: staffed[role]!.length ? 'pass' : 'partial', summary: `${ROLES[role].zh}：${staffed[role]!.join('、') || '未配备'}；须双因素登录，操作全部审计` }];
              }),
            ),
            files: [jsonFile('role-permissions.json', table)],
          };
        },
      },
      rbacCheck({ accounts: allAccounts }),
    ],
  });
}
