import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadSettings } from '../../core/config';
import { openDatabase } from '../../core/db';
import { createScratchPostgresDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { startServer } from '../server/serve';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../../test/support/test-server';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/yiyun.js');

test.serial('yiyun audit verify passes on an intact trail and names the first tampered record', async (t) => {
  const scratch = await createScratchPostgresDatabase();
  const url = scratch.url;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yiyun-cli-'));
  const env = { ...process.env, DATABASE_URL: url, YIYUN_DATA_DIR: dataDir, YIYUN_LOG_LEVEL: 'silent' };
  try {
    const settings = loadSettings({ DATABASE_URL: url, YIYUN_DATA_DIR: dataDir, PORT: '0', YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD, YIYUN_LOG_LEVEL: 'silent' });
    const srv = await startServer(settings, createLogger({ level: 'silent' }), { print: () => {} });
    const c = new ApiClient(srv.url);
    await loginThroughFirstSteps(c, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    for (let i = 0; i < 3; i++) await c.post('/api/tenants', { code: `t-${i}`, name: `卫生院${i}`, kind: 'township_centre' });
    await srv.stop(); // signs the tail

    const ok = await run('node', [BIN, 'audit', 'verify'], { env });
    t.regex(ok.stdout, /audit trail intact: \d+ records, \d+ signed checkpoints/);

    const db = await openDatabase({ kind: 'postgres', url: url });
    const victim = await sql<{ seq: number }>`select seq from audit.records where action = 'tenant.created' order by seq limit 1`.execute(db.db);
    const seq = victim.rows[0]!.seq;
    await sql.raw(`alter table audit.records disable trigger user; update audit.records set after_summary = '{"code":"forged"}' where seq = ${seq}; alter table audit.records enable trigger user;`).execute(db.db);
    await db.close();

    const bad = await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env }));
    const e = bad as unknown as { code: number; stderr: string };
    t.is(e.code, 3);
    t.regex(e.stderr, new RegExp(`BROKEN at record ${seq}`));
  } finally {
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a wrong setting stops the CLI with a message naming it', async (t) => {
  const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env: { ...process.env, YIYUN_LOG_LEVEL: 'chatty' } }))) as unknown as { code: number; stderr: string };
  t.is(e.code, 1);
  t.regex(e.stderr, /YIYUN_LOG_LEVEL/);
  t.regex(e.stderr, /allowed values/);
});
