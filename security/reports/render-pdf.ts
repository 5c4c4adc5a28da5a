import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { UnavailableError } from '../../core/errors';
import type { ReportModel } from './report-model';
import { cellText, headerLines } from './report-text-fns';

/** Installed by the fonts-wqy-microhei Debian package (.ci/run installs it); the PDF's CJK glyphs are embedded from it. */
export const DEFAULT_CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const FAMILY = 'WenQuanYiMicroHei';

/**
 * A landscape A4 table with the header repeated on every page. The CJK font is required: without it PDFKit would
 * fall back to Helvetica and print every Chinese heading as nothing, so a missing font is an error, never a silent
 * degradation.
 */
export function renderPdf(m: ReportModel, fontPath: string = DEFAULT_CJK_FONT): Promise<Buffer> {
  if (!existsSync(fontPath)) {
    throw new UnavailableError(`the CJK font for PDF reports is missing at ${fontPath}; install the fonts-wqy-microhei package`, { code: 'report.pdf_font_missing' });
  }
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: true, info: { Title: m.title, Author: m.generatedBy, Creator: 'yiyun', CreationDate: m.generatedAt } });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(FAMILY, fontPath, FAMILY);
  doc.font(FAMILY);

  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const total = m.columns.reduce((s, c) => s + c.width, 0) || 1;
  const widths = m.columns.map((c) => (c.width / total) * usable);
  const pad = 3;
  const size = 7.5;

  doc.fontSize(16).text(m.title, { align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(9);
  for (const l of headerLines(m)) doc.text(l, { width: usable });
  doc.moveDown(0.5);

  const rowHeight = (cells: string[]) => Math.max(...cells.map((t, i) => doc.heightOfString(t || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
  const drawRow = (cells: string[], header: boolean) => {
    doc.fontSize(size);
    const h = rowHeight(cells);
    let y = doc.y;
    if (y + h > bottom()) {
      doc.addPage();
      y = doc.page.margins.top;
      if (!header) drawRow(m.columns.map((c) => c.header), true);
      y = doc.y;
    }
    let x = left;
    cells.forEach((t, i) => {
      const w = widths[i]!;
      if (header) doc.rect(x, y, w, h).fillAndStroke('#eef2f7', '#999999');
      else doc.rect(x, y, w, h).stroke('#999999');
      doc.fillColor('#000000').text(t, x + pad, y + pad, { width: w - 2 * pad, lineBreak: true });
      x += w;
    });
    doc.x = left;
    doc.y = y + h;
  };
  doc.lineWidth(0.5);
  drawRow(m.columns.map((c) => c.header), true);
  if (m.rows.length === 0) {
    doc.moveDown(0.5).fontSize(9).text('无数据', left);
  }
  for (const r of m.rows) drawRow(m.columns.map((c) => cellText(r[c.key] ?? null, c.kind, m.timeZone)), false);

  // Page numbers once the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would make PDFKit start a new page: lift the margin while the footer is drawn.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(7).fillColor('#666666').text(`${m.title}  第 ${i + 1} / ${range.count} 页`, left, doc.page.height - margin + 12, { width: usable, align: 'right', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
