import { allPages, combineVerdicts, csvFile, defineEvidenceSource, type CheckResult, type EvidenceSource, type Verdict } from '../../compliance';
import { systemActor, type Actor } from '../../core/authz';
import type { LogAudit } from '../../security/audit';

const DAY = 86_400_000;
const MIN_RETENTION_DAYS = 180;
const FIELD_SAMPLE = 200;
/** A `new` alert older than this has waited too long for someone to look at it. */
const ALERT_BACKLOG_DAYS = 7;

/** A boundary device of the estate (an edge-tier appliance: WAF, IPS, …) whose logs the log audit should receive. */
export type BoundaryDevice = { name: string; role: string; zone: string };

/** What the log-audit checks read, narrowed to the log audit's services and the estate's boundary devices. */
export type LogAuditEvidenceDeps = {
  retention: Pick<LogAudit['retention'], 'get'>;
  sources: Pick<LogAudit['sources'], 'list'>;
  rules: Pick<LogAudit['rules'], 'list'>;
  alerts: Pick<LogAudit['alerts'], 'list'>;
  search: Pick<LogAudit['search'], 'search'>;
  boundaryDevices(): Promise<BoundaryDevice[]>;
  /** Where closed days' signed archives go: an SFTP server elsewhere, or a directory on this host. */
  archive: 'sftp' | 'directory';
};

const grade = (done: number, of: number): Verdict => (of > 0 && done === of ? 'pass' : done > 0 ? 'partial' : 'fail');

/** Checks of the log audit (日志审计): retention, sources and boundary coverage, record elements, analysis and alerts. */
export function logAuditEvidenceSource(deps: LogAuditEvidenceDeps): EvidenceSource {
  const actor: Actor = systemActor('compliance');
  return defineEvidenceSource({
    id: 'log-audit',
    room: 'security/audit',
    checks: [
      {
        key: 'log-audit.retention',
        title: '审计数据集中收集与留存期（≥ 180 天）',
        itemIds: ['L3-SMC1-10', 'L3-ABS1-18'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const r = await deps.retention.get(actor);
          const ok = r.retentionDays >= MIN_RETENTION_DAYS;
          // Backups of the boundary records: expired days archived (SM3 digest, SM2-signed manifest) before they are dropped, to another host.
          const archived = r.deleteMode === 'archive_then_drop';
          const v18: Verdict = !archived ? 'fail' : deps.archive === 'sftp' ? 'pass' : 'partial';
          return {
            perItem: {
              'L3-ABS1-18': {
                verdict: v18,
                summary: !archived
                  ? '到期日志直接删除，不先归档：没有备份'
                  : `到期日志先归档（gzip NDJSON、SM3 摘要、SM2 签名清单）再删除，归档至${deps.archive === 'sftp' ? ' SFTP 异地存储' : '本机目录（同机，非异地备份）'}`,
              },
            },
            verdict: ok ? (r.capacityAlert ? 'partial' : 'pass') : 'fail',
            summary: `日志审计集中收集 syslog/HTTP/自身审计；留存 ${r.retentionDays} 天（要求 ≥${MIN_RETENTION_DAYS} 天），按日分区 ${r.partitions.length} 个，容量使用 ${r.usedPct}%${r.capacityAlert ? '（已超告警线）' : ''}`,
            evidence: { retentionDays: r.retentionDays, usedPct: r.usedPct, capacityAlert: r.capacityAlert, oldestDay: r.oldestDay, partitions: r.partitions.length, deleteMode: r.deleteMode, archive: deps.archive },
            ...(ok ? {} : { risk: 'high' as const }),
          };
        },
      },
      {
        key: 'log-audit.sources',
        title: '日志源接入：边界设备覆盖、远程访问与上网行为、按职责集中收集',
        itemIds: ['L3-ABS1-16', 'L3-ABS1-19', 'L3-SMC2-03'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const [sources, devices, rules] = await Promise.all([allPages((offset, limit) => deps.sources.list(actor, { offset, limit })), deps.boundaryDevices(), allPages((offset, limit) => deps.rules.list(actor, { offset, limit }))]);
          const reporting = sources.filter((s) => s.enabled && s.lastSeenAt && ctx.now.getTime() - new Date(s.lastSeenAt).getTime() < DAY);
          // A device is covered when a source reporting in the last day names it (name, address or description).
          const coverOf = (d: BoundaryDevice) => reporting.find((s) => [s.name, s.address ?? '', s.description ?? ''].some((x) => x.toLowerCase().includes(d.name.toLowerCase())));
          const coverage = devices.map((d) => ({ ...d, source: coverOf(d)?.name ?? null }));
          const covered = coverage.filter((c) => c.source);
          const remoteRules = rules.filter((r) => r.enabled && /ssh|rdp|vpn|remote|brute|spray/i.test(`${r.title} ${r.tags.join(' ')}`));
          const internetCovered = covered.filter((c) => c.role === 'waf');
          const internal = sources.find((s) => s.kind === 'yiyun');
          const tenantSources = sources.filter((s) => s.tenantId !== null);
          const v16 = grade(covered.length, devices.length);
          const v19 = grade((remoteRules.length > 0 ? 1 : 0) + (internetCovered.length > 0 ? 1 : 0), 2);
          const v2_03: Verdict = internal && internal.eventsTotal > 0 ? 'pass' : 'fail';
          const missing = coverage.filter((c) => !c.source).map((c) => `${c.zone}/${c.name}`);
          return {
            verdict: combineVerdicts([v16, v19, v2_03]) ?? 'pass',
            summary: `日志源 ${sources.length} 个，近 24 小时上报 ${reporting.length} 个；边界设备 ${devices.length} 台，已接入 ${covered.length} 台`,
            evidence: {
              sources: sources.length,
              reportingLast24h: reporting.map((s) => s.name),
              boundaryCoverage: coverage,
              remoteAccessRules: remoteRules.map((r) => r.title),
              internalTrail: internal ? { name: internal.name, eventsTotal: internal.eventsTotal, lastSeenAt: internal.lastSeenAt } : null,
              tenantSources: tenantSources.length,
            },
            perItem: {
              'L3-ABS1-16': { verdict: v16, summary: devices.length === 0 ? '规划中没有边界设备可核对' : missing.length ? `未接入或 24 小时未上报的边界设备：${missing.join('、')}` : `边界设备全部接入：${covered.map((c) => `${c.name}→${c.source}`).join('、')}` },
              'L3-ABS1-19': { verdict: v19, summary: `远程访问检测规则 ${remoteRules.length} 条启用（${remoteRules.map((r) => r.title).join('、') || '无'}）；上网行为（WAF）日志${internetCovered.length ? '已接入' : '未接入'}` },
              'L3-SMC2-03': {
                verdict: v2_03,
                summary: internal && internal.eventsTotal > 0
                  ? `云平台审计记录集中收集（${internal.eventsTotal} 条），按租户标记，租户只见自己的记录；租户自有日志源 ${tenantSources.length} 个`
                  : '云平台自身审计记录未进入日志审计',
              },
            },
            files: [csvFile('log-sources.csv', [['name', 'kind', 'tenant_id', 'address', 'enabled', 'last_seen_at', 'events_total'], ...sources.map((s) => [s.name, s.kind, s.tenantId, s.address, s.enabled, s.lastSeenAt ? new Date(s.lastSeenAt).toISOString() : '', s.eventsTotal])])],
          };
        },
      },
      {
        key: 'log-audit.fields',
        title: '日志审计记录要素：时间、主体、事件类型、结果',
        itemIds: ['L3-ABS1-17'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const { items } = await deps.search.search(actor, { from: new Date(ctx.now.getTime() - DAY), filters: [], sort: '@timestamp', order: 'desc', offset: 0, limit: FIELD_SAMPLE });
          const has = (f: Record<string, unknown>, ...keys: string[]) => keys.some((k) => f[k] !== undefined && f[k] !== null && f[k] !== '');
          const lacks = { subject: 0, type: 0, outcome: 0 };
          for (const e of items) {
            if (!has(e.fields, 'user.name', 'source.ip')) lacks.subject++;
            if (!has(e.fields, 'event.action', 'event.category')) lacks.type++;
            if (!has(e.fields, 'event.outcome')) lacks.outcome++;
          }
          const complete = items.length - Math.max(lacks.subject, lacks.type, lacks.outcome);
          // Outcome is often absent from devices' free text; subject and type are what make a record usable at all.
          const verdict: Verdict = items.length === 0 || lacks.subject + lacks.type > items.length / 2 ? 'fail' : lacks.subject + lacks.type + lacks.outcome === 0 ? 'pass' : 'partial';
          return {
            verdict,
            summary: items.length === 0
              ? '近 24 小时日志审计没有收到任何事件'
              : `抽查近 24 小时 ${items.length} 条事件：缺主体 ${lacks.subject}、缺事件类型 ${lacks.type}、缺结果 ${lacks.outcome}；时间戳全部具备`,
            evidence: { sampled: items.length, lacking: lacks, atLeastPartlyComplete: complete, fields: { time: '@timestamp', subject: ['user.name', 'source.ip'], type: ['event.action', 'event.category'], outcome: 'event.outcome' } },
          };
        },
      },
      {
        key: 'log-audit.analysis',
        title: '日志分析：检测规则启用、告警产生与处置',
        itemIds: ['L3-MMS1-20'],
        kind: 'automated',
        async run(ctx): Promise<CheckResult> {
          const since = new Date(ctx.now.getTime() - 30 * DAY);
          const [rules, recent, open] = await Promise.all([
            allPages((offset, limit) => deps.rules.list(actor, { offset, limit })),
            deps.alerts.list(actor, { from: since, offset: 0, limit: 1 }),
            deps.alerts.list(actor, { status: 'new', to: new Date(ctx.now.getTime() - ALERT_BACKLOG_DAYS * DAY), offset: 0, limit: 50 }),
          ]);
          const enabled = rules.filter((r) => r.enabled);
          const handled = await deps.alerts.list(actor, { from: since, status: 'closed', offset: 0, limit: 1 });
          const acknowledged = await deps.alerts.list(actor, { from: since, status: 'acknowledged', offset: 0, limit: 1 });
          const verdict: Verdict = enabled.length === 0 ? 'fail' : open.total > 0 ? 'partial' : 'pass';
          return {
            verdict,
            summary: `检测规则 ${rules.length} 条，启用 ${enabled.length} 条（关联规则 ${enabled.filter((r) => r.kind === 'correlation').length} 条）；近 30 天告警 ${recent.total} 条，已确认 ${acknowledged.total}、已关闭 ${handled.total}；超过 ${ALERT_BACKLOG_DAYS} 天未处理 ${open.total} 条`,
            evidence: {
              rules: rules.length,
              enabledRules: enabled.map((r) => ({ title: r.title, kind: r.kind, level: r.level })),
              alertsLast30Days: recent.total,
              acknowledgedLast30Days: acknowledged.total,
              closedLast30Days: handled.total,
              unhandledOlderThanDays: { days: ALERT_BACKLOG_DAYS, count: open.total, ids: open.items.map((a) => a.id) },
            },
            files: [csvFile('log-audit-rules.csv', [['title', 'kind', 'level', 'enabled', 'builtin'], ...rules.map((r) => [r.title, r.kind, r.level, r.enabled, r.builtin])])],
          };
        },
      },
    ],
  });
}
