import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from './database';
import { runMigrations, type ModuleMigrations } from './migrations';

/** The server this machine and CI provide; tests create and drop their own database on it. */
export const TEST_POSTGRES_ADMIN_URL = process.env.YIYUN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Which engines data-layer tests run on: both unless YIYUN_TEST_DB narrows it. */
export function testDatabaseKinds(): DatabaseKind[] {
  const only = process.env.YIYUN_TEST_DB;
  if (only === 'pglite' || only === 'postgres') return [only];
  return ['pglite', 'postgres'];
}

let seq = 0;

/** A fresh, empty PostgreSQL database on the test server, for tests that open their own pool on it. */
export async function createScratchPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  // Unique per process and call, so parallel test files never share a database.
  const name = `yiyun_t_${process.pid}_${Date.now().toString(36)}_${(seq++).toString(36)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** A fresh, empty database of the given kind; closing it drops it. */
export async function createTestDatabase(kind: DatabaseKind, modules: ModuleMigrations[] = []): Promise<Database> {
  let database: Database;
  if (kind === 'pglite') {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory' });
  } else {
    const scratch = await createScratchPostgresDatabase();
    const inner = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 5 });
    database = {
      ...inner,
      close: async () => {
        await inner.close();
        await scratch.drop();
      },
    };
  }
  if (modules.length > 0) await runMigrations(database.db, modules);
  return database;
}
