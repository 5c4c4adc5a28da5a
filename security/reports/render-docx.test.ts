import test from 'ava';
import mammoth from 'mammoth';
import { renderDocx } from './render-docx';
import { HOSTILE, sampleReport } from './report-testing';

const text = async (body: Buffer) => (await mammoth.extractRawText({ buffer: body })).value;

test('docx holds the Chinese title, the header lines and every row (read with mammoth)', async (t) => {
  const s = await text(await renderDocx(sampleReport()));
  t.regex(s, /测试报表/);
  t.regex(s, /生成时间/);
  t.regex(s, /筛选条件/);
  for (const who of ['alice', 'zhang.san']) t.true(s.includes(who));
  t.true(s.includes(HOSTILE), 'Word shows the command as text');
  t.true(s.includes('是'));
  t.true(s.includes('3.0 KiB'), 'bytes are shown readable');
});

test('docx of an empty report says so', async (t) => {
  t.regex(await text(await renderDocx(sampleReport({ rows: [] }))), /无数据/);
});
