/**
 * One report model, four renderers (xlsx, docx, pdf, html): a report is a title, the filter it was made with, a few
 * summary figures and one table. Values stay typed here (numbers, dates) so the spreadsheet keeps numbers numeric;
 * the text renderers format them with `cellText`.
 */
export type ReportFormat = 'xlsx' | 'docx' | 'pdf' | 'html';
export const REPORT_FORMATS = ['xlsx', 'docx', 'pdf', 'html'] as const;

export type ColumnKind = 'text' | 'number' | 'datetime' | 'bytes' | 'duration' | 'bool';
export type ReportColumn = { key: string; header: string; kind: ColumnKind; /** relative width (characters) */ width: number };
export type CellValue = string | number | boolean | Date | null;
export type ReportRow = Record<string, CellValue>;

export type ReportModel = {
  /** File name stem, ASCII (`bastion-users-20261125`). */
  name: string;
  title: string;
  generatedAt: Date;
  generatedBy: string;
  /** Label → value, in display order; absent filters are shown as 全部. */
  filters: Array<[string, string]>;
  summary: Array<[string, string]>;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** Set when the table was cut at the row cap, so no reader mistakes a partial list for the whole. */
  truncatedAt: number | null;
  /** Time zone every date in the report is shown in. */
  timeZone: string;
};

/**
 * Row caps per format. Word and PDF lay out every cell (measured here: about 2,000 rows in 5–12 s on a shared
 * 2-core machine, ten times that at 10,000), and they are made to be read and printed; spreadsheets and HTML take
 * the long lists. A cut report says so in its header lines.
 */
export const MAX_ROWS: Record<ReportFormat, number> = { xlsx: 10_000, html: 10_000, docx: 2_000, pdf: 2_000 };

export const MEDIA_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
};

/** `2026-11-25 08:30:00` in the report's zone (sv-SE formats as ISO-like date and 24 h time). */
// Building an Intl.DateTimeFormat costs about a millisecond: one per zone, not one per cell.
const formatters = new Map<string, Intl.DateTimeFormat>();
export function formatTime(d: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })));
  return f.format(d);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}

/** `1时02分03秒` style, shortest form. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h) return `${h}时${String(m).padStart(2, '0')}分${String(r).padStart(2, '0')}秒`;
  if (m) return `${m}分${String(r).padStart(2, '0')}秒`;
  return `${r}秒`;
}

/** The text of one cell for the renderers that print text (docx, pdf, html). */
export function cellText(v: CellValue, kind: ColumnKind, timeZone: string): string {
  if (v === null || v === undefined || v === '') return kind === 'datetime' ? '—' : '';
  if (kind === 'datetime') return v instanceof Date ? formatTime(v, timeZone) : String(v);
  if (kind === 'bytes' && typeof v === 'number') return formatBytes(v);
  if (kind === 'duration' && typeof v === 'number') return formatDuration(v);
  if (kind === 'bool' || typeof v === 'boolean') return v ? '是' : '否';
  return String(v);
}

/** The lines above the table, shared by every renderer so the four files say the same thing. */
export function headerLines(m: ReportModel): string[] {
  const lines = [`生成时间：${formatTime(m.generatedAt, m.timeZone)}（${m.timeZone}）`, `生成人：${m.generatedBy}`, `筛选条件：${m.filters.map(([k, v]) => `${k}=${v}`).join('；')}`];
  if (m.summary.length) lines.push(`汇总：${m.summary.map(([k, v]) => `${k} ${v}`).join('；')}`);
  if (m.truncatedAt !== null) lines.push(`注意：仅列出前 ${m.truncatedAt} 行，请缩小时间范围或增加筛选条件。`);
  return lines;
}
