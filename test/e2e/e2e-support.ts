import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { ADMIN_PASSWORD } from '../support/test-server';

/**
 * What the browser tests share: a real `yiyun serve` child process over a database of their own, free ports,
 * bounded waits, screenshots and the login form.
 */
export const ROOT = path.resolve(__dirname, '../..');
export const CONSOLE_INDEX = path.join(ROOT, 'dist', 'console', 'index.html');
export const OUT = path.join(ROOT, 'test-output', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const READY_TIMEOUT_MS = 90_000;
export const STOP_TIMEOUT_MS = 20_000;
export const UI_TIMEOUT_MS = 30_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

export type Server = { child: ChildProcess; base: string; output: () => string; dataDir: string };

export async function startServer(databaseUrl: string, tag = 'e2e'): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `yiyun-e2e-${tag}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    YIYUN_DATA_DIR: dataDir,
    YIYUN_LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD,
    YIYUN_RATE_LIMIT_PER_MINUTE: '100000',
    YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
  };
  delete env.YIYUN_CONSOLE_DIR;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'yiyun.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`yiyun serve exited with ${child.exitCode}:\n${out}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { child, base, output: () => out, dataDir };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`yiyun serve was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${out}`);
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

export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function login(page: Page, base: string, loginId: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name="loginId"]', loginId);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-submit"]');
}

