import { defineEvidenceSource, type CheckResult, type EvidenceSource } from '../../compliance';
import { systemActor } from '../../core/authz';

type Retention = { get(actor: ReturnType<typeof systemActor>): Promise<{ retentionDays: number; usedPct: number; capacityAlert: boolean; oldestDay: string | null; partitions: unknown[] }> };

/** Checks of the log audit: central collection of audit data and its retention (≥ 180 days). */
export function logAuditEvidenceSource(retention: Retention): EvidenceSource {
  return defineEvidenceSource({
    id: 'log-audit',
    room: 'security/audit',
    checks: [
      {
        key: 'log-audit.retention',
        title: '审计数据集中收集与留存期（≥ 180 天）',
        itemIds: ['L3-SMC1-10'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const r = await retention.get(systemActor('compliance'));
          const ok = r.retentionDays >= 180;
          return {
            verdict: ok ? (r.capacityAlert ? 'partial' : 'pass') : 'fail',
            summary: `日志审计集中收集 syslog/HTTP/自身审计；留存 ${r.retentionDays} 天（要求 ≥180 天），按日分区 ${r.partitions.length} 个，容量使用 ${r.usedPct}%${r.capacityAlert ? '（已超告警线）' : ''}`,
            evidence: { retentionDays: r.retentionDays, usedPct: r.usedPct, capacityAlert: r.capacityAlert, oldestDay: r.oldestDay, partitions: r.partitions.length },
            ...(ok ? {} : { risk: 'high' as const }),
          };
        },
      },
    ],
  });
}

