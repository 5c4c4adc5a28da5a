import test from 'ava';
import pg from 'pg';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { createDbAuditService } from './dbaudit-service';
import { createPgProxy } from './pg-proxy';
import { createRoutineSource } from './routine-learner';
import { dbauditModule } from './index';

// Stored-procedure learning on PostgreSQL: bodies from pg_proc over a separate upstream connection, parsed by libpg-query.
type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let svc: ReturnType<typeof createDbAuditService>;
let proxy: ReturnType<typeof createPgProxy>;
let port: number;
const schema = `yy_learn_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const admin = () => new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });

test.before(async () => {
  database = await createTestDatabase('postgres', [dbauditModule()]);
  svc = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 }, routines: createRoutineSource({ pg: { host: '127.0.0.1', port: 5432 } }) });
  proxy = createPgProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 5432, upstreamTls: 'disable', tls: null, sink: svc.sink, logger: createLogger({ level: 'silent' }) });
  port = await proxy.listen();
  const c = admin();
  await c.connect();
  await c.query(`create schema ${schema}; create table ${schema}.patients (id int, name text); create table ${schema}.visits (patient int, at timestamptz);
    create function ${schema}.admit(p int) returns int language plpgsql as $$ declare n int; begin insert into ${schema}.visits values (p, now()); select count(*) into n from ${schema}.patients where id = p; return n; end $$;
    create procedure ${schema}.purge() language sql as $$ delete from ${schema}.visits where at < now() - interval '1 year' $$;`);
  await c.end();
});
test.after.always(async () => {
  const c = admin();
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
  await proxy?.close();
  await svc?.stop();
  await database?.close();
});

test('functions and procedures are learned on the first call and later calls are attributed to their tables', async (t) => {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query(`select ${schema}.admit(1)`);
  await c.query(`select ${schema}.admit($1)`, [2]);
  await c.query(`call ${schema}.purge()`);
  await c.query('select count(*) from pg_class');
  await c.end();
  await svc.flush();
  const calls = (await svc.listStatements({ offset: 0, limit: 10, text: `${schema}.admit` })).items;
  t.is(calls.length, 2);
  for (const s of calls) t.deepEqual([...s.database.objects].sort(), [`${schema}.patients`, `${schema}.visits`]);
  const purge = (await svc.listStatements({ offset: 0, limit: 10, command: 'CALL' })).items[0]!;
  t.deepEqual(purge.database.objects, [`${schema}.visits`]);
  const builtin = (await svc.listStatements({ offset: 0, limit: 10, text: 'pg_class' })).items[0]!;
  t.deepEqual(builtin.database.objects, ['pg_class']);
  const learned = (await svc.listRoutines({ offset: 0, limit: 50 })).items.filter((r) => r.name.startsWith(schema));
  t.deepEqual(learned.map((r) => [r.name, r.language, r.tables]).sort(), [
    [`${schema}.admit`, 'plpgsql', [`${schema}.patients`, `${schema}.visits`]],
    [`${schema}.purge`, 'sql', [`${schema}.visits`]],
  ]);
});
