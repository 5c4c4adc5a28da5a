import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totpAt } from '../../core/crypto/totp';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { UI_TIMEOUT_MS, sleep, dbUrl, adminSql, launchChromium, login, prerequisites, screenshots, startServer, stopServer, tempDir, type Server } from './e2e-support';

const { shot, clear } = screenshots('compliance');

/**
 * The compliance room in the console, the way an assessor (测评机构) meets it: `yiyun serve` over a fresh
 * PostgreSQL database (which runs the checks once by itself at start-up), the system administrator creates a
 * security administrator and an assessor through the API, the security administrator weakens the password policy
 * and runs the checks (so L3-CES1-01 turns 不符合),
 * then chromium logs in as the assessor: dashboard with the score, the item list
 * filtered by 不符合, one item with its evidence (a file downloaded), the evidence pack exported and opened as a
 * zip with its manifest — and no 'record verdict' (evidence) or 'run checks' action anywhere, only the 测评结论. Finally the security
 * administrator records a manual verdict with an uploaded file through the form and runs the checks from the
 * dashboard.
 */

test.serial('compliance console: an assessor sees the scores and evidence read-only and exports the pack; the security administrator records a verdict', async (t) => {
  t.timeout(300_000);
  if (!(await prerequisites(t))) return;
  clear();
  // Downloads (an evidence file, the pack) land in a directory of this run, never in the shared output folder.
  const downloads = tempDir('compliance-downloads');
  const started = Date.now();
  const timings: string[] = [];
  const mark = (what: string) => timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const dbName = `yiyun_e2e_cmp_${randomBytes(4).toString('hex')}`;
  await adminSql(`CREATE DATABASE ${dbName}`);
  let server: Server | null = null;
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  const watch = (page: Page, who: string) => {
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (err) => {
      pageErrors.push(`${who}: ${String(err)}`);
    });
    // React reports a render error caught by react-admin's error page on the console, not as a page error.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`${who} console: ${m.text().slice(0, 500)}`);
    });
    // The console must only call what the account may call: a 403 means a button showed wrongly.
    page.on('response', (res) => {
      if (new URL(res.url()).pathname.startsWith('/api/') && (res.status() === 403 || res.status() >= 500)) {
        badResponses.push(`${who}: ${res.request().method()} ${res.url()} → ${res.status()}`);
      }
    });
  };
  try {
    // As deployed: the checks run by themselves at start-up (the harness turns that off for the other suites).
    server = await startServer(dbUrl(dbName), 'cmp', { env: { YIYUN_COMPLIANCE_ON_START: 'true' } });
    const base = server.base;
    mark('server ready');

    // 1. Through the API: the administrator creates a security administrator and an assessor.
    const admin = new ApiClient(base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const sec = await admin.post('/api/accounts', { loginId: 'secops01', displayName: '安全员李强', roles: ['secadmin'] });
    t.is(sec.status, 201, JSON.stringify(sec.body));
    const ass = await admin.post('/api/accounts', { loginId: 'cepingshi', displayName: '测评师周文', roles: ['assessor'] });
    t.is(ass.status, 201, JSON.stringify(ass.body));
    const secClient = new ApiClient(base);
    const secPassword = 'Anquan#2026sec';
    const { secret: secSecret } = await loginThroughFirstSteps(secClient, 'secops01', sec.body.initialPassword as string, secPassword);
    t.truthy(secSecret, 'the security administrator enrolled TOTP');

    // 2. The security administrator weakens the password policy and runs the checks (platform/identity's own test
    //    proves the pass → fail turn and the score drop; here one run is enough to have a 不符合 item).
    t.is((await secClient.patch('/api/security-policy', { passwordMaxAgeDays: 365 })).status, 200);
    // The start-up run may still be going: "run now" waits for it, then runs afresh (so the weakened policy shows).
    const run = await secClient.post('/api/compliance/runs');
    t.is(run.status, 201, JSON.stringify(run.body));
    const runs = (await secClient.get('/api/compliance/runs')).body.items as Array<{ trigger: string; status: string; actor: string }>;
    t.deepEqual(runs.map((r) => [r.trigger, r.status, r.actor]).reverse(), [['startup', 'done', 'system:compliance-startup'], ['manual', 'done', 'secops01']], 'the start-up run needed no click');
    const overview = (await secClient.get('/api/compliance/overview')).body;
    const failing = (await secClient.get('/api/compliance/items?verdict=fail&limit=500')).body as { items: Array<{ id: string }>; total: number };
    t.true(failing.items.some((i) => i.id === 'L3-CES1-01'), 'L3-CES1-01 is 不符合');
    mark('checks ran');

    browser = await launchChromium();
    const newContext = (): Promise<BrowserContext> => browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, acceptDownloads: true });

    // 3. The assessor's first login: one-time password → forced change → no MFA for this role.
    const assessorCtx = await newContext();
    const page = await assessorCtx.newPage();
    watch(page, 'assessor');
    const assessorPassword = 'Ceping#2026view';
    await login(page, base, 'cepingshi', ass.body.initialPassword as string);
    await page.waitForURL('**/password-change');
    await page.fill('input[name="currentPassword"]', ass.body.initialPassword as string);
    await page.fill('input[name="newPassword"]', assessorPassword);
    await page.fill('input[name="confirmPassword"]', assessorPassword);
    await page.click('[data-testid="password-submit"]');
    await page.getByText('欢迎，测评师周文').waitFor();
    mark('assessor logged in');

    // 4. The dashboard: the score the API computes, its grade, the categories, the trend with both runs.
    await page.getByRole('menuitem', { name: '合规总览' }).click();
    await page.waitForURL('**/compliance-dashboard');
    const score = page.locator('[data-testid="dengbao-score"]');
    await score.waitFor();
    t.is(Number(await score.getAttribute('data-score')), overview.dengbao.score, 'the dashboard shows the API score');
    t.is((await page.locator('[data-testid="dengbao-grade"]').textContent())?.trim(), overview.dengbao.grade);
    t.is(await page.locator('[data-testid="dengbao-categories"] [data-testid="score-bar"]').count(), 10, 'ten 安全类 bars');
    t.is(await page.locator('[data-testid="dengbao-trend"]').getAttribute('data-points'), '2', 'the trend has the start-up run and the manual one');
    t.true((await page.locator('[data-testid="dengbao-drag"] [data-testid="drag-row"]').count()) > 0, 'items dragging the score are listed');
    t.is((await page.locator('[data-testid="count-dengbao-l3-fail"]').textContent())?.replace(/\D/g, ''), String(overview.dengbao.counts.fail));
    t.is(await page.locator('[data-testid="compliance-run"]').count(), 0, 'the assessor cannot run the checks');
    t.is(await page.locator('[data-testid="compliance-export"]').count(), 1, 'the assessor may export');
    const dashShot = await shot(page, '10-dashboard');
    t.true(statSync(dashShot).size > 20_000, 'dashboard screenshot is not empty');

    // 5. The item list filtered by 不符合: every row says so, and L3-CES1-01 is among them.
    await page.getByRole('menuitem', { name: '测评条目' }).click();
    await page.waitForURL(/\/compliance(\?.*)?$/);
    await page.locator('[data-testid="compliance-items"] [data-testid="verdict-chip"]').first().waitFor();
    await page.getByRole('combobox', { name: /判定/ }).click();
    await page.getByRole('option', { name: '不符合', exact: true }).click();
    await page.waitForURL(/verdict%22%3A%22fail|verdict":"fail/);
    const rowChips = page.locator('[data-testid="compliance-items"] tbody [data-testid="verdict-chip"]');
    await t.notThrowsAsync(async () => {
      for (let i = 0; i < 100; i++) {
        const verdicts = await rowChips.evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
        if (verdicts.length === failing.total && verdicts.every((v) => v === 'fail')) return;
        await sleep(100);
      }
      throw new Error('the filtered list did not settle on the 不符合 items');
    });
    t.is(await rowChips.first().textContent(), '不符合');
    await shot(page, '11-items-fail');

    // 6. One item with its evidence: verdict, the check's structured evidence, a file that downloads.
    await page.locator('[data-testid="compliance-items"] tbody tr', { hasText: 'L3-CES1-01' }).click();
    await page.waitForURL(/\/compliance\/L3-CES1-01\/show$/);
    await page.locator('[data-testid="item-verdict"][data-verdict="fail"]').waitFor();
    const evidence = page.locator('[data-testid="item-evidence"]');
    await evidence.locator('[data-testid="check-result"]').first().waitFor();
    t.regex((await evidence.locator('[data-testid="evidence-data"]').first().textContent()) ?? '', /passwordMaxAgeDays|365/, 'the policy evidence is shown');
    t.is(await page.locator('[data-testid="compliance-record-verdict"]').count(), 0, 'no record-verdict (evidence) action for the assessor');
    t.is(await page.locator('[data-testid="compliance-record-conclusion"]').count(), 1, 'the assessor may record a 测评结论');
    const fileLinks = evidence.locator('[data-testid="evidence-file"]');
    if ((await fileLinks.count()) > 0) {
      const [dl] = await Promise.all([page.waitForEvent('download'), fileLinks.first().click()]);
      const saved = path.join(downloads, `evidence-${dl.suggestedFilename()}`);
      await dl.saveAs(saved);
      t.true(statSync(saved).size > 0, 'the evidence file downloads');
      rmSync(saved, { force: true });
    }
    await shot(page, '12-item');
    mark('item checked');

    // 7. The export: a zip with the signed manifest inside.
    await page.getByRole('menuitem', { name: '合规总览' }).click();
    await page.locator('[data-testid="dengbao-score"]').waitFor();
    const exportStarted = Date.now();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      (async () => {
        await page.click('[data-testid="compliance-export"]');
        await page.locator('[data-testid="export-progress"]').waitFor();
        await shot(page, '13-exporting');
      })(),
    ]);
    const zipPath = path.join(downloads, 'compliance-evidence-pack.zip');
    await download.saveAs(zipPath);
    t.regex(download.suggestedFilename(), /^yiyun-evidence-.*\.zip$/);
    const zip = await JSZip.loadAsync(readFileSync(zipPath));
    const names = Object.keys(zip.files);
    const manifestName = names.find((n) => n === 'manifest.json' || n.endsWith('/manifest.json'));
    t.truthy(manifestName, `manifest.json in the zip (${names.slice(0, 5).join(', ')} …)`);
    const manifest = JSON.parse(await zip.file(manifestName!)!.async('string')) as { files?: unknown[] };
    t.true(Array.isArray(manifest.files) && manifest.files.length > 5, 'the manifest lists the pack files');
    t.true(names.some((n) => n.endsWith('manifest.sig')), 'the signature is in the zip');
    t.log(`export took ${((Date.now() - exportStarted) / 1000).toFixed(1)} s, ${statSync(zipPath).size} bytes, ${names.length} entries`);
    rmSync(zipPath, { force: true });
    await page.locator('[data-testid="export-progress"]').waitFor({ state: 'detached' });
    mark('pack exported');
    await assessorCtx.close();

    // 8. The security administrator records a manual verdict with a file through the form.
    const secCtx = await newContext();
    const sp = await secCtx.newPage();
    watch(sp, 'secadmin');
    await login(sp, base, 'secops01', secPassword);
    await sp.locator('[data-testid="mfa-submit"]').waitFor();
    await sp.fill('input[name="code"]', totpAt({ secretBase32: secSecret! }, Date.now() + 30_000));
    await sp.click('[data-testid="mfa-submit"]');
    await sp.getByText('欢迎，安全员李强').waitFor();
    await sp.goto(`${base}/compliance/L3-PES1-01/show`);
    await sp.locator('[data-testid="item-header"]').waitFor();
    await sp.click('[data-testid="compliance-record-verdict"]');
    const dialog = sp.locator('[data-testid="verdict-dialog"]');
    await dialog.waitFor();
    await dialog.getByRole('combobox', { name: /判定/ }).click();
    await sp.getByRole('option', { name: '部分符合', exact: true }).click();
    await dialog.locator('textarea[name="note"]').fill('机房位于县医院信息中心三楼，有防震与防风记录，缺少防雨检查记录。');
    await dialog.locator('input[type="file"]').setInputFiles({ name: '机房巡检记录.txt', mimeType: 'text/plain', buffer: Buffer.from('2026-11 巡检：门禁正常，温湿度正常。\n') });
    await dialog.getByText('机房巡检记录.txt').waitFor();
    await shot(sp, '14-verdict-form');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'detached' });
    const manual = sp.locator('[data-testid="item-manual"] [data-testid="manual-verdict"]');
    await manual.first().waitFor();
    t.regex((await manual.first().textContent()) ?? '', /部分符合[\s\S]*secops01[\s\S]*机房巡检记录\.txt/);
    await sp.locator('[data-testid="item-verdict"][data-verdict="partial"]').waitFor();
    await shot(sp, '15-item-manual');
    const detail = (await secClient.get('/api/compliance/items/L3-PES1-01')).body;
    t.is(detail.verdict, 'partial', 'the API has the recorded verdict');
    t.is(detail.manualVerdicts[0]?.files[0]?.name, '机房巡检记录.txt');
    t.is(await sp.locator('[data-testid="compliance-record-verdict"]').count(), 1);
    mark('manual verdict recorded');

    // 9. The security administrator runs the checks from the dashboard: a second point joins the trend.
    await sp.getByRole('menuitem', { name: '合规总览' }).click();
    await sp.locator('[data-testid="dengbao-trend"][data-points="2"]').waitFor();
    await sp.click('[data-testid="compliance-run"]');
    await sp.locator('[data-testid="dengbao-trend"][data-points="3"]').waitFor({ timeout: 90_000 });
    t.is(await sp.locator('[data-testid="compliance-run"]').isEnabled(), true);
    await shot(sp, '16-dashboard-secadmin');
    await secCtx.close();
    mark('checks ran from the console');

    t.log(timings.join('; '));
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
    rmSync(downloads, { recursive: true, force: true });
    await adminSql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  }
});
