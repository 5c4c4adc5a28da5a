import test from 'ava';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { UI_TIMEOUT_MS, createDatabase, launchChromium, prerequisites, screenshots, startServer, stopServer, tempDir, type Server, type TestDatabase, loginWithTotp } from './e2e-support';

/**
 * 审计报表 in the console: an audit administrator (审计管理员) downloads the bastion users report as Excel from the
 * reports page and the users report as HTML from the sessions list's 导出报表 menu; both files are read back.
 * Screenshots go to test-output/e2e/reports-*.png.
 */
const { shot, clear } = screenshots('reports');

test.serial('reports console: an audit administrator downloads bastion reports from the reports page and the sessions list', async (t) => {
  t.timeout(180_000);
  if (!(await prerequisites(t))) return;
  clear();
  const db: TestDatabase = await createDatabase('reports');
  let server: Server | null = null;
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const dir = tempDir('reports');
  try {
    server = await startServer(db.url, 'reports', { env: { YIYUN_ZONES: undefined } });
    const admin = new ApiClient(server.base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const made = await admin.post('/api/accounts', { loginId: 'aud.zhao', displayName: '审计员赵', roles: ['auditadmin'] });
    t.is(made.status, 201, JSON.stringify(made.body));
    const aud = new ApiClient(server.base);
    const { secret } = await loginThroughFirstSteps(aud, 'aud.zhao', made.body.initialPassword as string, 'Aud#Zhao2026xyz');

    // Seeded sessions (the gateway itself is exercised by bastion.e2e.test.ts).
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(`insert into bastion.assets (name, address) values ('his-app01', '10.1.1.1') returning id`);
      const s = await pg.query(
        `insert into bastion.sessions (operator_account_id, operator_login, source_ip, asset_id, asset_name, account_username, kind, started_at, ended_at, end_reason)
         values (gen_random_uuid(), 'ops.e2e', '192.0.2.9', $1, 'his-app01', 'root', 'shell', now() - interval '1 hour', now() - interval '50 minutes', 'client disconnected') returning id`,
        [rows[0].id],
      );
      await pg.query(`insert into bastion.session_commands (session_id, command, verdict) values ($1, 'rm -rf /', 'denied'), ($1, 'uptime', 'allowed')`, [s.rows[0].id]);
    } finally {
      await pg.end();
    }

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (err) => pageErrors.push(String(err)));

    await loginWithTotp(page, server.base, 'aud.zhao', 'Aud#Zhao2026xyz', secret!);
    await page.locator('[data-testid="welcome"]').waitFor();

    // 1. The reports page: the bastion users report as Excel.
    await page.getByRole('menuitem', { name: '审计报表' }).click();
    await page.getByLabel('堡垒机用户报表').check();
    await shot(page, '01-reports-page');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="report-download-xlsx"]').click()]);
    t.regex(xlsx.suggestedFilename(), /^bastion-users-\d{8}-\d{6}\.xlsx$/);
    const xlsxPath = path.join(dir, xlsx.suggestedFilename());
    await xlsx.saveAs(xlsxPath);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(xlsxPath) as never);
    const ws = wb.getWorksheet('堡垒机用户报表')!;
    t.is(ws.getRow(1).getCell(1).value, '用户');
    t.is(ws.getRow(2).getCell(1).value, 'ops.e2e');
    t.is(ws.getRow(2).getCell(5).value, 1, 'one denied command');
    await page.locator('[data-testid="report-last"]').waitFor();
    t.regex((await page.locator('[data-testid="report-last"]').textContent()) ?? '', /SM3：[0-9a-f]{64}/);

    // 2. The sessions list's export menu, with the list's filters: the users report as HTML.
    await page.getByRole('menuitem', { name: '运维会话' }).click();
    await page.locator('[data-testid="bastion-sessions-table"]').waitFor();
    await page.locator('[data-testid="bastion-sessions-export"]').click();
    await shot(page, '02-sessions-export-menu');
    const [html] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="bastion-sessions-export-bastion-users-html"]').click()]);
    const htmlPath = path.join(dir, html.suggestedFilename());
    await html.saveAs(htmlPath);
    const text = readFileSync(htmlPath, 'utf8');
    t.true(text.includes('<title>堡垒机用户报表</title>'));
    t.true(text.includes('ops.e2e'));

    const trail = await aud.get('/api/audit/records?action=bastion_report.exported');
    t.deepEqual((trail.body.items as any[]).map((r) => r.detail.format).sort(), ['html', 'xlsx']);
    t.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    if (server) await stopServer(server);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
