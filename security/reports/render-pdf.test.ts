import test from 'ava';
import { execFileSync } from 'node:child_process';
import { renderPdf } from './render-pdf';
import { sampleReport } from './report-testing';

const pdfText = (body: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: body }).toString('utf8');

test('pdf is a PDF whose extracted text holds the Chinese headings and the user names', async (t) => {
  const m = sampleReport();
  const body = await renderPdf(m);
  t.is(body.subarray(0, 5).toString('latin1'), '%PDF-');
  const s = pdfText(body);
  t.true(s.includes(m.title));
  t.true(s.includes('生成时间'));
  for (const who of ['alice', 'zhang.san']) t.true(s.includes(who));
});

test('a long pdf repeats the header row and numbers its pages', async (t) => {
  const m = sampleReport();
  const rows = Array.from({ length: 120 }, (_, i) => ({ ...m.rows[0]!, operator: `op${i}` }));
  const s = pdfText(await renderPdf({ ...m, rows }));
  const pages = s.split('\f').filter((p) => p.trim());
  t.true(pages.length > 1);
  for (const p of pages) t.true(p.includes('执行命令'), 'each page has the header row');
  t.true(s.includes(`第 ${pages.length} / ${pages.length} 页`));
});

test('pdf without the CJK font fails with a clear, stable error instead of blank headings', (t) => {
  const e = t.throws(() => renderPdf(sampleReport(), '/nonexistent/wqy.ttc'));
  t.is((e as { code?: string }).code, 'report.pdf_font_missing');
  t.regex(e!.message, /fonts-wqy-microhei/);
});
