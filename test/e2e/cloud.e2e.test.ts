import test from 'ava';
import { statSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { totpAt } from '../../core/crypto/totp';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps } from '../support/test-server';
import { STOP_TIMEOUT_MS, UI_TIMEOUT_MS, createDatabase, launchChromium, login, prerequisites, screenshots, startServer, stopServer, type Server, type TestDatabase, watchPage } from './e2e-support';

/**
 * The tenant self-service cloud end to end, the way hospital IT meets it: `yiyun serve` (over a fresh
 * PostgreSQL database; the zones bootstrapped from the stack config, default timings), a tenant and its
 * administrator made through the API by the platform admin, then headless chromium as the tenant admin:
 * first login (password change, TOTP enrolment), a VPC + subnet + security group (with a rule) + key pair,
 * a launch template and a VM from it, three more in one batch, a disk deleted into the recycle bin and
 * restored, the topology diagram and the overview customised. Screenshots go to test-output/e2e/cloud-*.png.
 */

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv0dGVzdGtleWZvcnRoZWNsb3VkdGVzdHNvbmx5 ops@hospital';
const { shot, file, clear } = screenshots('cloud');

/** Picks `option` in the MUI select labelled `label` (multi-selects are closed again with Escape). */
async function choose(scope: Page | Locator, page: Page, label: RegExp, option: string | RegExp, multi = false): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).first().click();
  if (multi) await page.keyboard.press('Escape');
}

async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: '保存' }).click();
}

test.serial('cloud console: a tenant builds its network, VMs from a template, a batch, and restores a disk from the recycle bin', async (t) => {
  t.timeout(360_000);
  if (!(await prerequisites(t))) return;
  clear();
  const started = Date.now();
  const timings: string[] = [];
  const mark = (what: string) => timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // A fresh PostgreSQL database (PGlite's first start costs a minute on a loaded CI machine). The real server
  // process (`npm start` runs this) over it; both zones on the embedded driver with the default timings,
  // bootstrapped from the stack config. Only the admin's password is preset, so the API client can take the
  // admin through its first login. A private copy of the console, in case dist/console is rebuilt meanwhile.
  const db: TestDatabase = await createDatabase('cloud');
  let server: Server | null = null;
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];
  try {
    server = await startServer(db.url, 'cloud', { snapshotConsole: true, productionRateLimits: true, env: { YIYUN_ZONES: undefined } });
    mark('server ready');
    // The platform side, through the API: a tenant with a quota and its administrator.
    const admin = new ApiClient(server.base);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const quota = { vcpu: 200, ramGb: 800, diskGb: 20000, vms: 50, volumes: 100, networks: 5, securityGroups: 10, floatingIps: 5, snapshots: 20, backups: 20 };
    const tenant = await admin.post('/api/tenants', { code: 'lc-renmin', name: '凉城县人民医院', kind: 'county_hospital', zone: 'liangcheng-dmz', quota });
    t.is(tenant.status, 201, JSON.stringify(tenant.body));
    const acc = await admin.post('/api/accounts', { loginId: 'renmin.it', displayName: '信息科李工', roles: ['tenant-admin'], tenantId: tenant.body.id });
    t.is(acc.status, 201, JSON.stringify(acc.body));
    const initial = acc.body.initialPassword as string;
    mark('tenant and account');

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    watchPage(page, { pageErrors, badResponses });
    const base = server.base;

    // 1. First login of the tenant administrator: forced password change, TOTP enrolment, recovery codes.
    await login(page, base, 'renmin.it', initial);
    await page.waitForURL('**/password-change');
    await page.fill('input[name="currentPassword"]', initial);
    await page.fill('input[name="newPassword"]', 'Renmin#Cloud2026');
    await page.fill('input[name="confirmPassword"]', 'Renmin#Cloud2026');
    await page.click('[data-testid="password-submit"]');
    await page.waitForURL('**/mfa-enrolment');
    const secret = ((await page.locator('[data-testid="totp-secret"]').textContent()) ?? '').replace(/\s+/g, '');
    await page.fill('input[name="code"]', totpAt({ secretBase32: secret }, Date.now()));
    await page.click('[data-testid="mfa-confirm"]');
    await page.locator('[data-testid="recovery-codes"] span').first().waitFor();
    await page.click('[data-testid="recovery-saved"]');
    // A tenant account lands on the cloud overview (its dashboard), in Chinese.
    await page.locator('[data-testid="cloud-overview"]').waitFor();
    await page.getByText('欢迎，信息科李工').waitFor();
    await page.locator('[data-testid="ov-widget-quota"]').getByText('云主机（台）').waitFor();
    for (const g of ['计算', '存储', '网络', '运维']) t.true((await page.getByText(g, { exact: true }).count()) > 0, `menu group ${g}`);
    await shot(page, '01-overview');
    mark('tenant logged in');

    // 2. A VPC with a tag, then a subnet added from the VPC's page (the VPC is preselected).
    await page.getByRole('menuitem', { name: '虚拟私有云' }).click();
    await page.waitForURL('**/vpcs');
    await page.getByRole('link', { name: '新建', exact: true }).click();
    await page.waitForURL('**/vpcs/create');
    await page.fill('input[name="name"]', 'vpc-his');
    await page.fill('input[name="tagsText"]', 'env=prod');
    await save(page);
    await page.waitForURL(/\/vpcs\/[0-9a-f-]{36}\/show$/);
    await page.click('[data-testid="vpc-add-subnet"]');
    await page.waitForURL(/\/subnets\/create/);
    await page.fill('input[name="name"]', 'sn-app');
    await page.fill('input[name="dnsText"]', '10.20.0.2');
    await save(page);
    await page.waitForURL(/\/subnets\/[0-9a-f-]{36}\/show$/);
    await page.locator('[data-testid="subnet-gateway-ip"]', { hasText: '192.168.1.1' }).waitFor();
    await page.getByText('可用 IP 253 个，共 253 个').waitFor();
    await shot(page, '02-subnet-details');
    mark('vpc and subnet');

    // 3. A security group with an HTTPS rule, edited in place.
    await page.goto(`${base}/security-groups/create`);
    await page.fill('input[name="name"]', 'sg-web');
    await save(page);
    await page.waitForURL(/\/security-groups\/[0-9a-f-]{36}\/show$/);
    await page.getByText('暂无规则：所有流量均被拒绝。').waitFor();
    await page.click('[data-testid="rule-add"]');
    const ruleDialog = page.getByRole('dialog');
    await ruleDialog.locator('input[name="portMin"]').fill('443');
    await ruleDialog.locator('input[name="portMax"]').fill('443');
    await ruleDialog.locator('input[name="remoteIpPrefix"]').fill('0.0.0.0/0');
    await ruleDialog.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-testid="rule-row"]').first().waitFor();
    t.regex((await page.locator('[data-testid="rule-row"]').first().textContent()) ?? '', /入方向.*TCP.*443.*0\.0\.0\.0\/0/);
    await shot(page, '03-security-group');
    mark('security group');

    // 4. A key pair, and a launch template using all of the above.
    await page.goto(`${base}/keypairs/create`);
    await page.fill('input[name="name"]', 'ops');
    await page.fill('textarea[name="publicKey"]', KEY);
    await save(page);
    await page.waitForURL('**/keypairs');
    await page.goto(`${base}/templates/create`);
    await page.fill('input[name="name"]', 'tpl-web');
    await choose(page, page, /^规格/, /c1\./);
    await choose(page, page, /^镜像/, /.+/);
    await choose(page, page, /^子网/, 'sn-app', true);
    await choose(page, page, /^安全组/, 'sg-web', true);
    await choose(page, page, /^密钥对/, 'ops');
    await save(page);
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}\/show$/);
    const tpl = (await admin.get('/api/cloud/templates?q=tpl-web')).body.items[0];
    t.is(tpl.spec.subnetIds.length, 1, 'the template has the subnet');
    t.is(tpl.spec.securityGroupIds.length, 1, 'the template has the security group');
    t.truthy(tpl.spec.keypairId, 'the template has the key pair');
    mark('template');

    // 5. A VM from the template (the template's page opens the VM form in template mode).
    await page.click('[data-testid="template-launch"]');
    await page.waitForURL(/\/vms\/create/);
    await page.getByRole('combobox', { name: /^启动模板/ }).filter({ hasText: 'tpl-web' }).waitFor();
    await page.fill('input[name="name"]', 'web-1');
    await save(page);
    await page.waitForURL(/\/vms\/[0-9a-f-]{36}\/show$/);
    await page.locator('[data-testid="vm-basic"]').getByText('web-1').waitFor();
    await page.locator('[data-testid="vm-placement"]').getByText(/192\.168\.1\.\d+/).waitFor();
    await shot(page, '04-vm');
    mark('vm from template');

    // 6. Three more in one batch, named by a pattern.
    await page.goto(`${base}/vms/create`);
    await page.getByRole('radio', { name: '从启动模板创建' }).check();
    await choose(page, page, /^启动模板/, 'tpl-web');
    await page.fill('input[name="count"]', '3');
    await page.fill('input[name="name"]', 'web-{n:2}');
    await save(page);
    await page.waitForURL(/\/vms$/);
    for (const n of ['web-01', 'web-02', 'web-03', 'web-1']) await page.getByRole('cell', { name: n, exact: true }).waitFor();
    await shot(page, '05-vm-list');
    mark('batch of 3');

    // 7. A disk, deleted into the recycle bin from the list, and restored from there.
    await page.goto(`${base}/disks/create`);
    await page.fill('input[name="name"]', 'data-his');
    await page.fill('input[name="tagsText"]', 'app=his');
    await save(page);
    await page.waitForURL(/\/disks\/[0-9a-f-]{36}\/show$/);
    await page.getByRole('menuitem', { name: '云硬盘', exact: true }).click();
    await page.waitForURL(/\/disks$/);
    const diskRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'data-his', exact: true }) });
    await diskRow.locator('[data-testid="disk-delete"]').click();
    await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
    await page.getByText('已移入回收站').waitFor();
    await page.getByRole('cell', { name: 'data-his', exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('menuitem', { name: '回收站' }).click();
    await page.waitForURL(/\/recycle-bin$/);
    const binRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'data-his', exact: true }) });
    await binRow.waitFor();
    await shot(page, '06-recycle-bin');
    await binRow.locator('[data-testid="recycle-restore"]').click();
    await page.getByText('云硬盘已恢复').waitFor();
    await page.getByRole('menuitem', { name: '云硬盘', exact: true }).click();
    const restored = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'data-his', exact: true }) });
    await restored.locator('[data-testid="status-available"]').waitFor();
    await shot(page, '07-disk-restored');
    mark('disk recycled and restored');

    // 8. The topology: every node is a link to its resource.
    await page.getByRole('menuitem', { name: '网络拓扑' }).click();
    await page.locator('[data-testid="topology-svg"]').waitFor();
    t.is(await page.locator('[data-testid="topo-node-vm"]').count(), 4, 'four VMs drawn');
    t.is(await page.locator('[data-testid="topo-node-subnet"]').count(), 1);
    t.is(await page.locator('[data-testid="topo-node-router"]').count(), 1);
    t.is(await page.locator('[data-testid="topo-node-security_group"]').count(), 1);
    await shot(page, '08-topology');
    await page.locator('[data-testid="topo-node-subnet"]').click();
    await page.waitForURL(/\/subnets\/[0-9a-f-]{36}\/show$/);
    // four VMs and their four NICs in the subnet now
    await page.getByText('可用 IP 249 个，共 253 个').waitFor();
    mark('topology');

    // 9. The overview, customised: one widget removed and the layout saved for this account.
    await page.getByRole('menuitem', { name: '概览' }).click();
    await page.locator('[data-testid="cloud-overview"]').waitFor();
    await page.click('[data-testid="ov-customise"]');
    await page.click('[data-testid="ov-remove-capacity"]');
    await page.click('[data-testid="ov-save"]');
    await page.getByText('布局已保存').waitFor();
    await page.reload();
    await page.locator('[data-testid="ov-widget-quota"]').waitFor();
    t.is(await page.locator('[data-testid="ov-widget-capacity"]').count(), 0, 'the removed widget stays removed');
    await page.locator('[data-testid="ov-count-vm"]', { hasText: '4' }).waitFor();
    await shot(page, '09-overview-customised');
    mark('overview');

    // 10. The VMs have come up by now (the list polls while any is changing state).
    await page.getByRole('menuitem', { name: '云主机', exact: true }).click();
    await page.waitForURL(/\/vms$/);
    await page.locator('[data-testid="status-ACTIVE"]').nth(3).waitFor({ timeout: 60_000 });
    await shot(page, '10-vms-active');
    mark('vms active');

    // 11. A HaVIP in the subnet, bound to two VMs through its page.
    await page.goto(`${base}/havips/create`);
    await page.fill('input[name="name"]', 'vip-web');
    await choose(page, page, /^子网/, 'sn-app');
    await page.fill('input[name="ip"]', '192.168.1.200');
    await save(page);
    await page.waitForURL(/\/havips\/[0-9a-f-]{36}\/show$/);
    await page.click('[data-testid="havip-bind"]');
    const bindDialog = page.getByRole('dialog');
    await choose(bindDialog, page, /^绑定的云主机/, 'web-01', true);
    await choose(bindDialog, page, /^绑定的云主机/, 'web-02', true);
    await bindDialog.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-testid="havip-vms"]').getByText('web-02').waitFor();
    await shot(page, '11-havip');
    mark('havip');

    // 12. A network ACL: rules imported from CSV, then every other cloud page opens without an error.
    await page.goto(`${base}/acls/create`);
    await page.fill('input[name="name"]', 'acl-app');
    await save(page);
    await page.waitForURL(/\/acls\/[0-9a-f-]{36}\/show$/);
    await page.click('[data-testid="acl-import"]');
    await page.getByRole('dialog').locator('textarea[name="content"]').fill('direction,priority,action,protocol,source,destination,destinationPort,description\ningress,10,allow,tcp,10.20.0.0/22,0.0.0.0/0,22,bastion\ningress,20,deny,any,0.0.0.0/0,0.0.0.0/0,,rest\n');
    await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await page.getByText('规则已导入').waitFor();
    await page.locator('[data-testid="rule-row"]').nth(1).waitFor();
    t.is(await page.locator('[data-testid="rule-row"]').count(), 2);
    await shot(page, '12-acl');
    for (const r of ['eips', 'nics', 'images', 'server-groups', 'keypairs', 'snapshots', 'backups', 'backup-policies', 'orders', 'templates', 'subnets', 'vpcs', 'security-groups', 'acls', 'havips']) {
      await page.goto(`${base}/${r}`);
      // A list with no rows yet (backups appear only once a policy has run) shows react-admin's empty page instead.
      await page.locator('.RaList-main, .RaEmpty-message').first().waitFor();
      if (!['orders'].includes(r)) {
        await page.goto(`${base}/${r}/create`);
        await page.locator('form').first().waitFor();
      }
    }
    // Another hospital shares an image with this one: offered as pending until accepted here, then listed.
    const other = await admin.post('/api/tenants', { code: 'lc-zhongyi', name: '凉城县中医院', kind: 'county_hospital', zone: 'liangcheng-dmz', quota });
    t.is(other.status, 201, JSON.stringify(other.body));
    const otherAcc = await admin.post('/api/accounts', { loginId: 'zhongyi.it', displayName: '信息科王工', roles: ['tenant-admin'], tenantId: other.body.id });
    t.is(otherAcc.status, 201, JSON.stringify(otherAcc.body));
    const owner = new ApiClient(server.base);
    await loginThroughFirstSteps(owner, 'zhongyi.it', otherAcc.body.initialPassword as string, 'Changed#Zhongyi2026');
    const img = await owner.post('/api/cloud/images', { name: 'zy-his-win', format: 'vhd', osType: 'windows', sizeGb: 30 });
    t.is(img.status, 201, JSON.stringify(img.body));
    const imgId = img.body.id as string;
    for (let i = 0; i < 120 && (await owner.get(`/api/cloud/images/${imgId}`)).body.status !== 'active'; i++) await new Promise((r) => setTimeout(r, 500));
    t.is((await owner.call('PUT', `/api/cloud/images/${imgId}/visibility`, { visibility: 'shared' })).status, 200);
    t.is((await owner.post(`/api/cloud/images/${imgId}/members`, { tenantId: tenant.body.id })).status, 201);
    await page.goto(`${base}/images`);
    const offer = page.locator(`[data-testid="image-share-${imgId}"]`);
    await offer.getByText('待接受').waitFor();
    await offer.locator('[data-testid="image-share-accept"]').click();
    await offer.getByText('已接受').waitFor();
    const sharedRow = page.locator('.RaList-main tr', { hasText: 'zy-his-win' });
    await sharedRow.waitFor();
    t.is(await sharedRow.getByRole('button', { name: '删除' }).count(), 0, 'another tenant\'s image offers no delete');
    await sharedRow.getByText('zy-his-win').click();
    await page.waitForURL(new RegExp(`/images/${imgId}/show$`));
    // The import steps card is on the image's own page only; by then its toolbar is drawn.
    await page.getByText('导入步骤').waitFor();
    await page.waitForLoadState('networkidle');
    t.is(await page.getByRole('button', { name: '删除' }).count(), 0, 'nor on its page');
    t.deepEqual((await owner.get(`/api/cloud/images/${imgId}/members`)).body.items.map((m: { status: string }) => m.status), ['accepted']);
    await shot(page, '14-image-share');
    mark('image share accepted');
    await page.goto(`${base}/quota`);
    await page.locator('[data-testid="quota-vms"]', { hasText: '4 / 50' }).waitFor();
    await page.goto(`${base}/orders`);
    await page.getByRole('cell', { name: 'web-02' }).waitFor();
    await shot(page, '13-orders');
    mark('every page');

    // What the console did, seen through the API (the platform admin reads every tenant's objects).
    const vms = await admin.get('/api/cloud/vms?sort=name&order=asc&limit=50');
    t.deepEqual(vms.body.items.map((v: { name: string }) => v.name), ['web-01', 'web-02', 'web-03', 'web-1']);
    t.true(vms.body.items.every((v: { spec: { templateId: string | null } }) => !!v.spec.templateId), 'all four from the template');
    const disks = await admin.get('/api/cloud/disks?q=data-his');
    t.is(disks.body.total, 1);
    t.is(disks.body.items[0].status, 'available');
    t.deepEqual(disks.body.items[0].tags, { app: 'his' });
    const trail = await admin.get(`/api/cloud/orders?limit=50`);
    t.true(trail.body.items.filter((o: { kind: string }) => o.kind === 'vm').length >= 4, 'an order per VM');

    t.log(timings.join('; '));
    t.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    t.deepEqual(badResponses, [], 'no forbidden or failed API calls from the console');
    t.true(statSync(file('08-topology')).size > 10_000);
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
    const code = server ? await stopServer(server) : null;
    await db.drop();
    if (server) t.is(code, 0, `yiyun serve exits 0 on SIGTERM within ${STOP_TIMEOUT_MS / 1000} s`);
  }
});
