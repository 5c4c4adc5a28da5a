import test from 'ava';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from './database';
import { createScratchPostgresDatabase, TEST_POSTGRES_ADMIN_URL } from './testing';

test.serial('postgres: a held connection whose session the server ends fails its next query and does not kill the process', async (t) => {
  const scratch = await createScratchPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: scratch.url });
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  // ava turns an uncaught exception into a failed run; listening here lets the test name what happened instead.
  process.prependListener('uncaughtException', onUncaught);
  try {
    const nextQuery = await database.db.connection().execute(async (conn) => {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid;
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      // The FATAL message and the socket's end arrive while no query is active on the held client.
      await new Promise((r) => setTimeout(r, 300));
      return sql`select 1`.execute(conn).then(
        () => 'answered',
        (e: Error) => e.message,
      );
    });
    t.not(nextQuery, 'answered');
    t.deepEqual(uncaught, []);
    // The pool replaced the lost client: the database answers again.
    t.is((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows[0]!.one, 1);
  } finally {
    process.removeListener('uncaughtException', onUncaught);
    await database.close().catch(() => undefined);
    await scratch.drop();
  }
});
