import { sm3Hex } from '../../core/crypto';
import { MEDIA_TYPES, type ReportFormat, type ReportModel } from './report-model';
import { renderDocx } from './render-docx';
import { renderHtml } from './render-html';
import { renderPdf } from './render-pdf';
import { renderXlsx } from './render-xlsx';

export type RenderedReport = { body: Buffer; contentType: string; filename: string; sm3: string };
export type RenderOptions = { pdfFontPath?: string };

/** One model in any of the four formats, with the SM3 digest of the bytes (sent as a header and kept in the audit trail). */
export async function renderReport(m: ReportModel, format: ReportFormat, opts: RenderOptions = {}): Promise<RenderedReport> {
  const body = format === 'xlsx' ? await renderXlsx(m) : format === 'docx' ? await renderDocx(m) : format === 'pdf' ? await renderPdf(m, opts.pdfFontPath) : renderHtml(m);
  return { body, contentType: MEDIA_TYPES[format], filename: `${m.name}.${format}`, sm3: sm3Hex(body) };
}
