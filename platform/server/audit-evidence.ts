import { defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource } from '../../compliance';
import type { AuditTrail } from '../../core/audit';

/** The audit trail's checks (core/ cannot import compliance/, so they are written here). */
export function auditEvidenceSource(trail: Pick<AuditTrail, 'verify' | 'search'>): EvidenceSource {
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
        itemIds: ['L3-CES1-12', 'L3-CES1-13'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const since = new Date(ctx.now.getTime() - 30 * 86_400_000);
          const recent = await trail.search({ offset: 0, limit: 20, from: since });
          const denied = await trail.search({ offset: 0, limit: 1, from: since, outcome: 'denied' });
          const sample = recent.items[0];
          const fieldsPresent = !!sample && !!sample.occurredAt && !!sample.actorLogin && !!sample.action && !!sample.outcome;
          return {
            verdict: recent.total > 0 && fieldsPresent ? 'pass' : 'partial',
            summary: `近 30 天审计记录 ${recent.total} 条（拒绝 ${denied.total} 条）；每条含时间、用户、来源地址、事件类型、对象、结果`,
            evidence: { recordsLast30Days: recent.total, deniedLast30Days: denied.total, sample: sample ?? null },
            files: [jsonFile('audit-sample.json', recent.items)],
          };
        },
      },
    ],
  });
}
