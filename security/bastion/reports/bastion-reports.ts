import type { Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { createBastionReportDal, type ReportFilter } from './bastion-report-dal';
import { exportReport, fileStamp, formatBytes, MAX_ROWS, rangeText, resolveRange, type RenderedReport, type ReportColumn, type ReportModel } from '../../reports';
import type { BastionReportKind, BastionReportQuery } from './reports-schemas';

export type ReportDeps = {
  db: Kysely<any>;
  audit: Pick<AuditTrail, 'record'>;
  now?: () => Date;
  /** The zone every time in a report is shown in; the consortium's. */
  timeZone?: string;
  pdfFontPath?: string;
};

const USER_COLUMNS: ReportColumn[] = [
  { key: 'operator', header: '用户', kind: 'text', width: 16 },
  { key: 'sessions', header: '会话数', kind: 'number', width: 7 },
  { key: 'assets', header: '访问资产数', kind: 'number', width: 8 },
  { key: 'commands', header: '命令数', kind: 'number', width: 7 },
  { key: 'denied', header: '拒绝命令数', kind: 'number', width: 8 },
  { key: 'transfers', header: '文件传输次数', kind: 'number', width: 9 },
  { key: 'bytes', header: '传输量', kind: 'bytes', width: 10 },
  { key: 'killed', header: '被终止会话数', kind: 'number', width: 9 },
  { key: 'sourceIps', header: '来源地址', kind: 'text', width: 18 },
  { key: 'firstLogin', header: '首次登录', kind: 'datetime', width: 17 },
  { key: 'lastLogin', header: '最近登录', kind: 'datetime', width: 17 },
];

const SESSION_COLUMNS: ReportColumn[] = [
  { key: 'id', header: '会话 ID', kind: 'text', width: 12 },
  { key: 'operator', header: '用户', kind: 'text', width: 12 },
  { key: 'sourceIp', header: '来源地址', kind: 'text', width: 11 },
  { key: 'asset', header: '资产', kind: 'text', width: 11 },
  { key: 'account', header: '账号', kind: 'text', width: 9 },
  { key: 'protocol', header: '协议', kind: 'text', width: 6 },
  { key: 'command', header: '执行命令', kind: 'text', width: 14 },
  { key: 'startedAt', header: '开始时间', kind: 'datetime', width: 14 },
  { key: 'endedAt', header: '结束时间', kind: 'datetime', width: 14 },
  { key: 'duration', header: '时长', kind: 'duration', width: 8 },
  { key: 'commands', header: '命令数', kind: 'number', width: 6 },
  { key: 'denied', header: '拒绝命令数', kind: 'number', width: 7 },
  { key: 'transfers', header: '文件传输', kind: 'number', width: 6 },
  { key: 'bytes', header: '传输量', kind: 'bytes', width: 8 },
  { key: 'killed', header: '被终止', kind: 'bool', width: 6 },
  { key: 'endReason', header: '结束原因', kind: 'text', width: 12 },
];

const TITLES: Record<BastionReportKind, string> = { users: '堡垒机用户报表', sessions: '堡垒机会话报表' };

/** Users and sessions reports of the bastion over a time range, rendered to xlsx/docx/pdf/html; every export is audited. */
export function createBastionReports(deps: ReportDeps) {
  const dal = createBastionReportDal(deps.db);
  const now = deps.now ?? (() => new Date());
  const tz = deps.timeZone ?? 'Asia/Shanghai';

  function frame(actor: Actor, kind: BastionReportKind, q: Omit<BastionReportQuery, 'format'>) {
    const generatedAt = now();
    const range = resolveRange(q, generatedAt);
    // A tenant-scoped caller only ever sees its tenant's sessions (none of today's roles is, but the rule holds).
    const filter: ReportFilter = { ...range, operator: q.operator, asset: q.asset, tenantId: actor.tenantId };
    const filters: Array<[string, string]> = [
      ['时间范围', rangeText(range, tz)],
      ['用户', q.operator ?? '全部'],
      ['资产', q.asset ?? '全部'],
    ];
    const base = { name: `bastion-${kind}-${fileStamp(generatedAt, tz)}`, title: TITLES[kind], generatedAt, generatedBy: actor.loginId, filters, timeZone: tz };
    return { filter, base };
  }

  async function usersModel(actor: Actor, q: Omit<BastionReportQuery, 'format'>): Promise<ReportModel> {
    const { filter, base } = frame(actor, 'users', q);
    const users = await dal.users(filter);
    const sum = (k: 'sessions' | 'commands' | 'denied' | 'transfers' | 'transfer_bytes' | 'killed') => users.reduce((s, u) => s + Number(u[k]), 0);
    return {
      ...base,
      summary: [['用户数', String(users.length)], ['会话数', String(sum('sessions'))], ['命令数', String(sum('commands'))], ['拒绝命令数', String(sum('denied'))], ['文件传输', `${sum('transfers')} 次 / ${formatBytes(sum('transfer_bytes'))}`], ['被终止会话', String(sum('killed'))]],
      columns: USER_COLUMNS,
      rows: users.map((u) => ({ operator: u.operator_login, sessions: u.sessions, assets: u.assets, commands: u.commands, denied: u.denied, transfers: u.transfers, bytes: u.transfer_bytes, killed: u.killed, sourceIps: u.source_ips.join(', '), firstLogin: u.first_login, lastLogin: u.last_login })),
      truncatedAt: null,
    };
  }

  /** At most `limit` sessions (the format's cap), newest first; a cut is stated in the report. */
  async function sessionsModel(actor: Actor, q: Omit<BastionReportQuery, 'format'>, limit = MAX_ROWS.xlsx): Promise<ReportModel> {
    const { filter, base } = frame(actor, 'sessions', q);
    const got = await dal.sessions(filter, limit + 1);
    const rows = got.slice(0, limit);
    const killed = rows.filter((s) => s.end_reason?.startsWith('killed by ')).length;
    return {
      ...base,
      summary: [['会话数', String(rows.length)], ['用户数', String(new Set(rows.map((s) => s.operator_login)).size)], ['拒绝命令数', String(rows.reduce((n, s) => n + s.denied, 0))], ['被终止会话', String(killed)]],
      columns: SESSION_COLUMNS,
      rows: rows.map((s) => ({
        id: s.id, operator: s.operator_login, sourceIp: s.source_ip, asset: s.asset_name, account: s.account_username, protocol: s.kind, command: s.command,
        startedAt: s.started_at, endedAt: s.ended_at, duration: s.ended_at ? (s.ended_at.getTime() - s.started_at.getTime()) / 1000 : null,
        commands: s.commands, denied: s.denied, transfers: s.transfers, bytes: s.transfer_bytes, killed: !!s.end_reason?.startsWith('killed by '), endReason: s.ended_at ? s.end_reason : '进行中',
      })),
      truncatedAt: got.length > limit ? limit : null,
    };
  }

  return {
    usersModel,
    sessionsModel,
    /** Renders a report and records who exported which report, with which filter, and the SM3 digest of the file. */
    async export(actor: Actor, kind: BastionReportKind, q: BastionReportQuery): Promise<RenderedReport> {
      const { format, ...rest } = q;
      const model = kind === 'users' ? await usersModel(actor, rest) : await sessionsModel(actor, rest, MAX_ROWS[format]);
      return exportReport(deps, actor, { action: 'bastion_report.exported', targetType: 'bastion_report', report: kind }, model, format);
    },
  };
}
export type BastionReports = ReturnType<typeof createBastionReports>;
