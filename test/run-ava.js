#!/usr/bin/env node
'use strict';
/**
 * `npm test`'s test step: runs ava with --tap, keeps the TAP stream as a machine-readable report in
 * test-output/ava.tap (the evidence pack's software-testing item; compliance/sources/self-evidence.ts reads it),
 * and prints one readable line per test. Exits with ava's exit code. Extra arguments go to ava unchanged.
 *
 * The report starts with two TAP comment lines saying when it ran and at which commit, since TAP itself says neither.
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdirSync, createWriteStream, renameSync } = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
// YIYUN_TEST_REPORT_DIR only for trying this script without replacing the real report.
const outDir = process.env.YIYUN_TEST_REPORT_DIR ? path.resolve(process.env.YIYUN_TEST_REPORT_DIR) : path.join(root, 'test-output');
const report = path.join(outDir, 'ava.tap');
const partial = `${report}.partial`;

function commit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null; // not a git checkout (a release tarball): the report simply has no commit
  }
}

mkdirSync(outDir, { recursive: true });
const file = createWriteStream(partial);
file.write(`# yiyun-test-report started ${new Date().toISOString()}\n`);
const sha = commit();
if (sha) file.write(`# yiyun-test-report commit ${sha}\n`);

const ava = spawn(process.execPath, [path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), '--tap', ...process.argv.slice(2)], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
const tally = { pass: 0, fail: 0, skip: 0, todo: 0 };
let inDiag = false;
const say = (s) => process.stdout.write(`${s}\n`);

readline.createInterface({ input: ava.stdout }).on('line', (line) => {
  file.write(`${line}\n`);
  // A failure's YAML block (between '  ---' and '  ...') is printed as it comes: it says why.
  if (inDiag) {
    say(`    ${line.trim()}`);
    if (line.trim() === '...') inDiag = false;
    return;
  }
  if (line.trim() === '---') {
    inDiag = true;
    say(`    ${line.trim()}`);
    return;
  }
  const m = /^(ok|not ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/i.exec(line);
  if (m) {
    const directive = (m[3] || '').toUpperCase();
    // TAP: `not ok … # TODO` is no failure; ava's own '# fail' trailer counts it as one, so count here. The same rule
    // judges the report in compliance/sources/tap-report.ts (parseTap); this script stays plain JS so `npm test` needs no loader.
    const kind = directive === 'SKIP' ? 'skip' : directive === 'TODO' ? 'todo' : m[1] === 'ok' ? 'pass' : 'fail';
    tally[kind]++;
    say(`  ${{ pass: '✔', fail: '✘', skip: '-', todo: '-' }[kind]} ${m[2]}${kind === 'skip' ? ' (skipped)' : kind === 'todo' ? ' (todo)' : ''}`);
  } else if (/^#\s{2,}/.test(line)) say(`    ${line.replace(/^#\s*/, '')}`); // t.log output
});

ava.on('close', (code, signal) => {
  const exit = code ?? (signal ? 1 : 0);
  file.end(`# yiyun-test-report exit ${exit}\n`, () => {
    renameSync(partial, report);
    say(`\n  ${tally.pass} passed, ${tally.fail} failed, ${tally.skip} skipped, ${tally.todo} todo — TAP report in ${path.relative(root, report)}`);
    process.exit(exit);
  });
});
