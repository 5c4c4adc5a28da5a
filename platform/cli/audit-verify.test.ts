import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadOrCreateSigningKey, signingKeyPath } from '../../core/audit';
import { loadSettings } from '../../core/config';
import { openDatabase, type Database, type DatabaseKind } from '../../core/db';
import { createScratchPostgresDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { startServer } from '../server/serve';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../../test/support/test-server';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/yiyun.js');
type Failed = { code: number; stdout: string; stderr: string };

/** A data dir plus, for PostgreSQL, a scratch database; `open` reaches the same database the CLI sees. */
async function world(kind: DatabaseKind) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yiyun-cli-'));
  const scratch = kind === 'postgres' ? await createScratchPostgresDatabase() : null;
  const dbEnv: Record<string, string> = scratch ? { DATABASE_URL: scratch.url } : {};
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, ...dbEnv, YIYUN_DATA_DIR: dataDir, YIYUN_LOG_LEVEL: 'silent' };
  return {
    dataDir,
    env,
    dbEnv,
    open: (): Promise<Database> => (scratch ? openDatabase({ kind: 'postgres', url: scratch.url }) : openDatabase({ kind: 'pglite', dataDir })),
    cleanup: async () => {
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

for (const kind of ['pglite', 'postgres'] as const) {
  test.serial(`[${kind}] yiyun audit verify passes on an intact trail and names the first tampered record`, async (t) => {
    const w = await world(kind);
    try {
      const settings = loadSettings({ ...w.dbEnv, YIYUN_DATA_DIR: w.dataDir, PORT: '0', YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD, YIYUN_LOG_LEVEL: 'silent' });
      const srv = await startServer(settings, createLogger({ level: 'silent' }), { print: () => {} });
      const c = new ApiClient(srv.url);
      await loginThroughFirstSteps(c, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
      for (let i = 0; i < 3; i++) await c.post('/api/tenants', { code: `t-${i}`, name: `卫生院${i}`, kind: 'township_centre' });
      await srv.stop(); // signs the tail

      const ok = await run('node', [BIN, 'audit', 'verify'], { env: w.env });
      t.regex(ok.stdout, /audit trail intact: \d+ records, \d+ signed checkpoints/);

      const db = await w.open();
      const victim = await sql<{ seq: number }>`select seq from audit.records where action = 'tenant.created' order by seq limit 1`.execute(db.db);
      const seq = Number(victim.rows[0]!.seq);
      await sql.raw(`alter table audit.records disable trigger user; update audit.records set after_summary = '{"code":"forged"}' where seq = ${seq}; alter table audit.records enable trigger user;`).execute(db.db);
      await db.close();

      const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env: w.env }))) as unknown as Failed;
      t.is(e.code, 3);
      t.regex(e.stderr, new RegExp(`BROKEN at record ${seq}`));
    } finally {
      await w.cleanup();
    }
  });
}

test.serial('verify is read-only: an empty data dir is not turned into a database and gets no key', async (t) => {
  const w = await world('pglite');
  try {
    const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env: w.env }))) as unknown as Failed;
    t.is(e.code, 2);
    t.regex(e.stderr, /no embedded database/);
    t.deepEqual(readdirSync(w.dataDir), []);
  } finally {
    await w.cleanup();
  }
});

test.serial('verify is read-only: a database without the audit schema is refused and left untouched', async (t) => {
  const w = await world('postgres');
  try {
    loadOrCreateSigningKey(w.dataDir); // a key is there: what is missing is the trail
    const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify', '--json'], { env: w.env }))) as unknown as Failed;
    t.is(e.code, 2);
    t.regex(e.stderr, /has no audit trail/);
    t.false(JSON.parse(e.stdout).ok);
    const db = await w.open();
    try {
      const schemas = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name in ('audit', 'yiyun_meta', 'identity')`.execute(db.db);
      t.is(schemas.rows[0]!.n, 0, 'verify created no schema');
    } finally {
      await db.close();
    }
  } finally {
    await w.cleanup();
  }
});

test.serial('verify is read-only: without the signing key it refuses instead of creating one', async (t) => {
  const w = await world('postgres');
  try {
    const settings = loadSettings({ ...w.dbEnv, YIYUN_DATA_DIR: w.dataDir, PORT: '0', YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD, YIYUN_LOG_LEVEL: 'silent' });
    const srv = await startServer(settings, createLogger({ level: 'silent' }), { print: () => {} });
    await srv.stop();
    rmSync(signingKeyPath(w.dataDir));
    const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env: w.env }))) as unknown as Failed;
    t.is(e.code, 2);
    t.regex(e.stderr, /no audit signing key/);
    t.false(existsSync(signingKeyPath(w.dataDir)), 'no key was created');
  } finally {
    await w.cleanup();
  }
});

test('a wrong setting stops the CLI with a message naming it', async (t) => {
  const e = (await t.throwsAsync(() => run('node', [BIN, 'audit', 'verify'], { env: { ...process.env, YIYUN_LOG_LEVEL: 'chatty' } }))) as unknown as Failed;
  t.is(e.code, 1);
  t.regex(e.stderr, /YIYUN_LOG_LEVEL/);
  t.regex(e.stderr, /allowed values/);
});
