import test from 'ava';
import ExcelJS from 'exceljs';
import { renderXlsx, xlsxHeader } from './render-xlsx';
import { sampleReport } from './report-testing';

async function load(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as never);
  return wb;
}

test('xlsx reads back with the same library: Chinese headers with units, numeric cells, zone-local times', async (t) => {
  const m = sampleReport();
  const wb = await load(await renderXlsx(m));
  const ws = wb.getWorksheet('测试报表')!;
  t.truthy(ws);
  t.deepEqual((ws.getRow(1).values as unknown[]).slice(1), xlsxHeader(m));
  t.true(xlsxHeader(m).includes('传输量（字节）'));
  t.true(xlsxHeader(m).includes('时长（秒）'));
  const alice = (ws.getRow(2).values as unknown[]).slice(1);
  t.is(alice[0], 'alice');
  t.is(alice[1], 3);
  t.is(alice[2], 3048, 'bytes stay a number an auditor can sum');
  t.is(alice[3], 65);
  t.is(alice[4], '2026-11-24 10:00:00', 'times are written in the report zone, not UTC');
  t.is(alice[6], '否');
  t.is(ws.rowCount, 1 + m.rows.length);
});

test('xlsx carries the header lines on a 报表信息 sheet', async (t) => {
  const wb = await load(await renderXlsx(sampleReport({ truncatedAt: 2 })));
  const infoText = wb.getWorksheet('报表信息')!.getSheetValues().flat().join('\n');
  t.regex(infoText, /测试报表/);
  t.regex(infoText, /筛选条件/);
  t.regex(infoText, /仅列出前 2 行/);
});

test('xlsx sheet names drop the characters Excel forbids and keep within 31 characters', async (t) => {
  const wb = await load(await renderXlsx(sampleReport({ title: `报表[a]:b*c?d/e\\f${'长'.repeat(40)}` })));
  const name = wb.worksheets[0]!.name;
  t.false(/[[\]:*?/\\]/.test(name));
  t.true(name.length <= 31);
});
