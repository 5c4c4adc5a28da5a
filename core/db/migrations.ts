import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { sm3Hex } from '../crypto';

/** One ordered SQL migration of one module. */
export type Migration = { version: number; name: string; sql: string };

/** A module (room) owns one PostgreSQL schema and its ordered migrations. */
export type ModuleMigrations = { module: string; schema: string; migrations: Migration[] };

export type MigrationStatus = {
  module: string;
  applied: number;
  known: number;
  pending: number[];
};

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// One key for every yiyun instance sharing a database: two replicas starting together must not both migrate.
const LOCK_KEY = 0x79697975;

/** Reads `NNN_name.sql` files from a room's migrations/ folder, in version order. */
export function loadMigrationsFromDir(dir: string): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const m = FILE.exec(f);
    if (!m) throw new MigrationError(`${path.join(dir, f)}: migration files are named NNN_snake_name.sql`);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new MigrationError(`${dir}: two migrations with version ${version}`);
    out.push({ version, name: m[2]!, sql: readFileSync(path.join(dir, f), 'utf8') });
  }
  return out;
}

/** Declares a module from its migrations folder. */
export function moduleFromDir(module: string, schema: string, dir: string): ModuleMigrations {
  return { module, schema, migrations: loadMigrationsFromDir(dir) };
}

async function ensureLedger(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `create schema if not exists yiyun_meta;
       create table if not exists yiyun_meta.migrations (
         module text not null,
         version integer not null,
         name text not null,
         checksum text not null,
         applied_at timestamptz not null default now(),
         primary key (module, version)
       );`,
    )
    .execute(db);
}

type LedgerRow = { module: string; version: number; name: string; checksum: string };

async function readLedger(db: Kysely<any>): Promise<LedgerRow[]> {
  const r = await sql<LedgerRow>`select module, version, name, checksum from yiyun_meta.migrations order by module, version`.execute(db);
  return r.rows;
}

/** Refuses a database that is ahead of the code or whose applied migrations were edited since. */
function assertCompatible(ledger: LedgerRow[], modules: ModuleMigrations[]): void {
  const byModule = new Map(modules.map((m) => [m.module, m]));
  for (const row of ledger) {
    const mod = byModule.get(row.module);
    if (!mod) {
      throw new MigrationError(
        `the database has migrations of module "${row.module}" that this version of yiyun does not know: the database is ahead of the code; run a newer yiyun`,
      );
    }
    const known = mod.migrations.find((m) => m.version === row.version);
    if (!known) {
      throw new MigrationError(
        `the database has migration ${row.module}#${row.version} (${row.name}) that this version of yiyun does not know: the database is ahead of the code; run a newer yiyun`,
      );
    }
    if (sm3Hex(known.sql) !== row.checksum) {
      throw new MigrationError(`migration ${row.module}#${row.version} (${row.name}) was changed after it was applied (checksum differs)`);
    }
  }
}

/** Applies every pending migration, each once and in its own transaction; returns what was applied. */
export async function runMigrations(db: Kysely<any>, modules: ModuleMigrations[]): Promise<string[]> {
  await ensureLedger(db);
  assertCompatible(await readLedger(db), modules);
  const applied: string[] = [];
  for (const mod of modules) {
    for (const mig of mod.migrations) {
      const done = await db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(tx);
        // Re-read under the lock: another instance may have applied it while we waited.
        const seen = await sql<{ n: number }>`select count(*)::int as n from yiyun_meta.migrations where module = ${mod.module} and version = ${mig.version}`.execute(tx);
        if ((seen.rows[0]?.n ?? 0) > 0) return false;
        await sql.raw(`create schema if not exists "${mod.schema.replace(/"/g, '')}"`).execute(tx);
        await sql.raw(mig.sql).execute(tx);
        await sql`insert into yiyun_meta.migrations (module, version, name, checksum) values (${mod.module}, ${mig.version}, ${mig.name}, ${sm3Hex(mig.sql)})`.execute(tx);
        return true;
      });
      if (done) applied.push(`${mod.module}#${mig.version}_${mig.name}`);
    }
  }
  return applied;
}

/** Per-module applied/known counts; `/readyz` is ready only when nothing is pending. */
export async function migrationStatus(db: Kysely<any>, modules: ModuleMigrations[]): Promise<MigrationStatus[]> {
  // Read-only: readiness probes and `yiyun audit verify` ask this, and neither may create the ledger.
  const ledgerExists = await sql<{ t: string | null }>`select to_regclass('yiyun_meta.migrations')::text as t`.execute(db);
  const ledger = ledgerExists.rows[0]?.t ? await readLedger(db) : [];
  return modules.map((m) => {
    const have = new Set(ledger.filter((r) => r.module === m.module).map((r) => r.version));
    const pending = m.migrations.filter((x) => !have.has(x.version)).map((x) => x.version);
    return { module: m.module, applied: have.size, known: m.migrations.length, pending };
  });
}
