import test from 'ava';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createScratchPostgresDatabase } from '../../core/db/testing';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/yiyun.js');

test.serial('yiyun evidence writes a signed pack that verifies, and a modified file fails verification', async (t) => {
  const scratch = await createScratchPostgresDatabase();
  const url = scratch.url;
  const work = mkdtempSync(path.join(tmpdir(), 'yiyun-ev-'));
  const env = { ...process.env, DATABASE_URL: url, YIYUN_DATA_DIR: path.join(work, 'data'), YIYUN_LOG_LEVEL: 'silent', YIYUN_ADMIN_PASSWORD: 'Boot#Strap2026x' };
  const out = path.join(work, 'pack');
  try {
    const gen = await run('node', [BIN, 'evidence', '--out', out, '--zip'], { env });
    t.regex(gen.stdout, /evidence pack written to .* files/);
    t.regex(gen.stderr, /checks \d+\/\d+/); // progress is shown
    for (const f of ['index.html', 'manifest.json', 'manifest.sig']) t.true(existsSync(path.join(out, f)), f);
    t.true(existsSync(`${out}.zip`));
    const ok = await run('node', [BIN, 'evidence', 'verify', out], { env });
    t.regex(ok.stdout, /verified/);

    const records = readdirSync(path.join(out, 'records'));
    appendFileSync(path.join(out, 'records', records[0]!), 'tampered');
    const bad = (await t.throwsAsync(() => run('node', [BIN, 'evidence', 'verify', out], { env }))) as unknown as { code: number; stderr: string };
    t.is(bad.code, 3);
    t.regex(bad.stderr, new RegExp(records[0]!.replace(/[.]/g, '\\.')));

    const missing = (await t.throwsAsync(() => run('node', [BIN, 'evidence'], { env }))) as unknown as { code: number; stderr: string };
    t.is(missing.code, 1);
    t.regex(missing.stderr, /--out/);
  } finally {
    await scratch.drop();
    rmSync(work, { recursive: true, force: true });
  }
});
