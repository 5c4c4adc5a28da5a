import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditTrail } from '../core/audit';
import type { Actor } from '../core/authz';
import { sm3Hex } from '../core/crypto';
import { InputError, NotFoundError } from '../core/errors';
import { getCatalogue, findItem, type Catalogue, type CatalogueId, type CatalogueItem } from './catalogues';
import { runChecks, type EvidenceRegistry, type ResultRecord } from './checks/check-runner';
import { createComplianceDal, type ComplianceDal, type ScoreRow, type Scope } from './compliance-dal';
import { byItem, contentTypeOf, effectiveItems, toStates, visibleToTenant, type EffectiveItem, type ManualVerdict, type StoredResult } from './compliance-fns';
import type { ItemRow, ListItemsQuery, ManualVerdictInput } from './compliance-schemas';
import { dragItems, rawDengbaoScore, scoreDengbao, scoreMiping, type DengbaoScore, type Drag, type MipingScore } from './scoring/scoring-fns';
import { DENGBAO_TEMPLATE_2021, MIPING_TEMPLATE_2021, type DengbaoTemplate, type MipingTemplate } from './scoring/scoring-templates';
import { PENDING_LABEL, VERDICT_LABELS } from './verdict';

export type ComplianceServiceDeps = {
  db: Kysely<any>;
  audit: Pick<AuditTrail, 'record'>;
  /** The checks registered by the composition root. */
  registry: Pick<EvidenceRegistry, 'checks'>;
  clock?: () => Date;
  /** Per-check time budget (ms); 20 s by default. */
  checkTimeoutMs?: number;
  templates?: { dengbao: DengbaoTemplate; miping: MipingTemplate };
};

/** The state of both catalogues at one moment, in one scope. */
export type ComplianceSnapshot = {
  takenAt: Date;
  scope: Scope;
  latestRun: { id: string; startedAt: Date; finishedAt: Date | null } | null;
  catalogues: Array<{
    catalogue: Catalogue;
    items: EffectiveItem[];
  }>;
  dengbao: DengbaoScore & { drag: Drag[] };
  miping: MipingScore & { drag: Drag[] };
  templates: { dengbao: DengbaoTemplate; miping: MipingTemplate };
};

export type RunProgress = (p: { done: number; total: number; checkKey: string }) => void;

function scopeOf(actor: Pick<Actor, 'tenantId'>): Scope {
  return { tenantId: actor.tenantId ?? null };
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function rowOf(e: EffectiveItem): ItemRow {
  const i = e.item;
  return {
    id: i.id,
    catalogue: i.catalogue,
    provisional: i.provisional,
    clause: i.clause,
    index: i.index,
    category: i.category,
    controlPoint: i.controlPoint,
    part: i.part,
    domain: i.domain,
    zh: i.zh,
    en: i.en,
    importance: i.importance,
    weight: i.weight,
    responsibility: i.responsibility,
    checkKind: i.checkKind,
    checkReason: i.checkReason,
    verdict: e.verdict,
    verdictLabel: e.verdict ? VERDICT_LABELS[e.verdict] : PENDING_LABEL,
    status: e.status,
    decidedBy: e.decidedBy,
    risk: e.risk,
    summary: e.summary,
    collectedAt: e.collectedAt,
    evidenceFiles: e.results.reduce((n, r) => n + r.files.length, 0) + (e.manual?.files.length ?? 0),
  };
}

/** The compliance room's rules: running checks, effective verdicts, manual verdicts, scores and history. */
export function createComplianceService(deps: ComplianceServiceDeps) {
  const dal: ComplianceDal = createComplianceDal(deps.db);
  const clock = deps.clock ?? (() => new Date());
  const templates = deps.templates ?? { dengbao: DENGBAO_TEMPLATE_2021, miping: MIPING_TEMPLATE_2021 };

  function itemsInScope(c: Catalogue, scope: Scope): readonly CatalogueItem[] {
    return scope.tenantId === null ? c.items : c.items.filter(visibleToTenant);
  }

  async function effective(scope: Scope): Promise<{ run: Awaited<ReturnType<ComplianceDal['latestRun']>>; byCatalogue: Map<CatalogueId, EffectiveItem[]> }> {
    const run = await dal.latestRun();
    const results = run ? await dal.resultsOfRun(run.id, scope) : [];
    const manuals = await dal.manualVerdicts(scope);
    const rBy = byItem<StoredResult>(results);
    const mBy = byItem<ManualVerdict>(manuals);
    const byCatalogue = new Map<CatalogueId, EffectiveItem[]>();
    for (const id of ['dengbao-l3', 'miping-l3'] as const) {
      byCatalogue.set(id, effectiveItems(itemsInScope(getCatalogue(id), scope), rBy, mBy));
    }
    return { run, byCatalogue };
  }

  function score(byCatalogue: Map<CatalogueId, EffectiveItem[]>) {
    const dItems = (byCatalogue.get('dengbao-l3') ?? []).map((e) => e.item);
    const mItems = (byCatalogue.get('miping-l3') ?? []).map((e) => e.item);
    const dStates = toStates(byCatalogue.get('dengbao-l3') ?? []);
    const mStates = toStates(byCatalogue.get('miping-l3') ?? []);
    const dengbao = scoreDengbao(dItems, dStates, templates.dengbao);
    const miping = scoreMiping(mItems, mStates, templates.miping);
    return {
      dengbao: { ...dengbao, drag: dragItems(dItems, dStates, (s) => rawDengbaoScore(dItems, s, templates.dengbao), 15) },
      miping: { ...miping, drag: dragItems(mItems, mStates, (s) => scoreMiping(mItems, s, templates.miping).score, 10) },
    };
  }

  async function storeRun(runId: string, records: ResultRecord[], actor: Actor, trigger: string): Promise<{ dengbao: number; miping: number; failed: number; checks: number }> {
    const checks = new Set(records.map((r) => r.checkKey)).size;
    const failed = new Set(records.filter((r) => r.status !== 'ok').map((r) => r.checkKey)).size;
    // Hash files before the transaction (nothing slow inside it); a check's files are stored once per tenant scope.
    const fileSets = new Map<string, { checkKey: string; tenantId: string | null; files: Array<{ name: string; contentType: string; content: Buffer; sha256: string; sm3: string }> }>();
    for (const r of records) {
      const key = `${r.checkKey}|${r.tenantId ?? ''}`;
      if (fileSets.has(key) || r.files.length === 0) continue;
      const seen = new Set<string>();
      const files = [];
      for (const f of r.files) {
        if (seen.has(f.name)) continue; // several results of one check may repeat a file
        seen.add(f.name);
        files.push({ name: f.name, contentType: f.contentType ?? contentTypeOf(f.name), content: f.content, sha256: sha256Hex(f.content), sm3: sm3Hex(f.content) });
      }
      fileSets.set(key, { checkKey: r.checkKey, tenantId: r.tenantId, files });
    }
    const finishedAt = clock();
    return deps.db.transaction().execute(async (tx) => {
      for (const r of records) {
        await dal.insertResult(
          {
            run_id: runId,
            item_id: r.itemId,
            check_key: r.checkKey,
            check_title: r.checkTitle,
            check_kind: r.checkKind,
            source_id: r.sourceId,
            room: r.room,
            tenant_id: r.tenantId,
            status: r.status,
            verdict: r.verdict,
            risk: r.risk,
            summary: r.summary,
            evidence: JSON.stringify(r.evidence),
            objects: r.objects ? JSON.stringify(r.objects) : null,
            collected_at: r.collectedAt,
            duration_ms: r.durationMs,
            error: r.error,
          },
          tx,
        );
      }
      for (const set of fileSets.values()) {
        for (const f of set.files) {
          await dal.insertFile(
            { run_id: runId, check_key: set.checkKey, manual_id: null, tenant_id: set.tenantId, name: f.name, content_type: f.contentType, size: f.content.length, sha256: f.sha256, sm3: f.sm3, content: f.content },
            tx,
          );
        }
      }
      await dal.finishRun(runId, { finishedAt, status: 'done', checksTotal: checks, checksFailed: failed }, tx);
      // Score the platform scope as it stands after this run, and keep it for the trend.
      const run = { id: runId };
      const results = await dal.resultsOfRun(run.id, { tenantId: null }, undefined, tx);
      const manuals = await dal.manualVerdicts({ tenantId: null }, undefined, tx);
      const byCatalogue = new Map<CatalogueId, EffectiveItem[]>();
      for (const id of ['dengbao-l3', 'miping-l3'] as const) byCatalogue.set(id, effectiveItems(getCatalogue(id).items, byItem(results), byItem(manuals)));
      const dItems = getCatalogue('dengbao-l3').items;
      const mItems = getCatalogue('miping-l3').items;
      const d = scoreDengbao(dItems, toStates(byCatalogue.get('dengbao-l3') ?? []), templates.dengbao);
      const m = scoreMiping(mItems, toStates(byCatalogue.get('miping-l3') ?? []), templates.miping);
      await dal.insertScore(
        { computed_at: finishedAt, run_id: runId, catalogue: 'dengbao-l3', catalogue_version: getCatalogue('dengbao-l3').version, template_id: d.templateId, score: d.score, grade: d.grade, passes: d.passes, counts: JSON.stringify(d.counts), categories: JSON.stringify(d.categories.map((c) => ({ category: c.category, score: c.score }))) },
        tx,
      );
      await dal.insertScore(
        { computed_at: finishedAt, run_id: runId, catalogue: 'miping-l3', catalogue_version: getCatalogue('miping-l3').version, template_id: m.templateId, score: m.score, grade: null, passes: m.passes, counts: JSON.stringify(m.counts), categories: JSON.stringify(m.layers.map((l) => ({ category: l.layer, score: l.score }))) },
        tx,
      );
      await deps.audit.record(
        {
          actor,
          action: 'compliance.checks_ran',
          target: { type: 'compliance_run', id: runId },
          after: { trigger, checks, failedChecks: failed, dengbaoScore: d.score, mipingScore: m.score },
        },
        tx,
      );
      return { dengbao: d.score, miping: m.score, failed, checks };
    });
  }

  return {
    /** Runs every registered check, stores the results and their files, scores, and records it in the audit trail. */
    async runChecks(actor: Actor, opts: { trigger?: 'manual' | 'schedule' | 'export' | 'startup'; onProgress?: RunProgress } = {}) {
      const trigger = opts.trigger ?? 'manual';
      const startedAt = clock();
      const runId = await dal.createRun({ startedAt, trigger, actorLogin: actor.loginId });
      let records: ResultRecord[];
      try {
        records = await runChecks(deps.registry.checks(), { now: clock, defaultTimeoutMs: deps.checkTimeoutMs, onProgress: opts.onProgress });
      } catch (e) {
        await dal.finishRun(runId, { finishedAt: clock(), status: 'failed', checksTotal: 0, checksFailed: 0 });
        throw e;
      }
      const s = await storeRun(runId, records, actor, trigger);
      return { runId, startedAt, finishedAt: clock(), checks: s.checks, failedChecks: s.failed, dengbaoScore: s.dengbao, mipingScore: s.miping };
    },

    /** The dashboard: both scores with conclusion, by category, the items dragging most, and the trend. */
    async overview(actor: Actor) {
      const scope = scopeOf(actor);
      const { run, byCatalogue } = await effective(scope);
      const scores = score(byCatalogue);
      const [dTrend, mTrend] = scope.tenantId === null ? await Promise.all([dal.scoreHistory('dengbao-l3', 60), dal.scoreHistory('miping-l3', 60)]) : [[], []];
      const trend = (rows: ScoreRow[]) => rows.reverse().map((r) => ({ at: r.computed_at, score: r.score, grade: r.grade, passes: r.passes }));
      return {
        scope,
        latestRun: run ? { id: run.id, startedAt: run.started_at, finishedAt: run.finished_at, checks: run.checks_total, failedChecks: run.checks_failed } : null,
        dengbao: { ...scores.dengbao, trend: trend(dTrend) },
        miping: { ...scores.miping, trend: trend(mTrend) },
      };
    },

    /** Items with their effective verdict, filtered; tenants see only their own and shared items. */
    async listItems(actor: Actor, q: ListItemsQuery): Promise<{ items: ItemRow[]; total: number }> {
      const { byCatalogue } = await effective(scopeOf(actor));
      let rows = [...(q.catalogue ? (byCatalogue.get(q.catalogue) ?? []) : [...byCatalogue.values()].flat())];
      if (q.category) rows = rows.filter((e) => e.item.category === q.category);
      if (q.verdict) rows = rows.filter((e) => (q.verdict === 'pending' ? e.verdict === null : e.verdict === q.verdict));
      if (q.responsibility) rows = rows.filter((e) => e.item.responsibility === q.responsibility);
      if (q.checkKind) rows = rows.filter((e) => e.item.checkKind === q.checkKind);
      if (q.q) {
        const needle = q.q.toLowerCase();
        rows = rows.filter((e) => [e.item.id, e.item.zh, e.item.en, e.item.controlPoint].some((s) => s.toLowerCase().includes(needle)));
      }
      return { items: rows.slice(q.offset, q.offset + q.limit).map(rowOf), total: rows.length };
    },

    /** One item with its latest results, its result history and every manual verdict. */
    async getItem(actor: Actor, itemId: string) {
      const scope = scopeOf(actor);
      const item = findItem(itemId);
      if (!item || (scope.tenantId !== null && !visibleToTenant(item))) throw new NotFoundError(`no compliance item ${itemId}`);
      const run = await dal.latestRun();
      const results = run ? await dal.resultsOfRun(run.id, scope, itemId) : [];
      const manuals = await dal.manualVerdicts(scope, itemId);
      const e = effectiveItems([item], byItem(results), byItem(manuals))[0]!;
      const history = await dal.resultHistory(itemId, scope, 50);
      return { ...rowOf(e), expects: item.expects, results, history, manualVerdicts: manuals };
    },

    /** Records a verdict by hand, with its note and files; audited in the same transaction. */
    async recordManualVerdict(actor: Actor, itemId: string, input: ManualVerdictInput) {
      const scope = scopeOf(actor);
      const item = findItem(itemId);
      if (!item || (scope.tenantId !== null && !visibleToTenant(item))) throw new NotFoundError(`no compliance item ${itemId}`);
      if (input.objects && item.catalogue !== 'miping-l3') throw new InputError('assessed objects (D/A/K) apply to 密评 units only', { fields: [{ path: 'objects', message: 'only for MP-… items' }] });
      const files = input.files.map((f) => {
        const content = Buffer.from(f.contentBase64, 'base64');
        if (content.length === 0) throw new InputError(`file ${f.name} is empty`, { fields: [{ path: 'files', message: `${f.name} is empty` }] });
        return { name: f.name, contentType: f.contentType ?? contentTypeOf(f.name), content, sha256: sha256Hex(content), sm3: sm3Hex(content) };
      });
      const recordedAt = clock();
      return deps.db.transaction().execute(async (tx) => {
        const id = await dal.insertManual(
          {
            item_id: itemId,
            tenant_id: scope.tenantId,
            verdict: input.verdict,
            risk: input.risk ?? null,
            note: input.note,
            objects: input.objects ? JSON.stringify(input.objects) : null,
            recorded_by: actor.loginId,
            recorded_by_account: actor.accountId,
            recorded_at: recordedAt,
          },
          tx,
        );
        for (const f of files) {
          await dal.insertFile({ run_id: null, check_key: null, manual_id: id, tenant_id: scope.tenantId, name: f.name, content_type: f.contentType, size: f.content.length, sha256: f.sha256, sm3: f.sm3, content: f.content }, tx);
        }
        await deps.audit.record(
          {
            actor,
            action: 'compliance.verdict_recorded',
            target: { type: 'compliance_item', id: itemId },
            after: { verdict: input.verdict, risk: input.risk ?? null, files: files.map((f) => ({ name: f.name, sm3: f.sm3 })) },
            detail: { note: input.note.slice(0, 500) },
          },
          tx,
        );
        return { id, itemId, verdict: input.verdict, recordedAt, files: files.map((f) => ({ name: f.name, sha256: f.sha256, sm3: f.sm3, size: f.content.length })) };
      });
    },

    /** One evidence file's bytes, within the caller's scope. */
    async getFile(actor: Actor, fileId: string) {
      const f = await dal.getFile(fileId, scopeOf(actor));
      if (!f) throw new NotFoundError('no such evidence file');
      return f;
    },

    /** Everything the evidence pack needs, in the platform scope (or a tenant's). */
    async snapshot(scope: Scope = { tenantId: null }): Promise<ComplianceSnapshot> {
      const { run, byCatalogue } = await effective(scope);
      const scores = score(byCatalogue);
      return {
        takenAt: clock(),
        scope,
        latestRun: run ? { id: run.id, startedAt: run.started_at, finishedAt: run.finished_at } : null,
        catalogues: (['dengbao-l3', 'miping-l3'] as const).map((id) => ({ catalogue: getCatalogue(id), items: byCatalogue.get(id) ?? [] })),
        dengbao: scores.dengbao,
        miping: scores.miping,
        templates,
      };
    },

    /** File bytes by id for the pack (platform scope). */
    async readFile(fileId: string, scope: Scope = { tenantId: null }): Promise<Buffer> {
      const f = await dal.getFile(fileId, scope);
      if (!f) throw new NotFoundError(`evidence file ${fileId} is missing`);
      return f.content;
    },

    /** Records that a pack was exported (called by the CLI and the export route). */
    async recordExport(actor: Actor, detail: { files: number; manifestSm3: string; outDir?: string }) {
      await deps.audit.record({ actor, action: 'compliance.pack_exported', target: { type: 'compliance_pack', id: detail.manifestSm3.slice(0, 16) }, after: detail });
    },

    /** Past check runs, newest first. */
    async listRuns(limit = 50) {
      const rows = await dal.listRuns(limit);
      return rows.map((r) => ({ id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, trigger: r.trigger, actor: r.actor_login, status: r.status, checks: r.checks_total, failedChecks: r.checks_failed }));
    },
  };
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
