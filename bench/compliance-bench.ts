/**
 * Compliance benchmark: full evidence-pack generation on a fresh embedded database filled the way a live estate
 * fills it — one check per expected check key (every automated and partial item covered, each with a JSON dump
 * and a CSV list), manual verdicts with uploaded files on every manual item, then `runChecks`, pack + zip, verify.
 * Run alone with `node --import=tsx bench/compliance-bench.ts`; `bench/run.ts` may import `runComplianceBench`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateSm2KeyPair, sm2Sign } from '../core/crypto';
import { createTestDatabase } from '../core/db/testing';
import { allCatalogues } from '../compliance/catalogues';
import { createEvidenceRegistry } from '../compliance/checks/check-runner';
import { createComplianceService } from '../compliance/compliance-service';
import { actor, recordingAudit } from '../compliance/compliance-testing';
import { csvFile, jsonFile, type EvidenceSource } from '../compliance/evidence-source';
import { complianceModule } from '../compliance/index';
import { generateEvidencePack, verifyEvidencePack } from '../compliance/pack/evidence-pack';

export type ComplianceBenchResult = {
  name: 'compliance-pack';
  checks: number;
  manualVerdicts: number;
  runChecksMs: number;
  packMs: number;
  verifyMs: number;
  packFiles: number;
  packBytes: number;
  withinTarget: boolean;
};

function syntheticSources(): EvidenceSource[] {
  const items = allCatalogues().flatMap((c) => c.items);
  const byKey = new Map<string, string[]>();
  for (const i of items) for (const k of i.expects) byKey.set(k, [...(byKey.get(k) ?? []), i.id]);
  const byRoom = new Map<string, EvidenceSource>();
  for (const [key, itemIds] of byKey) {
    const room = key.split('.')[0]!;
    let src = byRoom.get(room);
    if (!src) byRoom.set(room, (src = { id: room, room, checks: [] }));
    src.checks.push({
      key,
      title: key,
      itemIds,
      kind: 'automated',
      async run({ now }) {
        // ~200 KB of evidence per check: a config dump and a 2,000-row list.
        const rows: Array<Array<string | number>> = [['id', 'name', 'value', 'at']];
        for (let n = 0; n < 2000; n++) rows.push([n, `对象-${n}`, `v${(n * 7919) % 1000}`, now.toISOString()]);
        return {
          verdict: key.length % 5 === 0 ? 'partial' : 'pass',
          summary: `${key} 检查通过`,
          evidence: { key, objects: 2000, sample: rows.slice(1, 6) },
          files: [jsonFile(`${key}.json`, { key, config: rows.slice(0, 200) }), csvFile(`${key}.csv`, rows)],
        };
      },
    });
  }
  return [...byRoom.values()];
}

/** Runs the benchmark and returns its measurements. */
export async function runComplianceBench(): Promise<ComplianceBenchResult> {
  const database = await createTestDatabase('pglite', [complianceModule()]);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-bench-'));
  try {
    const known = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));
    const registry = createEvidenceRegistry(known);
    for (const s of syntheticSources()) registry.register(s);
    const service = createComplianceService({ db: database.db, audit: recordingAudit(), registry });
    const sec = actor('secadmin');

    const t0 = performance.now();
    await service.runChecks(sec);
    const runChecksMs = performance.now() - t0;

    const manualItems = allCatalogues().flatMap((c) => c.items).filter((i) => i.checkKind === 'manual');
    for (const i of manualItems) {
      await service.recordManualVerdict(sec, i.id, {
        verdict: 'pass',
        note: `${i.controlPoint}：已查阅文件与记录`,
        files: [{ name: `${i.id}-记录.txt`, contentBase64: Buffer.from(`${i.zh}\n`.repeat(200)).toString('base64') }],
      });
    }
    const reports = path.join(tmp, 'reports');
    await mkdir(reports, { recursive: true });
    await writeFile(path.join(reports, 'test-report.txt'), 'bench fixture\n');

    const pair = generateSm2KeyPair();
    const signer = { keyId: 'bench', publicKeyHex: pair.publicKey, sign: (d: Buffer) => sm2Sign(pair.privateKey, d) };
    const t1 = performance.now();
    const pack = await generateEvidencePack({ compliance: service, signer, reportsDirs: [reports], productVersion: 'bench' }, { outDir: path.join(tmp, 'pack'), zip: true });
    const packMs = performance.now() - t1;
    const t2 = performance.now();
    const v = await verifyEvidencePack(pack.outDir);
    const verifyMs = performance.now() - t2;
    if (!v.ok) throw new Error(`the benchmark pack does not verify: ${v.problems.join('; ')}`);
    return {
      name: 'compliance-pack',
      checks: registry.checks().length,
      manualVerdicts: manualItems.length,
      runChecksMs: Math.round(runChecksMs),
      packMs: Math.round(packMs),
      verifyMs: Math.round(verifyMs),
      packFiles: pack.files,
      packBytes: pack.bytes,
      withinTarget: packMs < 30_000,
    };
  } finally {
    await database.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runComplianceBench()
    .then(async (r) => {
      const dir = path.join(__dirname, 'results');
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'compliance.json'), `${JSON.stringify({ ...r, at: new Date().toISOString() }, null, 2)}\n`);
      console.log(JSON.stringify(r, null, 2));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
