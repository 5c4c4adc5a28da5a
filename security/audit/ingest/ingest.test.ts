import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { connect as tcpConnect } from 'node:net';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Worker } from 'node:worker_threads';
import test from 'ava';
import { sql } from 'kysely';
import { auditModule } from '../../../core/audit';
import { createTestDatabase, TEST_POSTGRES_ADMIN_URL } from '../../../core/db/testing';
import { systemActor } from '../../../core/authz';
import { createLogAudit, logAuditModule, searchSchema } from '../index';
import { builtinRuleTexts } from '../rules/rules-service';
import { createSigmaEngine } from '../sigma/sigma-engine';
import { parseSigmaYaml } from '../sigma/sigma-fns';
import { createIngestPipeline } from './ingest-pipeline';
import { inlineNormaliser, workerNormaliser } from './normaliser';
import { until } from '../../../test/support/wait';

const actor = { ...systemActor('t'), kind: 'account' as const, loginId: 'sec', roles: ['secadmin'] };
const noAudit = { record: async () => ({ seq: 0, hash: '' }) };

/** A self-signed certificate for the TLS listener (test only), made by the openssl command line. */
function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { cert: readFileSync(path.join(dir, 'c.pem'), 'utf8'), key: readFileSync(path.join(dir, 'k.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test.serial('syslog over UDP, TCP (octet counting and newline framing) and TLS, and HTTP NDJSON with per-source tokens, end to end into PostgreSQL', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  // As on a PostgreSQL deployment: batches go through COPY on the ingest's own connections.
  const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
  dbUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db}`;
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, writers: 2, copyUrl: dbUrl.toString() });
  t.true(la.events.copies);
  try {
    await la.init();
    const tls = selfSigned();
    const l = await la.start({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, tlsPort: 0, tls, httpPort: 0 });
    const count = async (text: string) => Number((await sql<{ n: number }>`select count(*)::int as n from logaudit.events where raw like ${`%${text}%`}`.execute(d.db)).rows[0]!.n);

    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.send(Buffer.from('<38>Nov 25 10:00:00 gw sshd[7]: Failed password for root from 198.51.100.1 port 4000 ssh2 udp-marker'), l.udp!, '127.0.0.1', () => r()));
    udp.close();

    const tcp = tcpConnect(l.tcp!, '127.0.0.1');
    const m1 = '<13>1 2026-11-25T10:00:01Z host1 app 1 - - octet-marker one\nwith a newline inside';
    tcp.write(`${Buffer.byteLength(m1)} ${m1}`);
    tcp.write('<13>Nov 25 10:00:02 host1 app: newline-marker two\n<13>Nov 25 10:00:03 host1 app: newline-marker three\n');
    tcp.end();

    const tlsSock = tlsConnect({ port: l.tls!, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((r) => tlsSock.once('secureConnect', () => r()));
    tlsSock.end('<13>Nov 25 10:00:04 host2 app: tls-marker\n');

    const src = await la.sources.create(actor, { name: 'his-app', kind: 'http', parser: 'auto' });
    t.truthy(src.token);
    const body = ['{"@timestamp":"2026-11-25T10:00:05Z","message":"http-marker a","user":{"name":"zhang"}}', '"<13>Nov 25 10:00:06 h app: http-marker b"', ''].join('\n');
    const bad = await fetch(`http://127.0.0.1:${l.http}/ingest`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body });
    t.is(bad.status, 401);
    const ok = await fetch(`http://127.0.0.1:${l.http}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${src.token}` }, body });
    t.is(ok.status, 200);
    t.deepEqual(await ok.json(), { accepted: 2 });
    // Acknowledged means committed: both lines are there the moment the answer arrives.
    t.is(await count('http-marker'), 2);

    await until(async () => (await count('udp-marker')) === 1 && (await count('octet-marker')) === 1 && (await count('newline-marker')) === 2 && (await count('tls-marker')) === 1, 'a line over each transport', 10_000, 50);
    const octet = await sql<{ raw: string }>`select raw from logaudit.events where raw like '%octet-marker%'`.execute(d.db);
    t.true(octet.rows[0]!.raw.endsWith('one\nwith a newline inside'), 'octet counting keeps a newline inside a message');
    const zhang = await sql<{ user_name: string; source_id: string }>`select user_name, source_id from logaudit.events where raw like '%http-marker a%'`.execute(d.db);
    t.deepEqual(zhang.rows[0], { user_name: 'zhang', source_id: src.id });
    const fail = await sql<{ source_ip: string; event_action: string }>`select host(source_ip) as source_ip, event_action from logaudit.events where raw like '%udp-marker%'`.execute(d.db);
    t.deepEqual(fail.rows[0], { source_ip: '198.51.100.1', event_action: 'ssh_login' });
    // Unregistered syslog senders are registered on first contact and show last-seen and rate.
    const list = await la.sources.list(actor, { offset: 0, limit: 10 });
    const auto = list.items.find((s) => s.name === 'syslog 127.0.0.1');
    t.truthy(auto);
    t.true(auto!.eventsTotal >= 5);
    t.truthy(auto!.lastSeenAt);
    t.is(la.pipeline.stats().shed, 0);
  } finally {
    await la.stop();
    await d.close();
  }
});

test.serial('UDP overload is shed and counted, never silently lost; TCP under the same overload waits (back-pressure) and loses nothing', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, writers: 1, batchSize: 200, highWater: 300 });
  try {
    await la.init();
    const l = await la.start({ host: '127.0.0.1', udpPort: 0, tcpPort: 0 });
    const udp = createSocket('udp4');
    const N = 12_000;
    for (let i = 0; i < N; i++) {
      udp.send(`<13>Nov 25 10:00:00 h app: flood ${i}`, l.udp!, '127.0.0.1');
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 500));
    udp.close();
    await la.pipeline.drain();
    const stored = Number((await sql<{ n: number }>`select count(*)::int as n from logaudit.events where raw like '%flood%'`.execute(d.db)).rows[0]!.n);
    const s = la.pipeline.stats();
    // Whatever the socket delivered is stored or counted as shed (what the kernel dropped never reached us).
    t.is(stored + s.shed, l.udpReceived());
    t.true(s.shed > 0, `received ${l.udpReceived()}, stored ${stored}, shed ${s.shed}`);
    t.true(stored > 0);

    const before = la.pipeline.stats().shed;
    const tcp = tcpConnect(l.tcp!, '127.0.0.1');
    const M = 8000;
    let payload = '';
    for (let i = 0; i < M; i++) payload += `<13>Nov 25 10:00:00 h app: stream ${i}\n`;
    await new Promise<void>((r) => tcp.end(payload, () => r()));
    await new Promise((r) => tcp.once('close', r));
    await la.pipeline.drain();
    const streamed = Number((await sql<{ n: number }>`select count(*)::int as n from logaudit.events where raw like '%: stream %'`.execute(d.db)).rows[0]!.n);
    t.is(streamed, M);
    t.is(la.pipeline.stats().shed, before);
  } finally {
    await la.stop();
    await d.close();
  }
});

test.serial('kill -9 of the ingest process mid-stream loses nothing it acknowledged over HTTP', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true } });
  await la.init();
  const src = await la.sources.create(actor, { name: 'killtest', kind: 'http', parser: 'auto' });
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = (await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db;
  url.pathname = `/${url.pathname.replace(/^\//, '')}`;
  const child = spawn(process.execPath, ['--import=tsx', path.join(__dirname, 'testing', 'ingest-child.ts')], { env: { ...process.env, DATABASE_URL: url.toString() }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += String(c)));
  try {
    const ports = await new Promise<{ http: number }>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (c) => {
        buf += String(c);
        if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!) as { http: number });
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    });
    const acked: number[] = [];
    let stop = false;
    let batch = 0;
    // Four senders in parallel, 200 lines per request, until the process dies under them.
    const sender = async () => {
      while (!stop) {
        const b = batch++;
        const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ message: `kill-test batch ${b} line ${i}`, 'batch.n': b }));
        try {
          const res = await fetch(`http://127.0.0.1:${ports.http}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${src.token}` }, body: lines.join('\n') });
          if (res.status === 200) acked.push(b);
        } catch {
          // connection refused or reset: the process is gone
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    await until(async () => acked.length >= 10, 'ten acknowledged batches', 20_000, 50);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(senders);
    const rows = await sql<{ b: number; n: number }>`select (fields->>'batch.n')::int as b, count(*)::int as n from logaudit.events where raw like 'kill-test%' or message like 'kill-test%' group by 1`.execute(d.db);
    const stored = new Map(rows.rows.map((r) => [r.b, r.n]));
    const missing = acked.filter((b) => stored.get(b) !== 200);
    t.deepEqual(missing, [], 'every acknowledged batch is stored whole');
    t.true(acked.length >= 10);
    t.pass(`acknowledged ${acked.length} batches, stored ${stored.size} (in flight when killed: ${stored.size - acked.length})`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await la.stop();
    await d.close();
  }
});

test.serial('a COPY batch stores what the INSERT batch stores, byte for byte: tabs, backslashes, newlines, NUL, quotes, non-ASCII, bad IPs', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
  dbUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db}`;
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, copyUrl: dbUrl.toString() });
  try {
    await la.init();
    const now = new Date();
    const awkward = ['tab\there', 'back\\slash \\N \\.', 'new\nline\r\n', 'nul\u0000byte', '"quoted" {json} [a,b]', '日志审计 é 😀', '\\'];
    const rows = awkward.map((text, i) => ({
      ts: new Date(now.getTime() - i * 1000),
      raw: `<13>${text}`,
      parser: 'test',
      fields: { message: text, 'user.name': text, 'source.ip': i % 2 ? '198.51.100.7' : 'not-an-ip', 'event.severity': i, 'x.path': `C:\\temp\\${text}` },
      receivedAt: now,
      tenantId: null,
      sourceId: null,
    }));
    const window = { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 86_400_000) };
    const copied = await la.events.writeBatch(rows, window, async () => {});
    const inserted = await la.events.insertBatch(rows);
    const read = async (ids: number[]) =>
      (await sql<Record<string, unknown>>`select host(source_ip) as ip, user_name, message, raw, fields, severity, parser from logaudit.events where id = any(${ids}::bigint[]) order by ts desc`.execute(d.db)).rows;
    const a = await read(copied);
    t.is(a.length, rows.length);
    t.deepEqual(a, await read(inserted));
    t.is(a[0]!.raw, '<13>tab\there');
    t.is(a[3]!.message, 'nulbyte');
    t.is(a[5]!.user_name, '日志审计 é 😀');
    t.is(a[0]!.ip, null);
    t.is(a[1]!.ip, '198.51.100.7');
  } finally {
    await la.stop();
    await d.close();
  }
});

test.serial('lines parsed and COPY-encoded on the parse worker store exactly what inline parsing stores, operator parsers included', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
  dbUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db}`;
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, copyUrl: dbUrl.toString() });
  const worker = workerNormaliser();
  const inline = inlineNormaliser();
  try {
    await la.init();
    const now = new Date();
    const lines = [
      '<38>Nov 26 02:00:00 web1 sshd[12]: Failed password for root from 203.0.113.9 port 22 ssh2',
      '<86>Nov 26 02:00:01 app1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/sh\tadow',
      '<134>Nov 26 02:00:02 his1 his-app: user=张三 action=export\\record ip=198.51.100.4',
      'no header at all \\N with a NUL\u0000 byte',
    ];
    const items = lines.map((line, i) => ({ line, sourceId: null, tenantId: null, parser: 'auto', peerIp: '127.0.0.1', receivedAt: new Date(now.getTime() - i) }));
    const custom = [{ name: 'his', kind: 'kv' as const, mapping: { user: 'user.name', action: 'event.action', ip: 'source.ip' }, program: 'his-app' }];
    const viaWorker = await worker.run(items, custom);
    const viaInline = await inline.run(items, custom);
    if (viaWorker.kind !== 'encoded' || viaInline.kind !== 'rows') return t.fail('the worker encodes for COPY, inline parsing gives rows');
    t.is(viaWorker.ends.length, lines.length);
    t.deepEqual(viaWorker.ts, viaInline.rows.map((r) => r.ts));
    const window = { from: new Date(now.getTime() - 86_400_000), to: new Date(now.getTime() + 86_400_000) };
    const a = await la.events.writeBatch(viaWorker, window, async () => {});
    const b = await la.events.writeBatch(viaInline.rows, window, async () => {});
    const read = async (ids: number[]) =>
      (await sql<Record<string, unknown>>`select ts, host(source_ip) as ip, user_name, event_action, message, raw, fields, severity, parser from logaudit.events where id = any(${ids}::bigint[]) order by ts desc`.execute(d.db)).rows;
    const stored = await read(a);
    t.is(stored.length, lines.length);
    t.deepEqual(stored, await read(b));
    const his = stored.find((r) => String(r.raw).includes('his-app'));
    t.is(his?.user_name, '张三', 'the operator parser ran on the worker');
    t.is(his?.ip, '198.51.100.4');
    t.truthy(stored.find((r) => r.raw === lines[1]), 'a tab in the raw line survives the worker encoding');
    t.truthy(stored.find((r) => r.raw === 'no header at all \\N with a NUL byte'));
  } finally {
    await worker.close();
    await la.stop();
    await d.close();
  }
});

test.serial('with the Sigma rules on the parse worker, the same lines store the same events and raise the same alerts as inline, rule changes included', async (t) => {
  const CORPORA = process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../../shared/corpora');
  const ssh = readFileSync(path.join(CORPORA, 'loghub/OpenSSH/OpenSSH_2k.log'), 'utf8').split('\n').filter(Boolean);
  const web = [
    '198.51.100.7 - - [25/Nov/2026:10:00:00 +0000] "GET /index.php?id=1%27%20or%201=1-- HTTP/1.1" 200 12 "-" "sqlmap/1.7"',
    '198.51.100.7 - - [25/Nov/2026:10:00:01 +0000] "GET /../../etc/passwd HTTP/1.1" 400 12 "-" "curl/8"',
    '<86>Nov 25 10:00:02 web1 sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash',
    ...['10.0.0.1', '10.0.0.2', '172.16.0.9'].map((ip, i) => `<38>Nov 25 10:${10 + i}:00 web1 sshd[${i}]: Accepted password for dr.li from ${ip} port 5000 ssh2`),
  ];
  const TENANT = '00000000-0000-4000-8000-0000000000a6';
  const run = async (parseWorker: boolean) => {
    const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
    const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
    dbUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db}`;
    // One writer: batches commit in order, so both modes see the same event order and the result is deterministic.
    const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, writers: 1, batchSize: 300, copyUrl: dbUrl.toString(), parseWorker, fullTextOpenDay: false });
    try {
      await la.init();
      const item = (line: string, tenantId: string | null, at: string) => ({ line, sourceId: null, tenantId, parser: 'auto', peerIp: '192.0.2.1', receivedAt: new Date(at) });
      await la.pipeline.submit(ssh.map((l, i) => item(l, i % 2 ? TENANT : null, '2026-01-05T00:00:00Z')));
      await la.pipeline.submit(web.map((l) => item(l, TENANT, '2026-11-25T12:00:00Z')));
      await la.pipeline.drain();
      // A rule disabled between batches: the worker must match the next batch without it.
      const agent = (await la.rules.list(actor, { offset: 0, limit: 500 })).items.find((r) => r.title === 'Attack tool user agent');
      t.truthy(agent);
      await la.rules.setEnabled(actor, agent!.id, false);
      // And a rule imported between batches: only a worker that got the new set can match it.
      await la.rules.importYaml(actor, { enabled: true, yaml: 'title: wget in an access log\nid: 6a000000-0000-4000-8000-00000000e601\nlevel: low\nlogsource: {category: webserver}\ndetection: {sel: {c-useragent|startswith: Wget}, condition: sel}\n' });
      const later = [...web.slice(0, 2), '198.51.100.8 - - [25/Nov/2026:11:00:02 +0000] "GET / HTTP/1.1" 200 12 "-" "Wget/1.21"'];
      await la.pipeline.submit(later.map((l) => item(l.replace('10:00:0', '11:00:0'), TENANT, '2026-11-25T12:00:00Z')));
      await la.pipeline.drain();
      const events = (await sql<{ id: string; ts: Date; tenant_id: string | null; raw: string; fields: unknown; user_name: string | null; source_ip: string | null }>`select id, ts, tenant_id, raw, fields, user_name, host(source_ip) as source_ip from logaudit.events order by id`.execute(d.db)).rows;
      const rank = new Map(events.map((e, i) => [String(e.id), i]));
      const alerts = (await sql<{ rule_id: string; rule_title: string; severity: string; tags: string[]; tenant_id: string | null; group_key: unknown; event_ids: string[]; first_seen: Date; last_seen: Date }>`select rule_id, rule_title, severity, tags, tenant_id, group_key, event_ids, first_seen, last_seen from logaudit.alerts`.execute(d.db)).rows;
      return {
        stats: la.pipeline.stats(),
        events: events.map(({ id: _id, ...e }) => e),
        // Ids come from each database's sequence: compare the alerts' events by their position in the stream.
        // Alert ids are random (uuid): compare them sorted.
        alerts: alerts.map((a) => ({ ...a, event_ids: a.event_ids.map((id) => rank.get(String(id))) })).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)),
        disabledRule: agent!.id,
      };
    } finally {
      await la.stop();
      await d.close();
    }
  };
  const inline = await run(false);
  const worker = await run(true);
  t.is(inline.stats.offThread, 0);
  t.true(worker.stats.offThread >= 9, `every batch went through the worker (${worker.stats.offThread})`);
  t.is(worker.stats.failedBatches, 0);
  t.is(worker.events.length, ssh.length + web.length + 3);
  t.deepEqual(worker.events, inline.events);
  t.true(inline.alerts.length >= 10, `${inline.alerts.length} alerts`);
  t.deepEqual(worker.alerts, inline.alerts);
  const brute = inline.alerts.filter((a) => a.rule_title === 'SSH brute force from one address');
  t.true(brute.some((a) => (a.group_key as Record<string, string>)['source.ip'] === '183.62.140.253'), 'the brute-force correlation fires on the Loghub sample');
  t.true(new Set(brute.map((a) => a.tenant_id)).size === 2, 'correlation groups are per tenant');
  t.truthy(inline.alerts.find((a) => a.rule_title === 'One account logged in from many addresses'));
  for (const title of ['SQL injection in an access log', 'Path traversal in an access log', 'User not in sudoers ran sudo']) t.truthy(inline.alerts.find((a) => a.rule_title === title), title);
  t.is(inline.alerts.filter((a) => a.rule_id === inline.disabledRule).length, 1, 'the disabled rule fired before, not after');
  t.is(inline.alerts.filter((a) => a.rule_title === 'SQL injection in an access log').length, 2);
  t.is(inline.alerts.filter((a) => a.rule_title === 'wget in an access log').length, 1, 'the imported rule fired');
});

test('with two worker threads each gets the rules, and concurrent batches match what the main thread\'s engine matches', async (t) => {
  const started: Worker[] = [];
  const normaliser = workerNormaliser(undefined, { threads: 2, started: (w) => started.push(w) });
  try {
    t.is(started.length, 2);
    const texts = builtinRuleTexts();
    normaliser.setRules(texts);
    const now = new Date('2026-11-26T03:00:00Z');
    const batch = (tag: string) =>
      ['<38>Nov 26 02:00:00 gw sshd[9]: Failed password for root from 203.0.113.7 port 22 ssh2', '<86>Nov 26 02:00:01 web1 sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash', '198.51.100.7 - - [26/Nov/2026:02:00:02 +0000] "GET /../../etc/passwd HTTP/1.1" 400 12 "-" "sqlmap/1.7"', `<13>Nov 26 02:00:03 h app: nothing to see ${tag}`].map((line) => ({ line, sourceId: null, tenantId: null, parser: 'auto', peerIp: null, receivedAt: now }));
    const [a, b] = await Promise.all([normaliser.run(batch('a'), []), normaliser.run(batch('b'), [])]);
    const engine = createSigmaEngine(texts.flatMap((y) => parseSigmaYaml(y)));
    const inline = await inlineNormaliser().run(batch('a'), []);
    if (a!.kind !== 'encoded' || b!.kind !== 'encoded' || inline.kind !== 'rows') return t.fail('both batches went to a worker');
    const want = engine.match(inline.rows).map((m) => [m.i, m.rules]);
    t.true(want.length >= 3, 'ssh, sudo and web lines match shipped rules');
    t.deepEqual(a!.matches.map((m) => [m.i, m.rules]), want);
    t.deepEqual(b!.matches.map((m) => [m.i, m.rules]), want);
  } finally {
    await normaliser.close();
  }
});

test.serial('a parse worker that dies fails the batch it held (not acknowledged, not stored) and later batches run inline, rules included', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const dbUrl = new URL(TEST_POSTGRES_ADMIN_URL);
  dbUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(d.db)).rows[0]!.db}`;
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, copyUrl: dbUrl.toString() });
  let thread: Worker | null = null;
  const normaliser = workerNormaliser(undefined, { started: (w) => (thread = w) });
  try {
    await la.init();
    normaliser.setRules(builtinRuleTexts());
    const pipeline = createIngestPipeline({ db: d.db, events: la.events, engine: la.engine, onAlerts: (a) => la.alerts.store(a), customParsers: () => [], retentionDays: () => 180, normaliser, writers: 1, batchSize: 2000 });
    const now = new Date();
    const lines = (tag: string) => Array.from({ length: 2000 }, (_, i) => ({ line: `<38>Nov 26 02:00:${String(i % 60).padStart(2, '0')} gw sshd[9]: Failed password for root from 203.0.113.${i % 3} port 22 ssh2 ${tag}`, sourceId: null, tenantId: null, parser: 'auto', peerIp: null, receivedAt: now }));
    const stored = async (tag: string) => Number((await sql<{ n: number }>`select count(*)::int as n from logaudit.events where raw like ${`%${tag}`}`.execute(d.db)).rows[0]!.n);
    // The batch is posted to the worker synchronously by submit(); the worker dies before it answers.
    const held = pipeline.submit(lines('held-batch'));
    t.truthy(thread);
    await thread!.terminate();
    await t.throwsAsync(held, { message: /exited/ });
    t.is(await stored('held-batch'), 0, 'the failed batch was not written');
    t.like(pipeline.stats(), { failedBatches: 1, offThread: 0 });
    await pipeline.submit(lines('after-death'));
    t.is(await stored('after-death'), 2000, 'the next batch ran inline and committed');
    t.like(pipeline.stats(), { failedBatches: 1, offThread: 0, committed: 2000 });
    await pipeline.drain();
    const brute = await sql<{ n: number }>`select count(*)::int as n from logaudit.alerts where rule_title = 'SSH brute force from one address'`.execute(d.db);
    t.true(brute.rows[0]!.n >= 3, 'the main thread\'s engine evaluated the inline batch');
    await pipeline.stop();
  } finally {
    await normaliser.close();
    await la.stop();
    await d.close();
  }
});

test.serial('by default every day partition gets its trigram index: today and the days ahead at start, closed days at the upkeep', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true } });
  try {
    const now = new Date();
    await la.init(now);
    const part = (offset: number) => `events_${new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}_raw_trgm`;
    const trgm = async () =>
      (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'logaudit' and indexdef ilike '%gin_trgm_ops%' order by 1`.execute(d.db)).rows.map((r) => r.name);
    t.deepEqual(await trgm(), [0, 1, 2, 3].map(part), 'today and the days created ahead');
    await la.retention.maintain(now);
    t.deepEqual(await trgm(), [-1, 0, 1, 2, 3].map(part), 'yesterday once the upkeep ran');
    await la.pipeline.submit([{ line: '<13>Nov 26 02:00:00 h app: marker-today seen', sourceId: null, tenantId: null, parser: 'auto', peerIp: null, receivedAt: now }]);
    const plan = await d.db.transaction().execute(async (tx) => {
      // A handful of rows would be read sequentially anyway: forbid that to see which index the planner can use.
      await sql`set local enable_seqscan = off`.execute(tx);
      return (await sql<{ 'QUERY PLAN': string }>`explain select id from logaudit.events where raw ilike '%marker-today%'`.execute(tx)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    t.regex(plan, new RegExp(part(0)), 'the planner can use today\'s trigram index');
  } finally {
    await la.stop();
    await d.close();
  }
});

test.serial('with closed-days only, closed days get their trigram index from the upkeep, the open day does not, and full text finds events in both', async (t) => {
  const d = await createTestDatabase('postgres', [auditModule(), logAuditModule()]);
  const la = createLogAudit({ db: d.db, audit: noAudit, tenants: { exists: async () => true }, fullTextOpenDay: false });
  try {
    const now = new Date();
    await la.init(now);
    const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const trgm = async () =>
      (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'logaudit' and indexdef ilike '%gin_trgm_ops%' order by 1`.execute(d.db)).rows.map((r) => r.name);
    t.deepEqual(await trgm(), [], 'no trigram index on the table or the open day');
    await la.pipeline.submit([-1, 0].map((o) => ({ line: `<13>Nov 26 02:00:00 h app: marker-zq${o + 1} seen`, sourceId: null, tenantId: null, parser: 'auto', peerIp: null, receivedAt: now, event: { ts: new Date(now.getTime() + o * 86_400_000), raw: `marker-zq${o + 1} seen`, parser: 'test', fields: {} } })));
    const res = await la.retention.maintain(now);
    t.deepEqual(res.indexed, [day(-1)]);
    t.deepEqual(await trgm(), [`events_${day(-1).replace(/-/g, '')}_raw_trgm`]);
    t.deepEqual((await la.retention.maintain(now)).indexed, [], 'built once');
    const found = await la.search.search(actor, searchSchema.parse({ from: new Date(now.getTime() - 2 * 86_400_000).toISOString(), text: 'marker-zq', limit: 10 }));
    t.deepEqual(found.items.map((e) => e.raw).sort(), ['marker-zq0 seen', 'marker-zq1 seen']);
  } finally {
    await la.stop();
    await d.close();
  }
});
