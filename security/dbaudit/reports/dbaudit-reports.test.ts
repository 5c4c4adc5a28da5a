import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { systemActor } from '../../../core/authz';
import { sm3Hex } from '../../../core/crypto';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../../test/support/test-server';
import { renderReport, xlsxHeader } from '../../reports';
import { createDbAuditDal } from '../dbaudit-dal';
import { createDbAuditReports, type DbAuditReports } from '.';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let reports: DbAuditReports;
const HOUR = 3_600_000;
const T0 = new Date(Date.now() - 5 * HOUR);
const at = (ms: number) => new Date(T0.getTime() + ms);
const XSS = '<script>alert(1)</script>';
const reader = { ...systemActor('report-test', ['dbaudit.read']), loginId: 'aud.reader' };
const range = { from: new Date(T0.getTime() - HOUR), to: new Date(Date.now() + 60_000) };
const c1 = randomUUID();
const c2 = randomUUID();

test.before(async () => {
  server = await startTestServer('postgres');
  const dal = createDbAuditDal(server.ctx.database.db);
  const conn = (id: string, user: string, program: string, ok: boolean) => ({ id, engine: 'postgresql' as const, src_ip: '192.0.2.7', src_port: 50000, dst_ip: '127.0.0.1', dst_port: 5432, db_user: user, db_name: 'his', client_program: program, client_tls: true, upstream_tls: false, auth_ok: ok, auth_error: ok ? null : 'password authentication failed', started_at: at(0), ended_at: at(60_000) });
  await dal.insertConnection(conn(c1, 'his_app', XSS, true));
  await dal.insertConnection(conn(c2, 'intruder', 'psql', false));
  const st = (command: string, ms: number, error: string | null, rows: number) => ({ connection_id: c1, engine: 'postgresql', at: at(ms), src_ip: '192.0.2.7', src_port: 50000, dst_ip: '127.0.0.1', dst_port: 5432, db_user: 'his_app', db_name: 'his', client_program: XSS, protocol: 'extended' as const, command, objects: ['patients'], sql: `${command} …`, params: null, rows, duration_ms: 2.5, error_code: error, error_message: null });
  await dal.insertStatement(st('SELECT', 1000, null, 3));
  await dal.insertStatement(st('SELECT', 2000, null, 4));
  const bad = await dal.insertStatement(st('DELETE', 3000, '42501', 0));
  await dal.insertAlert({ kind: 'danger_no_where', severity: 'high', statement_id: bad, connection_id: c1, db_user: 'his_app', src_ip: '192.0.2.7', detail: JSON.stringify({ reason: 'DELETE without WHERE' }), at: at(3000) });
  reports = createDbAuditReports({ db: server.ctx.database.db, audit: server.ctx.audit });
});
test.after.always(async () => {
  await server?.cleanup();
});

test('sessions and statements-summary models count statements, failures and alerts', async (t) => {
  const s = await reports.sessionsModel(reader, range);
  t.is(s.rows.length, 2);
  t.like(s.rows.find((r) => r.id === c1)!, { statements: 3, failed: 1, alerts: 1, login: '成功', tls: '是/否', client: '192.0.2.7:50000' });
  t.regex(String(s.rows.find((r) => r.id === c2)!.login), /^失败：password/);
  const sum = await reports.statementsModel(reader, range);
  t.deepEqual(sum.rows.map((r) => [r.user, r.command, r.statements, r.failed, r.rows, r.alerts]), [['his_app', 'SELECT', 2, 0, 7, 0], ['his_app', 'DELETE', 1, 1, 0, 1]]);
  t.is((await reports.statementsModel(reader, { ...range, user: 'nobody' })).rows.length, 0);
});

test('the four formats carry the Chinese title and the rows; html escapes the client program name', async (t) => {
  const m = await reports.sessionsModel(reader, range);
  const x = await renderReport(m, 'xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(x.body as never);
  const ws = wb.getWorksheet('数据库审计会话报表')!;
  t.deepEqual((ws.getRow(1).values as unknown[]).slice(1), xlsxHeader(m));
  t.is(ws.rowCount, 3);
  t.regex((await mammoth.extractRawText({ buffer: (await renderReport(m, 'docx')).body })).value, /数据库审计会话报表[\s\S]*intruder/);
  const pdf = (await renderReport(m, 'pdf')).body;
  t.is(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
  t.true(text.includes('数据库审计会话报表') && text.includes('his_app') && text.includes('intruder'));
  const html = (await renderReport(m, 'html')).body.toString('utf8');
  t.false(html.includes('<script'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test.serial('routes: auditadmin downloads, a tenant operator is refused, the export is audited', async (t) => {
  const admin = new ApiClient(server.url);
  await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Root#Changed2026x');
  const tenant = (await admin.post('/api/tenants', { code: 'dbrep-wsy', name: '审计卫生院', kind: 'township_centre' })).body;
  const mk = async (loginId: string, roles: string[], tenantId?: string) => {
    const r = await admin.post('/api/accounts', { loginId, displayName: loginId, roles, ...(tenantId ? { tenantId } : {}) });
    const c = new ApiClient(server.url);
    await loginThroughFirstSteps(c, loginId, r.body.initialPassword as string, `Db#${loginId.length}Strong2026x`);
    return c;
  };
  const tenantOp = await mk('dbrep.tenant', ['tenant-admin'], tenant.id as string);
  const aud = await mk('dbrep.aud', ['auditadmin']);
  const get = async (c: ApiClient, url: string) => {
    const res = await fetch(`${server.url}${url}`, { headers: { cookie: c.cookie! } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const q = `from=${range.from.toISOString()}&to=${range.to.toISOString()}`;
  t.true([403, 404].includes((await get(tenantOp, `/api/db-audit/reports/statements?format=html&${q}`)).status));
  const r = await get(aud, `/api/db-audit/reports/statements?format=docx&${q}`);
  t.is(r.status, 200);
  t.regex(r.headers.get('content-disposition')!, /dbaudit-statements-\d{8}-\d{6}\.docx/);
  t.is(r.headers.get('x-content-sm3'), sm3Hex(r.body));
  t.is((await aud.get('/api/db-audit/reports/sessions?format=xlsx&from=2026-01-01&to=2025-01-01')).status, 400);
  const trail = await aud.get('/api/audit/records?action=dbaudit_report.exported');
  const rec = trail.body.items.find((x: any) => x.actorLogin === 'dbrep.aud' && x.outcome === 'success');
  t.truthy(rec);
  t.is(rec.detail.sm3, r.headers.get('x-content-sm3'));
  t.truthy(trail.body.items.find((x: any) => x.actorLogin === 'dbrep.tenant' && x.outcome === 'denied'));
});
