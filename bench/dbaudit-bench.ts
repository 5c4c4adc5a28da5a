/**
 * DB-audit proxy throughput: `pgbench -S` (8 clients) direct vs through our PostgreSQL proxy vs through pgbouncer
 * (session pooling, run as postgres from a temp dir), and a mysql2 prepared-SELECT loop (8 connections, in a child
 * process like pgbench) direct vs through the MySQL proxy, in alternating rounds. Targets: PG proxy ratio ≥ pgbouncer's; MySQL ≥ 0.8 ×
 * direct. Every proxied statement is stored (the recorder drains after each run and the drain time is charged).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, TEST_POSTGRES_ADMIN_URL } from '../core/db/testing';
import { createLogger } from '../core/log';
import { createDbAuditService, createMysqlProxy, createPgProxy, dbauditModule } from '../security/dbaudit';
import { freePort } from '../security/bastion/sshd-testing';
import type { BenchModule } from './run';

const SECONDS = Number(process.env.BENCH_DBAUDIT_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_DBAUDIT_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const DB = 'yiyun_pgbench';

function pgbench(port: number, seconds = SECONDS): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('pgbench', ['-S', '-n', '-c', '8', '-j', '2', '-T', String(seconds), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', DB], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('close', (code) => {
      const m = /tps = ([\d.]+)/.exec(out);
      return m ? resolve(Number(m[1])) : reject(new Error(`pgbench failed (${code}): ${out.slice(-400)}`));
    });
  });
}

/** The mysql2 loop in a child process (bench/support/mysql-loop.ts), like pgbench: the client never shares the proxy's thread. */
function mysqlLoop(port: number, seconds = SECONDS): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import=tsx', path.join(__dirname, 'support', 'mysql-loop.ts'), String(port), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('close', (code) => {
      const m = /rate ([\d.]+)/.exec(out);
      return m ? resolve(Number(m[1])) : reject(new Error(`mysql loop failed (${code}): ${out.slice(-400)}`));
    });
  });
}

/** CPU time (user + system, µs) a process has used so far, from /proc (clock ticks of 10 ms). */
function procCpuUs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

async function startPgbouncer(): Promise<{ port: number; cpuUs(): number; stop(): void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-pgbouncer-'));
  const port = await freePort();
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  writeFileSync(path.join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(path.join(dir, 'pgbouncer.ini'), [`[databases]`, `${DB} = host=127.0.0.1 port=5432 dbname=${DB}`, `[pgbouncer]`, `listen_addr = 127.0.0.1`, `listen_port = ${port}`, `auth_type = trust`, `auth_file = ${dir}/users.txt`, `pool_mode = session`, `max_client_conn = 100`, `default_pool_size = 20`, `unix_socket_dir =`, `logfile = ${dir}/pgbouncer.log`, `pidfile = ${dir}/pgbouncer.pid`].join('\n') + '\n');
  chmodSync(dir, 0o755);
  for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(path.join(dir, f), uid, gid);
  const child = spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', DB, '-c', 'select 1'], { stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('pgbouncer did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pid = Number(readFileSync(path.join(dir, 'pgbouncer.pid'), 'utf8').trim());
  return { port, cpuUs: () => procCpuUs(pid), stop: () => (child.kill('SIGTERM'), setTimeout(() => rmSync(dir, { recursive: true, force: true }), 300)) };
}

export const dbauditBench: BenchModule = {
  name: 'dbaudit',
  description: 'DB-audit proxies: pgbench -S direct / proxy / pgbouncer; mysql2 prepared loop direct / proxy',
  async run() {
    const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    try {
      execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `create database ${DB}`], { stdio: 'ignore' });
    } catch {
      /* exists */
    }
    execFileSync('pgbench', ['-i', '-q', '-s', '1', '-h', '127.0.0.1', '-U', 'postgres', DB], { stdio: 'ignore' });
    const store = await createTestDatabase('postgres', [dbauditModule()]);
    const logger = createLogger({ level: 'silent' });
    // As deployed on PostgreSQL: statement rows go through COPY on the recorder's own connection.
    const storeUrl = new URL(TEST_POSTGRES_ADMIN_URL);
    storeUrl.pathname = `/${(await sql<{ db: string }>`select current_database() as db`.execute(store.db)).rows[0]!.db}`;
    const svc = createDbAuditService({ db: store.db, logger, workingHours: { from: 0, to: 24 }, copyUrl: storeUrl.toString() });
    // The floor for any user-space relay written in Node: bytes piped both ways, nothing parsed or recorded.
    const relay = net.createServer((c) => {
      c.setNoDelay(true);
      const u = net.connect(5432, '127.0.0.1');
      u.setNoDelay(true);
      c.pipe(u);
      u.pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const relayPort = (relay.address() as net.AddressInfo).port;
    const pgProxy = createPgProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 5432, upstreamTls: 'disable', tls: null, sink: svc.sink, logger });
    const myProxy = createMysqlProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 3306, upstreamTls: 'prefer', tls: null, sink: svc.sink, logger });
    const pgPort = await pgProxy.listen();
    const myPort = await myProxy.listen();
    const bouncer = await startPgbouncer();
    try {
      // The machine is shared: the paths alternate in short rounds so load changes hit all of them alike; each
      // ratio is per round, the median is reported. After each proxied run the recorder must drain: that time is
      // reported, and the sustained rate counts it (a proxy that only queued its audit work would not be faster).
      const pg = { direct: [] as number[], proxy: [] as number[], sustained: [] as number[], bouncer: [] as number[], relay: [] as number[], drainMs: [] as number[], proxyCpuUs: [] as number[], relayCpuUs: [] as number[], bouncerCpuUs: [] as number[], storeCpuUs: [] as number[] };
      /** CPU (µs) so far of each backend of the store database (the recorder's writes; pgbench uses another database). */
      const storeSnapshot = async (): Promise<Map<number, number>> => {
        const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(store.db);
        const now = new Map<number, number>();
        for (const { pid } of rows) {
          try {
            now.set(pid, procCpuUs(pid));
          } catch {
            /* ended meanwhile */
          }
        }
        return now;
      };
      // Backends that appeared since the snapshot count whole.
      const storeUsedSince = async (since: Map<number, number>): Promise<number> => {
        let used = 0;
        for (const [pid, us] of await storeSnapshot()) used += us - (since.get(pid) ?? 0);
        return used;
      };
      const my = { direct: [] as number[], proxy: [] as number[], sustained: [] as number[], drainMs: [] as number[] };
      const drain = async () => {
        const t0 = Date.now();
        await svc.flush();
        return Date.now() - t0;
      };
      // Warm-up through both proxies (parser WebAssembly, JIT, first batches), not counted.
      await pgbench(pgPort, 2);
      await mysqlLoop(myPort, 2);
      await drain();
      for (let r = 0; r < ROUNDS; r++) {
        const direct = await pgbench(5432);
        // This process's CPU per transaction (µs), the recorder's drain included: the proxy's own cost, which the
        // shared machine's load does not change much (unlike the rates).
        let c0 = process.cpuUsage();
        const s0 = await storeSnapshot();
        const proxied = await pgbench(pgPort);
        const d = await drain();
        let c = process.cpuUsage(c0);
        pg.proxyCpuUs.push((c.user + c.system) / (proxied * SECONDS));
        pg.storeCpuUs.push((await storeUsedSince(s0)) / (proxied * SECONDS));
        const b0 = bouncer.cpuUs();
        const pooled = await pgbench(bouncer.port);
        pg.bouncerCpuUs.push((bouncer.cpuUs() - b0) / (pooled * SECONDS));
        c0 = process.cpuUsage();
        const relayed = await pgbench(relayPort);
        c = process.cpuUsage(c0);
        pg.relayCpuUs.push((c.user + c.system) / (relayed * SECONDS));
        pg.relay.push(relayed / direct);
        pg.direct.push(direct);
        pg.proxy.push(proxied / direct);
        pg.sustained.push((proxied * SECONDS) / (SECONDS + d / 1000) / direct);
        pg.bouncer.push(pooled / direct);
        pg.drainMs.push(d);
      }
      for (let r = 0; r < ROUNDS; r++) {
        const direct = await mysqlLoop(3306);
        const proxied = await mysqlLoop(myPort);
        const d = await drain();
        my.direct.push(direct);
        my.proxy.push(proxied / direct);
        my.sustained.push((proxied * SECONDS) / (SECONDS + d / 1000) / direct);
        my.drainMs.push(d);
      }
      const stats = svc.stats();
      const pgRatio = median(pg.sustained);
      const bouncerRatio = median(pg.bouncer);
      const myRatio = median(my.sustained);
      const direct = median(pg.direct);
      const myDirect = median(my.direct);
      const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
      return {
        rows: [
          { path: 'pgbench -S direct', rate: direct, ratio: 1, target: null, met: null },
          { path: 'pgbench -S via audit proxy', rate: direct * pgRatio, ratio: pgRatio, target: `≥ pgbouncer (${bouncerRatio.toFixed(2)})`, met: pgRatio >= bouncerRatio },
          { path: 'pgbench -S via pgbouncer', rate: direct * bouncerRatio, ratio: bouncerRatio, target: null, met: null },
          { path: 'pgbench -S via plain Node relay', rate: direct * median(pg.relay), ratio: median(pg.relay), target: null, met: null },
          { path: 'mysql2 execute direct', rate: myDirect, ratio: 1, target: null, met: null },
          { path: 'mysql2 execute via audit proxy', rate: myDirect * myRatio, ratio: myRatio, target: '≥ 0.80', met: myRatio >= 0.8 },
        ],
        notes: [
          `${ROUNDS} rounds × ${SECONDS} s per path, 8 clients; rates are TPS / statements per s (median direct rate × median per-round ratio)`,
          `PG per round — proxy (pgbench only): ${fmt(pg.proxy)}; proxy sustained (incl. audit drain): ${fmt(pg.sustained)}; pgbouncer: ${fmt(pg.bouncer)}; drain ms: ${pg.drainMs.join(' / ')}`,
          `CPU per transaction (µs, recorder drain included): audit proxy process ${fmt(pg.proxyCpuUs)}; the store's backends ${fmt(pg.storeCpuUs)}; plain Node relay ${fmt(pg.relayCpuUs)}; pgbouncer ${fmt(pg.bouncerCpuUs)}; direct cost of the whole machine per transaction ≈ ${os.cpus().length} cores / direct TPS = ${((os.cpus().length * 1e6) / direct).toFixed(1)} µs`,
          `MySQL per round — proxy: ${fmt(my.proxy)}; sustained: ${fmt(my.sustained)}; drain ms: ${my.drainMs.join(' / ')}`,
          `audit recorder: ${stats.stored} events stored in ${stats.batches} batches, ${stats.dropped} dropped, ${stats.failedBatches} failed batches, ${stats.queued} still queued`,
          `load average before / after: ${loadBefore} / ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
        ],
        targetsMet: pgRatio >= bouncerRatio && myRatio >= 0.8,
      };
    } finally {
      bouncer.stop();
      relay.close();
      await pgProxy.close();
      await myProxy.close();
      await svc.stop();
      await store.close();
    }
  },
};
