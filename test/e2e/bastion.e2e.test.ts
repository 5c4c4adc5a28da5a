import test from 'ava';
import type { Browser } from 'playwright-core';
import { Client, type ClientChannel } from 'ssh2';
import { totpAt } from '../../core/crypto/totp';
import { startTestSshd, type TestSshd } from '../../security/bastion/sshd-testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { UI_TIMEOUT_MS, createDatabase, freePort, launchChromium, prerequisites, screenshots, sleep, startServer, stopServer, type Server, type TestDatabase, watchPage, loginWithTotp } from './e2e-support';
import { until } from '../support/wait';

/**
 * The bastion in the console, the way the security team meets it: `yiyun serve` over a fresh PostgreSQL
 * database (DATABASE_URL) with the SSH gateway on a loopback port, a real OpenSSH target, an operator who logs
 * into the gateway with password + TOTP and types in a recorded shell; then headless chromium as the security
 * administrator (安全管理员): login with the second factor, a command rule added through the form, the sessions
 * page searched by the typed text, the session's commands shown, and its asciicast recording replayed (xterm.js
 * player, under the console's CSP) with the shell's output on screen. Screenshots go to test-output/e2e/bastion-*.png.
 */

const { shot, clear } = screenshots('bastion');

/** An account made by the admin and taken through its first login over the API (password change + TOTP). */
async function account(server: Server, admin: ApiClient, loginId: string, roles: string[], password: string): Promise<{ client: ApiClient; secret: string }> {
  const r = await admin.post('/api/accounts', { loginId, displayName: loginId, roles });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  const client = new ApiClient(server.base);
  let { secret } = await loginThroughFirstSteps(client, loginId, r.body.initialPassword as string, password);
  if (!secret) {
    const setup = await client.post('/api/auth/mfa/totp/setup');
    secret = setup.body.secret as string;
    const ok = await client.post('/api/auth/mfa/totp/confirm', { code: totpAt({ secretBase32: secret }) });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  return { client, secret };
}

/** An operator's interactive shell through the gateway (password + the next TOTP code), typing `lines`. */
async function recordedShell(port: number, user: string, password: string, secret: string, lines: { send: string; expect: string }[]): Promise<string> {
  const c = new Client();
  await new Promise<void>((resolve, reject) => {
    c.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map((p) => (/OTP/.test(p.prompt) ? totpAt({ secretBase32: secret }, Date.now() + 30_000) : password))));
    c.once('ready', () => resolve());
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', port, username: user, tryKeyboard: true, readyTimeout: 10_000 });
  });
  try {
    const sh = await new Promise<ClientChannel>((res, rej) => c.shell({ term: 'xterm', cols: 100, rows: 24, height: 480, width: 800 }, (e, ch) => (e ? rej(e) : res(ch))));
    let screen = '';
    sh.on('data', (d: Buffer) => (screen += d.toString()));
    for (const l of lines) {
      sh.write(`${l.send}\r`);
      await until(async () => screen.includes(l.expect), `"${l.expect}" on the operator's screen`);
    }
    sh.write('exit\r');
    await new Promise((r) => sh.on('close', r));
    return screen;
  } finally {
    c.end();
  }
}

test.serial('bastion console: a security administrator adds a command rule, finds a recorded session and replays it', async (t) => {
  t.timeout(240_000);
  if (!(await prerequisites(t))) return;
  clear();

  const db: TestDatabase = await createDatabase('bastion');
  let sshd: TestSshd | null = null;
  let server: Server | null = null;
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  try {
    sshd = await startTestSshd();
    // The SSH gateway on a loopback port of its own.
    const gatewayPort = await freePort();
    server = await startServer(db.url, 'bastion', { productionRateLimits: true, env: { YIYUN_BASTION_SSH_PORT: String(gatewayPort), YIYUN_ZONES: undefined } });

    // Through the API: the platform admin adds the asset, its (sealed) key and a grant; the accounts enrol TOTP.
    const admin = new ApiClient(server.base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const sec = await account(server, admin, 'sec.wang', ['secadmin'], 'Sec#Wang2026xyz');
    const op = await account(server, admin, 'ops.li', ['assessor'], 'Ops#Li2026xyz');
    const asset = await admin.post('/api/bastion/assets', { name: 'his-db01', address: '127.0.0.1', port: sshd.port, folder: '/dmz/his/' });
    t.is(asset.status, 201, JSON.stringify(asset.body));
    const acc = await admin.post(`/api/bastion/assets/${asset.body.id}/accounts`, { username: sshd.user, authKind: 'key', secret: sshd.privateKey });
    t.is(acc.status, 201, JSON.stringify(acc.body));
    const grant = await admin.post('/api/bastion/grants', { operatorLogin: 'ops.li', folder: '/dmz/', accountUsername: sshd.user, validUntil: new Date(Date.now() + 3_600_000).toISOString() });
    t.is(grant.status, 201, JSON.stringify(grant.body));

    // The operator works in a recorded shell through the gateway.
    const screen = await recordedShell(gatewayPort, `ops.li/${sshd.user}@his-db01`, 'Ops#Li2026xyz', op.secret, [{ send: 'echo replay-marker-$((6*7))', expect: 'replay-marker-42' }]);
    t.true(screen.includes('replay-marker-42'));
    const ended = await until(async () => {
      const r = await sec.client.get('/api/bastion/sessions?operator=ops.li');
      return (r.body.items as any[] | undefined)?.find((s) => s.kind === 'shell' && s.endedAt);
    }, 'the shell session to end');

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    watchPage(page, { pageErrors, badResponses }, { consoleErrors: true });

    try {
      // 1. The security administrator logs in: password, then the TOTP step (next time step: never a replay).
      await loginWithTotp(page, server.base, 'sec.wang', 'Sec#Wang2026xyz', sec.secret);
      await page.locator('[data-testid="welcome"]').waitFor();

      // The menu shows the bastion's pages the role may use, in Chinese; not the asset editor's create button.
      await page.getByRole('menuitem', { name: '运维会话' }).waitFor();
      await page.getByRole('menuitem', { name: '命令规则' }).click();
      await page.locator('[data-testid="bastion-rules-table"], .RaList-noResults, .RaEmpty-message').first().waitFor();

      // 2. A command rule through the form.
      await page.getByRole('link', { name: '新建' }).click();
      await page.fill('input[name="name"]', '禁止下载工具');
      await page.fill('input[name="pattern"]', '^(curl|wget)\\b');
      await page.getByRole('combobox', { name: /动作/ }).click();
      await page.getByRole('option', { name: '阻断' }).click();
      await page.fill('input[name="priority"]', '10');
      await shot(page, '01-rule-form');
      await page.getByRole('button', { name: '保存' }).click();
      const ruleRow = page.locator('[data-testid="bastion-rules-table"] tr', { hasText: '禁止下载工具' });
      await ruleRow.waitFor();
      t.regex((await ruleRow.textContent()) ?? '', /\^\(curl\|wget\)\\b.*阻断/);
      await shot(page, '02-rules');
      const rules = await sec.client.get('/api/bastion/command-rules');
      t.true((rules.body.items as any[]).some((r) => r.name === '禁止下载工具' && r.action === 'deny' && r.priority === 10 && r.pattern === '^(curl|wget)\\b'), JSON.stringify(rules.body));

      // 3. The sessions page, searched by what was typed.
      await page.getByRole('menuitem', { name: '运维会话' }).click();
      await page.locator('[data-testid="bastion-sessions-table"]').waitFor();
      await page.fill('input[name="text"]', 'replay-marker');
      // The filter reaches the URL after react-admin's debounce; clicking before that would be undone by it.
      await page.waitForURL(/filter=.*replay-marker/);
      const row = page.locator('[data-testid="bastion-sessions-table"] tbody tr', { hasText: 'his-db01' });
      await until(async () => (await row.count()) === 1 && row, 'the search to narrow the list to the shell session');
      t.regex((await row.textContent()) ?? '', /ops\.li.*终端/);
      await shot(page, '03-sessions');

      // 4. The session's detail and its recording replayed in the xterm.js player, the output on screen.
      await row.click();
      await page.waitForURL(`**/bastion-sessions/${ended.id}/show`);
      await page.locator('[data-testid="session-commands"]', { hasText: 'echo replay-marker-$((6*7))' }).waitFor();
      await page.click('[data-testid="recording-play"]');
      const term = page.locator('[data-testid="recording-player"] .xterm-rows');
      await term.waitFor();
      await until(async () => ((await term.innerText()).includes('replay-marker-42') ? true : null), 'the replayed output on screen', 20_000);
      await sleep(300);
      await shot(page, '04-replay');

      // 5. The asset tree: the folder holds the asset, and a secadmin (bastion.read only) gets no create button.
      await page.getByRole('menuitem', { name: '运维资产', exact: true }).click();
      await page.locator('[data-testid="asset-tree"]', { hasText: 'his' }).waitFor();
      await page.locator('[data-testid="bastion-assets-table"]', { hasText: 'his-db01' }).waitFor();
      t.is(await page.getByRole('link', { name: '新建' }).count(), 0);
      await shot(page, '05-assets');
    } catch (err) {
      await shot(page, 'failure').catch(() => undefined);
      throw new Error(`${(err as Error).message}\npage errors: ${pageErrors.join('\n')}\nbad responses: ${badResponses.join('\n')}`);
    }
    t.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    t.deepEqual(badResponses, [], 'no forbidden or failed API calls from the console');
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    await sshd?.stop();
    await db.drop();
  }
});
