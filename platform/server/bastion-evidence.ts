import { existsSync } from 'node:fs';
import path from 'node:path';
import { allPages, combineVerdicts, csvFile, defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource, type ItemOutcome, type Verdict } from '../../compliance';
import { systemActor } from '../../core/authz';
import type { BastionAccess, BastionDal } from '../../security/bastion';

/** How an operator proves the second factor the gateway demands of every login. */
export type OperatorFactor = { accountId: string; loginId: string; active: boolean; secondFactor: 'sm3_otp' | 'totp' | null };

export type BastionEvidenceDeps = {
  dal: Pick<BastionDal, 'listSessions' | 'listGrants' | 'listRules' | 'listAssets'>;
  access: Pick<BastionAccess, 'listAdminSources'>;
  recordingsDir: string;
  /** The SSH gateway's port; 0 when `yiyun serve` runs no gateway (operators then bypass the bastion). */
  gatewayPort: number;
  factors(accountIds: readonly string[]): Promise<OperatorFactor[]>;
};

const WINDOW_DAYS = 30;
const LONG_GRANT_DAYS = 90;
const prefixOf = (cidr: string) => Number(cidr.split('/')[1] ?? (cidr.includes(':') ? 128 : 32));

/**
 * The bastion's check: every remote operation goes through the gateway with a second factor, is recorded and kept,
 * reaches only granted assets for a bounded time, changing commands can require approval, and admins come only from
 * declared ranges. Read from the bastion's own tables and the recordings on disk at run time.
 */
export function bastionEvidenceSource(deps: BastionEvidenceDeps): EvidenceSource {
  const actor = systemActor('compliance-bastion');
  return defineEvidenceSource({
    id: 'bastion',
    room: 'security/bastion',
    checks: [
      {
        key: 'security.bastion',
        title: '堡垒机：双因素、会话录像、授权时限、命令审批、管理地址',
        itemIds: ['L3-ABS1-19', 'L3-CES1-19', 'L3-MMS1-21', 'L3-MMS1-22', 'L3-MMS1-23', 'MP-DC-01', 'MP-DC-02'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const from = new Date(ctx.now.getTime() - WINDOW_DAYS * 86_400_000);
          const sessions = await allPages(async (offset, limit) => ({ items: (await deps.dal.listSessions({ from, offset, limit })).rows }), 500);
          // File transfers are logged per file (with SM3); terminal and exec sessions must each leave a recording.
          const recordable = sessions.filter((s) => s.kind !== 'sftp');
          const unrecorded = recordable.filter((s) => !s.recording_file || !existsSync(path.join(deps.recordingsDir, path.basename(s.recording_file))));
          const grants = await deps.dal.listGrants({});
          const live = grants.filter((g) => g.valid_until.getTime() > ctx.now.getTime());
          const long = live.filter((g) => g.valid_until.getTime() - Math.max(g.valid_from.getTime(), g.created_at.getTime()) > LONG_GRANT_DAYS * 86_400_000);
          const rules = (await deps.dal.listRules()).filter((r) => r.enabled);
          const approve = rules.filter((r) => r.action === 'approve');
          const sources = (await deps.access.listAdminSources(actor)).items;
          const openSources = sources.filter((s) => prefixOf(s.cidr) === 0);
          const broadSources = sources.filter((s) => prefixOf(s.cidr) > 0 && prefixOf(s.cidr) < (s.cidr.includes(':') ? 48 : 16));
          const assets = (await deps.dal.listAssets({ offset: 0, limit: 100_000 })).rows.filter((a) => a.enabled && !a.retired_at);
          const pinned = assets.filter((a) => a.host_key_sha256);
          const operators = await deps.factors([...new Set(live.map((g) => g.operator_account_id))]);
          const noFactor = operators.filter((o) => o.active && !o.secondFactor);
          const sm3 = operators.filter((o) => o.secondFactor === 'sm3_otp');
          const gateway = deps.gatewayPort > 0;

          const off: ItemOutcome | null = gateway ? null : { verdict: 'fail', summary: '堡垒机 SSH 网关未启用（YIYUN_BASTION_SSH_PORT 未设置），运维不经堡垒机' };
          const recorded: Verdict = unrecorded.length ? 'fail' : 'pass';
          const perItem: Record<string, ItemOutcome> = {
            'L3-ABS1-19': off ?? { verdict: recorded, summary: `近 ${WINDOW_DAYS} 天远程运维会话 ${sessions.length} 个，应有录像 ${recordable.length} 个、缺录像 ${unrecorded.length} 个；命令与文件传输逐条记录`, ...(unrecorded.length ? { risk: 'high' as const } : {}) },
            'L3-CES1-19': off ?? {
              verdict: openSources.length ? 'fail' : broadSources.length ? 'partial' : 'pass',
              summary: sources.length
                ? `管理员只能从 ${sources.map((s) => s.cidr).join('、')} 登录堡垒机${openSources.length ? '（含任意地址，不符合）' : broadSources.length ? '（范围过宽）' : ''}`
                : '未声明管理地址段：管理类账户不能登录堡垒机',
            },
            'L3-MMS1-21': off ?? { verdict: unrecorded.length ? 'fail' : approve.length ? 'pass' : 'partial', summary: `启用命令规则 ${rules.length} 条，其中须审批 ${approve.length} 条；会话录像缺失 ${unrecorded.length} 个；操作写入 SM3 链审计` },
            'L3-MMS1-22': off ?? { verdict: unrecorded.length ? 'fail' : 'partial', summary: `运维经堡垒机接入并全程录像、文件传输记录 SM3；用后清除敏感数据须人工佐证` },
            'L3-MMS1-23': off ?? { verdict: unrecorded.length ? 'fail' : long.length ? 'partial' : 'pass', summary: `有效授权 ${live.length} 条均有截止时间，超过 ${LONG_GRANT_DAYS} 天的 ${long.length} 条；到期自动失效，会话可被强制结束` },
            'MP-DC-01': off ?? {
              verdict: noFactor.length ? 'fail' : operators.length && sm3.length === operators.length ? 'pass' : 'partial',
              summary: `持有效授权的运维人员 ${operators.length} 名，每次登录须口令或公钥加动态口令；使用 SM3 动态口令 ${sm3.length} 名，TOTP（HMAC-SHA1）${operators.length - sm3.length - noFactor.length} 名，未登记 ${noFactor.length} 名`,
              objects: [{ name: '堡垒机登录', d: 1, a: operators.length ? sm3.length / operators.length : 0, k: 1 }],
            },
            'MP-DC-02': off ?? {
              verdict: 'partial',
              summary: `运维通道为 SSH；已固定主机密钥的资产 ${pinned.length}/${assets.length}；SSH 使用的算法不是国密算法，须以 SM2/SM4 通道（如国密 SSH/TLCP 网关）替代或测评认定`,
              objects: [{ name: '堡垒机运维通道', d: assets.length ? pinned.length / assets.length : 0, a: 0, k: assets.length ? pinned.length / assets.length : 0 }],
            },
          };
          const verdict = combineVerdicts(Object.values(perItem).map((o) => o.verdict)) ?? 'pass';
          return {
            verdict,
            summary: gateway
              ? `堡垒机网关端口 ${deps.gatewayPort}：强制双因素；近 ${WINDOW_DAYS} 天会话 ${sessions.length} 个、缺录像 ${unrecorded.length} 个；有效授权 ${live.length} 条；须审批命令规则 ${approve.length} 条；管理地址段 ${sources.length} 个`
              : '堡垒机 SSH 网关未启用，运维不经堡垒机',
            evidence: {
              gateway: { enabled: gateway, port: deps.gatewayPort || null, secondFactorRequired: 'every login, any role, any first factor (operator directory)' },
              recording: { windowDays: WINDOW_DAYS, sessions: sessions.length, recordable: recordable.length, missing: unrecorded.map((s) => ({ id: s.id, operator: s.operator_login, asset: s.asset_name, startedAt: s.started_at })) },
              grants: { total: grants.length, live: live.length, longerThanDays: LONG_GRANT_DAYS, long: long.map((g) => ({ id: g.id, operator: g.operator_login, validUntil: g.valid_until })) },
              commandRules: rules.map((r) => ({ name: r.name, action: r.action, pattern: r.pattern, priority: r.priority })),
              adminSources: sources.map((s) => s.cidr),
              operators: operators.map((o) => ({ loginId: o.loginId, secondFactor: o.secondFactor })),
              assets: { enabled: assets.length, hostKeyPinned: pinned.length },
            },
            perItem,
            files: [
              csvFile('bastion-grants.csv', [['operator', 'asset_id', 'folder', 'account', 'protocols', 'valid_from', 'valid_until'], ...grants.map((g) => [g.operator_login, g.asset_id, g.folder, g.account_username, g.protocols.join(' '), g.valid_from.toISOString(), g.valid_until.toISOString()])]),
              jsonFile('bastion-policy.json', { commandRules: rules, adminSources: sources, gatewayPort: deps.gatewayPort }),
            ],
          };
        },
      },
    ],
  });
}
