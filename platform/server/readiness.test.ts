import test from 'ava';
import { sql } from 'kysely';
import pg from 'pg';
import { TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { startTestServer } from '../../test/support/test-server';

async function readyz(base: string) {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, any> } };
}

for (const kind of ['pglite', 'postgres'] as const) {
  test.serial(`[${kind}] /readyz answers 503 naming the module while a migration is pending`, async (t) => {
    const srv = await startTestServer(kind);
    try {
      t.is((await readyz(srv.url)).status, 200);
      // As if this code were one migration ahead of the database: the ledger forgets the tenants module's last one.
      const last = await sql<{ version: number }>`select max(version)::int as version from yiyun_meta.migrations where module = 'tenants'`.execute(srv.ctx.database.db);
      const version = last.rows[0]!.version;
      await sql`delete from yiyun_meta.migrations where module = 'tenants' and version = ${version}`.execute(srv.ctx.database.db);
      const r = await readyz(srv.url);
      t.is(r.status, 503);
      t.is(r.body.status, 'not_ready');
      t.is(r.body.checks.database, 'ok');
      t.deepEqual(
        r.body.checks.migrations.pending.map((p: { module: string; pending: number[] }) => [p.module, p.pending]),
        [['tenants', [version]]],
      );
      // /healthz is about the process, not the database: still up.
      t.is((await fetch(`${srv.url}/healthz`)).status, 200);
    } finally {
      await srv.cleanup();
    }
  });
}

test.serial('[postgres] /readyz answers 503 when the database is unreachable, and /healthz stays 200', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    t.is((await readyz(srv.url)).status, 200);
    const name = (await sql<{ db: string }>`select current_database() as db`.execute(srv.ctx.database.db)).rows[0]!.db;
    // The database goes away under the running server (dropped, its connections terminated).
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
    const r = await readyz(srv.url);
    t.is(r.status, 503);
    t.is(r.body.status, 'not_ready');
    t.not(r.body.checks.database, 'ok');
    t.is(typeof r.body.checks.database, 'string');
    t.is((await fetch(`${srv.url}/healthz`)).status, 200);
  } finally {
    await srv.cleanup().catch(() => undefined);
  }
});
