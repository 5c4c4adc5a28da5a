import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defineRoute, idParams, listOf, type RouteDef } from '../core/http';
import { getCatalogue, catalogueIdSchema } from './catalogues';
import {
  itemDetailSchema,
  itemIdParams,
  itemRowSchema,
  listItemsQuery,
  conclusionBody,
  manualVerdictBody,
  runSummarySchema,
} from './compliance-schemas';
import type { ComplianceService } from './compliance-service';
import { generateEvidencePack, type EvidencePackDeps, type PackPhase } from './pack/evidence-pack';

export type ComplianceRoutesDeps = {
  service: ComplianceService;
  /** What the export button needs besides the service: the signer, report directories, version. */
  pack: Omit<EvidencePackDeps, 'compliance'>;
  /** An export uses the latest run when it started within this many ms, else runs the checks first; 1 h by default. */
  exportMaxAgeMs?: number;
};

/** Where an export stands, for the console's progress line: the checks (when they must run first), then the pack. */
export type ExportProgress = { phase: 'checks' | PackPhase; done: number; total: number; message: string; startedAt: Date };

const drag = z.object({ itemId: z.string(), verdict: z.string().nullable(), gain: z.number() });
const trend = z.array(z.object({ at: z.date(), score: z.number(), grade: z.string().nullable(), passes: z.boolean() }));
const counts = z.object({ pass: z.number(), partial: z.number(), fail: z.number(), na: z.number(), pending: z.number(), total: z.number() });

export const overviewSchema = z.object({
  scope: z.object({ tenantId: z.string().nullable() }),
  latestRun: z.object({ id: z.string(), startedAt: z.date(), finishedAt: z.date().nullable(), checks: z.number(), failedChecks: z.number() }).nullable(),
  dengbao: z.object({
    templateId: z.string(),
    score: z.number(),
    grade: z.string(),
    passes: z.boolean(),
    worstOpenRisk: z.string().nullable(),
    counts,
    categories: z.array(z.object({ category: z.string(), domain: z.string(), score: z.number().nullable(), counts })),
    drag: z.array(drag),
    trend,
    bands: z.array(z.object({ grade: z.string(), minScore: z.number() })),
  }),
  miping: z.object({
    templateId: z.string(),
    score: z.number(),
    passes: z.boolean(),
    highRiskOpen: z.boolean(),
    counts,
    layers: z.array(z.object({ layer: z.string(), weight: z.number(), score: z.number().nullable() })),
    drag: z.array(drag),
    trend,
    passScore: z.number(),
  }),
});

/**
 * The compliance room's HTTP routes; permissions compliance.read / compliance.manual_verdict (evidence and the
 * operator's verdict) / compliance.assess (the assessor's 测评结论) / compliance.run / compliance.export.
 */
export function createComplianceRoutes(deps: ComplianceRoutesDeps): RouteDef[] {
  const { service } = deps;
  const exportMaxAgeMs = deps.exportMaxAgeMs ?? 60 * 60_000;
  // Per account, this process: an export is one long request, so the console polls this beside it.
  const exports = new Map<string, ExportProgress>();
  const progressKey = (actor: { accountId: string | null; loginId: string }) => actor.accountId ?? actor.loginId;
  return [
    defineRoute({
      method: 'get', path: '/api/compliance/overview', tag: 'compliance', summary: 'Scores, conclusion, categories, the items dragging the score and the trend', access: 'compliance.read',
      response: overviewSchema, handler: ({ actor }) => service.overview(actor),
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/items', tag: 'compliance', summary: 'Catalogue items with their verdict (filters: catalogue, category, verdict, responsibility, checkKind, q)', access: 'compliance.read',
      query: listItemsQuery, response: listOf(itemRowSchema), handler: ({ actor, query }) => service.listItems(actor, query),
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/items/:id', tag: 'compliance', summary: 'One item with its evidence, its history and its manual verdicts', access: 'compliance.read',
      params: itemIdParams, response: itemDetailSchema, handler: ({ actor, params }) => service.getItem(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: '/api/compliance/items/:id/verdicts', tag: 'compliance', summary: 'Record a manual verdict with a note and evidence files', access: 'compliance.manual_verdict', audit: 'compliance.verdict_recorded', status: 201,
      // Evidence files arrive base64-encoded in the body (up to 16 MiB each).
      maxBodyBytes: 48 * 1024 * 1024,
      params: itemIdParams, body: manualVerdictBody,
      response: z.object({ id: z.string(), itemId: z.string(), verdict: z.string(), recordedAt: z.date(), files: z.array(z.object({ name: z.string(), sha256: z.string(), sm3: z.string(), size: z.number() })) }),
      handler: ({ actor, params, body }) => service.recordManualVerdict(actor, params.id, body),
    }),
    defineRoute({
      method: 'post', path: '/api/compliance/items/:id/conclusions', tag: 'compliance', summary: "Record the assessor's conclusion (测评结论) on an item: verdict and reasoning, no files", access: 'compliance.assess', audit: 'compliance.conclusion_recorded', status: 201,
      params: itemIdParams, body: conclusionBody,
      response: z.object({ id: z.string(), itemId: z.string(), verdict: z.string(), recordedAt: z.date(), files: z.array(z.never()) }),
      handler: ({ actor, params, body }) => service.recordConclusion(actor, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/files/:id', tag: 'compliance', summary: 'Download one evidence file', access: 'compliance.read', raw: true,
      params: idParams,
      handler: async ({ actor, params, res }) => {
        const f = await service.getFile(actor, params.id);
        res.setHeader('content-type', f.contentType);
        res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`);
        res.setHeader('x-content-sm3', f.sm3);
        res.setHeader('x-content-sha256', f.sha256);
        res.status(200).end(f.content);
      },
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/runs', tag: 'compliance', summary: 'Past check runs', access: 'compliance.read',
      response: listOf(z.object({ id: z.string(), startedAt: z.date(), finishedAt: z.date().nullable(), trigger: z.string(), actor: z.string(), status: z.string(), checks: z.number(), failedChecks: z.number() })),
      handler: async () => {
        const items = await service.listRuns(50);
        return { items, total: items.length };
      },
    }),
    defineRoute({
      // Running the checks changes what the dashboard shows, so it needs more than read access.
      method: 'post', path: '/api/compliance/runs', tag: 'compliance', summary: 'Run every registered check now (joins a run already in progress)', access: 'compliance.run', audit: 'compliance.checks_ran', status: 201,
      response: runSummarySchema, handler: ({ actor }) => service.runChecks(actor, { trigger: 'manual' }),
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/catalogues/:id', tag: 'compliance', summary: 'A catalogue (等保 or 密评): items, paraphrases, weights, responsibility, check kind', access: 'compliance.read',
      params: z.strictObject({ id: catalogueIdSchema }),
      handler: ({ params }) => {
        const c = getCatalogue(params.id);
        return { id: c.id, version: c.version, standard: c.standard, title: c.title, items: c.items };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/compliance/export/progress', tag: 'compliance', summary: "The caller's export in progress: phase and counts (the console polls it during an export)", access: 'compliance.export',
      response: z.object({ active: z.boolean(), phase: z.string().nullable(), done: z.number(), total: z.number(), message: z.string(), startedAt: z.date().nullable() }),
      handler: ({ actor }) => {
        const p = exports.get(progressKey(actor));
        return p ? { active: true, ...p } : { active: false, phase: null, done: 0, total: 0, message: '', startedAt: null };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/compliance/export', tag: 'compliance', summary: 'Generate the signed evidence pack and download it as a zip', access: 'compliance.export', audit: 'compliance.pack_exported', raw: true,
      handler: async ({ actor, res }) => {
        const key = progressKey(actor);
        const startedAt = new Date();
        const report = (p: Omit<ExportProgress, 'startedAt'>) => exports.set(key, { ...p, startedAt });
        const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-pack-'));
        try {
          // The pack must not carry stale verdicts: results older than the limit are refreshed first (audited as a run).
          report({ phase: 'checks', done: 0, total: 0, message: '核对检查结果是否最新' });
          await service.ensureFresh(actor, exportMaxAgeMs, (p) => report({ phase: 'checks', done: p.done, total: p.total, message: p.checkKey }));
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const out = path.join(tmp, `yiyun-evidence-${stamp}`);
          const r = await generateEvidencePack({ ...deps.pack, compliance: service }, { outDir: out, zip: true, onProgress: (p) => report(p) });
          await service.recordExport(actor, { files: r.files, manifestSm3: r.manifestSm3 });
          const zip = await readFile(r.zipPath!);
          res.setHeader('content-type', 'application/zip');
          res.setHeader('content-disposition', `attachment; filename="${path.basename(r.zipPath!)}"`);
          res.setHeader('x-manifest-sm3', r.manifestSm3);
          res.status(200).end(zip);
        } finally {
          exports.delete(key);
          await rm(tmp, { recursive: true, force: true });
        }
      },
    }),
  ];
}
