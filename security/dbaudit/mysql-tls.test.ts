import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import mysql from 'mysql2/promise';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { createDbAuditService } from './dbaudit-service';
import { loopbackCert, startTestMariadb, type TestMariadb } from './mariadb-testing';
import { createMysqlProxy, type MysqlProxyOptions } from './mysql-proxy';
import { dbauditModule } from './index';

// TLS on both legs of the MySQL proxy: a throw-away MariaDB with TLS (the shared one on 3306 has none), and the
// shared one for the fail-closed cases. The proxy's certificate differs from the server's, so a client that pins it
// proves the client leg is terminated by the proxy and not passed through.
type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Db;
let svc: ReturnType<typeof createDbAuditService>;
let maria: TestMariadb;
const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-mytls-'));
const proxyCert = loopbackCert(dir, 'proxy');
const proxies: Array<ReturnType<typeof createMysqlProxy>> = [];
const logger = createLogger({ level: 'silent' });

test.before(async () => {
  database = await createTestDatabase('postgres', [dbauditModule()]);
  svc = createDbAuditService({ db: database.db, logger, workingHours: { from: 0, to: 24 } });
  maria = await startTestMariadb();
});
test.after.always(async () => {
  for (const p of proxies) await p.close();
  await svc?.stop();
  await database?.close();
  await maria?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function proxy(o: Partial<MysqlProxyOptions> & { upstreamPort: number }): Promise<number> {
  const p = createMysqlProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamTls: 'prefer', tls: proxyCert, sink: svc.sink, logger, ...o });
  proxies.push(p);
  return p.listen();
}

test.serial('a client asking for TLS gets it from the proxy, the upstream leg uses the server\'s TLS, and statements are recorded with every field', async (t) => {
  const port = await proxy({ upstreamPort: maria.port, upstreamTls: 'require' });
  // Pinning the proxy's certificate (not the server's): verification succeeds only if the proxy terminates TLS.
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'test', ssl: { ca: proxyCert.cert }, connectAttributes: { program_name: 'tls-app' } });
  const cipher = (await c.query('show session status like \'Ssl_cipher\''))[0] as Array<{ Value: string }>;
  t.regex(cipher[0]!.Value, /\w/, 'the server sees a TLS session on the upstream leg');
  await c.query('create table if not exists tls_patients (id int primary key, name varchar(40))');
  await c.query("insert into tls_patients values (1, '张三'), (2, 'it''s\\ttab')");
  const [rows] = await c.execute('select name from tls_patients where id = ?', [2]);
  t.deepEqual(rows, [{ name: "it's\ttab" }]);
  await t.throwsAsync(c.query('select * from no_such_table_tls'));
  await c.query('drop table tls_patients');
  await c.end();
  // A client that pins the server's certificate instead is refused by its own check: the proxy answers, not MariaDB.
  await t.throwsAsync(mysql.createConnection({ host: '127.0.0.1', port, user: 'root', ssl: { ca: maria.cert } }));
  await svc.flush();

  const conns = (await svc.listConnections({ offset: 0, limit: 20 })).items.filter((x) => x.dstPort === maria.port && x.clientProgram === 'tls-app');
  t.is(conns.length, 1);
  t.like(conns[0], { clientTls: true, upstreamTls: true, authOk: true, dbUser: 'root', dbName: 'test', engine: 'mysql' });
  const st = (await svc.listStatements({ offset: 0, limit: 50, engine: 'mysql' })).items.filter((x) => x.connectionId === conns[0]!.id);
  const prepared = st.find((x) => x.protocol === 'com_stmt')!;
  // mysql2 binds numbers as strings on the wire; the proxy records what the server received.
  t.like(prepared, { sql: 'select name from tls_patients where id = ?', params: ['2'], rows: 1, command: 'SELECT', database: { name: 'test', objects: ['tls_patients'] }, actor: { user: 'root', program: 'tls-app' }, dst: { ip: '127.0.0.1', port: maria.port }, src: { ip: '127.0.0.1' }, error: null });
  t.true(prepared.durationMs >= 0 && prepared.src.port > 0);
  t.like(st.find((x) => x.command === 'INSERT'), { protocol: 'com_query', rows: 2 });
  t.like(st.find((x) => x.sql.includes('no_such_table_tls')), { error: { code: '1146' }, rows: null });
});

test.serial('never a silent downgrade: a client requiring TLS through a proxy without a certificate is refused', async (t) => {
  const port = await proxy({ upstreamPort: maria.port, tls: null });
  const err = await t.throwsAsync(mysql.createConnection({ host: '127.0.0.1', port, user: 'root', ssl: { rejectUnauthorized: false } }));
  // The client starts its TLS handshake right after asking (MySQL does not wait for an answer): the refusal cannot be
  // read as an ERR packet, the handshake fails instead — and nothing was relayed.
  t.truthy(err);
  // The shared server offers no TLS: the greeting passes unaltered, so a TLS client's own check refuses it.
  const plainPort = await proxy({ upstreamPort: 3306 });
  await t.throwsAsync(mysql.createConnection({ host: '127.0.0.1', port: plainPort, user: 'root', ssl: { rejectUnauthorized: false } }));
  // A plain client still works through both (its choice, not the proxy's).
  const c = await mysql.createConnection({ host: '127.0.0.1', port: plainPort, user: 'root' });
  t.deepEqual((await c.query('select 1 as x'))[0], [{ x: 1 }]);
  await c.end();
});

test.serial('upstream `require` against a server without TLS fails closed with a clear error', async (t) => {
  const port = await proxy({ upstreamPort: 3306, upstreamTls: 'require' });
  for (const ssl of [undefined, { rejectUnauthorized: false }]) {
    const err = await t.throwsAsync(mysql.createConnection({ host: '127.0.0.1', port, user: 'root', ...(ssl ? { ssl } : {}) }));
    t.regex(err!.message, /offers no TLS/);
  }
  // And `require` with a plain client in front of a TLS server: refused, never relayed in clear.
  const tlsPort = await proxy({ upstreamPort: maria.port, upstreamTls: 'require' });
  const err = await t.throwsAsync(mysql.createConnection({ host: '127.0.0.1', port: tlsPort, user: 'root' }));
  t.regex(err!.message, /requires TLS/);
});
