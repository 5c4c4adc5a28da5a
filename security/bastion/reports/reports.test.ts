import test from 'ava';
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { systemActor, type Actor } from '../../../core/authz';
import { sm3Hex } from '../../../core/crypto';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../../test/support/test-server';
import { escapeHtml, headerLines, renderReport, xlsxHeader, type ReportModel } from '../../reports';
import { createBastionDal } from '../bastion-dal';
import { createBastionReports, type BastionReports } from '.';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let reports: BastionReports;
const DAY = 86_400_000;
const T0 = new Date(Date.now() - 2 * DAY);
const at = (ms: number) => new Date(T0.getTime() + ms);
const XSS = '<script>alert("x")</script>';
const reader: Actor = { ...systemActor('report-test', ['bastion.session_read']), loginId: 'aud.reader' };
const range = { from: new Date(T0.getTime() - DAY), to: new Date(Date.now() + 60_000) };

test.before(async () => {
  server = await startTestServer('postgres');
  const db = server.ctx.database.db;
  const dal = createBastionDal(db);
  const web = await dal.insertAsset({ name: 'web01', address: '10.0.0.5', port: 22, os_type: 'linux', folder: '/his/', encoding: 'utf-8', tenant_id: null, host_key_sha256: null, enabled: true });
  const dbh = await dal.insertAsset({ name: 'db01', address: '10.0.0.6', port: 22, os_type: 'linux', folder: '/his/', encoding: 'utf-8', tenant_id: null, host_key_sha256: null, enabled: true });
  const op = (login: string) => ({ operator_account_id: '00000000-0000-4000-8000-00000000000' + login.length, operator_login: login, source_ip: '192.0.2.10', recording_file: null, exit_code: null, end_reason: null, ended_at: null });
  const s1 = await dal.insertSession({ ...op('alice'), tenant_id: null, asset_id: web.id, asset_name: 'web01', account_username: 'root', kind: 'shell', command: null, started_at: at(0) });
  await dal.endSession(s1.id, { ended_at: at(65_000), end_reason: 'client disconnected', exit_code: 0 });
  for (const [command, verdict] of [['ls -l', 'allowed'], ['rm -rf /', 'denied'], ['cat /etc/hosts', 'allowed']] as const) await dal.insertCommand({ session_id: s1.id, command, verdict, rule_id: null, at: at(1000) });
  const s2 = await dal.insertSession({ ...op('alice'), tenant_id: null, asset_id: dbh.id, asset_name: 'db01', account_username: 'oracle', kind: 'sftp', command: null, started_at: at(3_600_000) });
  await dal.endSession(s2.id, { ended_at: at(3_610_000), end_reason: 'ended', exit_code: 0 });
  await dal.insertTransfer({ session_id: s2.id, direction: 'upload', path: '/tmp/病历.csv', size: 1000, sm3: null, protocol: 'sftp', at: at(3_601_000) });
  await dal.insertTransfer({ session_id: s2.id, direction: 'download', path: '/tmp/b', size: 2048, sm3: null, protocol: 'sftp', at: at(3_602_000) });
  const s3 = await dal.insertSession({ ...op('zhang.san'), tenant_id: null, asset_id: web.id, asset_name: 'web01', account_username: 'root', kind: 'exec', command: XSS, started_at: at(7_200_000) });
  await dal.insertCommand({ session_id: s3.id, command: 'cu""rl http://evil', verdict: 'denied', rule_id: null, at: at(7_201_000) });
  await dal.endSession(s3.id, { ended_at: at(7_230_000), end_reason: 'killed by sec1', exit_code: null });
  // Outside the range: must not be counted.
  await dal.insertSession({ ...op('bob'), tenant_id: null, asset_id: web.id, asset_name: 'web01', account_username: 'root', kind: 'shell', command: null, started_at: new Date(T0.getTime() - 40 * DAY) });
  reports = createBastionReports({ db, audit: server.ctx.audit });
});

test.after.always(async () => {
  await server?.cleanup();
});

async function models(): Promise<{ users: ReportModel; sessions: ReportModel }> {
  return { users: await reports.usersModel(reader, range), sessions: await reports.sessionsModel(reader, range) };
}

test('the users report aggregates sessions, assets, commands, denials, transfers and kills per operator within the range', async (t) => {
  const { users } = await models();
  t.deepEqual(users.rows.map((r) => r.operator), ['alice', 'zhang.san']);
  const alice = users.rows[0]!;
  t.like(alice, { sessions: 2, assets: 2, commands: 3, denied: 1, transfers: 2, bytes: 3048, killed: 0, sourceIps: '192.0.2.10' });
  t.is((alice.lastLogin as Date).getTime(), at(3_600_000).getTime());
  t.like(users.rows[1]!, { sessions: 1, assets: 1, commands: 1, denied: 1, transfers: 0, bytes: 0, killed: 1 });
  const byOne = await reports.usersModel(reader, { ...range, asset: 'db01' });
  t.deepEqual(byOne.rows.map((r) => [r.operator, r.sessions]), [['alice', 1]]);
});

test('the sessions report lists each session with duration, counts and whether it was killed', async (t) => {
  const { sessions } = await models();
  t.is(sessions.rows.length, 3);
  const killed = sessions.rows.find((r) => r.operator === 'zhang.san')!;
  t.like(killed, { protocol: 'exec', command: XSS, killed: true, denied: 1, duration: 30 });
  const shell = sessions.rows.find((r) => r.protocol === 'shell')!;
  t.like(shell, { asset: 'web01', account: 'root', commands: 3, denied: 1, duration: 65, killed: false });
  t.is((await reports.sessionsModel(reader, { ...range, operator: 'alice' })).rows.length, 2);
  const cut = await reports.sessionsModel(reader, range, 2);
  t.is(cut.rows.length, 2);
  t.is(cut.truncatedAt, 2);
  t.true(headerLines(cut).some((l) => l.includes('仅列出前 2 行')), 'a cut report says so');
});

test('both bastion reports come out in every format with their Chinese title and rows; numbers stay numeric in xlsx', async (t) => {
  const { users, sessions } = await models();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await renderReport(users, 'xlsx')).body as never);
  const ws = wb.getWorksheet('堡垒机用户报表')!;
  t.deepEqual((ws.getRow(1).values as unknown[]).slice(1), xlsxHeader(users));
  const alice = (ws.getRow(2).values as unknown[]).slice(1);
  t.deepEqual([alice[0], alice[1], alice[6]], ['alice', 2, 3048]);
  t.regex((await mammoth.extractRawText({ buffer: (await renderReport(sessions, 'docx')).body })).value, /堡垒机会话报表[\s\S]*zhang\.san/);
  for (const m of [users, sessions]) {
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: (await renderReport(m, 'pdf')).body }).toString('utf8');
    t.true(text.includes(m.title) && text.includes('alice') && text.includes('zhang.san'), `${m.title} extracted`);
  }
  const html = (await renderReport(sessions, 'html')).body.toString('utf8');
  t.false(html.includes('<script'), 'the exec command typed by the operator is escaped');
  t.true(html.includes(escapeHtml(XSS)));
});

// ---- routes ----

async function accountClient(loginId: string, roles: string[], tenantId?: string) {
  const admin = await adminClient();
  const r = await admin.post('/api/accounts', { loginId, displayName: loginId, roles, ...(tenantId ? { tenantId } : {}) });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  const c = new ApiClient(server.url);
  await loginThroughFirstSteps(c, loginId, r.body.initialPassword as string, `Rep#${loginId.length}Strong2026x`);
  return c;
}
let adminC: ApiClient | null = null;
async function adminClient() {
  if (!adminC) {
    adminC = new ApiClient(server.url);
    await loginThroughFirstSteps(adminC, 'admin', ADMIN_PASSWORD, 'Root#Changed2026x');
  }
  return adminC;
}
async function download(c: ApiClient, url: string) {
  const res = await fetch(`${server.url}${url}`, { headers: c.cookie ? { cookie: c.cookie } : {} });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

test.serial('routes: auditadmin and secadmin download, a tenant operator is refused, each export is in the audit trail', async (t) => {
  const admin = await adminClient();
  const tenant = (await admin.post('/api/tenants', { code: 'rep-wsy', name: '报表卫生院', kind: 'township_centre' })).body;
  const tenantOp = await accountClient('rep.tenant', ['tenant-admin'], tenant.id as string);
  const aud = await accountClient('rep.aud', ['auditadmin']);
  const sec = await accountClient('rep.sec', ['secadmin']);
  const q = `from=${range.from.toISOString()}&to=${range.to.toISOString()}`;

  const refused = await download(tenantOp, `/api/bastion/reports/users?format=xlsx&${q}`);
  t.true(refused.status === 403 || refused.status === 404, `tenant operator got ${refused.status}`);
  t.is((await download(admin, `/api/bastion/reports/sessions?format=html&${q}`)).status, 403, 'sysadmin (三员分立) does not read sessions');

  const x = await download(aud, `/api/bastion/reports/users?format=xlsx&${q}`);
  t.is(x.status, 200);
  t.regex(x.headers.get('content-type')!, /spreadsheetml/);
  t.regex(x.headers.get('content-disposition')!, /attachment; filename="bastion-users-\d{8}-\d{6}\.xlsx"/);
  t.is(x.headers.get('x-content-sm3'), sm3Hex(x.body));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(x.body as never);
  t.is(wb.getWorksheet('堡垒机用户报表')!.getRow(2).getCell(1).value, 'alice');

  const p = await download(sec, `/api/bastion/reports/sessions?format=pdf&operator=zhang.san&${q}`);
  t.is(p.status, 200);
  t.is(p.headers.get('content-type'), 'application/pdf');
  t.true(execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: p.body }).toString('utf8').includes('zhang.san'));
  for (const format of ['docx', 'html']) t.is((await download(aud, `/api/bastion/reports/sessions?format=${format}&${q}`)).status, 200, format);

  const bad = await aud.get(`/api/bastion/reports/users?format=csv`);
  t.is(bad.status, 400);
  t.is((await aud.get('/api/bastion/reports/sessions?format=html&from=2001-01-01T00:00:00Z')).body.code, 'report.range_too_long');
  const backwards = await aud.get(`/api/bastion/reports/users?format=pdf&from=${range.to.toISOString()}&to=${range.from.toISOString()}`);
  t.is(backwards.status, 400);
  t.regex(backwards.headers.get('content-type') ?? '', /problem\+json/);

  const trail = await aud.get('/api/audit/records?action=bastion_report.exported&limit=50');
  t.is(trail.status, 200);
  const mine = trail.body.items.filter((r: any) => r.outcome === 'success');
  const xRec = mine.find((r: any) => r.actorLogin === 'rep.aud' && r.detail.format === 'xlsx');
  t.truthy(xRec, 'the auditadmin export is recorded');
  t.is(xRec.detail.sm3, x.headers.get('x-content-sm3'), 'the trail keeps the digest of the very file handed out');
  t.is(xRec.detail.report, 'users');
  t.truthy(mine.find((r: any) => r.actorLogin === 'rep.sec' && r.detail.format === 'pdf' && r.detail.filter['用户'] === 'zhang.san'));
  t.truthy(trail.body.items.find((r: any) => r.actorLogin === 'rep.tenant' && r.outcome === 'denied'), 'the refusal is recorded too');
});
