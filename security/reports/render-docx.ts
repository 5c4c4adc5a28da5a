import { AlignmentType, Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { ReportModel } from './report-model';
import { cellText, headerLines } from './report-text-fns';

// Word substitutes a local CJK font when SimSun is absent; naming it makes Chinese text render as 宋体 on most desks.
const FONT = 'SimSun';
const run = (text: string, opts: { bold?: boolean; size?: number } = {}) => new TextRun({ text, bold: opts.bold, size: opts.size ?? 20, font: { ascii: FONT, eastAsia: FONT, hAnsi: FONT } });

export async function renderDocx(m: ReportModel): Promise<Buffer> {
  const total = m.columns.reduce((s, c) => s + c.width, 0) || 1;
  const cell = (t: string, width: number, bold = false) => new TableCell({ width: { size: Math.round((width / total) * 100), type: WidthType.PERCENTAGE }, children: [new Paragraph({ children: [run(t, { bold, size: 16 })] })] });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: m.columns.map((c) => cell(c.header, c.width, true)) }),
      ...m.rows.map((r) => new TableRow({ cantSplit: true, children: m.columns.map((c) => cell(cellText(r[c.key] ?? null, c.kind, m.timeZone), c.width)) })),
    ],
  });
  const doc = new Document({
    creator: 'yiyun',
    title: m.title,
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: 720, bottom: 720, left: 720, right: 720 } } },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [run(m.title, { bold: true, size: 32 })] }),
          ...headerLines(m).map((l) => new Paragraph({ children: [run(l)] })),
          m.rows.length ? table : new Paragraph({ children: [run('无数据')] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
