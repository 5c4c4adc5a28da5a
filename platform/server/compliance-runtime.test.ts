import test from 'ava';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

type Run = { id: string; trigger: string; status: string; actor: string };

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * The compliance runtime on a real server with the real wiring (every registered check, the estate plan included):
 * checks run at start-up without anyone clicking; tenant admins record verdicts and evidence on their own items
 * only; each tenant gets a score trend; the pack carries each tenant's evidence; the assessor records a 测评结论.
 */
test.serial('a fresh server runs the checks by itself; tenants keep to their own items; the pack carries them', async (t) => {
  t.timeout(420_000);
  const srv = await startTestServer('postgres', { YIYUN_COMPLIANCE_ON_START: 'true' });
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const mkAccount = async (loginId: string, roles: string[], tenantId?: string) => {
      const r = await admin.post('/api/accounts', { loginId, displayName: loginId, roles, ...(tenantId ? { tenantId } : {}) });
      t.is(r.status, 201, JSON.stringify(r.body));
      const c = new ApiClient(srv.url);
      await loginThroughFirstSteps(c, loginId, r.body.initialPassword as string, 'Runtime#Pass2026');
      return c;
    };
    const sec = await mkAccount('sec.runtime', ['secadmin']);

    // 1. Nobody clicks: the start-up run completes on its own (bounded wait; the estate check plans both zones).
    let startup: Run | undefined;
    for (let i = 0; i < 360 && !startup; i++) {
      const runs = (await sec.get('/api/compliance/runs')).body.items as Run[];
      startup = runs.find((r) => r.trigger === 'startup' && r.status !== 'running');
      if (!startup) await new Promise((r) => setTimeout(r, 1000));
    }
    t.truthy(startup, 'a start-up run finished');
    t.like(startup, { status: 'done', actor: 'system:compliance-startup' });
    const items = (await sec.get('/api/compliance/items?limit=500')).body as { items: Array<{ verdict: string | null; decidedBy: string | null }>; total: number };
    t.true(items.items.some((i) => i.decidedBy === 'check'), 'items carry check verdicts without anyone running the checks');
    const overview = (await sec.get('/api/compliance/overview')).body;
    t.is(overview.latestRun.id, startup!.id);
    t.deepEqual(overview.dengbao.bands.map((b: { minScore: number }) => b.minScore), [90, 80, 70], 'bands come from the template');

    // 2. Two tenants, each with its admin.
    const tenantA = (await admin.post('/api/tenants', { code: 'rt-a', name: '永兴卫生院', kind: 'township_centre' })).body;
    const tenantB = (await admin.post('/api/tenants', { code: 'rt-b', name: '岱海卫生院', kind: 'township_centre' })).body;
    const taA = await mkAccount('ta.rt.a', ['tenant-admin'], tenantA.id);
    const taB = await mkAccount('ta.rt.b', ['tenant-admin'], tenantB.id);
    t.deepEqual((await taA.get('/api/compliance/overview')).body.dengbao.trend, [], 'no trend before the tenant has anything');

    // A tenant item (L3-CES1-34: tenant responsibility) takes A's verdict and file; a provider item refuses it.
    const mine = await taA.post('/api/compliance/items/L3-CES1-34/verdicts', { verdict: 'pass', note: '本院备份策略已核查', files: [{ name: 'a-backup-policy.txt', contentBase64: b64('A 院每日全量备份\n') }] });
    t.is(mine.status, 201, JSON.stringify(mine.body));
    const provider = await taA.post('/api/compliance/items/L3-PES1-01/verdicts', { verdict: 'pass', note: '不应允许', files: [] });
    t.is(provider.status, 403);
    t.is(provider.body.code, 'compliance.provider_item');
    t.is((await taA.get('/api/compliance/items/L3-PES1-01')).status, 404, 'provider items are not shown to tenants');
    const theirs = await taB.post('/api/compliance/items/L3-CES1-34/verdicts', { verdict: 'fail', note: '岱海卫生院未备份', files: [{ name: 'b-secret.txt', contentBase64: b64('B 院内部记录\n') }] });
    t.is(theirs.status, 201);

    // A sees its own verdict and file only; B's file does not exist for A.
    const itemA = (await taA.get('/api/compliance/items/L3-CES1-34')).body;
    t.is(itemA.verdict, 'pass');
    t.deepEqual(itemA.manualVerdicts.map((m: { recordedBy: string }) => m.recordedBy), ['ta.rt.a']);
    const itemB = (await taB.get('/api/compliance/items/L3-CES1-34')).body;
    t.is(itemB.verdict, 'fail');
    const bFile = itemB.manualVerdicts[0].files[0].id as string;
    t.is((await taA.get(`/api/compliance/files/${bFile}`)).status, 404);
    t.is((await taB.get(`/api/compliance/files/${bFile}`)).status, 200);
    // The platform's own record of the item is untouched by the tenants.
    t.deepEqual((await sec.get('/api/compliance/items/L3-CES1-34')).body.manualVerdicts, []);

    // 3. Tenants cannot run the platform's checks; a run scores each tenant and keeps its trend.
    t.is((await taA.post('/api/compliance/runs')).status, 403);
    const run = await sec.post('/api/compliance/runs');
    t.is(run.status, 201, JSON.stringify(run.body));
    const trendA = (await taA.get('/api/compliance/overview')).body.dengbao.trend as Array<{ score: number }>;
    t.is(trendA.length, 1, 'the run added a point to A’s trend');
    t.is(trendA[0]!.score, (await taA.get('/api/compliance/overview')).body.dengbao.score);

    // 4. The assessor records a 测评结论 (no files) but cannot upload evidence.
    const assessor = await mkAccount('assessor.rt', ['assessor']);
    t.is((await assessor.post('/api/compliance/items/L3-PES1-01/verdicts', { verdict: 'pass', note: '不应允许', files: [] })).status, 403);
    const concl = await assessor.post('/api/compliance/items/L3-PES1-01/conclusions', { verdict: 'partial', note: '机房选址合理，缺少防雷检测报告' });
    t.is(concl.status, 201, JSON.stringify(concl.body));
    const pes = (await assessor.get('/api/compliance/items/L3-PES1-01')).body;
    t.like(pes, { verdict: 'partial', decidedBy: 'manual' });
    t.like(pes.manualVerdicts[0], { kind: 'assessor', recordedBy: 'assessor.rt' });

    // 5. The pack (the export route; the run above is fresh, so no new run) carries each tenant's own section.
    const runsBefore = ((await sec.get('/api/compliance/runs')).body.items as Run[]).length;
    const exp = await fetch(`${srv.url}/api/compliance/export`, { method: 'POST', headers: { cookie: assessor.cookie!, 'x-csrf-token': assessor.csrf! } });
    t.is(exp.status, 200);
    t.is(((await sec.get('/api/compliance/runs')).body.items as Run[]).length, runsBefore, 'fresh results were reused');
    const zip = await JSZip.loadAsync(Buffer.from(await exp.arrayBuffer()));
    const root = Object.keys(zip.files)[0]!.split('/')[0]!;
    const read = (p: string) => zip.file(`${root}/${p}`)?.async('nodebuffer');
    const dataA = JSON.parse((await read(`data/tenants/${tenantA.id}.json`))!.toString('utf8'));
    t.is(dataA.name, '永兴卫生院（rt-a）');
    const aItem = dataA.items.find((i: { id: string }) => i.id === 'L3-CES1-34');
    t.like(aItem, { verdict: 'pass', manual: { recordedBy: 'ta.rt.a', kind: 'operator' } });
    const aFile = (aItem.evidence as string[]).find((p) => p.endsWith('a-backup-policy.txt'))!;
    t.true(aFile.startsWith(`evidence/tenants/${tenantA.id}/`), aFile);
    t.is((await read(aFile))!.toString('utf8'), 'A 院每日全量备份\n');
    t.false(dataA.items.some((i: { id: string }) => i.id === 'L3-PES1-01'), 'a tenant section holds only tenant and shared items');
    const bPaths = Object.keys(zip.files).filter((p) => p.endsWith('b-secret.txt'));
    t.true(bPaths.length === 1 && bPaths[0]!.includes(`/evidence/tenants/${tenantB.id}/`), 'B’s evidence sits in B’s section only');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await read('records/assessment-records.xlsx'))! as unknown as ArrayBuffer);
    const sheetA = wb.getWorksheet('租户-永兴卫生院（rt-a）');
    t.truthy(sheetA, wb.worksheets.map((w) => w.name).join(', '));
    const rowA = sheetA!.getRows(2, sheetA!.rowCount - 1)!.find((r) => r.getCell(1).value === 'L3-CES1-34')!;
    t.is(rowA.getCell(11).value, '符合');
    t.regex(String((await read('index.html'))!), /租户：永兴卫生院/);
    const manifest = JSON.parse((await read('manifest.json'))!.toString('utf8')) as { files: Array<{ path: string }> };
    t.true(manifest.files.some((f) => f.path === aFile), 'the tenant evidence is signed in the manifest');
  } finally {
    await srv.cleanup();
  }
});
