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
  manualVerdictBody,
  runSummarySchema,
} from './compliance-schemas';
import type { ComplianceService } from './compliance-service';
import { generateEvidencePack, type EvidencePackDeps } from './pack/evidence-pack';

export type ComplianceRoutesDeps = {
  service: ComplianceService;
  /** What the export button needs besides the service: the signer, report directories, version. */
  pack: Omit<EvidencePackDeps, 'compliance'>;
};

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
  }),
});

/** The compliance room's HTTP routes; permissions compliance.read / compliance.manual_verdict / compliance.export. */
export function createComplianceRoutes(deps: ComplianceRoutesDeps): RouteDef[] {
  const { service } = deps;
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
      method: 'post', path: '/api/compliance/runs', tag: 'compliance', summary: 'Run every registered check now', access: 'compliance.manual_verdict', audit: 'compliance.checks_ran', status: 201,
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
      method: 'post', path: '/api/compliance/export', tag: 'compliance', summary: 'Generate the signed evidence pack and download it as a zip', access: 'compliance.export', audit: 'compliance.pack_exported', raw: true,
      handler: async ({ actor, res }) => {
        const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-pack-'));
        try {
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const out = path.join(tmp, `yiyun-evidence-${stamp}`);
          const r = await generateEvidencePack({ ...deps.pack, compliance: service }, { outDir: out, zip: true });
          await service.recordExport(actor, { files: r.files, manifestSm3: r.manifestSm3 });
          const zip = await readFile(r.zipPath!);
          res.setHeader('content-type', 'application/zip');
          res.setHeader('content-disposition', `attachment; filename="${path.basename(r.zipPath!)}"`);
          res.setHeader('x-manifest-sm3', r.manifestSm3);
          res.status(200).end(zip);
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      },
    }),
  ];
}
