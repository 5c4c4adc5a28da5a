import test from 'ava';
import { sm3Hex } from '../../core/crypto';
import { MEDIA_TYPES, REPORT_FORMATS } from './report-model';
import { renderReport } from './render-report';
import { sampleReport } from './report-testing';

test('each format comes with its media type, a file name from the model and the SM3 digest of its bytes', async (t) => {
  const m = sampleReport();
  for (const format of REPORT_FORMATS) {
    const out = await renderReport(m, format);
    t.is(out.contentType, MEDIA_TYPES[format]);
    t.is(out.filename, `${m.name}.${format}`);
    t.true(out.body.length > 0);
    t.is(out.sm3, sm3Hex(out.body), format);
  }
});

test('a missing PDF font rejects the render with the stable code', async (t) => {
  const e = await t.throwsAsync(renderReport(sampleReport(), 'pdf', { pdfFontPath: '/nonexistent/wqy.ttc' }));
  t.is((e as { code?: string }).code, 'report.pdf_font_missing');
});
