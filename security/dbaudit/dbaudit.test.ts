import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { copyText, isoOf, textArrayLiteral } from './dbaudit-dal';
import { createDbAuditService, literalFreeKey } from './dbaudit-service';
import { dangerFindings, injectionFindings } from './detection-fns';
import { createPgProxy } from './pg-proxy';
import { dbauditModule } from './index';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let svc: ReturnType<typeof createDbAuditService>;
let proxy: ReturnType<typeof createPgProxy>;
let port: number;
let copyUrl: string;
const certDir = mkdtempSync(path.join(tmpdir(), 'yiyun-dbaudit-'));

test.before(async () => {
  database = await createTestDatabase('postgres', [dbauditModule()]);
  // As on a PostgreSQL deployment: statement rows go through COPY on the recorder's own connection.
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(database.db)).rows[0]!.db}`;
  copyUrl = url.toString();
  svc = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 }, copyUrl });
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
  for (let i = 0; i < 12; i++) small.sink.statement({ conn, at: Date.now(), protocol: 'simple', sql: `select ${i} from shed_t where x = '${i}'`, params: null, rows: 1, durationMs: 0.1, errorCode: null, errorMessage: null, statementCount: 1 });
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

// Values that COPY's text format and array literals must escape: tab, newline, carriage return, backslashes
// (including a literal `\N` and `\t` as two characters), quotes, braces, commas, `NULL` as text, CJK and emoji.
const AWKWARD = ['a\tb', 'line1\nline2\r\nend', 'back\\slash \\N \\t', '"quoted", {braced}', 'NULL', '', '张三 🐘 ü', ' lead/trail '];

test.serial('awkward values are recorded exactly through the proxy into COPY: SQL, bind values, nulls, object names', async (t) => {
  const c = client({ user: 'postgres' });
  await c.connect();
  const table = 'we"ird, {tab}\tle';
  await c.query(`create temp table "${table.replace(/"/g, '""')}" (v text)`);
  const text = "select v, E'x\\ty' as \"col\\\\\" from \"we\"\"ird, {tab}\tle\" -- tab\there, back\\slash\nwhere v is distinct from $1 or v = $2 or v = $3 or v = $4 or v = $5 or v = $6 or v = $7 or v = $8 or v = $9 or v is null";
  await c.query(text, [...AWKWARD, null]);
  await c.end();
  await svc.flush();
  const found = (await svc.listStatements({ offset: 0, limit: 10, text: 'is distinct from $1' })).items;
  t.is(found.length, 1);
  t.is(found[0]!.sql, text);
  t.deepEqual(found[0]!.params, [...AWKWARD, null]);
  t.deepEqual(found[0]!.database.objects, [table]);
  t.is(found[0]!.protocol, 'extended');
});

test.serial('the COPY and the INSERT recorders store the same row for the same event', async (t) => {
  const viaInsert = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 } });
  const viaCopy = createDbAuditService({ db: database.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 }, copyUrl });
  const at = Date.UTC(2026, 0, 2, 3, 4, 5, 7);
  for (const [i, s] of [viaInsert, viaCopy].entries()) {
    const conn = { id: `1c2d3e4f-0000-4000-8000-00000000000${i}`, engine: 'mysql' as const, srcIp: '10.1.2.3', srcPort: 41000 + i, dstIp: '127.0.0.1', dstPort: 3306, user: `same_row_${i}`, database: 'd\tb', program: 'prog\\ram', clientTls: true, upstreamTls: false };
    s.sink.connection(conn);
    s.sink.statement({ conn, at, protocol: 'com_stmt', sql: `select * from cmp_t where a = ? and b = '\\\\'\n-- ${AWKWARD.join('|')}`, params: [...AWKWARD, null, 42, 'nul\u0000byte'], rows: null, durationMs: 1.25, errorCode: '1064', errorMessage: 'near "\t\\"', statementCount: 1 });
    // A flagged statement takes a reserved id (second COPY with ids) and its alert points at it.
    s.sink.statement({ conn, at: at + 1, protocol: 'com_query', sql: "select * from cmp_t where name = '' or '1'='1'", params: null, rows: 3, durationMs: 0.5, errorCode: null, errorMessage: null, statementCount: 1 });
    await s.stop();
  }
  const rows = await Promise.all([0, 1].map((i) => svc.listStatements({ offset: 0, limit: 10, user: `same_row_${i}` })));
  const strip = (x: (typeof rows)[number]['items'][number]) => ({ ...x, id: 0, connectionId: '', src: { ...x.src, port: 0 }, actor: { ...x.actor, user: '' } });
  t.is(rows[1]!.total, 2);
  t.deepEqual(rows[1]!.items.map(strip), rows[0]!.items.map(strip));
  // Newest id first; the flagged statement took its id ahead of the batch.
  const [stmt, flagged] = [rows[1]!.items[0]!, rows[1]!.items[1]!];
  t.deepEqual(stmt.params, [...AWKWARD, null, 42, 'nul\ufffdbyte']);
  t.is(stmt.time.toISOString(), '2026-01-02T03:04:05.007Z');
  t.like(stmt, { rows: null, durationMs: 1.25, error: { code: '1064', message: 'near "\t\\"' }, database: { name: 'd\tb', objects: ['cmp_t'] }, actor: { program: 'prog\\ram' } });
  const alert = (await svc.listAlerts({ offset: 0, limit: 50, kind: 'sqli.tautology' })).items.find((a) => a.statementId === flagged.id);
  t.truthy(alert, 'the alert points at the COPY-written statement');
});

test('COPY text escaping, array literals and ISO times', (t) => {
  t.is(copyText(null), '\\N');
  t.is(copyText('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  t.is(copyText('\\N'), '\\\\N');
  t.is(textArrayLiteral([]), '{}');
  t.is(textArrayLiteral(['a', 'b"c', 'd\\e', 'NULL', '{x,y}']), '{"a","b\\"c","d\\\\e","NULL","{x,y}"}');
  for (const ms of [0, 7, 999, 1767323045007, 1767323045999, 1767323046000]) t.is(isoOf(ms), new Date(ms).toISOString());
});

test('on PGlite (no COPY) the migrations apply and the batched INSERT stores the same awkward values', async (t) => {
  const lite = await createTestDatabase('pglite', [dbauditModule()]);
  try {
    const indexes = (await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where schemaname = 'dbaudit' and tablename = 'statements'`.execute(lite.db)).rows;
    t.true(indexes.some((i) => /using brin \(at\)/i.test(i.indexdef)), 'migration 003 gives a BRIN on the time');
    const s = createDbAuditService({ db: lite.db, logger: createLogger({ level: 'silent' }), workingHours: { from: 0, to: 24 } });
    const conn = { id: '2d3e4f50-0000-4000-8000-000000000001', engine: 'postgresql' as const, srcIp: '10.0.0.1', srcPort: 42000, dstIp: '127.0.0.1', dstPort: 5432, user: 'lite_user', database: 'postgres', program: null, clientTls: false, upstreamTls: false };
    s.sink.connection(conn);
    const text = `select v from lite_t where v = $1 -- ${AWKWARD.join('|')}`;
    s.sink.statement({ conn, at: Date.UTC(2026, 1, 3, 4, 5, 6, 78), protocol: 'extended', sql: text, params: [...AWKWARD, null], rows: 0, durationMs: 0.25, errorCode: null, errorMessage: null, statementCount: 1 });
    await s.stop();
    const [row] = (await s.listStatements({ offset: 0, limit: 5, user: 'lite_user', from: new Date(Date.UTC(2026, 1, 3)), to: new Date(Date.UTC(2026, 1, 4)) })).items;
    t.like(row, { sql: text, params: [...AWKWARD, null], rows: 0, database: { objects: ['lite_t'] } });
    t.is(row!.time.toISOString(), '2026-02-03T04:05:06.078Z');
  } finally {
    await lite.close();
  }
});
