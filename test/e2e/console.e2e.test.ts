import test from 'ava';
import { statSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { totpAt } from '../../core/crypto/totp';
import { STOP_TIMEOUT_MS, UI_TIMEOUT_MS, launchChromium, login, prerequisites, screenshots, startServer, stopServer, watchPage, loginWithTotp } from './e2e-support';

/**
 * The console end to end, the way an operator meets it: `yiyun serve` on the embedded default (PGlite, no
 * preset admin password), headless Debian chromium, first login of the admin with the printed one-time
 * password, forced password change, TOTP enrolment, a tenant created through the console, an audit
 * administrator created and enrolled (三员分立: the system administrator cannot read the trail), the
 * tenant.created record found in the audit trail and the chain verified, and a second admin login through
 * the MFA step.
 */

const { shot, clear } = screenshots('console');

/** Password change, TOTP enrolment (code computed from the key shown on the page), recovery codes. Returns the TOTP key. */
async function finishFirstLogin(page: Page, currentPassword: string, newPassword: string, onMfaPage?: () => Promise<void>): Promise<string> {
  await page.waitForURL('**/password-change', { timeout: UI_TIMEOUT_MS });
  await page.fill('input[name="currentPassword"]', currentPassword);
  await page.fill('input[name="newPassword"]', newPassword);
  await page.fill('input[name="confirmPassword"]', newPassword);
  await page.click('[data-testid="password-submit"]');

  await page.waitForURL('**/mfa-enrolment', { timeout: UI_TIMEOUT_MS });
  const secretText = await page.locator('[data-testid="totp-secret"]').textContent({ timeout: UI_TIMEOUT_MS });
  const secret = (secretText ?? '').replace(/\s+/g, '');
  if (!/^[A-Z2-7]{16,}$/.test(secret)) throw new Error(`no TOTP key on the enrolment page: ${JSON.stringify(secretText)}`);
  await page.locator('img[src^="data:image/png"]').waitFor({ timeout: UI_TIMEOUT_MS });
  if (onMfaPage) await onMfaPage();
  await page.fill('input[name="code"]', totpAt({ secretBase32: secret }, Date.now()));
  await page.click('[data-testid="mfa-confirm"]');

  const codes = page.locator('[data-testid="recovery-codes"] span');
  await codes.first().waitFor({ timeout: UI_TIMEOUT_MS });
  if ((await codes.count()) !== 10) throw new Error(`expected 10 recovery codes, saw ${await codes.count()}`);
  await page.click('[data-testid="recovery-saved"]');
  await page.locator('[data-testid="welcome"]').waitFor({ timeout: UI_TIMEOUT_MS });
  return secret;
}

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '个人中心' }).click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL('**/login', { timeout: UI_TIMEOUT_MS });
  await page.locator('input[name="loginId"]').waitFor({ timeout: UI_TIMEOUT_MS });
}

test.serial('console: first login, MFA enrolment, tenant creation, audit trail and chain verification', async (t) => {
  t.timeout(180_000);
  if (!(await prerequisites(t))) return;
  // Screenshots of this run only (a stale failure shot would mislead); the other browser tests write theirs
  // into the same folder at the same time, so only this suite's files go.
  clear();

  const started = Date.now();
  const timings: string[] = [];
  const mark = (what: string) => timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The real first start: the embedded database, the admin's one-time password generated and printed, the
  // production rate limits.
  const server = await startServer(null, 'console', { generatedAdminPassword: true, productionRateLimits: true });
  mark('server ready');
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    watchPage(page, { pageErrors, badResponses });

    // 1. The admin's first login: one-time password → forced change → TOTP enrolment → recovery codes.
    const adminPassword = 'Liangcheng#2026a';
    await page.goto(server.base);
    await page.waitForURL('**/login');
    mark('browser up');
    await shot(page, '00-login');
    await login(page, server.base, 'admin', server.adminPassword);
    const adminSecret = await finishFirstLogin(page, server.adminPassword, adminPassword, async () => {
      await shot(page, '01-mfa-enrolment');
    });
    mark('admin enrolled');
    await page.getByText('欢迎，系统管理员').waitFor();
    await page.getByText('系统管理员', { exact: true }).first().waitFor();
    const dashboardShot = await shot(page, '02-dashboard');
    t.true(statSync(dashboardShot).size > 10_000, 'dashboard screenshot is not empty');

    // 2. A tenant, created through the console's menu and form.
    await page.getByRole('menuitem', { name: '租户' }).click();
    await page.waitForURL('**/tenants');
    await page.getByRole('link', { name: '新建', exact: true }).click();
    await page.waitForURL('**/tenants/create');
    await page.fill('input[name="code"]', 'lc-renmin');
    await page.fill('input[name="name"]', '凉城县人民医院');
    await page.getByRole('combobox', { name: /机构类型/ }).click();
    await page.getByRole('option', { name: '县级医院' }).click();
    await page.fill('input[name="contactName"]', '王主任');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/tenants\/[0-9a-f-]{36}\/show$/);
    const tenantId = /\/tenants\/([0-9a-f-]{36})\/show$/.exec(page.url())![1]!;
    await page.locator('[data-testid="tenant-basic"]').getByText('凉城县人民医院').waitFor();
    await page.locator('[data-testid="tenant-quota"]').waitFor();
    await shot(page, '03-tenant');
    mark('tenant created');

    // 3. An audit administrator (the system administrator holds no audit permission: 三员分立).
    await page.getByRole('menuitem', { name: '账号' }).click();
    await page.waitForURL('**/accounts');
    await page.getByRole('link', { name: '新建', exact: true }).click();
    await page.waitForURL('**/accounts/create');
    await page.fill('input[name="loginId"]', 'auditor01');
    await page.fill('input[name="displayName"]', '审计员张敏');
    await page.getByRole('combobox', { name: /角色/ }).click();
    await page.getByRole('option', { name: '审计管理员' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '保存' }).click();
    const secretBox = page.locator('[data-testid="one-time-secret"]');
    await secretBox.waitFor();
    const auditorInitial = ((await secretBox.textContent()) ?? '').trim();
    t.true(auditorInitial.length >= 12, 'the one-time password is shown');
    await shot(page, '04-account-one-time-password');
    await page.click('[data-testid="one-time-done"]');
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}\/show$/);
    await page.getByText('审计员张敏').first().waitFor();

    await logout(page);
    mark('auditor created');

    // 4. The auditor's first login, then the trail: tenant.created is there and the chain verifies.
    await login(page, server.base, 'auditor01', auditorInitial);
    await finishFirstLogin(page, auditorInitial, 'Shenji#2026audit');
    mark('auditor enrolled');
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.waitForURL('**/audit');
    const created = page.locator('[data-testid="audit-action"]', { hasText: /^tenant\.created$/ });
    await created.first().waitFor();
    t.is(await created.count(), 1, 'one tenant.created record');
    await page.locator('[data-testid="audit-action"]', { hasText: /^account\.mfa_enrolled$/ }).first().waitFor();
    const auditShot = await shot(page, '05-audit-trail');
    t.true(statSync(auditShot).size > 10_000, 'audit trail screenshot is not empty');

    await page.click('[data-testid="audit-verify"]');
    const verdict = page.locator('[data-testid="verify-result"]');
    await verdict.waitFor();
    t.is(await verdict.getAttribute('data-ok'), 'true', 'the chain verifies');
    t.regex((await verdict.textContent()) ?? '', /校验通过/);
    await shot(page, '06-audit-verified');
    await page.click('[data-testid="verify-close"]');

    // The trail narrowed to one object by its id: the tenant's record and nothing else.
    const rows = page.locator('[data-testid="audit-action"]');
    await page.getByRole('button', { name: '添加筛选' }).click();
    await page.getByRole('menu').getByText('对象 ID', { exact: true }).click();
    await page.fill('input[name="targetId"]', tenantId);
    // The auditor's own records (account.*) leave the page once the filter has been applied.
    await rows.filter({ hasText: /^account\./ }).first().waitFor({ state: 'detached' });
    t.deepEqual(await rows.allTextContents(), ['tenant.created'], 'the target-id filter keeps only the tenant’s record');
    await shot(page, '06-audit-filtered-by-target');

    // English is one click away and comes back: the menu and the filter speak it, then Chinese again.
    await page.locator('button[aria-haspopup="true"]', { hasText: '中文' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Audit trail' }).waitFor();
    await page.getByLabel('Target id').waitFor();
    t.is(await page.getByRole('menuitem', { name: '审计日志' }).count(), 0, 'no Chinese menu label left in English');
    await shot(page, '06-audit-english');
    await page.locator('button[aria-haspopup="true"]', { hasText: 'English' }).click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await page.getByRole('menuitem', { name: '审计日志' }).waitFor();
    await page.getByLabel('对象 ID').waitFor();

    await created.first().click();
    await page.waitForURL(/\/audit\/\d+\/show$/);
    const integrity = page.locator('[data-testid="audit-integrity"]');
    await integrity.waitFor();
    t.regex((await integrity.textContent()) ?? '', /[0-9a-f]{64}/, 'the record shows its SM3 hash');
    await page.getByText('凉城县人民医院').first().waitFor();
    await shot(page, '07-audit-record');
    mark('audit checked');

    await logout(page);

    // 5. The admin again: this time the second login step asks for the TOTP code (next time step: never a replay).
    await loginWithTotp(page, server.base, 'admin', adminPassword, adminSecret);
    await page.getByText('欢迎，系统管理员').waitFor();
    // The admin cannot see the audit trail: no menu item for it.
    t.is(await page.getByRole('menuitem', { name: '审计日志' }).count(), 0, 'no audit menu for the system administrator');

    mark('admin MFA login');
    t.log(timings.join('; '));
    t.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    t.deepEqual(badResponses, [], 'no forbidden or failed API calls from the console');
  } catch (err) {
    if (browser) {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await shot(pages[0], 'failure').catch(() => undefined);
    }
    t.log(`server output:\n${server.output()}`);
    t.log(`page errors: ${JSON.stringify(pageErrors)}; bad responses: ${JSON.stringify(badResponses)}`);
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    const code = await stopServer(server);
    t.is(code, 0, `yiyun serve exits 0 on SIGTERM within ${STOP_TIMEOUT_MS / 1000} s`);
  }
});
