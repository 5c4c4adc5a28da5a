import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { createStatementNamer, DEFAULT_PREPARE_THRESHOLD, nameRepeatedStatements } from './statement-names';

export type DatabaseKind = 'pglite' | 'postgres';

/** An open database: the Kysely handle every DAL receives, and its lifecycle. */
export type Database = {
  readonly kind: DatabaseKind;
  /** Untyped at the kernel; each room narrows it with `asRoom<Tables>()`. */
  readonly db: Kysely<any>;
  /** A short description safe to log (no password). */
  readonly description: string;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** Send a parameterised SQL text as a named (prepared) statement from its Nth execution on; 0 = never. Default 3. */
      prepareThreshold?: number;
    }
  | { kind: 'pglite'; dataDir: string | 'memory' };

/** The handle a room's DAL works on, typed with the room's own tables. */
export function asRoom<T>(db: Kysely<any>): Kysely<T> {
  return db as Kysely<T>;
}

// int8 and numeric come back as strings from pg by default; counts and sizes in this product fit a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * A node-postgres pool whose lost connections never kill the process. pg-pool listens for errors only on idle
 * clients (it replaces them); a checked-out client between two queries (a transaction, a held connection) whose
 * server session ends (restart, pg_terminate_backend, a dropped database) would emit an 'error' nobody handles.
 * With a listener on every client, its holder sees the failure at its next query instead.
 */
export function openPgPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Opens PostgreSQL (`DATABASE_URL`) or the embedded PGlite (data directory or memory). */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.kind === 'postgres') {
    const pool = openPgPool(opts.url, opts.maxConnections ?? 10);
    const namer = createStatementNamer({ threshold: opts.prepareThreshold ?? DEFAULT_PREPARE_THRESHOLD });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: nameRepeatedStatements(pool, namer) }) });
    const u = new URL(opts.url);
    return {
      kind: 'postgres',
      db,
      description: `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await db.destroy();
      },
    };
  }
  let pglite: PGlite;
  if (opts.dataDir === 'memory') {
    pglite = await PGlite.create();
  } else {
    mkdirSync(opts.dataDir, { recursive: true });
    pglite = await PGlite.create(path.resolve(opts.dataDir, 'pgdata'));
  }
  // PGlite is single-connection: a pool of one serialises queries and transactions correctly.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as unknown as pg.PoolConfig);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    description: opts.dataDir === 'memory' ? 'pglite:memory' : `pglite:${path.resolve(opts.dataDir, 'pgdata')}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
