import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditTrail } from '../core/audit';
import type { Actor } from '../core/authz';
import { sm3Hex } from '../core/crypto';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../core/errors';
import type { Logger } from '../core/log';
import { getCatalogue, findItem, type Catalogue, type CatalogueId, type CatalogueItem } from './catalogues';
import { runChecks, type EvidenceRegistry, type ResultRecord } from './checks/check-runner';
import { createComplianceDal, type ComplianceDal, type ScoreRow, type Scope } from './compliance-dal';
import { byItem, contentTypeOf, effectiveItems, toStates, visibleToTenant, type EffectiveItem, type ManualVerdict, type StoredResult } from './compliance-fns';
import type { ConclusionInput, ItemRow, ListItemsQuery, ManualVerdictInput } from './compliance-schemas';
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
  /** A run still 'running' after this long (ms) is taken for dead and marked failed; 30 min by default. */
  staleRunMs?: number;
  /** How often (ms) a trigger polls while another process runs the checks; 500 ms by default. */
  pollMs?: number;
  logger?: Pick<Logger, 'warn'>;
};

export type RunTrigger = 'manual' | 'schedule' | 'export' | 'startup';

export type RunSummary = { runId: string; startedAt: Date; finishedAt: Date; checks: number; failedChecks: number; dengbaoScore: number; mipingScore: number };

/** Another process holds the check run (the unique 'running' row). */
export class RunInProgressError extends ConflictError {
  constructor() {
    super('compliance checks are already running in another process', { code: 'compliance.run_in_progress' });
  }
}

/** PostgreSQL's unique_violation, as both `pg` and PGlite report it. */
function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

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
  const staleRunMs = deps.staleRunMs ?? 30 * 60_000;
  const pollMs = deps.pollMs ?? 500;

  /** The item a hand-recorded verdict is about; D/A/K objects only on 密评 units. */
  function itemForVerdict(itemId: string, input: Pick<ConclusionInput, 'objects'>): CatalogueItem {
    const item = findItem(itemId);
    if (!item) throw new NotFoundError(`no compliance item ${itemId}`);
    if (input.objects && item.catalogue !== 'miping-l3') throw new InputError('assessed objects (D/A/K) apply to 密评 units only', { fields: [{ path: 'objects', message: 'only for MP-… items' }] });
    return item;
  }

  /** One hand-recorded verdict row: the operator's (with files, added by the caller) or the assessor's conclusion. */
  function insertManualRow(tx: Kysely<any>, actor: Actor, itemId: string, tenantId: string | null, kind: 'operator' | 'assessor', input: ConclusionInput, recordedAt: Date): Promise<string> {
    return dal.insertManual(
      {
        item_id: itemId,
        tenant_id: tenantId,
        verdict: input.verdict,
        risk: input.risk ?? null,
        note: input.note,
        objects: input.objects ? JSON.stringify(input.objects) : null,
        recorded_by: actor.loginId,
        recorded_by_account: actor.accountId,
        recorded_at: recordedAt,
        kind,
      },
      tx,
    );
  }

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

  /** Scores one scope after a run (inside its transaction) and appends the point to that scope's trend. */
  async function scoreAndKeep(runId: string, scope: Scope, at: Date, tx: Kysely<any>): Promise<{ d: DengbaoScore; m: MipingScore }> {
    const results = await dal.resultsOfRun(runId, scope, undefined, tx);
    const manuals = await dal.manualVerdicts(scope, undefined, tx);
    const dItems = itemsInScope(getCatalogue('dengbao-l3'), scope);
    const mItems = itemsInScope(getCatalogue('miping-l3'), scope);
    const d = scoreDengbao(dItems, toStates(effectiveItems(dItems, byItem(results), byItem(manuals))), templates.dengbao);
    const m = scoreMiping(mItems, toStates(effectiveItems(mItems, byItem(results), byItem(manuals))), templates.miping);
    const common = { computed_at: at, run_id: runId, tenant_id: scope.tenantId };
    await dal.insertScore(
      { ...common, catalogue: 'dengbao-l3', catalogue_version: getCatalogue('dengbao-l3').version, template_id: d.templateId, score: d.score, grade: d.grade, passes: d.passes, counts: JSON.stringify(d.counts), categories: JSON.stringify(d.categories.map((c) => ({ category: c.category, score: c.score }))) },
      tx,
    );
    await dal.insertScore(
      { ...common, catalogue: 'miping-l3', catalogue_version: getCatalogue('miping-l3').version, template_id: m.templateId, score: m.score, grade: null, passes: m.passes, counts: JSON.stringify(m.counts), categories: JSON.stringify(m.layers.map((l) => ({ category: l.layer, score: l.score }))) },
      tx,
    );
    return { d, m };
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
      // Score every scope as it stands after this run and keep it for the trends: the platform, then each tenant
      // that has results or manual verdicts (a tenant's score covers its own and shared items only).
      const { d, m } = await scoreAndKeep(runId, { tenantId: null }, finishedAt, tx);
      const tenants = await dal.tenantsWithEvidence(runId, tx);
      for (const tenantId of tenants) await scoreAndKeep(runId, { tenantId }, finishedAt, tx);
      await deps.audit.record(
        {
          actor,
          action: 'compliance.checks_ran',
          target: { type: 'compliance_run', id: runId },
          after: { trigger, checks, failedChecks: failed, dengbaoScore: d.score, mipingScore: m.score, tenantsScored: tenants.length },
        },
        tx,
      );
      return { dengbao: d.score, miping: m.score, failed, checks };
    });
  }

  let inFlight: { trigger: RunTrigger; promise: Promise<RunSummary> } | null = null;

  /** Claims the one 'running' slot in the database, runs the checks and stores them; audits a failed run too. */
  async function claimAndRun(actor: Actor, trigger: RunTrigger, onProgress?: RunProgress): Promise<RunSummary> {
    const now = clock();
    const stale = await dal.failStaleRuns(new Date(now.getTime() - staleRunMs), now);
    if (stale > 0) deps.logger?.warn({ stale }, 'compliance: stale check runs marked failed');
    let runId: string;
    try {
      runId = await dal.createRun({ startedAt: now, trigger, actorLogin: actor.loginId });
    } catch (e) {
      if (isUniqueViolation(e)) throw new RunInProgressError();
      throw e;
    }
    try {
      const records = await runChecks(deps.registry.checks(), { now: clock, defaultTimeoutMs: deps.checkTimeoutMs, onProgress });
      const s = await storeRun(runId, records, actor, trigger);
      return { runId, startedAt: now, finishedAt: clock(), checks: s.checks, failedChecks: s.failed, dengbaoScore: s.dengbao, mipingScore: s.miping };
    } catch (e) {
      // Best effort: the database may be what failed.
      await dal.finishRun(runId, { finishedAt: clock(), status: 'failed', checksTotal: 0, checksFailed: 0 }).catch(() => undefined);
      await deps.audit
        .record({ actor, action: 'compliance.checks_ran', outcome: 'failure', target: { type: 'compliance_run', id: runId }, after: { trigger }, detail: { error: (e as Error).message.slice(0, 300) } })
        .catch(() => undefined);
      throw e;
    }
  }

  /** Waits (bounded) until no process holds a 'running' run. */
  async function waitForOtherProcess(): Promise<void> {
    const deadline = Date.now() + staleRunMs;
    while ((await dal.runningRun()) !== undefined) {
      if (Date.now() > deadline) throw new RunInProgressError();
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  const api = {
    /**
     * Runs every registered check, stores the results and their files, scores every scope, and records it in the
     * audit trail. Single flight: a trigger while this process runs the checks joins that run, except that a
     * `manual` trigger during a background run waits for it and then starts a fresh one (the person asking may have
     * just changed what the checks read). When another process holds the run, background triggers give up
     * (`RunInProgressError`) and the others wait for it to end.
     */
    runChecks(actor: Actor, opts: { trigger?: RunTrigger; onProgress?: RunProgress } = {}): Promise<RunSummary> {
      const trigger = opts.trigger ?? 'manual';
      if (inFlight) {
        if (trigger !== 'manual' || inFlight.trigger === 'manual') return inFlight.promise;
        const behind = inFlight.promise;
        return behind.then(
          () => api.runChecks(actor, opts),
          () => api.runChecks(actor, opts),
        );
      }
      const promise = (async () => {
        for (;;) {
          try {
            return await claimAndRun(actor, trigger, opts.onProgress);
          } catch (e) {
            if (!(e instanceof RunInProgressError) || trigger === 'startup' || trigger === 'schedule') throw e;
            await waitForOtherProcess();
          }
        }
      })();
      const flight = { trigger, promise };
      inFlight = flight;
      const clear = () => {
        if (inFlight === flight) inFlight = null;
      };
      promise.then(clear, clear);
      return promise;
    },

    /**
     * Results for an export: the latest run when it started within `maxAgeMs`, else a fresh run first. A run in
     * progress anywhere is awaited, since it is the freshest there will be.
     */
    async ensureFresh(actor: Actor, maxAgeMs: number, onProgress?: RunProgress): Promise<{ ran: boolean; runId: string; startedAt: Date }> {
      if (inFlight) await inFlight.promise.catch(() => undefined);
      await waitForOtherProcess();
      const latest = await dal.latestRun();
      if (latest && clock().getTime() - latest.started_at.getTime() <= maxAgeMs) return { ran: false, runId: latest.id, startedAt: latest.started_at };
      const r = await api.runChecks(actor, { trigger: 'export', onProgress });
      return { ran: true, runId: r.runId, startedAt: r.startedAt };
    },

    /** Whether a run is in progress (in this process or another sharing the database). */
    async runInProgress(): Promise<boolean> {
      return inFlight !== null || (await dal.runningRun()) !== undefined;
    },

    /** The dashboard: both scores with conclusion, by category, the items dragging most, and the trend. */
    async overview(actor: Actor) {
      const scope = scopeOf(actor);
      const { run, byCatalogue } = await effective(scope);
      const scores = score(byCatalogue);
      const [dTrend, mTrend] = await Promise.all([dal.scoreHistory('dengbao-l3', scope, 60), dal.scoreHistory('miping-l3', scope, 60)]);
      const trend = (rows: ScoreRow[]) => rows.reverse().map((r) => ({ at: r.computed_at, score: r.score, grade: r.grade, passes: r.passes }));
      return {
        scope,
        latestRun: run ? { id: run.id, startedAt: run.started_at, finishedAt: run.finished_at, checks: run.checks_total, failedChecks: run.checks_failed } : null,
        // The conclusion bands and the 密评 pass line come from the scoring template, so the console draws them as data.
        dengbao: { ...scores.dengbao, trend: trend(dTrend), bands: templates.dengbao.bands.filter((b) => b.minScore > 0).map((b) => ({ grade: b.grade, minScore: b.minScore })) },
        miping: { ...scores.miping, trend: trend(mTrend), passScore: templates.miping.passScore },
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
      const item = itemForVerdict(itemId, input);
      // A tenant records only its own share: tenant and shared items, always in its own scope (the scope comes from
      // the actor, never from the request, so another tenant's records are out of reach by construction).
      if (scope.tenantId !== null && !visibleToTenant(item)) {
        throw new ForbiddenError(`${itemId} is the provider's responsibility: only the platform records it`, { code: 'compliance.provider_item' });
      }
      const files = input.files.map((f) => {
        const content = Buffer.from(f.contentBase64, 'base64');
        if (content.length === 0) throw new InputError(`file ${f.name} is empty`, { fields: [{ path: 'files', message: `${f.name} is empty` }] });
        return { name: f.name, contentType: f.contentType ?? contentTypeOf(f.name), content, sha256: sha256Hex(content), sm3: sm3Hex(content) };
      });
      const recordedAt = clock();
      return deps.db.transaction().execute(async (tx) => {
        const id = await insertManualRow(tx, actor, itemId, scope.tenantId, 'operator', input, recordedAt);
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

    /**
     * The assessor's 测评结论 on an item (platform scope): a verdict with its reasoning, no files — the assessor reads
     * the evidence and concludes; the operator uploads it. Like any manual verdict the newest decides the item.
     */
    async recordConclusion(actor: Actor, itemId: string, input: ConclusionInput) {
      if (actor.tenantId) throw new ForbiddenError('conclusions are recorded by platform assessors');
      itemForVerdict(itemId, input);
      const recordedAt = clock();
      return deps.db.transaction().execute(async (tx) => {
        const id = await insertManualRow(tx, actor, itemId, null, 'assessor', input, recordedAt);
        await deps.audit.record(
          { actor, action: 'compliance.conclusion_recorded', target: { type: 'compliance_item', id: itemId }, after: { verdict: input.verdict, risk: input.risk ?? null }, detail: { note: input.note.slice(0, 500) } },
          tx,
        );
        return { id, itemId, verdict: input.verdict, recordedAt, files: [] };
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

    /** Tenants with anything of their own here (results of the latest run or manual verdicts), for the pack. */
    async tenantScopes(): Promise<string[]> {
      const run = await dal.latestRun();
      return dal.tenantsWithEvidence(run?.id ?? null);
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
  return api;
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
