import ExcelJS from 'exceljs';
import type { CellValue, ColumnKind, ReportModel } from './report-model';
import { formatTime, headerLines } from './report-text-fns';

/** Excel forbids []:*?/\ in sheet names and caps them at 31 characters. */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/**
 * Numbers stay numbers (bytes in bytes, durations in seconds) so auditors can sum and sort; times are written as
 * zone-local text because an Excel date has no zone and would silently show UTC.
 */
function xlsxValue(v: CellValue, kind: ColumnKind, timeZone: string): string | number {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return formatTime(v, timeZone);
  if (typeof v === 'boolean' || kind === 'bool') return v ? '是' : '否';
  return v;
}

const unit: Partial<Record<ColumnKind, string>> = { bytes: '（字节）', duration: '（秒）' };

/** The header row of the data sheet, as a reader (and the tests) see it. */
export const xlsxHeader = (m: Pick<ReportModel, 'columns'>) => m.columns.map((c) => `${c.header}${unit[c.kind] ?? ''}`);

export async function renderXlsx(m: ReportModel): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'yiyun';
  wb.title = m.title;
  wb.created = m.generatedAt;

  const data = wb.addWorksheet(sheetName(m.title), { views: [{ state: 'frozen', ySplit: 1 }] });
  data.columns = m.columns.map((c, i) => ({ header: xlsxHeader(m)[i], key: c.key, width: Math.max(8, Math.min(60, c.width)) }));
  for (const r of m.rows) data.addRow(Object.fromEntries(m.columns.map((c) => [c.key, xlsxValue(r[c.key] ?? null, c.kind, m.timeZone)])));
  data.getRow(1).font = { bold: true };
  data.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: m.columns.length } };

  const info = wb.addWorksheet('报表信息');
  info.columns = [
    { header: '项目', key: 'k', width: 16 },
    { header: '值', key: 'v', width: 80 },
  ];
  info.addRow({ k: '报表', v: m.title });
  for (const line of headerLines(m)) {
    const i = line.indexOf('：');
    info.addRow({ k: line.slice(0, i), v: line.slice(i + 1) });
  }
  info.getRow(1).font = { bold: true };
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
