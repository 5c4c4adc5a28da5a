import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { UI_TIMEOUT_MS, createDatabase, freePort, launchChromium, prerequisites, screenshots, sleep, startServer, stopServer, tempDir, type Server, type TestDatabase, watchPage, loginWithTotp } from './e2e-support';
import { until } from '../support/wait';

const run = promisify(execFile);
const { shot, clear } = screenshots('log-audit');
const CORPORA = process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../shared/corpora');
const ATTACKER = '112.95.230.3';

/** The sshd messages of the first lines of the Loghub OpenSSH sample (a brute-force run from 112.95.230.3 among them). */
function loghubMessages(lines: number): string[] {
  return readFileSync(path.join(CORPORA, 'loghub/OpenSSH/OpenSSH_2k.log'), 'utf8')
    .split(/\r?\n/)
    .slice(0, lines)
    .map((l) => /sshd\[\d+\]: (.*)$/.exec(l)?.[1])
    .filter((m): m is string => !!m);
}

/** util-linux `logger` as an operator would point it at yiyun: one syslog message per line of the file. */
async function logger(args: string[], file: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await run('logger', ['-n', '127.0.0.1', ...args, '--rfc3164', '-f', file]);
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(250);
    }
  }
}

const waitFor = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) => until(fn, what, ms, 300);

/**
 * The log audit end to end, the way the new user meets it: `yiyun serve` with syslog over TCP and UDP,
 * util-linux `logger` sends the Loghub OpenSSH sample (a brute-force run among it) and a line of an in-house
 * application; the security administrator logs in (password + TOTP), finds the events parsed in the search page,
 * opens one with its raw line, sees the brute-force alert and moves it new → acknowledged → closed with a note,
 * builds a parser in the parse editor, tests sample lines against it and activates it (a new line is then parsed
 * by it), and looks at the sources and the retention page. Screenshots: test-output/e2e/log-audit-*.png.
 */
test.serial('log audit console: syslog in, parsed events searched, brute-force alert worked through, a parser built and activated', async (t) => {
  t.timeout(600_000);
  if (!(await prerequisites(t))) return;
  clear();
  let db: TestDatabase | null = null;
  let server: Server | null = null;
  let browser: Browser | null = null;
  const work = tempDir('log-audit');
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  try {
    db = await createDatabase('logaudit');
    const tcpPort = await freePort();
    const udpPort = await freePort();
    server = await startServer(db.url, 'log-audit', { env: { YIYUN_SYSLOG_HOST: '127.0.0.1', YIYUN_SYSLOG_TCP_PORT: String(tcpPort), YIYUN_SYSLOG_UDP_PORT: String(udpPort) } });
    const base = server.base;
    const admin = new ApiClient(base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const sec = await admin.post('/api/accounts', { loginId: 'anquan01', displayName: '安全员李静', roles: ['secadmin'] });
    t.is(sec.status, 201, JSON.stringify(sec.body));
    const api = new ApiClient(base);
    const secPassword = 'Anquan#2026log';
    const { secret } = await loginThroughFirstSteps(api, 'anquan01', sec.body.initialPassword as string, secPassword);

    // Syslog in: the Loghub sample over TCP, two more lines over UDP.
    const messages = loghubMessages(150);
    const sshFile = path.join(work, 'sshd.txt');
    writeFileSync(sshFile, `${messages.join('\n')}\n`);
    await logger(['-P', String(tcpPort), '-T', '-t', 'sshd', '--id=24200', '-p', 'authpriv.info'], sshFile);
    const udpFile = path.join(work, 'udp.txt');
    writeFileSync(udpFile, 'Accepted publickey for ops from 10.20.1.9 port 50122 ssh2\n');
    await logger(['-P', String(udpPort), '-d', '-t', 'sshd', '--id=31337', '-p', 'authpriv.info'], udpFile);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const stored = await waitFor('the syslog lines to be stored', async () => {
      const r = await api.post('/api/log-audit/search', { from, filters: [{ field: 'process.name', value: 'sshd' }], limit: 1 });
      return r.body.total >= messages.length + 1 ? (r.body.total as number) : null;
    });
    t.is(stored, messages.length + 1, 'every line sent over TCP and UDP is stored once');
    const fails = await api.post('/api/log-audit/search', { from, filters: [{ field: 'source.ip', value: ATTACKER }, { field: 'event.outcome', value: 'failure' }], limit: 1 });
    t.true(fails.body.total >= 26, `failures from ${ATTACKER}: ${fails.body.total}`);
    const alert = await waitFor('the brute-force alert', async () => {
      const r = await api.get('/api/log-audit/alerts?status=new&limit=100');
      return (r.body.items as Array<{ id: string; ruleTitle: string; groupKey: Record<string, string> }>).find((a) => a.ruleTitle === 'SSH brute force from one address' && a.groupKey['source.ip'] === ATTACKER);
    });

    browser = await launchChromium();
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    watchPage(page, { pageErrors, badResponses }, { consoleErrors: true });

    await loginWithTotp(page, base, 'anquan01', secPassword, secret!);
    await page.getByText('欢迎，安全员李静').waitFor();

    // 1. The search page: parsed events; full text narrows to the attacker; the detail shows the raw line.
    await page.goto(`${base}/log-search`);
    const results = page.locator('[data-testid="log-search-results"]');
    await results.locator('tbody tr', { hasText: ATTACKER }).first().waitFor();
    await page.getByLabel('全文检索').fill(ATTACKER);
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByText(/共 \d+ 条|of \d+|\d+–\d+/).first().waitFor();
    const rows = results.locator('tbody tr');
    await rows.first().waitFor();
    // The unfiltered page is still shown until the search answers (its total text was already there): wait for
    // the rows about anything else to go. A search that kept them fails here, on the timeout.
    await rows.filter({ hasNotText: ATTACKER }).first().waitFor({ state: 'detached' });
    for (const text of await rows.allTextContents()) t.true(text.includes(ATTACKER), `every row is about ${ATTACKER}: ${text}`);
    await shot(page, '01-search');
    await rows.filter({ hasText: 'Failed password' }).first().click();
    const detail = page.getByRole('dialog');
    await detail.getByText('原始日志').waitFor();
    await detail.getByText(/sshd\[24200\]: Failed password for .* from 112\.95\.230\.3 port \d+ ssh2/).first().waitFor();
    t.regex((await detail.textContent()) ?? '', /source\.ip.*112\.95\.230\.3/s);
    t.regex((await detail.textContent()) ?? '', /event\.action.*ssh_login/s);
    await shot(page, '02-event-detail');
    await page.keyboard.press('Escape');

    // 2. The alert: new → acknowledged → closed with a note.
    await page.goto(`${base}/log-alerts`);
    await page.locator('[data-testid="log-alerts-table"] tbody tr', { hasText: 'SSH brute force from one address' }).first().waitFor();
    await shot(page, '03-alerts');
    await page.goto(`${base}/log-alerts/${alert.id}/show`);
    await page.getByText(`"source.ip": "${ATTACKER}"`).waitFor();
    await page.getByRole('button', { name: '确认', exact: true }).click();
    await waitFor('acknowledged', async () => (await api.get(`/api/log-audit/alerts/${alert.id}`)).body.status === 'acknowledged');
    await page.getByText('acknowledged', { exact: true }).waitFor();
    await page.getByLabel('处置说明').fill('已在边界防火墙封禁 112.95.230.3，核实无成功登录');
    await page.getByRole('button', { name: '关闭', exact: true }).click();
    const closed = await waitFor('closed', async () => {
      const a = (await api.get(`/api/log-audit/alerts/${alert.id}`)).body;
      return a.status === 'closed' ? a : null;
    });
    t.is(closed.note, '已在边界防火墙封禁 112.95.230.3，核实无成功登录');
    t.is(closed.statusBy, 'anquan01');
    await page.getByText('closed', { exact: true }).waitFor();
    await shot(page, '04-alert-closed');

    // 3. The parse editor: a regex parser for an in-house EMR application, tested on samples, saved and activated.
    await page.goto(`${base}/log-parsers`);
    await page.getByText('自定义解析器').first().waitFor();
    await page.goto(`${base}/log-parsers/create`);
    await page.locator('[data-testid="parser-name"]').fill('emr-access');
    await page.locator('[data-testid="parser-pattern"]').fill('^EMR user=(?<user>\\S+) opened record (?<record>\\S+) from (?<ip>\\S+)$');
    await page.locator('[data-testid="mapping-add"]').click();
    await page.locator('[data-testid="mapping-from-0"]').fill('user');
    await page.locator('[data-testid="mapping-to-0"]').fill('user.name');
    await page.locator('[data-testid="mapping-add"]').click();
    await page.locator('[data-testid="mapping-from-1"]').fill('ip');
    await page.locator('[data-testid="mapping-to-1"]').fill('source.ip');
    await page.locator('[data-testid="parser-samples"]').fill('EMR user=zhangwei opened record ZY20261125-0042 from 10.30.2.17\nsomething else entirely');
    await page.locator('[data-testid="parser-test"]').click();
    await page.locator('[data-testid="parser-summary"]', { hasText: '2 行中 1 行解析成功' }).waitFor();
    const resultRows = page.locator('[data-testid="parser-results"] tbody tr');
    t.is(await resultRows.nth(0).getAttribute('data-matched'), 'true');
    t.is(await resultRows.nth(1).getAttribute('data-matched'), 'false');
    const parsed = (await resultRows.nth(0).textContent()) ?? '';
    for (const f of ['"user.name": "zhangwei"', '"source.ip": "10.30.2.17"', '"custom.emr-access.record": "ZY20261125-0042"']) t.true(parsed.includes(f), `the test shows ${f}`);
    await shot(page, '05-parser-test');
    await page.locator('[data-testid="parser-save"]').click();
    await page.waitForURL(/\/log-parsers\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="parser-activate"]').click();
    await page.locator('[data-testid="parser-state"][data-active="true"]').waitFor();
    await shot(page, '06-parser-active');
    const parsers = (await api.get('/api/log-audit/parsers')).body.items as Array<{ name: string; active: boolean }>;
    t.deepEqual(parsers.map((p) => [p.name, p.active]), [['emr-access', true]]);
    // The ingest applies it at once.
    const emrFile = path.join(work, 'emr.txt');
    writeFileSync(emrFile, 'EMR user=liuyang opened record MZ20261125-0007 from 10.30.2.18\n');
    await logger(['-P', String(tcpPort), '-T', '-t', 'emr', '-p', 'local0.info'], emrFile);
    const emr = await waitFor('the EMR line parsed by the new parser', async () => {
      const r = await api.post('/api/log-audit/search', { from, filters: [{ field: 'user.name', value: 'liuyang' }] });
      return r.body.items[0] as { parser: string; fields: Record<string, unknown> } | undefined;
    });
    t.is(emr.parser, 'custom:emr-access');
    t.is(emr.fields['source.ip'], '10.30.2.18');

    // 4. Sources (auto-registered sender with last-seen and rate) and retention.
    await page.goto(`${base}/log-sources`);
    await page.locator('[data-testid="log-sources-table"] tbody tr', { hasText: '127.0.0.1' }).first().waitFor();
    await shot(page, '07-sources');
    await page.goto(`${base}/log-retention`);
    await page.getByTestId('retention-usage').waitFor();
    t.is(await page.locator('[data-testid="retention-days"]').inputValue(), '180');
    await page.getByText('已归档日期').waitFor();
    // Below 180 days needs the explicit confirmation the API asks for.
    await page.locator('[data-testid="retention-days"]').fill('90');
    await page.locator('[data-testid="retention-save"]').click();
    await page.locator('[data-testid="retention-confirm"]').getByText('等保 2.0 三级要求日志至少保存 180 天').waitFor();
    t.true(await page.locator('[data-testid="retention-confirm-save"]').isDisabled(), 'nothing is saved before the box is ticked');
    await page.locator('[data-testid="retention-confirm-check"] input').check();
    await page.locator('[data-testid="retention-confirm-save"]').click();
    await waitFor('retention 90 days', async () => (await api.get('/api/log-audit/retention')).body.retentionDays === 90);
    await page.locator('[data-testid="retention-days"]').fill('180');
    await page.locator('[data-testid="retention-save"]').click();
    await waitFor('retention back to 180 days', async () => (await api.get('/api/log-audit/retention')).body.retentionDays === 180);
    // Archive yesterday (a closed day), see its SM3 digest and valid SM2 signature, restore it for search.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    // Three RFC 5424 lines of yesterday over plain TCP (newline framing), so the archived day holds events.
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect(tcpPort, '127.0.0.1', () => {
        sock.end(['03:10:00', '03:11:00', '03:12:00'].map((hms, i) => `<86>1 ${yesterday}T${hms}Z his01 sshd 4242 - - Failed password for root from 198.51.100.${i + 1} port 5000${i} ssh2\n`).join(''));
      });
      sock.once('close', () => resolve());
      sock.once('error', reject);
    });
    await waitFor('yesterday\'s lines stored', async () => (await api.post('/api/log-audit/search', { from: `${yesterday}T00:00:00Z`, to: `${yesterday}T23:59:59Z`, text: '198.51.100.' })).body.total === 3);
    await page.locator('[data-testid="archive-day"]').fill(yesterday);
    await page.locator('[data-testid="archive-now"]').click();
    const archivedRow = page.locator(`[data-testid="archives-table"] tr[data-day="${yesterday}"]`);
    await archivedRow.locator('[data-testid="archive-signature"][data-state="valid"]').waitFor();
    const archived = ((await api.get('/api/log-audit/archives')).body.items as Array<{ day: string; sm3: string; events: number }>).find((a) => a.day === yesterday)!;
    t.regex(archived.sm3, /^[0-9a-f]{64}$/);
    t.true(archived.events >= 3, `events archived: ${archived.events}`);
    t.true(((await archivedRow.textContent()) ?? '').includes(archived.sm3), 'the SM3 digest is shown');
    await archivedRow.locator(`[data-testid="archive-restore-${yesterday}"]`).click();
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByText(/已恢复 0 条事件（[1-9]\d* 条已存在）/).waitFor();
    await waitFor('restored', async () => ((await api.get('/api/log-audit/archives')).body.items as Array<{ day: string; restoredAt: string | null }>).find((a) => a.day === yesterday)?.restoredAt);
    await shot(page, '08-retention');

    // Rule import: a Sigma YAML file uploaded in the rules page.
    const ruleFile = path.join(work, 'emr-bulk-open.yml');
    writeFileSync(ruleFile, 'title: EMR record opened from an unexpected network\nid: 0d7f5a52-1c55-4e0e-b7d5-3f4e2a9c6b11\nlogsource: {product: linux}\ndetection:\n  sel: {user.name|exists: true, custom.emr-access.record|startswith: ZY}\n  filter: {source.ip|cidr: 10.30.0.0/16}\n  condition: sel and not filter\nlevel: medium\ntags: [attack.collection]\n');
    await page.goto(`${base}/log-rules`);
    await page.locator('[data-testid="rule-import"]').click();
    await page.locator('[data-testid="rule-files"] input[type="file"]').setInputFiles(ruleFile);
    await page.getByText('已载入 1 个文件').waitFor();
    await page.locator('[data-testid="rule-import-submit"]').click();
    await page.locator('[data-testid="log-rules-table"] tbody tr', { hasText: 'EMR record opened from an unexpected network' }).waitFor();
    t.is((await api.get('/api/log-audit/rules/0d7f5a52-1c55-4e0e-b7d5-3f4e2a9c6b11')).body.kind, 'detection');
    await shot(page, '09-rule-imported');

    // An HTTP source: a new token shown once from its edit page.
    const httpSource = await api.post('/api/log-audit/sources', { name: 'his-app', kind: 'http', parser: 'json' });
    t.is(httpSource.status, 201);
    await page.goto(`${base}/log-sources/${httpSource.body.id}`);
    await page.locator('[data-testid="source-rotate"]').click();
    await page.getByRole('button', { name: '确认' }).click();
    const newToken = ((await page.locator('[data-testid="one-time-secret"]').textContent()) ?? '').trim();
    t.true(newToken.length >= 20 && newToken !== httpSource.body.token, 'a new token is shown');
    await shot(page, '10-source-token');
    await page.locator('[data-testid="one-time-done"]').click();
    await ctx.close();

    t.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    t.deepEqual(badResponses, [], 'no forbidden or failed API calls from the console');
  } catch (err) {
    if (browser) {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await shot(pages[0], 'failure').catch(() => undefined);
    }
    t.log(`server output:\n${server?.output() ?? ''}`);
    t.log(`page errors: ${JSON.stringify(pageErrors)}; bad responses: ${JSON.stringify(badResponses)}`);
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) await stopServer(server);
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  }
});
