import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRecorder, validateAsciicast } from './asciicast-fns';

const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-cast-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => path.join(dir, `${n++}.cast`);
const header = { width: 80, height: 24, timestamp: 1_700_000_000 };
const outputOf = (text: string) =>
  validateAsciicast(text)
    .events.filter((e) => e[1] === 'o')
    .map((e) => e[2])
    .join('');

test('output is recorded as valid asciicast v2 with characters split across packets kept whole', async (t) => {
  const f = file();
  const r = createRecorder(f, header, 'utf-8');
  const text = '中文输出 "quoted" \\ back\tslash\x1b[31mred\x1b[0m\r\n\x00\x7f end ✓';
  const bytes = Buffer.from(text);
  // Cut inside the 3-byte characters.
  for (const [a, b] of [[0, 1], [1, 4], [4, 11], [11, bytes.length]]) r.output(bytes.subarray(a, b));
  r.input(Buffer.from('ls\r'));
  r.resize(100, 30);
  const { bytes: size, searchText } = await r.close();
  const cast = readFileSync(f, 'utf8');
  const v = validateAsciicast(cast);
  t.deepEqual(v.problems, []);
  t.is(outputOf(cast), text);
  t.deepEqual(
    v.events.filter((e) => e[1] !== 'o').map((e) => [e[1], e[2]]),
    [
      ['i', 'ls\r'],
      ['r', '100x30'],
    ],
  );
  t.is(size, Buffer.byteLength(cast));
  t.true(searchText.includes('中文输出') && searchText.includes('red') && !searchText.includes('\x1b'));
});

test('a GB18030 asset is recorded as UTF-8', async (t) => {
  const f = file();
  const r = createRecorder(f, header, 'gb18030');
  // "中文" in GB18030, the second character cut in half.
  const gb = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a]);
  r.output(gb.subarray(0, 3));
  r.output(gb.subarray(3));
  await r.close();
  t.is(outputOf(readFileSync(f, 'utf8')), '中文\n');
});

test('past the size limit only a marker is written and the file stays valid', async (t) => {
  const f = file();
  const r = createRecorder(f, header, 'utf-8', 10_000);
  for (let i = 0; i < 100; i++) r.output(Buffer.alloc(1000, 0x61));
  const { bytes } = await r.close();
  const cast = readFileSync(f, 'utf8');
  const v = validateAsciicast(cast);
  t.deepEqual(v.problems, []);
  t.true(bytes <= 10_000 + 200 && bytes === Buffer.byteLength(cast));
  t.deepEqual(v.events.at(-1)?.slice(1), ['m', 'recording truncated: size limit reached']);
});

test('output still queued behind the file when the session ends is recorded in full and in order', async (t) => {
  const f = file();
  const r = createRecorder(f, header, 'utf-8', 1e9);
  // 12 MiB in 32 KiB chunks: more than the file's high-water mark, so the writer has to wait for drains.
  const chunks = Array.from({ length: 384 }, (_, i) => Buffer.alloc(32 * 1024, 0x41 + (i % 26)));
  let behind = 0;
  const output = r.output;
  r.output = (d) => {
    const ok = output(d);
    if (!ok) behind++;
    return ok;
  };
  // The session closes the recorder as soon as the target's channel ends, while output may still be queued
  // behind the file: here everything is still queued.
  const sink = r.outputStream();
  for (const c of chunks) sink.write(c);
  t.true(sink.writableLength > 0);
  await r.close();
  const out = outputOf(readFileSync(f, 'utf8'));
  t.is(out.length, 384 * 32 * 1024);
  t.true(out === Buffer.concat(chunks).toString('latin1'));
  t.true(behind > 0);
});
