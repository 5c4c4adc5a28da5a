import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { selfEvidenceSource } from './self-evidence';

async function verdictFor(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yiyun-self-'));
  try {
    for (const [n, c] of Object.entries(files)) await writeFile(path.join(dir, n), c);
    const r = await selfEvidenceSource({ reportsDirs: [dir] }).checks[0]!.run({ now: new Date(), signal: new AbortController().signal });
    return Array.isArray(r) ? r[0]! : r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('test reports: all passing is 符合, a failure is 不符合, nothing is 不符合', async (t) => {
  t.is((await verdictFor({ 'unit.txt': '  128 tests passed\n', 'e2e.log': 'e2e: 12 passed, 0 failed\n' })).verdict, 'pass');
  t.is((await verdictFor({ 'unit.txt': '120 passed, 3 failed\n' })).verdict, 'fail');
  t.is((await verdictFor({})).verdict, 'fail');
  t.is((await verdictFor({ 'bench.json': '{"packMs": 4800}' })).verdict, 'partial');
});
