import { defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource } from '../../compliance';
import type { AuditTrail } from '../../core/audit';

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
};

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
    ],
  });
}
