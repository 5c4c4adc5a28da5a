import test from 'ava';
import { sql } from 'kysely';
import { createTestDatabase, testDatabaseKinds } from './testing';
import { migrationStatus, MigrationError, runMigrations, type ModuleMigrations } from './migrations';

const shop = (extra: ModuleMigrations['migrations'] = []): ModuleMigrations => ({
  module: 'shop',
  schema: 'shop',
  migrations: [
    { version: 1, name: 'init', sql: 'create table shop.items (id serial primary key, name text not null unique);' },
    { version: 2, name: 'price', sql: 'alter table shop.items add column price integer not null default 0;' },
    ...extra,
  ],
});

for (const kind of testDatabaseKinds()) {
  test.serial(`${kind}: migrations apply once, in order, and report status`, async (t) => {
    const d = await createTestDatabase(kind);
    try {
      t.deepEqual(await runMigrations(d.db, [shop()]), ['shop#1_init', 'shop#2_price']);
      t.deepEqual(await runMigrations(d.db, [shop()]), []);
      await sql`insert into shop.items (name, price) values (${'gauze'}, ${3})`.execute(d.db);
      const st = await migrationStatus(d.db, [shop([{ version: 3, name: 'stock', sql: 'alter table shop.items add column stock integer;' }])]);
      t.deepEqual(st, [{ module: 'shop', applied: 2, known: 3, pending: [3] }]);
    } finally {
      await d.close();
    }
  });

  test.serial(`${kind}: a failing migration rolls back entirely and the data stays`, async (t) => {
    const d = await createTestDatabase(kind);
    try {
      await runMigrations(d.db, [shop()]);
      await sql`insert into shop.items (name) values (${'mask'})`.execute(d.db);
      const bad = shop([{ version: 3, name: 'broken', sql: 'alter table shop.items add column ok integer; select * from no_such_table;' }]);
      await t.throwsAsync(() => runMigrations(d.db, [bad]));
      const cols = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_schema = 'shop' and table_name = 'items'`.execute(d.db);
      t.false(cols.rows.some((c) => c.column_name === 'ok'));
      const rows = await sql<{ name: string }>`select name from shop.items`.execute(d.db);
      t.deepEqual(rows.rows.map((r) => r.name), ['mask']);
      t.deepEqual((await migrationStatus(d.db, [bad]))[0]!.pending, [3]);
    } finally {
      await d.close();
    }
  });

  test.serial(`${kind}: a database ahead of the code, or with an edited migration, is refused`, async (t) => {
    const d = await createTestDatabase(kind);
    try {
      await runMigrations(d.db, [shop([{ version: 3, name: 'stock', sql: 'alter table shop.items add column stock integer;' }])]);
      const ahead = await t.throwsAsync(() => runMigrations(d.db, [shop()]), { instanceOf: MigrationError });
      t.regex(ahead!.message, /ahead of the code/);
      const unknownModule = await t.throwsAsync(() => runMigrations(d.db, []), { instanceOf: MigrationError });
      t.regex(unknownModule!.message, /"shop"/);
      const edited = shop([{ version: 3, name: 'stock', sql: 'alter table shop.items add column stock bigint;' }]);
      const changed = await t.throwsAsync(() => runMigrations(d.db, [edited]), { instanceOf: MigrationError });
      t.regex(changed!.message, /changed after it was applied/);
    } finally {
      await d.close();
    }
  });
}
