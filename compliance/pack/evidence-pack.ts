import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { sm3Hex } from '../../core/crypto';
import type { ComplianceService, ComplianceSnapshot } from '../compliance-service';
import type { EffectiveItem, FileRef, StoredResult } from '../compliance-fns';
import { VERDICT_LABELS } from '../verdict';
import { buildSummaryReport } from './pack-docx';
import { buildIndexHtml } from './pack-html';
import { digestFile, ENVELOPE_FILE, listFiles, MANIFEST_FILE, MANIFEST_FORMAT, manifestBytes, SIGNATURE_FILE, type Manifest, type PackSigner } from './pack-manifest';
import { oscalAssessmentResults, oscalCatalog, YIYUN_NS } from './pack-oscal';
import { buildRecordsWorkbook } from './pack-xlsx';

export { verifyEvidencePack, type PackSigner, type VerifyResult } from './pack-manifest';

export type EvidencePackDeps = {
  compliance: Pick<ComplianceService, 'snapshot' | 'readFile' | 'tenantScopes'>;
  /** Display names of tenants for the per-tenant sections (the compliance room does not read the tenants table). */
  tenantNames?: (ids: string[]) => Promise<Map<string, string>>;
  signer: PackSigner;
  /** Directories holding the project's own test and benchmark reports (the seed's software-testing item). */
  reportsDirs?: string[];
  productVersion?: string;
  clock?: () => Date;
};

export type PackPhase = 'snapshot' | 'evidence' | 'reports' | 'records' | 'report' | 'oscal' | 'index' | 'manifest' | 'zip' | 'done';
export type PackProgress = { phase: PackPhase; done: number; total: number; message: string };

export type PackOptions = { outDir: string; zip?: boolean; onProgress?: (p: PackProgress) => void };

export type PackResult = { outDir: string; zipPath: string | null; files: number; bytes: number; manifestSm3: string; durationMs: number; dengbaoScore: number; mipingScore: number };

export const PACK_PATHS = {
  index: 'index.html',
  records: 'records/assessment-records.xlsx',
  report: 'report/summary-report.docx',
  oscalDengbao: 'oscal/catalog-dengbao-l3.json',
  oscalMiping: 'oscal/catalog-miping-l3.json',
  oscalResults: 'oscal/assessment-results.json',
  items: 'data/items.json',
  scores: 'data/scores.json',
} as const;

const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** A file name safe on every file system the pack may land on. */
function safeName(name: string): string {
  const s = name.replace(/[\\/:*?"<>|\0]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return s || '_';
}

async function write(outDir: string, rel: string, content: Buffer | string): Promise<void> {
  const abs = path.join(outDir, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

async function copyTree(src: string, destRel: string, outDir: string): Promise<number> {
  let n = 0;
  let entries;
  try {
    entries = await readdir(src, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const from = path.join(src, e.name);
    const to = `${destRel}/${safeName(e.name)}`;
    if (e.isDirectory()) n += await copyTree(from, to, outDir);
    else if (e.isFile() && (await stat(from)).size <= MAX_REPORT_BYTES) {
      await write(outDir, to, await readFile(from));
      n++;
    }
  }
  return n;
}

function jsonText(x: unknown): string {
  return `${JSON.stringify(x, null, 2)}\n`;
}

type EvidencePlan = {
  prefix: string;
  scope: { tenantId: string | null };
  byCheck: Map<string, StoredResult[]>;
  manualFiles: Array<{ itemId: string; manualId: string; f: FileRef }>;
  units: number;
};

/** What a snapshot's evidence amounts to: each check once with its results, and the manual uploads. */
function planEvidence(snap: ComplianceSnapshot, prefix: string, scope: { tenantId: string | null }): EvidencePlan {
  const items = snap.catalogues.flatMap((c) => c.items);
  const byCheck = new Map<string, StoredResult[]>();
  for (const e of items) for (const r of e.results) byCheck.set(r.checkKey, [...(byCheck.get(r.checkKey) ?? []), r]);
  const manualFiles = items.flatMap((e) => (e.manual ? e.manual.files.map((f) => ({ itemId: e.item.id, manualId: e.manual!.id, f })) : []));
  return { prefix, scope, byCheck, manualFiles, units: byCheck.size + manualFiles.length };
}

/** Writes one scope's evidence under its prefix; returns each item's links (for index.html) and refs (for the XLSX). */
async function writeEvidence(outDir: string, plan: EvidencePlan, compliance: Pick<ComplianceService, 'readFile'>, tick: (message: string) => void) {
  const links = new Map<string, Array<{ href: string; description: string }>>();
  const refs = new Map<string, string[]>();
  const addLink = (itemId: string, href: string, description: string) => {
    links.set(itemId, [...(links.get(itemId) ?? []), { href, description }]);
    refs.set(itemId, [...(refs.get(itemId) ?? []), href]);
  };
  const written = new Set<string>();
  for (const [key, results] of plan.byCheck) {
    const dir = `${plan.prefix}/checks/${safeName(key)}`;
    const first = results[0]!;
    await write(
      outDir,
      `${dir}/result.json`,
      jsonText({
        check: { key, title: first.checkTitle, kind: first.checkKind, room: first.room, source: first.sourceId },
        tenantId: plan.scope.tenantId,
        runId: first.runId,
        collectedAt: first.collectedAt,
        status: first.status,
        error: first.error,
        items: results.map((r) => ({ itemId: r.itemId, verdict: r.verdict, label: r.verdict ? VERDICT_LABELS[r.verdict] : null, risk: r.risk, summary: r.summary, objects: r.objects })),
        evidence: first.evidence,
        files: first.files.map((f) => ({ name: f.name, sha256: f.sha256, sm3: f.sm3, size: f.size })),
      }),
    );
    for (const r of results) addLink(r.itemId, `${dir}/result.json`, `${first.checkTitle}（${key}）`);
    for (const f of first.files) {
      const rel = `${dir}/${safeName(f.name)}`;
      if (!written.has(f.id)) {
        await write(outDir, rel, await compliance.readFile(f.id, plan.scope));
        written.add(f.id);
      }
      for (const r of results) addLink(r.itemId, rel, f.name);
    }
    tick(key);
  }
  for (const { itemId, manualId, f } of plan.manualFiles) {
    const rel = `${plan.prefix}/manual/${itemId}/${manualId.slice(0, 8)}/${safeName(f.name)}`;
    await write(outDir, rel, await compliance.readFile(f.id, plan.scope));
    addLink(itemId, rel, `人工证据：${f.name}`);
    tick(f.name);
  }
  return { links, refs };
}

function itemsJson(items: EffectiveItem[], refs: Map<string, string[]>) {
  return items.map((e) => ({
    id: e.item.id,
    catalogue: e.item.catalogue,
    responsibility: e.item.responsibility,
    verdict: e.verdict,
    status: e.status,
    decidedBy: e.decidedBy,
    risk: e.risk,
    summary: e.summary,
    collectedAt: e.collectedAt,
    evidence: refs.get(e.item.id) ?? [],
    manual: e.manual ? { id: e.manual.id, kind: e.manual.kind, verdict: e.manual.verdict, note: e.manual.note, recordedBy: e.manual.recordedBy, recordedAt: e.manual.recordedAt } : null,
  }));
}

function scoreLine(s: { score: number; passes: boolean; counts: unknown }) {
  return { score: s.score, passes: s.passes, counts: s.counts };
}

/**
 * Writes the evidence pack to `outDir` (which must be new or empty): index.html, the 测评记录 workbook, the
 * summary report, OSCAL catalog and assessment-results, every evidence file, the project's test and bench
 * reports, and manifest.json with SM3 and SHA-256 of every file, SM2-signed into manifest.sig. `zip` also
 * writes `<outDir>.zip`.
 */
export async function generateEvidencePack(deps: EvidencePackDeps, opts: PackOptions): Promise<PackResult> {
  const clock = deps.clock ?? (() => new Date());
  const t0 = Date.now();
  const progress = (phase: PackPhase, done: number, total: number, message: string) => opts.onProgress?.({ phase, done, total, message });
  const outDir = path.resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  if ((await readdir(outDir)).length > 0) throw new Error(`${outDir} is not empty: give a new directory for the pack`);

  progress('snapshot', 0, 1, '读取检查结果与人工核查记录');
  const snap: ComplianceSnapshot = await deps.compliance.snapshot({ tenantId: null });
  const generatedAt = clock();
  const version = deps.productVersion ?? '0.0.0';
  progress('snapshot', 1, 1, '快照完成');

  // Evidence: each check's files once (evidence/checks/<key>/), its structured result, and manual uploads.
  const tenantIds = await deps.compliance.tenantScopes();
  const tenantSnaps: Array<{ tenantId: string; label: string; snap: ComplianceSnapshot }> = [];
  const names = tenantIds.length > 0 && deps.tenantNames ? await deps.tenantNames(tenantIds) : new Map<string, string>();
  for (const tenantId of tenantIds) tenantSnaps.push({ tenantId, label: names.get(tenantId) ?? tenantId, snap: await deps.compliance.snapshot({ tenantId }) });
  const platformEvidence = planEvidence(snap, 'evidence', { tenantId: null });
  const tenantEvidence = tenantSnaps.map((t) => planEvidence(t.snap, `evidence/tenants/${t.tenantId}`, { tenantId: t.tenantId }));
  const totalEvidence = [platformEvidence, ...tenantEvidence].reduce((n, e) => n + e.units, 0);
  let done = 0;
  const tick = (message: string) => progress('evidence', ++done, totalEvidence, message);
  const { links, refs } = await writeEvidence(outDir, platformEvidence, deps.compliance, tick);
  const tenantSections = [];
  for (const [i, t] of tenantSnaps.entries()) {
    const ev = await writeEvidence(outDir, tenantEvidence[i]!, deps.compliance, tick);
    const items = t.snap.catalogues.flatMap((c) => c.items);
    await write(outDir, `data/tenants/${t.tenantId}.json`, jsonText({ tenantId: t.tenantId, name: t.label, dengbao: scoreLine(t.snap.dengbao), miping: scoreLine(t.snap.miping), items: itemsJson(items, ev.refs) }));
    tenantSections.push({ tenantId: t.tenantId, label: t.label, catalogues: t.snap.catalogues.map((c) => ({ id: c.catalogue.id, title: c.catalogue.title, items: c.items })), links: ev.links, refs: ev.refs, dengbao: t.snap.dengbao, miping: t.snap.miping });
  }
  const allItems: EffectiveItem[] = snap.catalogues.flatMap((c) => c.items);

  progress('reports', 0, 1, '收集测试与基准报告');
  let reports = 0;
  for (const [n, dir] of (deps.reportsDirs ?? []).entries()) reports += await copyTree(dir, `reports/${n === 0 ? 'tests' : `set-${n}`}`, outDir);
  progress('reports', 1, 1, `${reports} 个报告文件`);

  const catalogues = snap.catalogues.map((c) => ({ id: c.catalogue.id, title: c.catalogue.title, items: c.items }));
  progress('records', 0, 1, '生成测评记录 XLSX');
  await write(outDir, PACK_PATHS.records, await buildRecordsWorkbook({ catalogues, evidenceRefs: refs, dengbao: snap.dengbao, miping: snap.miping, generatedAt, tenants: tenantSections }));
  progress('records', 1, 1, 'XLSX 完成');

  progress('report', 0, 1, '生成 DOCX 报告');
  await write(outDir, PACK_PATHS.report, await buildSummaryReport({ generatedAt, productVersion: version, dengbao: snap.dengbao, miping: snap.miping, items: allItems, templates: snap.templates }));
  progress('report', 1, 1, 'DOCX 完成');

  progress('oscal', 0, 3, '生成 OSCAL');
  await write(outDir, PACK_PATHS.oscalDengbao, jsonText(oscalCatalog(snap.catalogues[0]!.catalogue, generatedAt)));
  await write(outDir, PACK_PATHS.oscalMiping, jsonText(oscalCatalog(snap.catalogues[1]!.catalogue, generatedAt)));
  const scoreProps = [
    { name: 'dengbao-score', value: snap.dengbao.score.toFixed(2), ns: YIYUN_NS },
    { name: 'dengbao-grade', value: snap.dengbao.grade, ns: YIYUN_NS },
    { name: 'miping-score', value: snap.miping.score.toFixed(2), ns: YIYUN_NS },
  ];
  await write(outDir, PACK_PATHS.oscalResults, jsonText(oscalAssessmentResults({ catalogues: snap.catalogues, takenAt: generatedAt, scores: scoreProps }, links)));
  progress('oscal', 3, 3, 'OSCAL 完成');

  await write(
    outDir,
    PACK_PATHS.items,
    jsonText(itemsJson(allItems, refs)),
  );
  await write(outDir, PACK_PATHS.scores, jsonText({ generatedAt, latestRun: snap.latestRun, dengbao: snap.dengbao, miping: snap.miping, templates: snap.templates }));

  progress('index', 0, 1, '生成 index.html');
  const documents = [
    { href: PACK_PATHS.records, title: '测评记录（XLSX，每条一行）' },
    { href: PACK_PATHS.report, title: '自评估报告（DOCX）' },
    { href: PACK_PATHS.oscalDengbao, title: 'OSCAL catalog：等保 2.0 第三级' },
    { href: PACK_PATHS.oscalMiping, title: 'OSCAL catalog：密评 第三级' },
    { href: PACK_PATHS.oscalResults, title: 'OSCAL assessment-results' },
    { href: PACK_PATHS.scores, title: '得分明细（JSON）' },
    ...(reports > 0 ? [{ href: 'reports/', title: `项目测试与基准报告（${reports} 个文件）` }] : []),
  ];
  await write(outDir, PACK_PATHS.index, buildIndexHtml({ generatedAt, productVersion: version, dengbao: snap.dengbao, miping: snap.miping, catalogues, evidenceLinks: links, documents, tenants: tenantSections }));
  progress('index', 1, 1, 'index.html 完成');

  const paths = await listFiles(outDir);
  const entries = [];
  let bytes = 0;
  for (const [i, p] of paths.entries()) {
    const d = await digestFile(path.join(outDir, p));
    bytes += d.size;
    entries.push({ path: p, ...d });
    if (i % 50 === 0) progress('manifest', i, paths.length, p);
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    generatedAt: generatedAt.toISOString(),
    product: { name: 'yiyun', version },
    scores: { dengbao: snap.dengbao.score, dengbaoGrade: snap.dengbao.grade, miping: snap.miping.score },
    signer: { keyId: deps.signer.keyId, publicKey: deps.signer.publicKeyHex, algorithm: 'SM2-with-SM3', userId: '1234567812345678' },
    files: entries,
  };
  const mBytes = manifestBytes(manifest);
  await write(outDir, MANIFEST_FILE, mBytes);
  await write(outDir, SIGNATURE_FILE, `${deps.signer.sign(mBytes).toString('base64')}\n`);
  const envelope = deps.signer.envelope?.(mBytes, 'evidence-pack manifest.json');
  if (envelope) await write(outDir, ENVELOPE_FILE, `${JSON.stringify(envelope, null, 2)}\n`);
  progress('manifest', paths.length, paths.length, '清单已签名');

  let zipPath: string | null = null;
  if (opts.zip) {
    progress('zip', 0, 1, '打包 zip');
    const zip = new JSZip();
    for (const p of [...paths, MANIFEST_FILE, SIGNATURE_FILE, ...(envelope ? [ENVELOPE_FILE] : [])]) zip.file(`${path.basename(outDir)}/${p}`, await readFile(path.join(outDir, p)));
    zipPath = `${outDir}.zip`;
    await writeFile(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } }));
    progress('zip', 1, 1, zipPath);
  }
  progress('done', 1, 1, outDir);
  return {
    outDir,
    zipPath,
    files: entries.length + 2,
    bytes,
    manifestSm3: sm3Hex(mBytes),
    durationMs: Date.now() - t0,
    dengbaoScore: snap.dengbao.score,
    mipingScore: snap.miping.score,
  };
}
