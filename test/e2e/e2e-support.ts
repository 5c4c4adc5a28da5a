import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { freePort } from '../support/free-port';
import { ADMIN_PASSWORD } from '../support/test-server';
import { totpAt } from '../../core/crypto/totp';

export { freePort };

/**
 * What the browser tests share: a real `yiyun serve` child process over a database of their own, free ports,
 * bounded waits, screenshots and the login form.
 *
 * ava runs the e2e files in parallel and they all write into test-output/e2e: a file deletes nothing there but
 * its own `<suite>-*.png` (through `screenshots(suite).clear()`), and nothing else but the temporary
 * directories and the database it made itself.
 */
export const ROOT = path.resolve(__dirname, '../..');
export const CONSOLE_INDEX = path.join(ROOT, 'dist', 'console', 'index.html');
export const OUT = path.join(ROOT, 'test-output', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const READY_TIMEOUT_MS = 90_000;
export const STOP_TIMEOUT_MS = 20_000;
export const UI_TIMEOUT_MS = 30_000;
/** How long a missing console build is waited for: another `npm run build` may be rewriting dist/console. */
const CONSOLE_BUILD_WAIT_MS = 60_000;


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The console build and chromium are there (waiting a while for a build in progress); otherwise the test fails
 * with what to run. Call first and return when it says false.
 */
export async function prerequisites(t: ExecutionContext): Promise<boolean> {
  const deadline = Date.now() + CONSOLE_BUILD_WAIT_MS;
  while (!existsSync(CONSOLE_INDEX) && Date.now() < deadline) await sleep(500);
  if (!existsSync(CONSOLE_INDEX)) {
    t.fail(`the console is not built (${path.relative(ROOT, CONSOLE_INDEX)} is missing): run \`npm run build\` first (npm test does)`);
    return false;
  }
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei (.ci/run does)`);
    return false;
  }
  return true;
}

export function dbUrl(name: string): string {
  const u = new URL(TEST_POSTGRES_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminSql(sql: string): Promise<void> {
  const c = new Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

/** A fresh PostgreSQL database of this run; `drop()` removes exactly it and never throws. */
export async function createDatabase(tag: string): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]*$/.test(tag)) throw new Error(`database tag ${JSON.stringify(tag)}: lower-case letters, digits and _ only`);
  const name = `yiyun_e2e_${tag}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminSql(`create database ${name}`);
  return { name, url: dbUrl(name), drop: () => adminSql(`drop database if exists ${name} with (force)`).catch(() => undefined) };
}

/** A temporary directory of this run (downloads, copies); the caller removes it. */
export function tempDir(tag: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `yiyun-e2e-${tag}-`));
}

/**
 * A private copy of the built console: a rebuild of dist/console during the run (another `npm run build`)
 * would otherwise take index.html away under the browser. Checked complete (every asset index.html names).
 */
export function snapshotConsole(into: string): string {
  for (let attempt = 0; attempt < 60; attempt++) {
    const dir = path.join(into, `console-${attempt}`);
    try {
      cpSync(path.dirname(CONSOLE_INDEX), dir, { recursive: true });
      const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
      if (assets.length > 0 && assets.every((a) => existsSync(path.join(dir, a)))) return dir;
    } catch {
      // a rebuild in progress: try again
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  throw new Error('could not copy a complete build of the console (dist/console keeps changing)');
}

export type Server = {
  child: ChildProcess;
  base: string;
  output: () => string;
  /** The server's YIYUN_DATA_DIR, a temporary directory of this run (stopServer removes it). */
  dataDir: string;
  /** The admin's first password: ADMIN_PASSWORD, or with `generatedAdminPassword` the one the server printed. */
  adminPassword: string;
};

export type StartOptions = {
  /**
   * The real first start: no preset admin password; the server generates one and prints it, and startServer
   * waits for that line (Server.adminPassword) as well as for /readyz.
   */
  generatedAdminPassword?: boolean;
  /** Keep the server's default request and login rate limits (the tests otherwise lift them). */
  productionRateLimits?: boolean;
  /** Serve a private copy of the console (see snapshotConsole) instead of dist/console. */
  snapshotConsole?: boolean;
  /** More environment for the server; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
};

/**
 * `yiyun serve` as a child process on a free loopback port, ready (/readyz 200) within READY_TIMEOUT_MS.
 * `databaseUrl` null runs the embedded default database (PGlite in the data directory).
 */
export async function startServer(databaseUrl: string | null, tag = 'e2e', options: StartOptions = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = tempDir(tag);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    YIYUN_DATA_DIR: dataDir,
    YIYUN_LOG_LEVEL: 'warn',
    YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD,
    YIYUN_RATE_LIMIT_PER_MINUTE: '100000',
    YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    // Background compliance runs only where a test asks for them (the compliance e2e does): see test-server.ts.
    YIYUN_COMPLIANCE_ON_START: 'false',
    YIYUN_COMPLIANCE_INTERVAL: '0',
  };
  delete env.YIYUN_CONSOLE_DIR;
  if (databaseUrl === null) delete env.DATABASE_URL;
  else env.DATABASE_URL = databaseUrl;
  if (options.generatedAdminPassword) delete env.YIYUN_ADMIN_PASSWORD;
  if (options.productionRateLimits) {
    delete env.YIYUN_RATE_LIMIT_PER_MINUTE;
    delete env.YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE;
  }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  let child: ChildProcess | null = null;
  let out = '';
  const fail = async (message: string): Promise<never> => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${message}:\n${out}`);
  };
  try {
    if (options.snapshotConsole) env.YIYUN_CONSOLE_DIR = snapshotConsole(dataDir);
    child = spawn(process.execPath, [path.join(ROOT, 'bin', 'yiyun.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return fail(`yiyun serve could not start (${(err as Error).message})`);
  }
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let adminPassword: string | null = options.generatedAdminPassword ? null : ADMIN_PASSWORD;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return fail(`yiyun serve exited with ${child.exitCode}`);
    adminPassword ??= /initial admin password: (\S+)/.exec(out)?.[1] ?? null;
    if (adminPassword) {
      const ready = await fetch(`${base}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return { child, base, output: () => out, dataDir, adminPassword };
    }
    await sleep(250);
  }
  const seen = options.generatedAdminPassword ? ` (admin password line seen: ${adminPassword !== null})` : '';
  return fail(`yiyun serve was not ready within ${READY_TIMEOUT_MS / 1000} s${seen}`);
}

export function waitForExit(child: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; removes the server's data directory. Returns the exit code on
 * SIGTERM, or 'timeout' when it had to be killed.
 */
export async function stopServer(server: Server): Promise<number | null | 'timeout'> {
  server.child.kill('SIGTERM');
  const code = await waitForExit(server.child, STOP_TIMEOUT_MS);
  if (code === 'timeout') {
    server.child.kill('SIGKILL');
    await waitForExit(server.child, 5_000);
  }
  rmSync(server.dataDir, { recursive: true, force: true });
  return code;
}

export type Screenshots = {
  /** Full-page screenshot to test-output/e2e/<suite>-<name>.png; returns the file. */
  shot(page: Page, name: string): Promise<string>;
  /** The file `shot(page, name)` writes. */
  file(name: string): string;
  /** Deletes this suite's screenshots of earlier runs (a stale failure shot would mislead), and nothing else. */
  clear(): void;
};

const SUITE = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;
const SHOT_NAME = /^(\d{2}-[a-z0-9]+(-[a-z0-9]+)*|failure)$/;

/**
 * A suite's screenshots, `<suite>-NN-what.png` and `<suite>-failure.png`. The name shape keeps suites apart
 * even when one suite's name starts another's ("log" never clears "log-audit-01-search.png").
 */
export function screenshots(suite: string): Screenshots {
  if (!SUITE.test(suite)) throw new Error(`screenshot suite ${JSON.stringify(suite)}: lower-case words joined by -`);
  const own = new RegExp(`^${suite}-(\\d{2}-[a-z0-9]+(-[a-z0-9]+)*|failure)\\.png$`);
  const file = (name: string): string => {
    if (!SHOT_NAME.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: NN-what (lower-case, digits, -) or failure`);
    return path.join(OUT, `${suite}-${name}.png`);
  };
  return {
    file,
    async shot(page, name) {
      const f = file(name);
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: f, fullPage: true });
      return f;
    },
    clear() {
      mkdirSync(OUT, { recursive: true });
      for (const f of readdirSync(OUT)) if (own.test(f)) rmSync(path.join(OUT, f), { force: true });
    },
  };
}

/** Screenshot to test-output/e2e/<name>.png; prefer `screenshots(suite)`, which names and clears per suite. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(OUT, `${name}.png`);
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Headless Debian chromium, without the background traffic (updates, sync) a test has no use for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function login(page: Page, base: string, loginId: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name="loginId"]', loginId);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-submit"]');
}

/**
 * Collects what a browser test asserts is empty: uncaught page errors (and, with `consoleErrors`, console errors
 * other than failed resource loads) and API answers 403 or 5xx — a 403 means the console showed something the
 * account may not use.
 */
export function watchPage(page: Page, into: { pageErrors: string[]; badResponses: string[] }, opts: { consoleErrors?: boolean } = {}): void {
  page.on('pageerror', (err) => into.pageErrors.push(String(err)));
  if (opts.consoleErrors) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) into.pageErrors.push(`console: ${m.text().slice(0, 500)}`);
    });
  }
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.startsWith('/api/') && (res.status() === 403 || res.status() >= 500)) into.badResponses.push(`${res.request().method()} ${res.url()} → ${res.status()}`);
  });
}

/** Password, then the TOTP step with the next time step's code (a code of the current step may already be spent). */
export async function loginWithTotp(page: Page, base: string, loginId: string, password: string, secretBase32: string): Promise<void> {
  await login(page, base, loginId, password);
  await page.locator('[data-testid="mfa-submit"]').waitFor();
  await page.fill('input[name="code"]', totpAt({ secretBase32 }, Date.now() + 30_000));
  await page.click('[data-testid="mfa-submit"]');
}
