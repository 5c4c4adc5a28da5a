import type { ReportModel } from './report-model';

/** What an operator might type into a command or a client name: every renderer must show it as text. */
export const HOSTILE = '<script>alert("x")</script>';

/**
 * A small report with one column of each kind, Chinese headings, an operator-typed value and an empty cell, for the
 * renderer tests; built by hand so they need no database.
 */
export function sampleReport(over: Partial<ReportModel> = {}): ReportModel {
  return {
    name: 'sample-report-20261125-083000',
    title: '测试报表',
    generatedAt: new Date('2026-11-25T00:30:00Z'),
    generatedBy: 'aud.reader',
    filters: [['时间范围', '2026-11-01 00:00:00 至 2026-11-25 08:30:00'], ['用户', '全部']],
    summary: [['会话数', '2']],
    columns: [
      { key: 'operator', header: '用户', kind: 'text', width: 12 },
      { key: 'commands', header: '命令数', kind: 'number', width: 7 },
      { key: 'bytes', header: '传输量', kind: 'bytes', width: 9 },
      { key: 'duration', header: '时长', kind: 'duration', width: 8 },
      { key: 'startedAt', header: '开始时间', kind: 'datetime', width: 14 },
      { key: 'endedAt', header: '结束时间', kind: 'datetime', width: 14 },
      { key: 'killed', header: '被终止', kind: 'bool', width: 6 },
      { key: 'command', header: '执行命令', kind: 'text', width: 16 },
    ],
    rows: [
      { operator: 'alice', commands: 3, bytes: 3048, duration: 65, startedAt: new Date('2026-11-24T02:00:00Z'), endedAt: new Date('2026-11-24T02:01:05Z'), killed: false, command: 'ls -l' },
      { operator: 'zhang.san', commands: 1, bytes: 0, duration: null, startedAt: new Date('2026-11-24T03:00:00Z'), endedAt: null, killed: true, command: HOSTILE },
    ],
    truncatedAt: null,
    timeZone: 'Asia/Shanghai',
    ...over,
  };
}
