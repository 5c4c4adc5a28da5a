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
