/**
 * The tenant cloud's API under load, on a real server over PostgreSQL (the embedded driver, the DMZ region from
 * the stack config). One tenant holds 10,000 VMs, seeded in bulk straight into the cloud schema (batches of
 * 1,000 rows — the API's own create path is measured separately). Then, with the same bounded concurrent loop
 * (CLOUD_BENCH_CONNECTIONS connections, default 8, for CLOUD_BENCH_SECONDS, default 10, each; the three reads
 * alternate in CLOUD_BENCH_ROUNDS rounds, default 3), side by side:
 *   - GET /healthz (hello world on the same server),
 *   - GET /api/cloud/vms?limit=50&offset=… (paged listing over the 10,000, every page in turn),
 *   - GET /api/cloud/vms/:id (one VM: what any authenticated call costs on the same stack, for reference),
 *   - POST /api/cloud/vms (VM create through the API: quota lock, ports, volumes, placement, audit, order).
 * Targets: listing ≥ 0.3 × the hello-world req/s, listing p95 < 100 ms.
 * The load generator (`support/http-load.ts`, keep-alive node:http clients) runs in a child process of its own,
 * as pgbench does for the database benches, the same way for every case; CLOUD_BENCH_CLIENT=in-process runs the
 * same loop in the server's process instead (as a test would; both then share one event loop).
 * `prepareCloudBench` is the setup without the measurement, for profiling the server under an outside load.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { CloudService } from '../platform/cloud';
import { network } from '../platform/cloud/cloud-testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../test/support/test-server';
import type { BenchModule, BenchReport } from './run';
import { runLoad, type LoadConfig, type LoadResult } from './support/http-load';

const SECONDS = Number(process.env.CLOUD_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CLOUD_BENCH_CONNECTIONS ?? 8);
const VMS = Number(process.env.CLOUD_BENCH_VMS ?? 10_000);
const IN_PROCESS = process.env.CLOUD_BENCH_CLIENT === 'in-process';
const PAGE = 50;
const ROUNDS = Math.max(1, Number(process.env.CLOUD_BENCH_ROUNDS ?? 3));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** Rounds of one case as one: counts added, req/s over the whole measured time, the worst round's tail latencies. */
function combine(rs: LoadResult[]): LoadResult {
  const requests = rs.reduce((n, r) => n + r.requests, 0);
  const seconds = rs.reduce((n, r) => n + r.requests / r.reqPerSec, 0);
  return {
    requests,
    errors: rs.reduce((n, r) => n + r.errors, 0),
    reqPerSec: requests / seconds,
    p50: median(rs.map((r) => r.p50)),
    p95: Math.max(...rs.map((r) => r.p95)),
    p99: Math.max(...rs.map((r) => r.p99)),
    clientCpuMs: rs.reduce((n, r) => n + r.clientCpuMs * r.requests, 0) / Math.max(1, requests),
  };
}

/** Runs the load loop in a child process (or here with CLOUD_BENCH_CLIENT=in-process). */
function load(cfg: LoadConfig): Promise<LoadResult> {
  if (IN_PROCESS) return runLoad(cfg);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import=tsx', path.join(__dirname, 'support', 'http-load.ts'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}: ${err}`))));
  });
}

/** The server with one tenant holding VMS VMs, its session, and the network a new VM needs. */
export async function prepareCloudBench() {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-cloud-bench-'));
  const zones = path.join(dir, 'zones.json');
  const fast = { buildMs: 200, rebootMs: 200, resizeMs: 200, stopMs: 200, startMs: 200, importMs: 200 };
  writeFileSync(zones, JSON.stringify({ zones: { 'liangcheng-dmz': { driver: 'embedded', seed: 'config', timings: fast }, 'liangcheng-internet': { driver: 'embedded', seed: 'demo', timings: fast } } }));
  const srv = await startTestServer('postgres', { YIYUN_ZONES: zones, YIYUN_RATE_LIMIT_PER_MINUTE: '1000000' });
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const quota = { vcpu: 100_000, ramGb: 1_000_000, diskGb: 10_000_000, vms: 100_000, volumes: 100_000, networks: 10, securityGroups: 20, floatingIps: 10, snapshots: 10, backups: 10 };
    const tn = await admin.post('/api/tenants', { code: 'bench', name: '压测租户', kind: 'county_hospital', zone: 'liangcheng-dmz', quota });
    const acc = await admin.post('/api/accounts', { loginId: 'bench.ops', displayName: '压测', roles: ['tenant-member'], tenantId: tn.body.id });
    const c = new ApiClient(srv.url);
    await loginThroughFirstSteps(c, acc.body.account.loginId, acc.body.initialPassword, 'Tenant#Bench2026');
    const net = await network(c, '192.168.0.0/16', '192.168.0.0/18');

    // 10,000 VMs of the tenant, written in bulk (what a migration or an import would do), then analysed.
    const cloud = srv.ctx.rooms.get('cloud')!.exports!.cloud as CloudService;
    const db = cloud.core.deps.db;
    const seedStart = performance.now();
    const base = Date.now() - VMS * 1000;
    for (let from = 0; from < VMS; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, VMS - from) }, (_, k) => {
        const i = from + k;
        return {
          tenant_id: tn.body.id, zone: 'liangcheng-dmz', kind: 'vm', name: `his-app-${String(i + 1).padStart(5, '0')}`, status: 'ACTIVE', created_by: 'bench.ops', vcpus: 1, ram_gb: 2,
          created_at: new Date(base + i * 1000), tags: JSON.stringify({ env: i % 2 ? 'prod' : 'test' }),
          spec: JSON.stringify({ flavor: 'c1.1c2g', imageName: 'kylin-server-v10-sp3-hardened-2025.06', host: `dmz-general-${(i % 20) + 1}`, ips: [`192.168.${64 + Math.floor(i / 250)}.${(i % 250) + 2}`], subnetIds: [net.subnet], securityGroupIds: [net.sg] }),
        };
      });
      await db.insertInto('cloud.resources').values(rows).execute();
    }
    // What autovacuum does after a bulk load: statistics and the visibility map (index-only page scans).
    await sql`vacuum analyze cloud.resources`.execute(db);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    // The bastion mirrors every ACTIVE VM as an asset (one audited insert each): let it catch up with the bulk load
    // first, so the measurement sees the steady state and not 10,000 background inserts. A second pass starts only
    // after any pass that began before the load.
    const assets = srv.ctx.rooms.get('bastion')?.exports?.bastionVmAssets as { sync(): Promise<unknown> } | undefined;
    const mirrorStart = performance.now();
    if (assets) for (let pass = 0; pass < 2; pass++) await assets.sync();
    const mirrorSeconds = (performance.now() - mirrorStart) / 1000;

    const check = await fetch(`${srv.url}/api/cloud/vms?limit=${PAGE}&offset=0`, { headers: { cookie: c.cookie ?? '' } });
    const first = (await check.json()) as { total: number; items: { id: string }[] };
    if (first.total !== VMS || first.items.length !== PAGE) throw new Error(`listing does not see the seeded VMs: ${JSON.stringify(first).slice(0, 200)}`);
    const pages = Array.from({ length: Math.floor(VMS / PAGE) }, (_, i) => `/api/cloud/vms?limit=${PAGE}&offset=${i * PAGE}`);
    const vms = first.items.map((v) => `/api/cloud/vms/${v.id}`);
    return { srv, client: c, net, pages, vms, seedSeconds, mirrorSeconds };
  } catch (e) {
    await srv.cleanup();
    throw e;
  }
}

async function run(): Promise<BenchReport> {
  const { srv, client: c, net, pages, vms, seedSeconds, mirrorSeconds } = await prepareCloudBench();
  try {
    const common = { url: srv.url, headers: { cookie: c.cookie ?? '' }, seconds: SECONDS, connections: CONNECTIONS };
    // Hello world and the listing take turns (ROUNDS rounds of SECONDS / ROUNDS each), so a drift of the machine's
    // speed during the run (other tenants of the host, CPU frequency) falls on both and not on one.
    // One VM by id is the reference for what any authenticated API call costs on this stack (session, rate limit,
    // zod, one indexed read, response schema, access log): the floor under a listing, shown beside it.
    const hellos: LoadResult[] = [];
    const lists: LoadResult[] = [];
    const gets: LoadResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      hellos.push(await load({ ...common, seconds: SECONDS / ROUNDS, paths: ['/healthz'], warmupSeconds: 1 }));
      lists.push(await load({ ...common, seconds: SECONDS / ROUNDS, paths: pages, warmupSeconds: 1 }));
      gets.push(await load({ ...common, seconds: SECONDS / ROUNDS, paths: vms, warmupSeconds: 1 }));
    }
    const hello = combine(hellos);
    const list = combine(lists);
    const get = combine(gets);
    const spec = { flavor: 'c1.1c2g', imageId: '00000000-0000-4000-8001-000000000001', subnetIds: [net.subnet], securityGroupIds: [net.sg], keypairId: net.keypair };
    const create = await load({
      ...common, headers: { ...common.headers, 'x-csrf-token': c.csrf ?? '' }, paths: ['/api/cloud/vms'], warmupSeconds: 0,
      body: JSON.stringify({ name: 'bench-{i}', spec }), status: 201,
    });

    const ratios = lists.map((l, r) => l.reqPerSec / hellos[r]!.reqPerSec);
    const ratio = median(ratios);
    const getRatio = median(gets.map((g, r) => g.reqPerSec / hellos[r]!.reqPerSec));
    const ratioMet = ratio >= 0.3;
    const p95Met = list.p95 < 100;
    const row = (name: string, l: LoadResult) => ({ case: name, requests: l.requests, errors: l.errors, 'req/s': l.reqPerSec, 'p50 ms': l.p50, 'p95 ms': l.p95, 'p99 ms': l.p99 });
    return {
      columns: ['case', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms'],
      rows: [
        row('GET /healthz (hello world)', hello),
        row(`GET /api/cloud/vms?limit=${PAGE}&offset=… (${VMS} VMs)`, list),
        row('GET /api/cloud/vms/:id (one VM, for reference)', get),
        row('POST /api/cloud/vms (create through the API)', create),
      ],
      notes: [
        `${VMS} VMs seeded in bulk in ${seedSeconds.toFixed(1)} s (the bastion's asset mirror caught up in ${mirrorSeconds.toFixed(1)} s before measuring); ${CONNECTIONS} keep-alive connections, ${SECONDS} s per case, PostgreSQL; load generator ${IN_PROCESS ? "in the server's process" : 'in a child process (like pgbench)'}, the same for every case`,
        `listing / hello-world = ${ratio.toFixed(2)}, the median of ${ROUNDS} rounds (${ratios.map((x) => x.toFixed(2)).join(', ')}; target ≥ 0.30: ${ratioMet ? 'met' : 'NOT met'}); listing p95 = ${list.p95.toFixed(1)} ms, the worst round's (target < 100 ms: ${p95Met ? 'met' : 'NOT met'})`,
        `for reference, one VM by id through the same API stack: ${getRatio.toFixed(2)} × hello world (median round); a listing page of ${PAGE} VMs: ${(list.reqPerSec / get.reqPerSec).toFixed(2)} × one VM`,
        `VM create: ${create.reqPerSec.toFixed(1)} VMs/s through the API (each: quota lock, NIC + port, system volume, placement, audit, order)`,
      ],
      targetsMet: ratioMet && p95Met,
    };
  } finally {
    await srv.cleanup();
  }
}

export const cloudBench: BenchModule = {
  name: 'cloud',
  description: 'Tenant cloud API: paged list of 10,000 VMs and VM create vs hello world, on PostgreSQL',
  run,
};
