import { combineVerdicts, defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource, type ItemOutcome } from '../../compliance';
import type { DbAuditService } from '../../security/dbaudit';

export type DbAuditEvidenceDeps = {
  service: Pick<DbAuditService, 'recordSummary'>;
  /** The proxies `yiyun serve` listens with (host:port), null when not configured. */
  proxies: { postgresql: string | null; mysql: string | null };
  upstreamTls: 'require' | 'prefer' | 'disable';
};

const WINDOW_DAYS = 30;

/**
 * The database audit's check: the wire proxies are configured, statements are being recorded with who and where,
 * none were lost, and records are kept. Read from the db-audit room's own records at run time.
 */
export function dbauditEvidenceSource(deps: DbAuditEvidenceDeps): EvidenceSource {
  return defineEvidenceSource({
    id: 'dbaudit',
    room: 'security/dbaudit',
    checks: [
      {
        key: 'security.db-audit',
        title: '数据库审计：代理部署、语句记录、字段完整与留存',
        itemIds: ['L3-CES1-12', 'L3-CES1-13', 'L3-SMC1-10'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const since = new Date(ctx.now.getTime() - WINDOW_DAYS * 86_400_000);
          const s = await deps.service.recordSummary(since);
          const proxies = Object.entries(deps.proxies).flatMap(([engine, listen]) => (listen ? [{ engine, listen }] : []));
          const st = s.statements;
          const lost = s.recorder.dropped + s.recorder.failedBatches;
          const oldestDays = st.oldest ? Math.floor((ctx.now.getTime() - new Date(st.oldest).getTime()) / 86_400_000) : null;
          const none: (ItemOutcome & { summary: string }) | null = proxies.length ? null : { verdict: 'fail', summary: '未配置数据库审计代理（YIYUN_DBAUDIT_PG_LISTEN / YIYUN_DBAUDIT_MYSQL_LISTEN），数据库访问未被审计' };
          const idle: ItemOutcome | null = !none && st.recent === 0 ? { verdict: 'partial', summary: `代理已配置，但近 ${WINDOW_DAYS} 天未记录任何语句：业务库须只经代理访问` } : null;
          const perItem: Record<string, ItemOutcome> = {
            'L3-CES1-12': none ?? idle ?? { verdict: lost ? 'partial' : 'pass', summary: `近 ${WINDOW_DAYS} 天记录 SQL 语句 ${st.recent} 条${lost ? `，记录器丢失或写入失败 ${lost} 批/条` : '，无丢失'}` },
            'L3-CES1-13': none ?? idle ?? {
              verdict: st.recentWithoutUser || st.recentWithoutSource ? 'partial' : 'pass',
              summary: `每条记录含时间、数据库用户、来源地址与端口、库名、客户端程序、语句、影响行数、耗时、错误；缺用户 ${st.recentWithoutUser} 条、缺来源 ${st.recentWithoutSource} 条`,
            },
            'L3-SMC1-10': none ?? idle ?? { verdict: 'pass', summary: `语句集中存于审计库，不自动删除；最早记录距今 ${oldestDays ?? 0} 天（要求留存 ≥180 天）` },
          };
          return {
            verdict: combineVerdicts(Object.values(perItem).map((o) => o.verdict)) ?? 'pass',
            summary: none ? none.summary : `数据库审计代理 ${proxies.map((p) => `${p.engine} ${p.listen}`).join('、')}；近 ${WINDOW_DAYS} 天语句 ${st.recent} 条（最早一条 ${st.oldest ? st.oldest.toISOString().slice(0, 10) : '无'}）；丢失 ${lost}`,
            evidence: {
              proxies,
              upstreamTls: deps.upstreamTls,
              windowDays: WINDOW_DAYS,
              statements: st,
              oldestRecordDays: oldestDays,
              retention: 'statements are kept until removed by operations (no automatic deletion)',
              connections: s.connections,
              alerts: s.alerts,
              recorder: s.recorder,
            },
            perItem,
            files: [jsonFile('dbaudit-summary.json', { proxies, ...s })],
          };
        },
      },
    ],
  });
}
