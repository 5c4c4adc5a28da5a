/**
 * Cold start of `npm start` as a new user meets it: a fresh data directory (PGlite created, every migration
 * applied, the first admin made, both embedded zones bootstrapped), timed from the spawn of `npm start` until
 * `/readyz` answers 200 and the console's index.html is served. Target: under 20 s after install.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/free-port';
import type { BenchModule, BenchReport } from './run';

const root = path.resolve(__dirname, '..');
const RUNS = Math.max(1, Number(process.env.BENCH_STARTUP_RUNS ?? 3));
const TARGET_SECONDS = 20;
/** A start that takes longer than this is a failure, not a slow measurement. */
const GIVE_UP_MS = 120_000;

async function answers(url: string, expect: (body: string) => boolean): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok && expect(await res.text());
  } catch {
    return false;
  }
}

interface StartTimes {
  readySeconds: number;
  consoleSeconds: number;
  printedPassword: boolean;
}

async function coldStart(): Promise<StartTimes> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-startup-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, YIYUN_DATA_DIR: dataDir, PORT: String(port) };
  delete env.YIYUN_ADMIN_PASSWORD;
  delete env.DATABASE_URL;
  const t0 = performance.now();
  // detached: npm starts node as a child; killing the group stops both.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    detached: true,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    let readySeconds: number | null = null;
    let consoleSeconds: number | null = null;
    while (consoleSeconds === null) {
      if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`no answer from ${base} after ${GIVE_UP_MS / 1000} s`);
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${stdout.slice(-2000)}`);
      if (readySeconds === null && (await answers(`${base}/readyz`, () => true))) readySeconds = (performance.now() - t0) / 1000;
      if (readySeconds !== null && (await answers(`${base}/`, (b) => b.includes('<html')))) consoleSeconds = (performance.now() - t0) / 1000;
      else await new Promise((r) => setTimeout(r, 50));
    }
    return { readySeconds: readySeconds!, consoleSeconds, printedPassword: /initial admin password: \S+/.test(stdout) };
  } finally {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const startupBench: BenchModule = {
  name: 'startup',
  description: '`npm start` cold start on a fresh data directory until /readyz and the console answer',
  async run(): Promise<BenchReport> {
    const rows = [];
    for (let i = 1; i <= RUNS; i++) {
      const t = await coldStart();
      rows.push({
        run: i,
        'ready (s)': t.readySeconds,
        'console (s)': t.consoleSeconds,
        'admin password printed': t.printedPassword,
        target: `< ${TARGET_SECONDS} s`,
        met: t.consoleSeconds < TARGET_SECONDS && t.printedPassword,
      });
    }
    return {
      rows,
      targetsMet: rows.every((r) => r.met),
      notes: [
        'each run: a new temporary YIYUN_DATA_DIR (embedded PGlite), a free port, YIYUN_ADMIN_PASSWORD unset so the first admin is generated and printed',
        'timed from spawning `npm start` (prestart included) to the first 200 from /readyz, then from GET / (the console)',
      ],
    };
  },
};
