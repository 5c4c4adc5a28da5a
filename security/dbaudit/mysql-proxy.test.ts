import test from 'ava';
import mysql from 'mysql2/promise';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { createDbAuditService } from './dbaudit-service';
import { createMysqlProxy } from './mysql-proxy';
import { createRoutineSource } from './routine-learner';
import { dbauditModule } from './index';

// Against the real MariaDB on 127.0.0.1:3306 (root, empty password, database `test`), with mysql2 as the client.
type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let svc: ReturnType<typeof createDbAuditService>;
let proxy: ReturnType<typeof createMysqlProxy>;
let port: number;
const sfx = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const patients = `patients_${sfx}`;
const visits = `visits_${sfx}`;
const proc = `touch_visits_${sfx}`;

test.before(async () => {
  database = await createTestDatabase('postgres', [dbauditModule()]);
  svc = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 }, routines: createRoutineSource({ mysql: { host: '127.0.0.1', port: 3306, user: 'root', password: '' } }) });
  proxy = createMysqlProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 3306, upstreamTls: 'prefer', tls: null, sink: svc.sink, logger: createLogger({ level: 'silent' }) });
  port = await proxy.listen();
});
test.after.always(async () => {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' }).catch(() => null);
  if (c) {
    for (const q of [`drop procedure if exists ${proc}`, `drop table if exists ${patients}`, `drop table if exists ${visits}`]) await c.query(q).catch(() => {});
    await c.end();
  }
  await proxy?.close();
  await svc?.stop();
  await database?.close();
});

const connect = (extra: mysql.ConnectionOptions = {}) =>
  mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'test', connectAttributes: { program_name: 'his-app' }, ...extra });

async function settle() {
  await svc.flush();
}

test.serial('simple, prepared and failing statements carry every field', async (t) => {
  const c = await connect();
  await c.query(`create table ${patients} (id int primary key, name varchar(40), born date)`);
  await c.query(`insert into ${patients} values (1, '张三', '1980-02-03'), (2, '李四', null), (3, '王五', '1990-12-31')`);
  const [rows] = await c.execute<mysql.RowDataPacket[]>(`select * from ${patients} where id >= ? and name <> ?`, [2, 'nobody']);
  t.is(rows.length, 2);
  const [simple] = await c.query<mysql.RowDataPacket[]>(`select name from ${patients} order by id`);
  t.is(simple.length, 3);
  await c.execute(`update ${patients} set name = ? where id = ?`, ['赵六', 3]);
  await t.throwsAsync(c.query('select * from no_such_table_x'));
  await t.throwsAsync(c.execute('select * from no_such_table_y where id = ?', [1]));
  await c.end();
  await settle();

  const all = (await svc.listStatements({ offset: 0, limit: 100, engine: 'mysql' })).items;
  const insert = all.find((s) => s.sql.startsWith(`insert into ${patients}`))!;
  t.is(insert.protocol, 'com_query');
  t.is(insert.command, 'INSERT');
  t.is(insert.rows, 3);
  t.deepEqual(insert.database.objects, [patients]);
  t.is(insert.database.name, 'test');
  t.is(insert.actor.user, 'root');
  t.is(insert.actor.program, 'his-app');
  t.is(insert.src.ip, '127.0.0.1');
  t.true(insert.src.port > 0);
  t.deepEqual(insert.dst, { ip: '127.0.0.1', port: 3306 });
  t.true(insert.durationMs >= 0);
  t.is(insert.error, null);

  const prepared = all.find((s) => s.sql === `select * from ${patients} where id >= ? and name <> ?`)!;
  t.is(prepared.protocol, 'com_stmt');
  t.is(prepared.command, 'SELECT');
  t.deepEqual(prepared.params, ['2', 'nobody']);
  t.is(prepared.rows, 2);
  t.deepEqual(prepared.database.objects, [patients]);
  const update = all.find((s) => s.command === 'UPDATE')!;
  t.deepEqual(update.params, ['赵六', '3']);
  t.is(update.rows, 1);
  t.is(all.find((s) => s.sql === `select name from ${patients} order by id`)!.rows, 3);

  const failed = all.find((s) => s.sql.includes('no_such_table_x'))!;
  t.is(failed.error?.code, '1146');
  t.regex(failed.error!.message, /doesn't exist/);
  t.is(failed.rows, null);
  const failedPrepare = all.find((s) => s.sql.includes('no_such_table_y'))!;
  t.is(failedPrepare.protocol, 'com_stmt');
  t.is(failedPrepare.error?.code, '1146');

  const conns = (await svc.listConnections({ offset: 0, limit: 20 })).items.filter((c) => c.engine === 'mysql');
  t.true(conns.some((c) => c.authOk === true && c.dbUser === 'root' && c.dbName === 'test' && c.clientProgram === 'his-app' && c.endedAt !== null));
});

test.serial('a failed login is recorded and repeated failures raise password guessing', async (t) => {
  for (let i = 0; i < 5; i++) await t.throwsAsync(connect({ user: 'nobody_guess', password: `guess${i}` }));
  await settle();
  const conns = (await svc.listConnections({ offset: 0, limit: 50 })).items.filter((c) => c.dbUser === 'nobody_guess');
  t.is(conns.length, 5);
  t.true(conns.every((c) => c.authOk === false && /1045/.test(c.authError ?? '')));
  t.is((await svc.listAlerts({ offset: 0, limit: 10, kind: 'auth.password_guessing' })).total, 1);
});

test.serial('an injection attempt and a DROP raise alerts; a normal workload stays silent', async (t) => {
  const before = (await svc.listAlerts({ offset: 0, limit: 1 })).total;
  const c = await connect();
  await c.query(`select * from ${patients} where id = 1`);
  await c.execute(`select name from ${patients} where id = ?`, [1]);
  await settle();
  t.is((await svc.listAlerts({ offset: 0, limit: 1 })).total, before, 'no alert for the normal statements');
  await c.query(`select * from ${patients} where name = '' or '1'='1'`);
  await c.query(`select name from ${patients} where id = 1 union select null, null, @@version`).catch(() => {});
  await c.query(`create table ${visits}_tmp (x int)`);
  await c.query(`drop table ${visits}_tmp`);
  await c.end();
  await settle();
  const alerts = (await svc.listAlerts({ offset: 0, limit: 50 })).items;
  const kinds = new Set(alerts.map((a) => a.kind));
  for (const k of ['sqli.tautology', 'sqli.union', 'danger.drop']) t.true(kinds.has(k), k);
  const drop = alerts.find((a) => a.kind === 'danger.drop')!;
  const stmt = (await svc.listStatements({ offset: 0, limit: 5, command: 'DROP', engine: 'mysql' })).items[0]!;
  t.is(drop.statementId, stmt.id);
  t.is(drop.severity, 'high');
});

test.serial('a stored procedure is learned on its first call and later calls are attributed to its tables', async (t) => {
  const c = await connect();
  await c.query(`create table ${visits} (id int auto_increment primary key, patient int, at datetime)`);
  await c.query(`create procedure ${proc}(p int) begin insert into ${visits} (patient, at) values (p, now()); select count(*) from ${patients} where id = p; end`);
  await c.query(`call ${proc}(1)`);
  await c.execute(`call ${proc}(?)`, [2]);
  await c.end();
  await settle();
  const calls = (await svc.listStatements({ offset: 0, limit: 10, text: `call ${proc}`, engine: 'mysql' })).items;
  t.is(calls.length, 2);
  for (const s of calls) {
    t.is(s.command, 'CALL');
    t.deepEqual([...s.database.objects].sort(), [patients, visits].sort());
  }
  const learned = (await svc.listRoutines({ offset: 0, limit: 50 })).items.find((r) => r.name === proc)!;
  t.deepEqual(learned.tables, [patients, visits].sort());
  t.is(learned.database, 'test');
});

test.serial('a client that demands TLS is never answered in plaintext (the greeting is relayed as the server sent it)', async (t) => {
  // This MariaDB has TLS disabled: the greeting carries no SSL flag, so a TLS-demanding client must fail, not fall back.
  await t.throwsAsync(connect({ ssl: { rejectUnauthorized: false } }));
});
