import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { UI_TIMEOUT_MS, dbUrl, adminSql, launchChromium, prerequisites, screenshots, startServer, stopServer, type Server, watchPage, loginWithTotp } from './e2e-support';

const { shot, clear } = screenshots('crypto');

/**
 * The 国密 services in the console, the way a security administrator (安全管理员) meets them: `yiyun serve` over a
 * fresh PostgreSQL database, the system administrator creates the security administrator through the API, then
 * chromium logs in as her (password + TOTP): creates an SM4 master key, rotates it (version 2 becomes current,
 * the API agrees), issues an SM2 双证书 pair with SAN and validity (the private keys shown once, the API lists both
 * certificates), opens the signing certificate, and reads the 密评 crypto inventory with the new key and
 * certificates counted. Screenshots go to test-output/e2e/crypto-*.png.
 */

test.serial('crypto console: a security administrator creates and rotates a key, issues a certificate pair and reads the crypto inventory', async (t) => {
  t.timeout(600_000);
  if (!(await prerequisites(t))) return;
  clear();
  const dbName = `yiyun_e2e_crypto_${randomBytes(4).toString('hex')}`;
  await adminSql(`CREATE DATABASE ${dbName}`);
  let server: Server | null = null;
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  try {
    server = await startServer(dbUrl(dbName), 'crypto');
    const base = server.base;
    const admin = new ApiClient(base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const sec = await admin.post('/api/accounts', { loginId: 'miyao01', displayName: '安全员王敏', roles: ['secadmin'] });
    t.is(sec.status, 201, JSON.stringify(sec.body));
    const api = new ApiClient(base);
    const secPassword = 'Miyao#2026sec';
    const { secret } = await loginThroughFirstSteps(api, 'miyao01', sec.body.initialPassword as string, secPassword);
    t.truthy(secret, 'the security administrator enrolled TOTP');

    browser = await launchChromium();
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    watchPage(page, { pageErrors, badResponses }, { consoleErrors: true });

    await loginWithTotp(page, base, 'miyao01', secPassword, secret!);
    await page.getByText('欢迎，安全员王敏').waitFor();
    // The 密码服务 group is in the menu.
    await page.getByText('密码服务', { exact: true }).waitFor();

    // 1. A new master key through the form.
    await page.goto(`${base}/kms-keys`);
    await page.locator('[data-testid="key-create"]').click();
    await page.fill('input[name="alias"]', 'his/db-disks');
    await page.fill('input[name="rotationDays"]', '90');
    await page.fill('textarea[name="description"]', 'HIS 数据库云硬盘的数据密钥封装');
    await shot(page, '01-key-create');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-testid="key-state"][data-state="enabled"]').waitFor();
    t.is((await page.locator('[data-testid="key-version"]').textContent())?.trim(), '1');
    const keys = (await api.get('/api/kms/keys?q=his')).body as { items: Array<{ id: string; alias: string; rotationDays: number; currentVersion: number }> };
    const key = keys.items.find((k) => k.alias === 'his/db-disks');
    t.truthy(key, 'the API lists the key');
    t.is(key!.rotationDays, 90);
    // A use of the key shows up in its usage log.
    t.is((await api.post('/api/kms/encrypt', { keyId: key!.id, plaintext: Buffer.from('病历摘要').toString('base64') })).status, 200);

    // 2. Rotate: version 2 becomes current.
    await page.locator('[data-testid="key-rotate"]').click();
    await page.getByRole('button', { name: '确认' }).click();
    await page.locator('[data-testid="key-version"]', { hasText: '2' }).waitFor();
    await page.locator('[data-testid="key-versions"] tbody tr').nth(1).waitFor();
    t.is(await page.locator('[data-testid="key-versions"] tbody tr').count(), 2);
    t.is((await api.get(`/api/kms/keys/${key!.id}`)).body.currentVersion, 2, 'the API has the rotation');
    await page.reload();
    await page.locator('[data-testid="key-versions"]').waitFor();
    await page.getByText('encrypt', { exact: true }).first().waitFor();
    await shot(page, '02-key-rotated');

    // 3. Issue a 双证书 pair with SAN and validity.
    await page.goto(`${base}/certificates`);
    await page.locator('[data-testid="crl-link"]').waitFor();
    await page.locator('[data-testid="cert-issue"]').click();
    await page.fill('input[name="commonName"]', 'his.liangcheng.local');
    await page.fill('input[name="organization"]', '凉城县人民医院');
    await page.fill('textarea[name="dnsNames"]', 'his.liangcheng.local, his-api.liangcheng.local');
    await page.fill('textarea[name="ipAddresses"]', '10.20.1.5');
    await page.fill('input[name="validityDays"]', '730');
    await shot(page, '03-cert-issue');
    await page.locator('[data-testid="cert-issue-submit"]').click();
    await page.locator('[data-testid="cert-issued"]').waitFor();
    await page.getByText('-----BEGIN PRIVATE KEY-----').first().waitFor();
    await shot(page, '04-cert-issued');
    const serial = (await page.locator('[data-testid="cert-issued-serial"]').textContent())?.trim();
    const certs = (await api.get('/api/ca/certificates?q=his.liangcheng.local')).body as { items: Array<{ id: string; usage: string; serial: string; san: Array<{ type: string; value: string }>; notBefore: string; notAfter: string }> };
    t.deepEqual(certs.items.map((c) => c.usage).sort(), ['encryption', 'signing'], 'the pair is issued');
    const signing = certs.items.find((c) => c.usage === 'signing')!;
    t.is(signing.serial, serial ?? '');
    t.deepEqual(signing.san.map((s) => s.value), ['his.liangcheng.local', 'his-api.liangcheng.local', '10.20.1.5']);
    const days = (Date.parse(signing.notAfter) - Date.parse(signing.notBefore)) / 86_400_000;
    t.true(Math.abs(days - 730) < 1.1, `validity ${days} days`);
    await page.locator('[data-testid="cert-open-signing"]').click();
    await page.locator('[data-testid="cert-status"][data-status="valid"]').waitFor();
    await page.locator('[data-testid="cert-pem"]', { hasText: 'BEGIN CERTIFICATE' }).waitFor();
    await shot(page, '05-cert-show');

    // 4. The crypto inventory: algorithms with their OIDs, the new key and the pair counted, both zones' CAs.
    await page.goto(`${base}/crypto-inventory`);
    await page.locator('[data-testid="crypto-inventory"]').waitFor();
    await page.locator('[data-testid="inventory-algorithms"]', { hasText: '1.2.156.10197.1.501' }).waitFor();
    const inventoryText = (await page.locator('[data-testid="crypto-inventory"]').textContent()) ?? '';
    for (const word of ['SM2', 'SM3', 'SM4-CTR + HMAC-SM3', '根 CA', '签发 CA', 'liangcheng-internet']) t.true(inventoryText.includes(word), `the inventory shows ${word}`);
    t.regex((await page.locator('[data-testid="inventory-keys"]').textContent()) ?? '', /已启用.*KMS 生成.*1/);
    t.regex((await page.locator('[data-testid="inventory-certificates"]').textContent()) ?? '', /签名有效\d+/);
    await shot(page, '06-inventory');

    // The ferry history page renders (empty on a fresh zone) with the declared flows.
    await page.goto(`${base}/ferry-transfers`);
    await page.locator('[data-testid="ferry-flows"]', { hasText: 'internet-audit-logs' }).waitFor();
    await shot(page, '07-ferry');

    // 5. KMS tools: a test payload encrypted under the new key and decrypted back in the console.
    await page.goto(`${base}/kms-tools`);
    await page.locator('[data-testid="encrypt-key"]').click();
    await page.getByRole('option', { name: /his\/db-disks/ }).click();
    await page.fill('[data-testid="encrypt-plaintext"]', '检验报告 样本 0042');
    await page.click('[data-testid="encrypt-submit"]');
    const cipherBox = page.locator('[data-testid="encrypt-ciphertext"]');
    for (let i = 0; i < 100 && (await cipherBox.inputValue()).length < 20; i++) await page.waitForTimeout(100);
    t.true((await cipherBox.inputValue()).length >= 20, 'the console shows the ciphertext');
    await page.click('[data-testid="decrypt-submit"]');
    await page.locator('[data-testid="decrypt-result"]', { hasText: '检验报告 样本 0042' }).waitFor();
    await shot(page, '08-kms-tools');

    // 6. The signing service: sign a pasted text, download the detached yiyun-sig/1 signature, verify it (signer
    //    certificate and chain to the zone root shown), and see a changed text fail.
    await page.goto(`${base}/signing`);
    const referral = '转诊单 2026-11-25 张三 → 县人民医院';
    await page.fill('[data-testid="sign-text"]', referral);
    await page.fill('[data-testid="sign-label"]', '转诊单');
    await page.click('[data-testid="sign-submit"]');
    await page.locator('[data-testid="sign-envelope"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="sign-download"]')]);
    const sigPath = await download.path();
    const envelope = JSON.parse(readFileSync(sigPath, 'utf8')) as { format: string; label: string; certificates: string[] };
    t.is(envelope.format, 'yiyun-sig/1');
    t.is(envelope.label, '转诊单');
    t.is(envelope.certificates.length, 3, 'the signature carries the chain');
    const apiCheck = await api.post('/api/signing/verify', { payload: Buffer.from(referral).toString('base64'), envelope });
    t.true(apiCheck.body.valid, JSON.stringify(apiCheck.body));
    await page.fill('[data-testid="verify-text"]', referral);
    await page.setInputFiles('[data-testid="verify-sig-file"]', sigPath);
    await page.click('[data-testid="verify-submit"]');
    const ok = page.locator('[data-testid="verify-result"]', { hasText: '签名有效' });
    await ok.waitFor();
    const okText = (await ok.textContent()) ?? '';
    t.regex(okText, /signing\.liangcheng-dmz\.yiyun/);
    t.regex(okText, /yiyun SM2 Root CA liangcheng-dmz/);
    await shot(page, '09-signing-verified');
    await page.fill('[data-testid="verify-text"]', `${referral}（改）`);
    await page.click('[data-testid="verify-submit"]');
    await page.locator('[data-testid="verify-result"]', { hasText: '签名无效' }).waitFor();
    await shot(page, '10-signing-tampered');
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
    await adminSql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  }
});
