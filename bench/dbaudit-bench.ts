/**
 * DB-audit proxy throughput: `pgbench -S` (8 clients, ~10 s each) direct vs through our PostgreSQL proxy vs through
 * pgbouncer (session pooling, run as postgres from a temp dir), and a mysql2 prepared-SELECT loop (8 connections)
 * direct vs through the MySQL proxy. Targets: PG proxy ratio ≥ pgbouncer's; MySQL ≥ 0.8 × direct.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { createTestDatabase } from '../core/db/testing';
import { createLogger } from '../core/log';
import { createDbAuditService, createMysqlProxy, createPgProxy, dbauditModule } from '../security/dbaudit';
import { freePort } from '../security/bastion/sshd-testing';
import type { BenchModule } from './run';

const SECONDS = Number(process.env.BENCH_DBAUDIT_SECONDS ?? 10);
const DB = 'yiyun_pgbench';

function pgbench(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('pgbench', ['-S', '-n', '-c', '8', '-j', '2', '-T', String(SECONDS), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', DB], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('close', (code) => {
      const m = /tps = ([\d.]+)/.exec(out);
      return m ? resolve(Number(m[1])) : reject(new Error(`pgbench failed (${code}): ${out.slice(-400)}`));
    });
  });
}

async function mysqlLoop(port: number): Promise<number> {
  const conns = await Promise.all(Array.from({ length: 8 }, () => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'test' })));
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(conns.map(async (c) => {
    while (Date.now() < end) {
      await c.execute('select ? + 1 as x', [n]);
      n++;
    }
  }));
  await Promise.all(conns.map((c) => c.end()));
  return n / SECONDS;
}

async function startPgbouncer(): Promise<{ port: number; stop(): void }> {
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
  return { port, stop: () => (child.kill('SIGTERM'), setTimeout(() => rmSync(dir, { recursive: true, force: true }), 300)) };
}

export const dbauditBench: BenchModule = {
  name: 'dbaudit',
  description: 'DB-audit proxies: pgbench -S direct / proxy / pgbouncer; mysql2 prepared loop direct / proxy',
  async run() {
    try {
      execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `create database ${DB}`], { stdio: 'ignore' });
    } catch {
      /* exists */
    }
    execFileSync('pgbench', ['-i', '-q', '-s', '1', '-h', '127.0.0.1', '-U', 'postgres', DB], { stdio: 'ignore' });
    const store = await createTestDatabase('postgres', [dbauditModule()]);
    const logger = createLogger({ level: 'silent' });
    const svc = createDbAuditService({ db: store.db, logger, workingHours: { from: 0, to: 24 } });
    const pgProxy = createPgProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 5432, upstreamTls: 'disable', tls: null, sink: svc.sink, logger });
    const myProxy = createMysqlProxy({ listenHost: '127.0.0.1', listenPort: 0, upstreamHost: '127.0.0.1', upstreamPort: 3306, upstreamTls: 'prefer', tls: null, sink: svc.sink, logger });
    const pgPort = await pgProxy.listen();
    const myPort = await myProxy.listen();
    const bouncer = await startPgbouncer();
    try {
      const direct = await pgbench(5432);
      const proxied = await pgbench(pgPort);
      const pooled = await pgbench(bouncer.port);
      const myDirect = await mysqlLoop(3306);
      const myProxied = await mysqlLoop(myPort);
      const backlog = svc.backlog();
      const pgRatio = proxied / direct;
      const bouncerRatio = pooled / direct;
      const myRatio = myProxied / myDirect;
      return {
        rows: [
          { path: 'pgbench -S direct', rate: direct, ratio: 1, target: null, met: null },
          { path: 'pgbench -S via audit proxy', rate: proxied, ratio: pgRatio, target: `≥ pgbouncer (${bouncerRatio.toFixed(2)})`, met: pgRatio >= bouncerRatio },
          { path: 'pgbench -S via pgbouncer', rate: pooled, ratio: bouncerRatio, target: null, met: null },
          { path: 'mysql2 execute direct', rate: myDirect, ratio: 1, target: null, met: null },
          { path: 'mysql2 execute via audit proxy', rate: myProxied, ratio: myRatio, target: '≥ 0.80', met: myRatio >= 0.8 },
        ],
        notes: [`${SECONDS} s per run, 8 clients; rates are TPS / statements per s; audit events still queued at the end: ${backlog}`],
        targetsMet: pgRatio >= bouncerRatio && myRatio >= 0.8,
      };
    } finally {
      bouncer.stop();
      await pgProxy.close();
      await myProxy.close();
      await svc.stop();
      await store.close();
    }
  },
};
