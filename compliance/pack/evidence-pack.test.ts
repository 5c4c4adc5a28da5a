import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { z } from 'zod';
import { generateSm2KeyPair, sm2Sign } from '../../core/crypto';
import { createTestDatabase, testDatabaseKinds } from '../../core/db/testing';
import { allCatalogues } from '../catalogues';
import { createEvidenceRegistry } from '../checks/check-runner';
import { createComplianceService } from '../compliance-service';
import { actor, fakeSources, fakeWorld, recordingAudit } from '../compliance-testing';
import { complianceModule } from '../index';
import { generateEvidencePack, PACK_PATHS, verifyEvidencePack, type PackProgress } from './evidence-pack';
import { RECORD_COLUMNS } from './pack-xlsx';

const pair = generateSm2KeyPair();
const signer = { keyId: 'pack-test', publicKeyHex: pair.publicKey, sign: (d: Buffer) => sm2Sign(pair.privateKey, d) };

// The subset of the OSCAL 1.1.2 JSON model the pack uses, with the model's required fields and token rules.
// (The official JSON schema cannot be fetched offline; this checks structure, not every constraint.)
const token = z.string().regex(/^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
const prop = z.strictObject({ name: token, value: z.string().min(1), ns: z.url().optional(), class: token.optional() });
const metadata = z.object({ title: z.string().min(1), 'last-modified': z.iso.datetime({ offset: true }), version: z.string().min(1), 'oscal-version': z.literal('1.1.2'), props: z.array(prop).optional() });
const control = z.object({ id: token, class: token.optional(), title: z.string().min(1), props: z.array(prop), parts: z.array(z.object({ id: token, name: token, prose: z.string() })) });
const catalogSchema = z.strictObject({ catalog: z.strictObject({ uuid, metadata, groups: z.array(z.object({ id: token, title: z.string(), controls: z.array(control) })) }) });
const resultsSchema = z.strictObject({
  'assessment-results': z.strictObject({
    uuid, metadata, 'import-ap': z.object({ href: z.string() }),
    results: z.array(z.object({
      uuid, title: z.string(), description: z.string(), start: z.iso.datetime({ offset: true }),
      'reviewed-controls': z.object({ 'control-selections': z.array(z.object({})).min(1) }),
      observations: z.array(z.object({ uuid, description: z.string(), methods: z.array(z.enum(['EXAMINE', 'INTERVIEW', 'TEST', 'UNKNOWN'])).min(1), collected: z.iso.datetime({ offset: true }), props: z.array(prop).optional(), 'relevant-evidence': z.array(z.object({ href: z.string(), description: z.string() })).optional() })),
      findings: z.array(z.object({ uuid, title: z.string(), description: z.string(), props: z.array(prop), target: z.object({ type: z.enum(['statement-id', 'objective-id']), 'target-id': token, status: z.object({ state: z.enum(['satisfied', 'not-satisfied']), reason: token.optional() }) }), 'related-observations': z.array(z.object({ 'observation-uuid': uuid })) })),
    })).min(1),
    'back-matter': z.strictObject({ resources: z.array(z.object({ uuid, title: z.string().min(1), description: z.string().optional(), rlinks: z.array(z.object({ href: z.string().min(1), 'media-type': z.string().optional() })).optional() })).min(1) }),
  }),
});

async function makePack() {
  const database = await createTestDatabase(testDatabaseKinds()[0]!, [complianceModule()]);
  const known = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));
  const registry = createEvidenceRegistry(known);
  const world = fakeWorld();
  world.passwordPolicy.minLength = 6; // one open finding for the report
  for (const s of fakeSources(world)) registry.register(s);
  const service = createComplianceService({ db: database.db, audit: recordingAudit(), registry });
  const sec = actor('secadmin');
  await service.runChecks(sec);
  await service.recordManualVerdict(sec, 'L3-PES1-03', { verdict: 'partial', note: '门禁只覆盖主机房', files: [{ name: 'door.csv', contentBase64: Buffer.from('a,b\n').toString('base64') }] });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-pack-test-'));
  const reports = path.join(tmp, 'reports');
  await mkdir(path.join(reports, 'bench'), { recursive: true });
  await writeFile(path.join(reports, 'test-report.txt'), '42 passed, 0 failed\n');
  await writeFile(path.join(reports, 'bench', 'bench.json'), '{"packSeconds":1.2}\n');
  const progress: PackProgress[] = [];
  const outDir = path.join(tmp, 'pack');
  const result = await generateEvidencePack({ compliance: service, signer, reportsDirs: [reports], productVersion: '0.1.0-test' }, { outDir, zip: true, onProgress: (p) => progress.push(p) });
  await database.close();
  return { tmp, outDir, result, progress };
}

test.serial('the pack is complete, signed, verifies, and its documents open', async (t) => {
  const { tmp, outDir, result, progress } = await makePack();
  try {
    t.true(result.durationMs < 30_000);
    t.true(progress.some((p) => p.phase === 'manifest') && progress.at(-1)?.phase === 'done', 'progress is reported');
    const v = await verifyEvidencePack(outDir);
    t.deepEqual(v.problems, []);
    t.true(v.ok);
    t.true(v.files > 10);
    const paths = v.manifest!.files.map((f) => f.path);
    for (const p of Object.values(PACK_PATHS)) t.true(paths.includes(p), p);
    t.true(paths.includes('evidence/checks/identity.password-policy/password-policy.json'));
    t.true(paths.includes('evidence/checks/estate.zones/security-groups.csv'));
    t.true(paths.some((p) => p.startsWith('evidence/manual/L3-PES1-03/') && p.endsWith('door.csv')));
    t.true(paths.includes('reports/tests/test-report.txt') && paths.includes('reports/tests/bench/bench.json'));
    t.true(v.manifest!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sm3) && /^[0-9a-f]{64}$/.test(f.sha256)));

    // XLSX: read back, one row per item with the agreed columns.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(path.join(outDir, PACK_PATHS.records))) as never);
    const db = wb.getWorksheet('等保测评记录')!;
    const mp = wb.getWorksheet('密评测评记录')!;
    t.is(db.rowCount, 1 + 257);
    t.is(mp.rowCount, 1 + 41);
    t.deepEqual((db.getRow(1).values as unknown[]).slice(1), RECORD_COLUMNS.map((c) => c.header));
    const ces101 = db.getRows(2, 257)!.find((r) => r.getCell(1).value === 'L3-CES1-01')!;
    t.is(ces101.getCell(11).value, '不符合');
    t.regex(String(ces101.getCell(14).value), /password-policy\.json/);
    const pss = db.getRows(2, 257)!.find((r) => r.getCell(1).value === 'L3-PSS1-01')!;
    t.is(pss.getCell(2).value, '待核对', 'provisional ids stay marked in the record sheet');

    // DOCX: opens as a Word document and carries the scores and the open finding with remediation.
    const text = (await mammoth.extractRawText({ path: path.join(outDir, PACK_PATHS.report) })).value;
    t.regex(text, /等级保护测评结论/);
    t.true(text.includes(result.dengbaoScore.toFixed(2)));
    t.regex(text, /L3-CES1-01/);
    t.regex(text, /整改方向/);

    // OSCAL: structure of the catalogs and the results; 部分符合 travels as a prop.
    const cat = catalogSchema.parse(JSON.parse(await readFile(path.join(outDir, PACK_PATHS.oscalDengbao), 'utf8')));
    t.is(cat.catalog.groups.flatMap((g) => g.controls).length, 257);
    t.is(catalogSchema.parse(JSON.parse(await readFile(path.join(outDir, PACK_PATHS.oscalMiping), 'utf8'))).catalog.groups.flatMap((g) => g.controls).length, 41);
    const ar = resultsSchema.parse(JSON.parse(await readFile(path.join(outDir, PACK_PATHS.oscalResults), 'utf8')));
    // import-ap resolves inside the document: a back-matter resource describing the plan and linking the catalogues.
    const plan = ar['assessment-results']['back-matter'].resources.find((r) => `#${r.uuid}` === ar['assessment-results']['import-ap'].href);
    t.truthy(plan, 'import-ap points at a back-matter resource');
    for (const l of plan!.rlinks ?? []) t.true(existsSync(path.join(outDir, 'oscal', l.href)), `${l.href} is in the pack`);
    const findings = ar['assessment-results'].results[0]!.findings;
    t.is(findings.length, 298);
    const partial = findings.find((f) => f.target['target-id'] === 'L3-PES1-03_smt')!;
    t.is(partial.target.status.state, 'not-satisfied');
    t.true(partial.props.some((p) => p.name === 'verdict' && p.value === 'partial'));
    const na = findings.find((f) => f.target['target-id'] === 'L3-ABS1-15_smt')!;
    t.true(na.props.some((p) => p.name === 'verdict' && p.value === 'na'));

    // index.html links the evidence.
    const html = await readFile(path.join(outDir, PACK_PATHS.index), 'utf8');
    t.regex(html, /evidence\/checks\/identity\.password-policy\/password-policy\.json/);

    // The zip holds the same tree, manifest included.
    const zip = await JSZip.loadAsync(await readFile(result.zipPath!));
    t.truthy(zip.file('pack/manifest.json'));
    t.truthy(zip.file('pack/manifest.sig'));
    t.is(Object.values(zip.files).filter((f) => !f.dir).length, v.files + 2);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test.serial('verification fails on a modified, added or missing file and on a forged manifest', async (t) => {
  const { tmp, outDir } = await makePack();
  try {
    await appendFile(path.join(outDir, 'evidence/checks/identity.password-policy/password-policy.json'), ' ');
    let v = await verifyEvidencePack(outDir);
    t.false(v.ok);
    t.true(v.problems.some((p) => p.startsWith('evidence/checks/identity.password-policy/password-policy.json') && p.includes('SM3')));

    await writeFile(path.join(outDir, 'extra.txt'), 'x');
    await rm(path.join(outDir, PACK_PATHS.index));
    v = await verifyEvidencePack(outDir);
    t.true(v.problems.some((p) => p.startsWith('extra.txt') && p.includes('not listed')));
    t.true(v.problems.some((p) => p.startsWith('index.html') && p.includes('missing')));

    // Rewriting the manifest to match the tampering breaks the signature.
    const m = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8'));
    m.files = m.files.filter((f: { path: string }) => f.path !== 'index.html');
    await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
    v = await verifyEvidencePack(outDir);
    t.true(v.problems.some((p) => p.includes('SM2 signature')));

    const other = generateSm2KeyPair();
    v = await verifyEvidencePack(outDir, { trustedPublicKeyHex: other.publicKey });
    t.true(v.problems.some((p) => p.includes('not the trusted key')));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('verification of a directory without a manifest says so', async (t) => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-pack-empty-'));
  try {
    const v = await verifyEvidencePack(tmp);
    t.false(v.ok);
    t.deepEqual(v.problems, ['manifest.json is missing']);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
