import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { createDbAuditService, literalFreeKey } from './dbaudit-service';
import { dangerFindings, injectionFindings } from './detection-fns';
import { createPgProxy } from './pg-proxy';
import { dbauditModule } from './index';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let svc: ReturnType<typeof createDbAuditService>;
let proxy: ReturnType<typeof createPgProxy>;
let port: number;
const certDir = mkdtempSync(path.join(tmpdir(), 'yiyun-dbaudit-'));

test.before(async () => {
  database = await createTestDatabase('postgres', [dbauditModule()]);
  svc = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 } });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=yiyun-dbaudit', '-days', '30', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  proxy = createPgProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 5432, upstreamTls: 'prefer', tls: { key: readFileSync(path.join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(certDir, 'cert.pem'), 'utf8') }, sink: svc.sink, logger: createLogger({ level: 'silent' }) });
  port = await proxy.listen();
});
test.after.always(async () => {
  await proxy?.close();
  await svc?.stop();
  await database?.close();
  rmSync(certDir, { recursive: true, force: true });
});

const client = (extra: pg.ClientConfig = {}) => new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', application_name: 'yiyun-test-app', ...extra });

test.serial('simple, prepared and failing statements are recorded with every field, over TLS', async (t) => {
  const c = client({ ssl: { rejectUnauthorized: false } });
  await c.connect();
  await c.query('create temp table patients (id int, name text)');
  await c.query("insert into patients values (1, '张三'), (2, '李四')");
  const r = await c.query('select * from patients where id = $1', [2]);
  t.is(r.rows[0].name, '李四');
  await t.throwsAsync(c.query('select * from no_such_table'));
  await c.query('select 1');
  await c.end();
  // Events are queued before the client sees its answer: flushing stores all of them, no sleep needed.
  await svc.flush();
  const all = await svc.listStatements({ offset: 0, limit: 50, user: 'postgres', database: 'postgres' });
  const prepared = all.items.find((s) => s.sql === 'select * from patients where id = $1');
  t.truthy(prepared);
  t.is(prepared!.protocol, 'extended');
  t.deepEqual(prepared!.params, ['2']);
  t.is(prepared!.rows, 1);
  t.is(prepared!.command, 'SELECT');
  t.deepEqual(prepared!.database.objects, ['patients']);
  t.is(prepared!.actor.program, 'yiyun-test-app');
  t.is(prepared!.dst.port, 5432);
  t.is(prepared!.src.ip, '127.0.0.1');
  t.true(prepared!.durationMs >= 0);
  const insert = all.items.find((s) => s.command === 'INSERT')!;
  t.is(insert.protocol, 'simple');
  t.is(insert.rows, 2);
  const failed = all.items.find((s) => s.sql.includes('no_such_table'))!;
  t.is(failed.error?.code, '42P01');
  const conns = await svc.listConnections({ offset: 0, limit: 10 });
  t.true(conns.items.some((c) => c.clientTls === true && c.authOk === true));
});

test.serial('a failed login and password guessing are detected', async (t) => {
  for (let i = 0; i < 5; i++) {
    const c = client({ user: 'no_such_role_x' });
    await t.throwsAsync(c.connect());
  }
  await svc.flush();
  const alerts = await svc.listAlerts({ offset: 0, limit: 50, kind: 'auth.password_guessing' });
  t.is(alerts.total, 1);
});

test.serial('injection and dangerous statements through the proxy raise alerts', async (t) => {
  const c = client();
  await c.connect();
  await c.query("select 1 where '1' = '1' or 1=1");
  await c.query("select 1 union select null, null, null".replace(', null, null', '')).catch(() => {});
  await c.query('select pg_sleep(0)');
  await c.query('create temp table t_del (x int)');
  await c.query('delete from t_del');
  await c.end();
  await svc.flush();
  const kinds = new Set((await svc.listAlerts({ offset: 0, limit: 100 })).items.map((a) => a.kind));
  for (const k of ['sqli.tautology', 'sqli.time_based', 'danger.no_where']) t.true(kinds.has(k), k);
});

test('detections fire on attacks', (t) => {
  t.true(injectionFindings("select * from users where name = '' or '1'='1'", 1).some((f) => f.kind === 'sqli.tautology'));
  t.true(injectionFindings("select name from t where id = 1 union select null, null, version()", 1).some((f) => f.kind === 'sqli.union'));
  t.true(injectionFindings("select * from t where id = 1 and sleep(5)", 1).some((f) => f.kind === 'sqli.time_based'));
  t.true(injectionFindings("select * from t where id = 1 un/**/ion sel/**/ect 1", 1).some((f) => f.kind === 'sqli.comment_evasion'));
  t.true(injectionFindings("select * from t where name = 'x'; drop table t; --'", 2).some((f) => f.kind === 'sqli.stacked'));
  t.true(dangerFindings('COPY', "copy t to program 'curl evil'").some((f) => f.kind === 'danger.copy_program'));
  t.true(dangerFindings('SELECT', "select load_file('/etc/passwd')").some((f) => f.kind === 'danger.file_access'));
  t.true(dangerFindings('TRUNCATE', 'truncate t').length > 0);
  t.true(dangerFindings('GRANT', 'grant all on t to bob').some((f) => f.kind === 'danger.grant'));
});

test('injection detection stays silent on the pgaudit regression workload', (t) => {
  const dir = path.resolve(__dirname, '../../../shared/corpora/pgaudit/sql');
  const text = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
  // Statements end with ';' at line end; psql meta-commands (\\connect …) are skipped.
  const stmts = text.split(/;\s*\n/).map((s) => s.split('\n').filter((l) => !l.startsWith('\\') && !l.trim().startsWith('--')).join('\n').trim()).filter(Boolean);
  t.true(stmts.length > 100);
  const noisy = stmts.filter((s) => injectionFindings(s, 1).length > 0);
  t.deepEqual(noisy, []);
});

test.serial('a full audit queue drops statements counted and alerted, never silently; flush stores the rest in batches', async (t) => {
  const small = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 }, recorder: { overflow: 'shed', highWater: 5, batchSize: 2 } });
  const conn = { id: '0b0f7e0c-6d55-4a8e-9c0e-1d2f3a4b5c6d', engine: 'postgresql' as const, srcIp: '10.9.9.9', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 5432, user: 'shed_user', database: 'postgres', program: 'shed-test', clientTls: false, upstreamTls: false };
  small.sink.connection(conn);
  for (let i = 0; i < 12; i++) small.sink.statement({ conn, at: new Date(), protocol: 'simple', sql: `select ${i} from shed_t where x = '${i}'`, params: null, tags: ['SELECT 1'], rows: 1, durationMs: 0.1, errorCode: null, errorMessage: null, statementCount: 1 });
  small.sink.closed(conn);
  await small.stop();
  t.like(small.stats(), { dropped: 7, queued: 0, failedBatches: 0 });
  const stored = await small.listStatements({ offset: 0, limit: 50, user: 'shed_user' });
  t.is(stored.total, 5);
  t.deepEqual(stored.items.map((s) => s.database.objects), Array(5).fill(['shed_t']));
  const dropped = await small.listAlerts({ offset: 0, limit: 10, kind: 'audit.events_dropped' });
  t.is(dropped.total, 1);
  t.is(dropped.items[0]!.detail.dropped, 7);
  const conns = await small.listConnections({ offset: 0, limit: 50 });
  t.truthy(conns.items.find((c) => c.id === conn.id)?.endedAt);
});

test('the parse cache key blanks literals only where that is safe', (t) => {
  t.is(literalFreeKey("SELECT abalance FROM pgbench_accounts WHERE aid = 42;"), 'SELECT abalance FROM pgbench_accounts WHERE aid = ?;');
  t.is(literalFreeKey("select * from t1 where x = 'it''s' and y = 1.5e3"), 'select * from t1 where x = ? and y = ?');
  for (const raw of ["select 1 -- it's", 'select "t1" from x', 'select $1::int', "select 'a\\' from t"]) t.is(literalFreeKey(raw), raw);
});
