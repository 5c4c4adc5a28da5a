import test from 'ava';
import { cellText, fileStamp, formatBytes, formatDuration, formatTime, headerLines, rangeText } from './report-text-fns';
import { sampleReport } from './report-testing';

test('times are shown in the report zone, 24 h', (t) => {
  const d = new Date('2026-11-24T16:05:09Z');
  t.is(formatTime(d, 'Asia/Shanghai'), '2026-11-25 00:05:09');
  t.is(formatTime(d, 'UTC'), '2026-11-24 16:05:09');
});

test('bytes and durations read in the shortest form', (t) => {
  t.is(formatBytes(1023), '1023 B');
  t.is(formatBytes(3048), '3.0 KiB');
  t.is(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  t.is(formatDuration(9), '9秒');
  t.is(formatDuration(65), '1分05秒');
  t.is(formatDuration(3723), '1时02分03秒');
  t.is(formatDuration(-3), '0秒');
});

test('cells by kind: an absent time is a dash, booleans are 是/否', (t) => {
  t.is(cellText(null, 'datetime', 'UTC'), '—');
  t.is(cellText(null, 'text', 'UTC'), '');
  t.is(cellText(true, 'bool', 'UTC'), '是');
  t.is(cellText(0, 'bool', 'UTC'), '否');
  t.is(cellText(2048, 'bytes', 'UTC'), '2.0 KiB');
  t.is(cellText(65, 'duration', 'UTC'), '1分05秒');
  t.is(cellText(42, 'number', 'UTC'), '42');
});

test('header lines carry the zone, who, the filter, the summary and a cut', (t) => {
  const lines = headerLines(sampleReport());
  t.is(lines[0], '生成时间：2026-11-25 08:30:00（Asia/Shanghai）');
  t.is(lines[1], '生成人：aud.reader');
  t.regex(lines[2]!, /^筛选条件：时间范围=.*；用户=全部$/);
  t.is(lines[3], '汇总：会话数 2');
  t.is(lines.length, 4, 'no cut, no warning');
  t.true(headerLines(sampleReport({ truncatedAt: 2000 })).some((l) => l.includes('仅列出前 2000 行')));
  t.false(headerLines(sampleReport({ summary: [] })).some((l) => l.startsWith('汇总')));
});

test('file stamps are the zone-local time without separators', (t) => {
  t.is(fileStamp(new Date('2026-11-25T00:30:00Z'), 'Asia/Shanghai'), '20261125-083000');
});

test('a range reads from … 至 … in the report zone', (t) => {
  t.is(rangeText({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-25T00:30:00Z') }, 'Asia/Shanghai'), '2026-11-01 08:00:00 至 2026-11-25 08:30:00');
});
