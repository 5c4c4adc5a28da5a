import test from 'ava';
import { Kysely, PostgresDialect, sql, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { openDatabase } from './database';
import { createScratchPostgresDatabase } from './testing';
import { createStatementNamer, nameRepeatedStatements, type StatementNamingOptions } from './statement-names';

type Items = { items: { id: number; label: string; meta: unknown } };

/** Named statements of the one pooled connection (a parameterless text goes out unnamed, on the same connection). */
async function preparedStatements(db: Kysely<any>): Promise<Array<{ name: string; statement: string }>> {
  const r = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db);
  return r.rows;
}

async function seed(db: Kysely<any>): Promise<void> {
  await sql`create table items (id integer primary key, label text not null, meta jsonb not null)`.execute(db);
  await sql`insert into items select g, 'item ' || g, jsonb_build_object('n', g) from generate_series(1, 20) g`.execute(db);
}

const byId = (db: Kysely<Items>, id: number) => db.selectFrom('items').select(['id', 'label']).where('id', '=', id).executeTakeFirst();

/** One connection (so pg_prepared_statements is the pool's), with the namer's knobs exposed. */
async function openOneConnection(opts: StatementNamingOptions) {
  const scratch = await createScratchPostgresDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
  const namer = createStatementNamer(opts);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: nameRepeatedStatements(pool, namer) }) });
  await seed(db);
  return {
    db,
    namer,
    close: async () => {
      await db.destroy();
      await scratch.drop();
    },
  };
}

test.serial('postgres: a text run threshold times becomes a named statement and keeps answering per parameters', async (t) => {
  const scratch = await createScratchPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 1, prepareThreshold: 3 });
  try {
    await seed(database.db);
    const db = database.db as Kysely<Items>;
    t.deepEqual(await byId(db, 1), { id: 1, label: 'item 1' });
    t.deepEqual(await byId(db, 2), { id: 2, label: 'item 2' });
    t.deepEqual(await preparedStatements(db), [], 'below the threshold nothing is named');
    t.deepEqual(await byId(db, 3), { id: 3, label: 'item 3' });
    const named = await preparedStatements(db);
    t.is(named.length, 1);
    t.regex(named[0]!.name, /^y\d+$/);
    t.regex(named[0]!.statement, /from "items" where "id" = \$1/);
    for (const id of [7, 11, 20]) t.deepEqual(await byId(db, id), { id, label: `item ${id}` });
    t.is(await byId(db, 21), undefined);
    t.is((await preparedStatements(db)).length, 1, 'later executions reuse the one named statement');
  } finally {
    await database.close();
    await scratch.drop();
  }
});

test.serial('postgres: threshold 0 never names', async (t) => {
  const c = await openOneConnection({ threshold: 0 });
  try {
    for (let id = 1; id <= 10; id++) t.deepEqual(await byId(c.db, id), { id, label: `item ${id}` });
    t.deepEqual(await preparedStatements(c.db), []);
    t.is(c.namer.stats().named, 0);
  } finally {
    await c.close();
  }
});

test.serial('postgres: transactions commit and roll back with named statements', async (t) => {
  const c = await openOneConnection({ threshold: 2 });
  const db = c.db as Kysely<Items>;
  const insert = (tx: Kysely<Items>, id: number) => tx.insertInto('items').values({ id, label: `new ${id}`, meta: JSON.stringify({ n: id }) }).execute();
  try {
    await db.transaction().execute(async (tx) => {
      for (const id of [101, 102, 103]) await insert(tx, id);
      t.deepEqual(await byId(tx, 102), { id: 102, label: 'new 102' });
    });
    await t.throwsAsync(
      db.transaction().execute(async (tx) => {
        await insert(tx, 104);
        throw new Error('give up');
      }),
      { message: 'give up' },
    );
    await t.throwsAsync(insert(db, 101), { code: '23505' } as never, 'a named statement still reports constraint errors');
    await insert(db, 105);
    const ids = await db.selectFrom('items').select('id').where('id', '>', 100).orderBy('id').execute();
    t.deepEqual(ids.map((r) => r.id), [101, 102, 103, 105]);
    const statements = (await preparedStatements(db)).map((s) => s.statement);
    t.true(statements.some((s) => s.startsWith('insert into "items"')), 'the repeated insert was named');
  } finally {
    await c.close();
  }
});

test.serial('postgres: parameterless texts stay simple queries (several statements in one text still run)', async (t) => {
  const c = await openOneConnection({ threshold: 1 });
  try {
    for (let i = 0; i < 3; i++) {
      await sql.raw('update items set label = label where id = 1; update items set label = label where id = 2').execute(c.db);
    }
    t.deepEqual(await preparedStatements(c.db), []);
  } finally {
    await c.close();
  }
});

test.serial('postgres: no more than maxNamed texts are named; the rest run unnamed and correctly', async (t) => {
  const c = await openOneConnection({ threshold: 1, maxNamed: 2 });
  const db = c.db as Kysely<Items>;
  try {
    const queries = [
      (id: number) => db.selectFrom('items').select('label').where('id', '=', id).executeTakeFirst(),
      (id: number) => db.selectFrom('items').select(['label', 'id']).where('id', '=', id).executeTakeFirst(),
      (id: number) => db.selectFrom('items').select(['id', 'label']).where('id', '=', id).executeTakeFirst(),
    ];
    for (let round = 1; round <= 3; round++) {
      for (const q of queries) t.is((await q(round))!.label, `item ${round}`);
    }
    t.is((await preparedStatements(db)).length, 2);
    t.is(c.namer.stats().named, 2);
  } finally {
    await c.close();
  }
});

test.serial('postgres: after a schema change breaks a named select *, the caller sees the error once and the text goes unnamed', async (t) => {
  const c = await openOneConnection({ threshold: 1 });
  const db = c.db as Kysely<Items & { items: { extra: string | null } }>;
  const all = (id: number) => db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
  try {
    t.deepEqual(await all(1), { id: 1, label: 'item 1', meta: { n: 1 } });
    t.is((await preparedStatements(db)).length, 1);
    await sql`alter table items add column extra text`.execute(db);
    await t.throwsAsync(all(1), { code: '0A000', message: /cached plan must not change result type/ } as never);
    t.deepEqual(await all(1), { id: 1, label: 'item 1', meta: { n: 1 }, extra: null });
    t.deepEqual(await all(2), { id: 2, label: 'item 2', meta: { n: 2 }, extra: null });
    t.deepEqual(c.namer.stats(), { named: 0, counted: 0, neverNamed: 1 });
  } finally {
    await c.close();
  }
});

test('the counting map is bounded: it restarts when full', (t) => {
  const namer = createStatementNamer({ threshold: 2, maxCounted: 3 });
  for (let i = 0; i < 100; i++) t.is(namer.nameFor(`select ${i} where $1`), undefined);
  t.true(namer.stats().counted <= 3);
  t.is(namer.nameFor('select 99 where $1'), 'y1', 'a text counted since the last restart still reaches the threshold');
  t.is(namer.nameFor('select 99 where $1'), 'y1');
  t.is(namer.nameFor('select 98 where $1'), undefined);
  t.is(namer.nameFor('select 98 where $1'), 'y2');
});

test('names go by threshold; over-long texts are never named', (t) => {
  const namer = createStatementNamer({ threshold: 3, maxTextLength: 50 });
  t.deepEqual([1, 2, 3, 4].map(() => namer.nameFor('select $1')), [undefined, undefined, 'y1', 'y1']);
  const long = `select $1 ${'-'.repeat(60)}`;
  t.deepEqual([1, 2, 3, 4].map(() => namer.nameFor(long)), [undefined, undefined, undefined, undefined]);
});

test('cursors, config objects and parameterless calls reach the client unchanged', async (t) => {
  const seen: unknown[][] = [];
  const cursor = { read: async () => [], close: async () => {} };
  const client = {
    query: (...args: unknown[]) => {
      seen.push(args);
      return args[0] === cursor ? cursor : Promise.resolve({ command: 'SELECT', rowCount: 0, rows: [] });
    },
    release: (destroy?: boolean) => seen.push(['release', destroy]),
  } as unknown as PostgresPoolClient;
  const pool = nameRepeatedStatements({ connect: async () => client, end: async () => {} }, createStatementNamer({ threshold: 1 }));
  const wrapped = await pool.connect();
  t.is(await pool.connect(), wrapped, 'one wrapper per pooled client (Kysely keys its connections by client)');
  t.is(wrapped.query(cursor as never), cursor);
  const config = { text: 'select $1', values: [1], rowMode: 'array' };
  await (wrapped as unknown as { query(c: unknown): Promise<unknown> }).query(config);
  await wrapped.query('begin', []);
  await wrapped.query('select $1', [1]);
  wrapped.release(true);
  t.deepEqual(seen, [[cursor], [config], ['begin', []], [{ name: 'y1', text: 'select $1', values: [1] }], ['release', true]]);
});
