import { defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource } from '../../compliance';
import { TENANT_AUDIT_PATH, type AuditRecord, type AuditTrail } from '../../core/audit';
import type { Actor, Permission } from '../../core/authz';
import type { RouteDef } from '../../core/http';

/** Where copies of the trail live besides its own table (the log audit's ingest, its daily archives, the ferry). */
export type TrailCopies = {
  /** The log audit's retention (days) and when it last read the trail; null when the log audit is not wired. */
  logAudit: { retentionDays: number; lastIngestAt: Date | null } | null;
  /** Where the log audit archives closed days: an SFTP server elsewhere, or a directory on this host. */
  archive: 'sftp' | 'directory';
  /** The gatekeeper flow that ferries this zone's trail to the other zone, when there is one. */
  ferryFlow: string | null;
};

export type AuditEvidenceDeps = {
  trail: Pick<AuditTrail, 'verify' | 'search' | 'readAfter'>;
  /** Names of the triggers that refuse UPDATE, DELETE and TRUNCATE on the trail's tables. */
  appendOnlyGuards(): Promise<string[]>;
  copies(): Promise<TrailCopies>;
  /** The route declarations the server mounts (method, path, permission, audit action, handler). */
  routes(): readonly RouteDef[];
  /** The role table: each role's scope and permissions. */
  roles(): Readonly<Record<string, { scope: 'platform' | 'tenant'; permissions: readonly string[] }>>;
};

/**
 * Privileged VM commands (等保 L3-ABS2-07 names delete and reboot at least): deleting a VM, and the operations that
 * stop, restart, rebuild or resize one. Matched on the declared routes, so a new route of that shape is covered too.
 */
export function isPrivilegedVmRoute(r: Pick<RouteDef, 'method' | 'path'>): boolean {
  if (r.method === 'delete' && /^\/api\/cloud\/vms\/:[a-zA-Z]+$/.test(r.path)) return true;
  return r.method !== 'get' && /^\/api\/cloud\/vms\/:[a-zA-Z]+\/(stop|reboot|restart|rebuild|reinstall|resize|reset)$/.test(r.path);
}

/** Commands typed through the bastion are recorded by its gateway (not a route): these actions carry them. */
const BASTION_COMMAND_ACTIONS = ['bastion_command.', 'bastion_session.started'] as const;
const PRIVILEGED_SAMPLE = 100;
const VISIBILITY_SAMPLE = 5;

/** The triggers core/audit's first migration installs; without them a database user could rewrite history. */
export const REQUIRED_GUARDS = ['records_append_only', 'records_no_truncate', 'checkpoints_append_only'] as const;

/** Every record needs these; a record made for an HTTP request (account or anonymous actor) also needs its source address. */
const REQUIRED_FIELDS = ['occurredAt', 'actorLogin', 'action', 'targetType', 'outcome'] as const;
const FIELD_SAMPLE = 200;

/** The audit trail's checks (core/ cannot import compliance/, so they are written here). */
export function auditEvidenceSource(deps: AuditEvidenceDeps): EvidenceSource {
  const { trail } = deps;
  return defineEvidenceSource({
    id: 'audit',
    room: 'core/audit',
    checks: [
      {
        key: 'audit.chain-verifies',
        title: '审计记录防篡改（SM3 链 + SM2 签名检查点）',
        itemIds: ['L3-CES1-14'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const v = await trail.verify();
          return {
            verdict: v.ok ? 'pass' : 'fail',
            summary: v.ok
              ? `审计记录 ${v.records} 条，SM3 哈希链完整，${v.checkpoints} 个 SM2 签名检查点均有效；应用不能修改或删除审计记录`
              : `审计链在第 ${v.firstBad!.seq} 条断裂：${v.firstBad!.reason}`,
            evidence: { ...v },
            ...(v.ok ? {} : { risk: 'high' as const }),
            files: [jsonFile('audit-chain-verification.json', v)],
          };
        },
      },
      {
        key: 'audit.coverage',
        title: '审计覆盖每个用户的重要行为，记录要素完整',
        itemIds: ['L3-CES1-12'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const since = new Date(ctx.now.getTime() - 30 * 86_400_000);
          const recent = await trail.search({ offset: 0, limit: 500, from: since });
          const denied = await trail.search({ offset: 0, limit: 1, from: since, outcome: 'denied' });
          const failed = await trail.search({ offset: 0, limit: 1, from: since, outcome: 'failure' });
          // Which rooms and actors the recent records come from: an assessor asks "is every user's action there?".
          const byRoom: Record<string, number> = {};
          for (const r of recent.items) byRoom[r.action.split('.')[0]!] = (byRoom[r.action.split('.')[0]!] ?? 0) + 1;
          const actors = new Set(recent.items.map((r) => r.actorLogin));
          return {
            // Nothing recorded for 30 days means the audit is not on (or nothing reaches it): that is the finding.
            verdict: recent.total > 0 ? 'pass' : 'fail',
            summary: recent.total > 0
              ? `近 30 天审计记录 ${recent.total} 条（拒绝 ${denied.total} 条、失败 ${failed.total} 条），来自 ${actors.size} 个主体、${Object.keys(byRoom).length} 类对象；每次状态变更与拒绝均在同一事务内记录`
              : '近 30 天没有任何审计记录：审计未启用或未送达',
            evidence: { recordsLast30Days: recent.total, deniedLast30Days: denied.total, failedLast30Days: failed.total, actorsInSample: [...actors], actionsByRoomInSample: byRoom },
            ...(recent.total > 0 ? {} : { risk: 'high' as const }),
            files: [jsonFile('audit-sample.json', recent.items.slice(0, 20))],
          };
        },
      },
      {
        key: 'audit.fields',
        title: '审计记录要素：时间、用户、来源地址、事件类型、对象、结果',
        itemIds: ['L3-CES1-13'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const sample = (await trail.search({ offset: 0, limit: FIELD_SAMPLE })).items;
          const missing: Record<string, number> = {};
          for (const r of sample) for (const f of REQUIRED_FIELDS) if (!r[f]) missing[f] = (missing[f] ?? 0) + 1;
          const fromRequests = sample.filter((r) => r.actorKind === 'account' || r.actorKind === 'anonymous');
          const withoutIp = fromRequests.filter((r) => !r.sourceIp);
          const verdict = sample.length === 0 || Object.keys(missing).length > 0 ? 'fail' : withoutIp.length > 0 ? 'partial' : 'pass';
          return {
            verdict,
            summary: sample.length === 0
              ? '没有可抽查的审计记录'
              : `抽查最近 ${sample.length} 条：${Object.keys(missing).length ? `缺少要素 ${Object.entries(missing).map(([f, n]) => `${f}×${n}`).join('、')}` : '时间、用户、事件类型、对象、结果齐全'}；用户发起的 ${fromRequests.length} 条中 ${fromRequests.length - withoutIp.length} 条记有来源地址`,
            evidence: { sampled: sample.length, requiredFields: REQUIRED_FIELDS, missing, requestRecords: fromRequests.length, requestRecordsWithoutSourceIp: withoutIp.map((r) => r.seq).slice(0, 50) },
            files: [jsonFile('audit-fields-sample.json', sample.slice(0, 20))],
          };
        },
      },
      {
        key: 'audit.retention',
        title: '审计记录留存与备份（只追加、异地副本）',
        itemIds: ['L3-CES1-14', 'L3-SMC1-10'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const [guards, copies, first, last] = await Promise.all([deps.appendOnlyGuards(), deps.copies(), trail.readAfter(0, 1), trail.search({ offset: 0, limit: 1 })]);
          const absent = REQUIRED_GUARDS.filter((g) => !guards.includes(g));
          const oldest = first[0]?.occurredAt ?? null;
          const newest = last.items[0]?.occurredAt ?? null;
          const ageDays = oldest ? Math.floor((ctx.now.getTime() - oldest.getTime()) / 86_400_000) : 0;
          // The copy is current when the log audit read the trail within a day of its newest record (a quiet trail has nothing to read).
          const lastIngest = copies.logAudit?.lastIngestAt ?? null;
          const ingestFresh = !!copies.logAudit && (!newest || (!!lastIngest && newest.getTime() - lastIngest.getTime() < 86_400_000));
          // A copy off this host: the log audit's archives on an SFTP server, or the ferry to the other zone.
          const offHost = (copies.archive === 'sftp' && !!copies.logAudit) || copies.ferryFlow !== null;
          const copyRetentionOk = !copies.logAudit || copies.logAudit.retentionDays >= 180;
          const verdict = absent.length ? 'fail' : offHost && ingestFresh && copyRetentionOk ? 'pass' : 'partial';
          const gaps = [
            ...(ingestFresh ? [] : [copies.logAudit ? '日志审计落后审计记录超过一天' : '未接入日志审计']),
            ...(offHost ? [] : ['没有异地副本（归档在本机目录，且无摆渡通道）']),
            ...(copyRetentionOk ? [] : [`日志审计副本只留存 ${copies.logAudit!.retentionDays} 天`]),
          ];
          return {
            verdict,
            summary: absent.length
              ? `审计表缺少只追加保护：${absent.join('、')}，记录可被改删`
              : `审计表只追加（拒绝改、删、清空），不设删除期，最早记录 ${oldest?.toISOString().slice(0, 10) ?? '无'}（${ageDays} 天）；副本：日志审计留存 ${copies.logAudit?.retentionDays ?? '-'} 天，归档至${copies.archive === 'sftp' ? ' SFTP 异地' : '本机目录'}${copies.ferryFlow ? `，经网闸摆渡（${copies.ferryFlow}）` : ''}${gaps.length ? `；不足：${gaps.join('；')}` : ''}`,
            evidence: { appendOnlyGuards: guards, missingGuards: absent, oldestRecordAt: oldest, oldestRecordAgeDays: ageDays, deletion: 'none (no code path deletes audit records)', copies },
            ...(absent.length ? { risk: 'high' as const } : {}),
            perItem: {
              // L3-SMC1-10 asks for six months: the trail itself keeps everything, so only the guards can fail it.
              'L3-SMC1-10': { verdict: absent.length ? 'fail' : 'pass', summary: absent.length ? '审计记录可被删除，留存期无保障' : `审计记录不设删除期（已留存 ${ageDays} 天），满足 ≥180 天` },
            },
          };
        },
      },
      {
        key: 'audit.privileged-commands',
        title: '审计服务商与租户远程管理中的特权命令（删除、重启、停止、重建、变更规格虚拟机，堡垒机命令）',
        itemIds: ['L3-ABS2-07'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const privileged = deps.routes().filter(isPrivilegedVmRoute);
          const unaudited = privileged.filter((r) => !r.audit);
          const hasDelete = privileged.some((r) => r.method === 'delete');
          const hasReboot = privileged.some((r) => /\/(reboot|restart)$/.test(r.path));
          const actions = [...new Set(privileged.flatMap((r) => (r.audit ? [r.audit] : [])))];
          const since = new Date(ctx.now.getTime() - 30 * 86_400_000);
          // The search matches an action prefix: exact names are kept, prefixes (bastion_command.) are what they are.
          const recorded: AuditRecord[] = [];
          for (const action of [...actions, ...BASTION_COMMAND_ACTIONS]) {
            const hits = await trail.search({ offset: 0, limit: PRIVILEGED_SAMPLE, action, from: since });
            recorded.push(...hits.items.filter((r) => action.endsWith('.') || r.action === action));
          }
          // An account acting over HTTP or SSH has a source address; a job of the platform itself has none to record.
          const incomplete = recorded.filter((r) => !r.actorLogin || r.actorRoles.length === 0 || !r.targetId || (r.actorKind !== 'system' && !r.sourceIp));
          const tenantRoles = new Set(Object.entries(deps.roles()).filter(([, v]) => v.scope === 'tenant').map(([k]) => k));
          const byTenant = recorded.filter((r) => r.actorRoles.some((x) => tenantRoles.has(x))).length;
          const routeGaps = [
            ...(hasDelete ? [] : ['没有删除虚拟机的路由']),
            ...(hasReboot ? [] : ['没有重启虚拟机的路由']),
            ...unaudited.map((r) => `${r.method.toUpperCase()} ${r.path} 未声明审计事件`),
          ];
          const verdict = routeGaps.length || incomplete.length ? 'fail' : recorded.length === 0 ? 'partial' : 'pass';
          return {
            verdict,
            summary: [
              routeGaps.length ? `特权命令审计不全：${routeGaps.join('；')}` : `${privileged.length} 个虚拟机特权操作路由均声明审计事件（${actions.join('、')}）`,
              recorded.length === 0
                ? '近 30 天尚无特权命令记录可抽查'
                : `近 30 天抽查特权命令记录 ${recorded.length} 条（服务商 ${recorded.length - byTenant} 条、租户 ${byTenant} 条）${incomplete.length ? `，其中 ${incomplete.length} 条缺少操作者、角色、来源地址或对象` : '，均记有操作者、角色、来源地址与对象'}`,
            ].join('；'),
            evidence: {
              privilegedRoutes: privileged.map((r) => ({ method: r.method.toUpperCase(), path: r.path, access: r.access, audit: r.audit ?? null })),
              unauditedRoutes: unaudited.map((r) => `${r.method.toUpperCase()} ${r.path}`),
              bastionCommandActions: BASTION_COMMAND_ACTIONS,
              recordedLast30DaysInSample: recorded.length,
              byProvider: recorded.length - byTenant,
              byTenant,
              incompleteRecords: incomplete.map((r) => r.seq).slice(0, 50),
            },
            ...(verdict === 'fail' ? { risk: 'high' as const } : {}),
            files: [jsonFile('privileged-commands-sample.json', recorded.slice(0, 20))],
          };
        },
      },
      {
        key: 'audit.tenant-visibility',
        title: '租户可审计服务商对其系统和数据的操作',
        itemIds: ['L3-ABS2-08'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const route = deps.routes().find((r) => r.method === 'get' && r.path === TENANT_AUDIT_PATH);
          const roles = deps.roles();
          const tenantRoles = Object.entries(roles).filter(([, v]) => v.scope === 'tenant');
          const holders = route && route.access.includes('.') ? tenantRoles.filter(([, v]) => v.permissions.includes(route.access)).map(([k]) => k) : [];
          if (!route || holders.length === 0) {
            return {
              verdict: 'fail',
              summary: !route ? `没有租户审计路由（GET ${TENANT_AUDIT_PATH}）：租户无法查看对其资源的操作记录` : `没有租户角色拥有 ${route.access}：租户无法查看服务商对其资源的操作`,
              evidence: { route: route ? { path: route.path, access: route.access } : null, tenantRoles: Object.fromEntries(tenantRoles.map(([k, v]) => [k, v.permissions])) },
              risk: 'high',
            };
          }
          // Provider actions on tenant resources: records naming a tenant, made by an actor holding no tenant role.
          const since = new Date(ctx.now.getTime() - 30 * 86_400_000);
          const recent = (await trail.search({ offset: 0, limit: 500, from: since })).items;
          const tenantRoleNames = new Set(tenantRoles.map(([k]) => k));
          const byProvider = recent.filter((r) => r.tenantId && !r.actorRoles.some((x) => tenantRoleNames.has(x))).slice(0, VISIBILITY_SAMPLE);
          // Each sampled record is looked up through the tenant route itself, as that tenant's account would.
          const checked = [];
          for (const r of byProvider) {
            const actor: Actor = { kind: 'system', accountId: null, loginId: 'system:compliance-tenant-view', roles: [holders[0]!], tenantId: r.tenantId, permissions: new Set([route.access as Permission]), sourceIp: null, via: 'internal', pending: null };
            const query = route.query ? route.query.parse({ action: r.action, ...(r.targetId && r.targetId.length <= 100 ? { targetId: r.targetId } : {}), limit: '100' }) : {};
            const seen = (await route.handler({ actor, params: {}, query, body: undefined, requestId: 'compliance', req: undefined as never, res: undefined as never })) as { items: AuditRecord[] };
            checked.push({ seq: r.seq, tenantId: r.tenantId, action: r.action, actorLogin: r.actorLogin, visible: seen.items.some((x) => x.seq === r.seq), foreign: seen.items.filter((x) => x.tenantId !== r.tenantId).length });
          }
          const hidden = checked.filter((c) => !c.visible);
          const leaking = checked.filter((c) => c.foreign > 0);
          const verdict = hidden.length || leaking.length ? 'fail' : checked.length === 0 ? 'partial' : 'pass';
          return {
            verdict,
            summary: `${holders.join('、')} 拥有 ${route.access}，可经 GET ${route.path} 查看本租户资源上的全部操作（含服务商账号，记录操作者、角色、来源地址）；${
              checked.length === 0
                ? '近 30 天没有服务商对租户资源的操作记录可抽查'
                : `抽查服务商操作 ${checked.length} 条：${hidden.length ? `${hidden.length} 条租户看不到` : '租户均可见'}${leaking.length ? `，${leaking.length} 次查询混入其他租户记录` : ''}`
            }`,
            evidence: { route: { method: 'GET', path: route.path, access: route.access }, tenantRolesWithAccess: holders, providerRecordsChecked: checked },
            ...(verdict === 'fail' ? { risk: 'high' as const } : {}),
          };
        },
      },
    ],
  });
}
