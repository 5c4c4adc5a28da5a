import test from 'ava';
import { createTestDatabase, testDatabaseKinds } from '../core/db/testing';
import { getCatalogue } from './catalogues';
import { createEvidenceRegistry } from './checks/check-runner';
import { createComplianceService } from './compliance-service';
import { actor, fakeSources, fakeWorld, recordingAudit } from './compliance-testing';
import { complianceModule } from './index';
import { dragItems, rawDengbaoScore } from './scoring/scoring-fns';
import { DENGBAO_TEMPLATE_2021 } from './scoring/scoring-templates';
import { toStates } from './compliance-fns';

const known = new Set([...getCatalogue('dengbao-l3').items, ...getCatalogue('miping-l3').items].map((i) => i.id));

async function setup(kind: 'pglite' | 'postgres') {
  const database = await createTestDatabase(kind, [complianceModule()]);
  const world = fakeWorld();
  const registry = createEvidenceRegistry(known);
  for (const s of fakeSources(world)) registry.register(s);
  const audit = recordingAudit();
  const service = createComplianceService({ db: database.db, audit, registry, checkTimeoutMs: 2000 });
  return { database, world, audit, service };
}

for (const kind of testDatabaseKinds()) {
  test.serial(`[${kind}] weakening the password policy turns L3-CES1-01 不符合 and drops the score by its exact share`, async (t) => {
    const { database, world, audit, service } = await setup(kind);
    try {
      const sec = actor('secadmin');
      const before = await service.runChecks(sec);
      t.is(before.checks, 3);
      t.is(before.failedChecks, 0);
      const item = await service.getItem(sec, 'L3-CES1-01');
      t.is(item.verdict, 'pass');
      t.is(item.verdictLabel, '符合');
      t.is(item.results[0]?.files[0]?.name, 'password-policy.json');
      const snapBefore = await service.snapshot();
      const exactBefore = rawDengbaoScore(getCatalogue('dengbao-l3').items, toStates(snapBefore.catalogues[0]!.items), DENGBAO_TEMPLATE_2021);

      world.passwordPolicy = { minLength: 6, classes: 1, maxAgeDays: 365 };
      const after = await service.runChecks(sec);
      const weak = await service.getItem(sec, 'L3-CES1-01');
      t.is(weak.verdict, 'fail');
      t.is(weak.verdictLabel, '不符合');
      t.is(weak.history.length, 2, 'the item keeps its history');
      const snapAfter = await service.snapshot();
      const exactAfter = rawDengbaoScore(getCatalogue('dengbao-l3').items, toStates(snapAfter.catalogues[0]!.items), DENGBAO_TEMPLATE_2021);
      // 身份鉴别 has four key items, 安全计算环境 18 control points (11 general + 7 cloud), 10 categories.
      t.true(Math.abs(exactBefore - exactAfter - 25 / 18 / 10) < 1e-9);
      t.true(Math.abs(before.dengbaoScore - after.dengbaoScore - 25 / 18 / 10) < 0.011);
      t.is(snapAfter.dengbao.drag.length, 15, 'the dashboard lists the 15 items dragging most');
      const items = getCatalogue('dengbao-l3').items;
      const all = dragItems(items, toStates(snapAfter.catalogues[0]!.items), (s) => rawDengbaoScore(items, s, DENGBAO_TEMPLATE_2021), 1000);
      t.is(all.find((d) => d.itemId === 'L3-CES1-01')?.gain, Math.round((25 / 18 / 10) * 100) / 100, 'fixing it regains exactly what it cost');
      t.true(all[0]!.gain >= all.at(-1)!.gain);

      const overview = await service.overview(sec);
      t.is(overview.dengbao.trend.length, 2, 'each run adds a point to the trend');
      t.is(overview.dengbao.trend[1]!.score, after.dengbaoScore);
      t.is(audit.entries.filter((e) => e.action === 'compliance.checks_ran').length, 2);
    } finally {
      await database.close();
    }
  });

  test.serial(`[${kind}] a failing check is an error state, not a crash; items without checks are manual-pending`, async (t) => {
    const { database, world, service } = await setup(kind);
    try {
      world.failEstate = true;
      const sec = actor('secadmin');
      const r = await service.runChecks(sec);
      t.is(r.failedChecks, 1);
      const zones = await service.getItem(sec, 'L3-CNS1-03');
      t.is(zones.status, 'error');
      t.is(zones.verdict, null);
      t.regex(zones.summary, /plan could not be computed/);
      const physical = await service.getItem(sec, 'L3-PES1-01');
      t.is(physical.status, 'manual-pending');
      const spam = await service.getItem(sec, 'L3-ABS1-15');
      t.is(spam.verdict, 'na', 'a catalogue 不适用 item starts as 不适用 with its reason');
      const list = await service.listItems(sec, { catalogue: 'dengbao-l3', verdict: 'pending', offset: 0, limit: 500 });
      t.true(list.total > 200);
      const filtered = await service.listItems(sec, { checkKind: 'manual', responsibility: 'tenant', offset: 0, limit: 50 });
      t.true(filtered.items.every((i) => i.checkKind === 'manual' && i.responsibility === 'tenant'));
    } finally {
      await database.close();
    }
  });

  test.serial(`[${kind}] manual verdicts are audited, carry files, and tenants see only their own`, async (t) => {
    const { database, audit, service } = await setup(kind);
    try {
      const sec = actor('secadmin');
      await service.runChecks(sec);
      const rec = await service.recordManualVerdict(sec, 'L3-PES1-03', {
        verdict: 'pass', note: '门禁系统记录齐全，抽查 3 个月', files: [{ name: '门禁记录.csv', contentBase64: Buffer.from('time,person\n').toString('base64') }],
      });
      t.is(rec.files[0]?.sm3.length, 64);
      const item = await service.getItem(sec, 'L3-PES1-03');
      t.is(item.verdict, 'pass');
      t.is(item.decidedBy, 'manual');
      t.is(item.manualVerdicts[0]?.note, '门禁系统记录齐全，抽查 3 个月');
      const fileId = item.manualVerdicts[0]!.files[0]!.id;
      t.is((await service.getFile(sec, fileId)).content.toString(), 'time,person\n');
      const entry = audit.entries.find((e) => e.action === 'compliance.verdict_recorded');
      t.is(entry?.target.id, 'L3-PES1-03');

      // An assessor's later manual verdict overrides an automated one until the next run.
      await service.recordManualVerdict(sec, 'L3-CES1-01', { verdict: 'partial', note: '抽查发现一台设备未启用', risk: 'medium', files: [] });
      t.is((await service.getItem(sec, 'L3-CES1-01')).verdict, 'partial');
      await service.runChecks(sec);
      t.is((await service.getItem(sec, 'L3-CES1-01')).verdict, 'pass', 'the newer automated result wins for automated items');

      const tenantId = '22222222-2222-4222-8222-222222222222';
      const tenant = actor('tenant-admin', tenantId);
      const mine = await service.listItems(tenant, { offset: 0, limit: 500 });
      t.true(mine.items.every((i) => i.responsibility !== 'provider'), 'tenants see tenant and shared items only');
      t.true(mine.items.every((i) => i.evidenceFiles === 0), 'and none of the platform evidence');
      await t.throwsAsync(() => service.getItem(tenant, 'L3-PES1-03'), { message: /no compliance item/ });
      await t.throwsAsync(() => service.getFile(tenant, fileId), { message: /no such evidence file/ });
      await service.recordManualVerdict(tenant, 'L3-CES2-14', { verdict: 'pass', note: '本院每日本地备份', files: [] });
      t.is((await service.getItem(tenant, 'L3-CES2-14')).verdict, 'pass');
      t.is((await service.getItem(sec, 'L3-CES2-14')).verdict, null, 'a tenant\'s verdict stays in the tenant\'s scope');
      await t.throwsAsync(() => service.recordManualVerdict(sec, 'L3-CES1-01', { verdict: 'pass', note: 'xx', objects: [{ name: 'x', d: 1, a: 1, k: 1 }], files: [] }), { message: /密评/ });
    } finally {
      await database.close();
    }
  });
}
