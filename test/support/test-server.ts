import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSettings, type Settings } from '../../core/config';
import type { DatabaseKind } from '../../core/db';
import { createTestDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { startServer, type RunningServer } from '../../platform/server/serve';

export const ADMIN_PASSWORD = 'Initial#Root2026';

/** A real yiyun server on a free loopback port over a fresh database of the given kind. */
export async function startTestServer(kind: DatabaseKind, env: Record<string, string> = {}): Promise<RunningServer & { settings: Settings; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yiyun-test-'));
  const settings = loadSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    YIYUN_DATA_DIR: dataDir,
    YIYUN_LOG_LEVEL: 'silent',
    YIYUN_ADMIN_PASSWORD: ADMIN_PASSWORD,
    YIYUN_RATE_LIMIT_PER_MINUTE: '100000',
    YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    // No background compliance runs unless a test asks: the estate check plans both zones (seconds of CPU each) and
    // a run nobody awaits would race the test's own runs. compliance-runtime.test.ts turns them on.
    YIYUN_COMPLIANCE_ON_START: 'false',
    YIYUN_COMPLIANCE_INTERVAL: '0',
    ...env,
  });
  const database = await createTestDatabase(kind);
  const running = await startServer(settings, createLogger({ level: settings.YIYUN_LOG_LEVEL }), { database, print: () => {} });
  return {
    ...running,
    settings,
    cleanup: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Json = Record<string, any>;

/** A console-like client: keeps the session cookie and sends the CSRF token on state changes. */
export class ApiClient {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  constructor(readonly base: string) {}

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(`${this.base}${url}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('yiyun_session=')) {
      const v = set.split(';')[0]!;
      this.cookie = v === 'yiyun_session=' ? null : v;
    }
    const text = await res.text();
    let parsed: Json = {};
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = { raw: text };
    }
    if (parsed.csrfToken) this.csrf = parsed.csrfToken as string;
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(url: string) {
    return this.call('GET', url);
  }
  post(url: string, body?: unknown) {
    return this.call('POST', url, body);
  }
  patch(url: string, body?: unknown) {
    return this.call('PATCH', url, body);
  }
  put(url: string, body?: unknown) {
    return this.call('PUT', url, body);
  }
  delete(url: string) {
    return this.call('DELETE', url);
  }
}

import { totpAt } from '../../core/crypto';

/** Logs in a fresh account through every step: password, forced change, TOTP enrolment. Returns its TOTP secret. */
export async function loginThroughFirstSteps(client: ApiClient, loginId: string, initialPassword: string, newPassword: string): Promise<{ secret: string | null }> {
  const login = await client.post('/api/auth/login', { loginId, password: initialPassword });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  if (login.body.pending === 'password_change') {
    const ch = await client.post('/api/auth/password', { currentPassword: initialPassword, newPassword });
    if (ch.status !== 204) throw new Error(`password change failed: ${JSON.stringify(ch.body)}`);
  }
  const me = await client.get('/api/auth/me');
  if (me.body.pending !== 'mfa_enrolment') return { secret: null };
  const setup = await client.post('/api/auth/mfa/totp/setup');
  const secret = setup.body.secret as string;
  const confirm = await client.post('/api/auth/mfa/totp/confirm', { code: totpAt({ secretBase32: secret }) });
  if (confirm.status !== 200) throw new Error(`MFA confirm failed: ${JSON.stringify(confirm.body)}`);
  return { secret };
}

/** A second login of an enrolled account (uses the next TOTP step, so it is never a replay). */
export async function loginWithMfa(client: ApiClient, loginId: string, password: string, secret: string, stepOffset = 1) {
  const first = await client.post('/api/auth/login', { loginId, password });
  if (first.body.status !== 'mfa_required') throw new Error(`expected an MFA step: ${JSON.stringify(first.body)}`);
  return client.post('/api/auth/login/mfa', { challengeId: first.body.challengeId, code: totpAt({ secretBase32: secret }, Date.now() + stepOffset * 30_000) });
}
