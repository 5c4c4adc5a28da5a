/**
 * Compliance benchmark, two rows:
 * - `real`: what `yiyun evidence` does on a fresh embedded (PGlite) server context with the real wired registry —
 *   every check the rooms register, the estate plan of both zones included — then pack + zip and verify. This is
 *   the number the "export in under 30 s" is about (target: runChecks + pack + verify < 30 s).
 * - `synthetic-load`: the pack under a heavier evidence load than a fresh server has — one fake check per expected
 *   check key, each with ~200 KB of files, and manual verdicts with uploads on every manual item. It measures the
 *   pack's scaling, not the real checks (its runChecks time is of fake checks).
 * Run alone with `node --import=tsx bench/compliance-bench.ts`; `bench/run.ts` imports `runComplianceBench`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemActor } from '../core/authz';
import { loadSettings } from '../core/config';
import { generateSm2KeyPair, sm2Sign } from '../core/crypto';
import { createLogger } from '../core/log';
import type { ComplianceService } from '../compliance/compliance-service';
import type { EvidencePackDeps } from '../compliance/pack/evidence-pack';
import { buildContext } from '../platform/server/context';
import { createTestDatabase } from '../core/db/testing';
import { allCatalogues } from '../compliance/catalogues';
import { createEvidenceRegistry } from '../compliance/checks/check-runner';
import { createComplianceService } from '../compliance/compliance-service';
import { actor, recordingAudit } from '../compliance/compliance-testing';
import { csvFile, jsonFile, type EvidenceSource } from '../compliance/evidence-source';
import { complianceModule } from '../compliance/index';
import { generateEvidencePack, verifyEvidencePack } from '../compliance/pack/evidence-pack';

export type ComplianceBenchResult = {
  name: 'compliance-pack-real' | 'compliance-pack-synthetic-load';
  checks: number;
  manualVerdicts: number;
  runChecksMs: number;
  packMs: number;
  verifyMs: number;
  totalMs: number;
  packFiles: number;
  packBytes: number;
  withinTarget: boolean;
};

/** The real path: a fresh server context on PGlite, its wired registry, `yiyun evidence`'s steps. */
export async function runRealComplianceBench(): Promise<ComplianceBenchResult> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-bench-real-'));
  const settings = loadSettings({ YIYUN_DATA_DIR: path.join(tmp, 'data'), YIYUN_LOG_LEVEL: 'silent', YIYUN_ADMIN_PASSWORD: 'Bench#Admin2026', YIYUN_COMPLIANCE_ON_START: 'false', YIYUN_COMPLIANCE_INTERVAL: '0' });
  const ctx = await buildContext(settings, createLogger({ level: 'silent' }));
  try {
    const room = ctx.rooms.get('compliance')!.exports as { service: ComplianceService; pack: Omit<EvidencePackDeps, 'compliance'> };
    const actor = systemActor('bench');
    const t0 = performance.now();
    const run = await room.service.runChecks(actor, { trigger: 'export' });
    const runChecksMs = performance.now() - t0;
    const t1 = performance.now();
    const pack = await generateEvidencePack({ compliance: room.service, ...room.pack }, { outDir: path.join(tmp, 'pack'), zip: true });
    const packMs = performance.now() - t1;
    const t2 = performance.now();
    const v = await verifyEvidencePack(pack.outDir);
    const verifyMs = performance.now() - t2;
    if (!v.ok) throw new Error(`the real pack does not verify: ${v.problems.join('; ')}`);
    const totalMs = runChecksMs + packMs + verifyMs;
    return {
      name: 'compliance-pack-real',
      checks: run.checks,
      manualVerdicts: 0,
      runChecksMs: Math.round(runChecksMs),
      packMs: Math.round(packMs),
      verifyMs: Math.round(verifyMs),
      totalMs: Math.round(totalMs),
      packFiles: pack.files,
      packBytes: pack.bytes,
      withinTarget: totalMs < 30_000,
    };
  } finally {
    await ctx.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

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

/** Both rows: the real path first, then the synthetic load. */
export async function runComplianceBench(): Promise<ComplianceBenchResult[]> {
  return [await runRealComplianceBench(), await runSyntheticComplianceBench()];
}

/** The pack under a synthetic evidence load (fake checks, manual uploads on every manual item). */
export async function runSyntheticComplianceBench(): Promise<ComplianceBenchResult> {
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
      name: 'compliance-pack-synthetic-load',
      checks: registry.checks().length,
      manualVerdicts: manualItems.length,
      runChecksMs: Math.round(runChecksMs),
      packMs: Math.round(packMs),
      verifyMs: Math.round(verifyMs),
      totalMs: Math.round(runChecksMs + packMs + verifyMs),
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
      await writeFile(path.join(dir, 'compliance.json'), `${JSON.stringify({ rows: r, at: new Date().toISOString() }, null, 2)}\n`);
      console.log(JSON.stringify(r, null, 2));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
