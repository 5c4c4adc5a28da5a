import type { CellValue, ColumnKind, ReportModel } from './report-model';

// How values read as text: the header lines every renderer prints, and each cell of the text renderers (docx, pdf, html).

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

/** `20261125-083000` in the report's zone, for file names. */
export const fileStamp = (d: Date, timeZone: string) => formatTime(d, timeZone).replace(/[-:]/g, '').replace(' ', '-');

/** A report's time range as its 时间范围 filter shows it. */
export const rangeText = (r: { from: Date; to: Date }, timeZone: string) => `${formatTime(r.from, timeZone)} 至 ${formatTime(r.to, timeZone)}`;
