import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { selfEvidenceSource } from './self-evidence';
import { parseTap } from './tap-report';

// Both fixtures are real ava 7 `--tap` output: ava-mixed.tap from a file with a pass, a failure (with its YAML
// diagnostics and a t.log line), a skip and a todo; ava-all-pass.tap from two of this room's own test files.
const fixture = (name: string) => readFile(path.join(__dirname, 'fixtures', name), 'utf8');
const header = (at: Date) => `# yiyun-test-report started ${at.toISOString()}\n# yiyun-test-report commit 0123456789abcdef0123456789abcdef01234567\n`;

async function verdictFor(files: Record<string, string>, now = new Date()) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yiyun-self-'));
  try {
    for (const [n, c] of Object.entries(files)) await writeFile(path.join(dir, n), c);
    const r = await selfEvidenceSource({ reportsDirs: [dir] }).checks[0]!.run({ now, signal: new AbortController().signal });
    return Array.isArray(r) ? r[0]! : r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('parseTap counts result lines: a TODO is no failure (unlike ava’s own trailer), YAML blocks are skipped', async (t) => {
  const mixed = await fixture('ava-mixed.tap');
  t.regex(mixed, /# fail 2/, 'ava’s trailer counts the todo as a failure');
  const m = parseTap(mixed);
  t.like(m, { passed: 2, failed: 1, skipped: 1, todo: 1, planned: 5, startedAt: null, commit: null, exitCode: null });
  t.deepEqual(m.failures, ['a policy check turns 不符合']);
  const all = parseTap(await fixture('ava-all-pass.tap'));
  t.like(all, { passed: 15, failed: 0, skipped: 0, todo: 0, planned: 15 });
  const at = new Date('2026-11-20T08:00:00.000Z');
  const withHeader = parseTap(`${header(at)}${await fixture('ava-all-pass.tap')}# yiyun-test-report exit 0\n`);
  t.is(withHeader.startedAt?.toISOString(), at.toISOString());
  t.is(withHeader.commit, '0123456789abcdef0123456789abcdef01234567');
  t.is(withHeader.exitCode, 0);
});

test('test reports: only a recent all-pass TAP report is 符合', async (t) => {
  const now = new Date('2026-11-26T09:00:00.000Z');
  const allPass = await fixture('ava-all-pass.tap');
  const recent = await verdictFor({ 'ava.tap': `${header(new Date('2026-11-25T09:00:00.000Z'))}${allPass}# yiyun-test-report exit 0\n` }, now);
  t.is(recent.verdict, 'pass');
  t.regex(recent.summary, /15 项测试通过，0 项失败/);
  t.like((recent.evidence as { latestTestReport: Record<string, unknown> }).latestTestReport, { passed: 15, failed: 0, commit: '0123456789abcdef0123456789abcdef01234567', at: '2026-11-25T09:00:00.000Z' });

  const old = await verdictFor({ 'ava.tap': `${header(new Date('2026-09-01T09:00:00.000Z'))}${allPass}# yiyun-test-report exit 0\n` }, now);
  t.is(old.verdict, 'partial', 'an old report no longer proves the current code');

  const failing = await verdictFor({ 'ava.tap': `${header(new Date('2026-11-25T09:00:00.000Z'))}${await fixture('ava-mixed.tap')}# yiyun-test-report exit 1\n` }, now);
  t.is(failing.verdict, 'fail');
  t.regex(failing.summary, /1 项失败/);

  // A run that passed every test it reported but exited non-zero (a crashed worker, no files matched) is not a pass.
  const crashed = await verdictFor({ 'ava.tap': `${header(new Date('2026-11-25T09:00:00.000Z'))}${allPass}# yiyun-test-report exit 1\n` }, now);
  t.is(crashed.verdict, 'fail');

  // The newest report decides, whatever order the files come in.
  const newestWins = await verdictFor(
    {
      'a-old-fail.tap': `${header(new Date('2026-11-20T09:00:00.000Z'))}${await fixture('ava-mixed.tap')}`,
      'b-new-pass.tap': `${header(new Date('2026-11-25T09:00:00.000Z'))}${allPass}# yiyun-test-report exit 0\n`,
    },
    now,
  );
  t.is(newestWins.verdict, 'pass');

  t.is((await verdictFor({}, now)).verdict, 'fail', 'no report at all');
  t.is((await verdictFor({ 'compliance.json': '{"packMs": 4800}' }, now)).verdict, 'partial', 'only a benchmark');
  t.is((await verdictFor({ 'ava.tap': `${header(new Date('2026-11-25T09:00:00.000Z'))}TAP version 13\n\n1..0\n# yiyun-test-report exit 0\n` }, now)).verdict, 'partial', 'no test ran');
});
