/**
 * Child process of the cloud benchmark: an HTTP load generator (what autocannon or wrk would be), in a process of
 * its own like pgbench, so the client's work does not share the server's event loop. `connections` keep-alive
 * connections each send requests back to back for `seconds` (after `warmupSeconds` not counted); request i goes
 * to `paths[i % paths.length]`, as a GET, or as a POST of `body` with every `{i}` replaced by i. A request counts
 * as an error unless it answers `status` (200 by default).
 * Usage: http-load.ts '<json: LoadConfig>'; prints one JSON line (a LoadResult). `runLoad` is the same loop in
 * the caller's process.
 */
import http from 'node:http';

export type LoadConfig = { url: string; paths: string[]; headers: Record<string, string>; seconds: number; warmupSeconds: number; connections: number; body?: string; status?: number };

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);

function send(agent: http.Agent, base: URL, cfg: LoadConfig, i: number): Promise<boolean> {
  const path = cfg.paths[i % cfg.paths.length]!;
  const body = cfg.body === undefined ? undefined : cfg.body.replaceAll('{i}', String(i));
  const headers = body === undefined ? cfg.headers : { ...cfg.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve) => {
    const req = http.request({ agent, host: base.hostname, port: base.port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode === (cfg.status ?? 200)));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

async function phase(cfg: LoadConfig, agent: http.Agent, base: URL, seconds: number, seq: { i: number }) {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: cfg.connections }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const ok = await send(agent, base, cfg, seq.i++);
        lat.push(performance.now() - s);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  // The client's own CPU per request: in a child process it is the load generator's alone.
  const clientCpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, lat.length);
  return { requests: lat.length, errors, reqPerSec: lat.length / elapsed, p50: quantile(lat, 0.5), p95: quantile(lat, 0.95), p99: quantile(lat, 0.99), clientCpuMs };
}

export type LoadResult = Awaited<ReturnType<typeof phase>>;

export async function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  const base = new URL(cfg.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });
  const seq = { i: 0 };
  try {
    if (cfg.warmupSeconds > 0) await phase(cfg, agent, base, cfg.warmupSeconds, seq);
    return await phase(cfg, agent, base, cfg.seconds, seq);
  } finally {
    agent.destroy();
  }
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadConfig).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
