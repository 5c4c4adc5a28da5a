import { sql, type Kysely, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { optionalText } from '../../../core/http/schemas';
import { exportReport, fileStamp, MAX_ROWS, rangeRefinement, rangeText, reportRangeQuery, resolveRange, type RenderedReport, type ReportColumn, type ReportModel } from '../../reports';

export const dbauditReportQuery = z.strictObject({ ...reportRangeQuery, user: optionalText(128), database: optionalText(128) }).superRefine(rangeRefinement);
export type DbAuditReportQuery = z.infer<typeof dbauditReportQuery>;
export const DBAUDIT_REPORT_KINDS = ['sessions', 'statements'] as const;
export type DbAuditReportKind = (typeof DBAUDIT_REPORT_KINDS)[number];

type Filter = { from: Date; to: Date; user?: string; database?: string };

type ConnectionAgg = {
  id: string; engine: string; src_ip: string; src_port: number; dst_ip: string; dst_port: number; db_user: string | null; db_name: string | null; client_program: string | null;
  client_tls: boolean; upstream_tls: boolean; auth_ok: boolean | null; auth_error: string | null; started_at: Date; ended_at: Date | null; statements: number; failed: number; alerts: number;
};
type StatementAgg = {
  db_user: string | null; db_name: string | null; engine: string; command: string; statements: number; failed: number; rows: number; avg_ms: number; max_ms: number; first_at: Date; last_at: Date; alerts: number;
};

function connWhere(f: Filter): RawBuilder<unknown> {
  const p = [sql`c.started_at >= ${f.from}`, sql`c.started_at < ${f.to}`];
  if (f.user) p.push(sql`c.db_user = ${f.user}`);
  if (f.database) p.push(sql`c.db_name = ${f.database}`);
  return sql.join(p, sql` and `);
}
function stWhere(f: Filter): RawBuilder<unknown> {
  const p = [sql`s.at >= ${f.from}`, sql`s.at < ${f.to}`];
  if (f.user) p.push(sql`s.db_user = ${f.user}`);
  if (f.database) p.push(sql`s.db_name = ${f.database}`);
  return sql.join(p, sql` and `);
}

const CONNECTION_COLUMNS: ReportColumn[] = [
  { key: 'startedAt', header: '开始时间', kind: 'datetime', width: 14 },
  { key: 'endedAt', header: '结束时间', kind: 'datetime', width: 14 },
  { key: 'engine', header: '数据库类型', kind: 'text', width: 8 },
  { key: 'client', header: '客户端', kind: 'text', width: 13 },
  { key: 'server', header: '服务端', kind: 'text', width: 13 },
  { key: 'user', header: '数据库账号', kind: 'text', width: 10 },
  { key: 'database', header: '数据库', kind: 'text', width: 10 },
  { key: 'program', header: '客户端程序', kind: 'text', width: 10 },
  { key: 'tls', header: 'TLS（客户端/服务端）', kind: 'text', width: 9 },
  { key: 'login', header: '登录', kind: 'text', width: 8 },
  { key: 'statements', header: '语句数', kind: 'number', width: 7 },
  { key: 'failed', header: '失败语句', kind: 'number', width: 7 },
  { key: 'alerts', header: '告警数', kind: 'number', width: 6 },
  { key: 'id', header: '会话 ID', kind: 'text', width: 12 },
];
const STATEMENT_COLUMNS: ReportColumn[] = [
  { key: 'user', header: '数据库账号', kind: 'text', width: 12 },
  { key: 'database', header: '数据库', kind: 'text', width: 12 },
  { key: 'engine', header: '数据库类型', kind: 'text', width: 9 },
  { key: 'command', header: '操作类型', kind: 'text', width: 10 },
  { key: 'statements', header: '语句数', kind: 'number', width: 7 },
  { key: 'failed', header: '失败数', kind: 'number', width: 7 },
  { key: 'rows', header: '影响/返回行数', kind: 'number', width: 9 },
  { key: 'avgMs', header: '平均响应（毫秒）', kind: 'number', width: 9 },
  { key: 'maxMs', header: '最长响应（毫秒）', kind: 'number', width: 9 },
  { key: 'alerts', header: '告警数', kind: 'number', width: 6 },
  { key: 'firstAt', header: '首次', kind: 'datetime', width: 14 },
  { key: 'lastAt', header: '最近', kind: 'datetime', width: 14 },
];
const TITLES: Record<DbAuditReportKind, string> = { sessions: '数据库审计会话报表', statements: '数据库审计语句汇总报表' };
const loginText = (ok: boolean | null, err: string | null) => (ok === null ? '未完成' : ok ? '成功' : `失败${err ? `：${err}` : ''}`);
const round = (n: number) => Math.round(n * 100) / 100;

/** Connection and statement-summary reports of the database-audit proxies, in the same four formats; exports are audited. */
export function createDbAuditReports(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'>; now?: () => Date; timeZone?: string; pdfFontPath?: string }) {
  const now = deps.now ?? (() => new Date());
  const tz = deps.timeZone ?? 'Asia/Shanghai';

  function frame(actor: Actor, kind: DbAuditReportKind, q: Omit<DbAuditReportQuery, 'format'>) {
    const generatedAt = now();
    const range = resolveRange(q, generatedAt);
    const filters: Array<[string, string]> = [['时间范围', rangeText(range, tz)], ['数据库账号', q.user ?? '全部'], ['数据库', q.database ?? '全部']];
    const name = `dbaudit-${kind}-${fileStamp(generatedAt, tz)}`;
    return { filter: { ...range, user: q.user, database: q.database }, base: { name, title: TITLES[kind], generatedAt, generatedBy: actor.loginId, filters, timeZone: tz } };
  }

  /** At most `limit` connections (the format's cap), newest first; a cut is stated in the report. */
  async function sessionsModel(actor: Actor, q: Omit<DbAuditReportQuery, 'format'>, limit = MAX_ROWS.xlsx): Promise<ReportModel> {
    const { filter, base } = frame(actor, 'sessions', q);
    // Statements and alerts are counted from the range start by their own time indexes (no per-connection index), then joined.
    const { rows } = await sql<ConnectionAgg>`
      with st as (select connection_id, count(*)::int as n, (count(*) filter (where error_code is not null))::int as failed from dbaudit.statements s where s.at >= ${filter.from} group by connection_id),
           al as (select connection_id, count(*)::int as n from dbaudit.alerts a where a.at >= ${filter.from} and a.connection_id is not null group by connection_id)
      select c.*, coalesce(st.n, 0) as statements, coalesce(st.failed, 0) as failed, coalesce(al.n, 0) as alerts
      from dbaudit.connections c left join st on st.connection_id = c.id left join al on al.connection_id = c.id
      where ${connWhere(filter)}
      order by c.started_at desc, c.id
      limit ${limit + 1}`.execute(deps.db);
    const list = rows.slice(0, limit);
    return {
      ...base,
      summary: [['会话数', String(list.length)], ['登录失败', String(list.filter((c) => c.auth_ok === false).length)], ['语句数', String(list.reduce((n, c) => n + c.statements, 0))], ['告警数', String(list.reduce((n, c) => n + c.alerts, 0))]],
      columns: CONNECTION_COLUMNS,
      rows: list.map((c) => ({
        startedAt: c.started_at, endedAt: c.ended_at, engine: c.engine, client: `${c.src_ip}:${c.src_port}`, server: `${c.dst_ip}:${c.dst_port}`, user: c.db_user, database: c.db_name, program: c.client_program,
        tls: `${c.client_tls ? '是' : '否'}/${c.upstream_tls ? '是' : '否'}`, login: loginText(c.auth_ok, c.auth_error), statements: c.statements, failed: c.failed, alerts: c.alerts, id: c.id,
      })),
      truncatedAt: rows.length > limit ? limit : null,
    };
  }

  async function statementsModel(actor: Actor, q: Omit<DbAuditReportQuery, 'format'>): Promise<ReportModel> {
    const { filter, base } = frame(actor, 'statements', q);
    const { rows } = await sql<StatementAgg>`
      with al as (select statement_id, count(*)::int as n from dbaudit.alerts a where a.at >= ${filter.from} and a.statement_id is not null group by statement_id)
      select s.db_user, s.db_name, s.engine, s.command, count(*)::int as statements, (count(*) filter (where s.error_code is not null))::int as failed,
             coalesce(sum(s.rows), 0)::bigint as rows, avg(s.duration_ms) as avg_ms, max(s.duration_ms) as max_ms, min(s.at) as first_at, max(s.at) as last_at,
             coalesce(sum(al.n), 0)::int as alerts
      from dbaudit.statements s left join al on al.statement_id = s.id
      where ${stWhere(filter)}
      group by s.db_user, s.db_name, s.engine, s.command
      order by s.db_user nulls last, s.db_name nulls last, statements desc`.execute(deps.db);
    const total = rows.reduce((n, r) => n + r.statements, 0);
    return {
      ...base,
      summary: [['语句数', String(total)], ['失败数', String(rows.reduce((n, r) => n + r.failed, 0))], ['账号数', String(new Set(rows.map((r) => r.db_user)).size)], ['告警数', String(rows.reduce((n, r) => n + r.alerts, 0))]],
      columns: STATEMENT_COLUMNS,
      rows: rows.map((r) => ({ user: r.db_user, database: r.db_name, engine: r.engine, command: r.command, statements: r.statements, failed: r.failed, rows: Number(r.rows), avgMs: round(Number(r.avg_ms)), maxMs: round(Number(r.max_ms)), alerts: r.alerts, firstAt: r.first_at, lastAt: r.last_at })),
      truncatedAt: null,
    };
  }

  return {
    sessionsModel,
    statementsModel,
    async export(actor: Actor, kind: DbAuditReportKind, q: DbAuditReportQuery): Promise<RenderedReport> {
      const { format, ...rest } = q;
      const model = kind === 'sessions' ? await sessionsModel(actor, rest, MAX_ROWS[format]) : await statementsModel(actor, rest);
      return exportReport(deps, actor, { action: 'dbaudit_report.exported', targetType: 'dbaudit_report', report: kind }, model, format);
    },
  };
}
export type DbAuditReports = ReturnType<typeof createDbAuditReports>;
