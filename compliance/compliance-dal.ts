import type { Generated, Insertable, Kysely, Selectable } from 'kysely';
import { asRoom } from '../core/db';
import type { FileRef, ManualVerdict, StoredResult } from './compliance-fns';
import type { AssessedObject, Risk, Verdict } from './verdict';

type RunsTable = {
  id: Generated<string>;
  started_at: Date;
  finished_at: Date | null;
  trigger: 'manual' | 'schedule' | 'export' | 'startup';
  actor_login: string;
  status: 'running' | 'done' | 'failed';
  checks_total: Generated<number>;
  checks_failed: Generated<number>;
};

type ResultsTable = {
  id: Generated<string>;
  run_id: string;
  item_id: string;
  check_key: string;
  check_title: string;
  check_kind: 'automated' | 'partial';
  source_id: string;
  room: string;
  tenant_id: string | null;
  status: 'ok' | 'error' | 'timeout';
  verdict: Verdict | null;
  risk: Risk | null;
  summary: string;
  evidence: unknown;
  objects: unknown;
  collected_at: Date;
  duration_ms: number;
  error: string | null;
};

type ManualTable = {
  id: Generated<string>;
  item_id: string;
  tenant_id: string | null;
  verdict: Verdict;
  risk: Risk | null;
  note: string;
  objects: unknown;
  recorded_by: string;
  recorded_by_account: string | null;
  recorded_at: Date;
  /** `operator`: self-assessment with evidence (secadmin, tenant admin); `assessor`: the 测评结论. */
  kind: Generated<'operator' | 'assessor'>;
};

type FilesTable = {
  id: Generated<string>;
  run_id: string | null;
  check_key: string | null;
  manual_id: string | null;
  tenant_id: string | null;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  sm3: string;
  content: Buffer;
  created_at: Generated<Date>;
};

type ScoresTable = {
  id: Generated<string>;
  computed_at: Date;
  run_id: string | null;
  catalogue: 'dengbao-l3' | 'miping-l3';
  catalogue_version: string;
  template_id: string;
  score: number;
  grade: string | null;
  passes: boolean;
  counts: unknown;
  categories: unknown;
  /** null: the platform scope; else the tenant whose items were scored. */
  tenant_id: string | null;
};

export type ComplianceTables = {
  'compliance.check_runs': RunsTable;
  'compliance.check_results': ResultsTable;
  'compliance.manual_verdicts': ManualTable;
  'compliance.evidence_files': FilesTable;
  'compliance.score_history': ScoresTable;
};

export type RunRow = Selectable<RunsTable>;
export type ScoreRow = Selectable<ScoresTable>;
export type NewResult = Insertable<ResultsTable>;
export type NewFile = Omit<Insertable<FilesTable>, 'id' | 'created_at'>;
export type NewScore = Insertable<ScoresTable>;

const FILE_REF_COLUMNS = ['id', 'name', 'content_type', 'size', 'sha256', 'sm3', 'run_id', 'check_key', 'tenant_id', 'manual_id'] as const;

type FileRefRow = { id: string; name: string; content_type: string; size: number; sha256: string; sm3: string; run_id: string | null; check_key: string | null; tenant_id: string | null; manual_id: string | null };

function toRef(r: FileRefRow): FileRef {
  return { id: r.id, name: r.name, contentType: r.content_type, size: Number(r.size), sha256: r.sha256, sm3: r.sm3 };
}

function toResult(r: Selectable<ResultsTable>, files: FileRef[]): StoredResult {
  return {
    id: r.id,
    runId: r.run_id,
    itemId: r.item_id,
    checkKey: r.check_key,
    checkTitle: r.check_title,
    checkKind: r.check_kind,
    sourceId: r.source_id,
    room: r.room,
    tenantId: r.tenant_id,
    status: r.status,
    verdict: r.verdict,
    risk: r.risk,
    summary: r.summary,
    evidence: (r.evidence ?? {}) as Record<string, unknown>,
    objects: (r.objects ?? null) as AssessedObject[] | null,
    collectedAt: r.collected_at,
    durationMs: r.duration_ms,
    error: r.error,
    files,
  };
}

function toManual(r: Selectable<ManualTable>, files: FileRef[]): ManualVerdict {
  return {
    id: r.id,
    itemId: r.item_id,
    tenantId: r.tenant_id,
    verdict: r.verdict,
    risk: r.risk,
    note: r.note,
    objects: (r.objects ?? null) as AssessedObject[] | null,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    kind: r.kind,
    files,
  };
}

/** Tenant scope of a read: `null` = platform-wide rows only; a uuid = that tenant's rows only. */
export type Scope = { tenantId: string | null };

/** Queries over the `compliance` schema. Every method takes a trailing `tx = db`. */
export function createComplianceDal(db: Kysely<any>) {
  const base = asRoom<ComplianceTables>(db);

  /** Files of manual verdicts, by manual verdict id. */
  async function manualFiles(ids: string[], tx: Kysely<ComplianceTables>): Promise<Map<string, FileRef[]>> {
    const out = new Map<string, FileRef[]>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await tx.selectFrom('compliance.evidence_files').select(FILE_REF_COLUMNS).where('manual_id', 'in', ids.slice(i, i + 1000)).orderBy('name').execute();
      for (const r of rows) if (r.manual_id) out.set(r.manual_id, [...(out.get(r.manual_id) ?? []), toRef(r)]);
    }
    return out;
  }

  /** Files of check results, by `runId|checkKey|tenantId`. */
  async function checkFiles(runIds: string[], tx: Kysely<ComplianceTables>): Promise<Map<string, FileRef[]>> {
    const out = new Map<string, FileRef[]>();
    const uniq = [...new Set(runIds)];
    for (let i = 0; i < uniq.length; i += 500) {
      const rows = await tx.selectFrom('compliance.evidence_files').select(FILE_REF_COLUMNS).where('run_id', 'in', uniq.slice(i, i + 500)).orderBy('name').execute();
      for (const r of rows) {
        const key = `${r.run_id}|${r.check_key}|${r.tenant_id ?? ''}`;
        out.set(key, [...(out.get(key) ?? []), toRef(r)]);
      }
    }
    return out;
  }

  async function withFiles(rows: Selectable<ResultsTable>[], tx: Kysely<ComplianceTables>): Promise<StoredResult[]> {
    const files = await checkFiles(rows.map((r) => r.run_id), tx);
    return rows.map((r) => toResult(r, files.get(`${r.run_id}|${r.check_key}|${r.tenant_id ?? ''}`) ?? []));
  }

  return {
    async createRun(run: { startedAt: Date; trigger: RunsTable['trigger']; actorLogin: string }, tx: Kysely<any> = db): Promise<string> {
      const r = await asRoom<ComplianceTables>(tx)
        .insertInto('compliance.check_runs')
        .values({ started_at: run.startedAt, trigger: run.trigger, actor_login: run.actorLogin, status: 'running' })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async finishRun(id: string, f: { finishedAt: Date; status: 'done' | 'failed'; checksTotal: number; checksFailed: number }, tx: Kysely<any> = db): Promise<void> {
      await asRoom<ComplianceTables>(tx)
        .updateTable('compliance.check_runs')
        .set({ finished_at: f.finishedAt, status: f.status, checks_total: f.checksTotal, checks_failed: f.checksFailed })
        .where('id', '=', id)
        .execute();
    },

    /** Marks runs that have been 'running' since before `startedBefore` as failed: their process died or hung. */
    async failStaleRuns(startedBefore: Date, now: Date, tx: Kysely<any> = db): Promise<number> {
      const r = await asRoom<ComplianceTables>(tx)
        .updateTable('compliance.check_runs')
        .set({ status: 'failed', finished_at: now })
        .where('status', '=', 'running')
        .where('started_at', '<', startedBefore)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** The run in progress in any process, if one is. */
    async runningRun(tx: Kysely<any> = db): Promise<RunRow | undefined> {
      return asRoom<ComplianceTables>(tx).selectFrom('compliance.check_runs').selectAll().where('status', '=', 'running').executeTakeFirst();
    },

    /** Tenants that have anything in this room: results of the run or manual verdicts. */
    async tenantsWithEvidence(runId: string | null, tx: Kysely<any> = db): Promise<string[]> {
      const t = asRoom<ComplianceTables>(tx);
      const manual = await t.selectFrom('compliance.manual_verdicts').select('tenant_id').distinct().where('tenant_id', 'is not', null).execute();
      const results = runId ? await t.selectFrom('compliance.check_results').select('tenant_id').distinct().where('run_id', '=', runId).where('tenant_id', 'is not', null).execute() : [];
      return [...new Set([...manual, ...results].map((r) => r.tenant_id!))].sort();
    },

    async latestRun(tx: Kysely<any> = db): Promise<RunRow | undefined> {
      return asRoom<ComplianceTables>(tx).selectFrom('compliance.check_runs').selectAll().where('status', '=', 'done').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    },

    async listRuns(limit: number, tx: Kysely<any> = db): Promise<RunRow[]> {
      return asRoom<ComplianceTables>(tx).selectFrom('compliance.check_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
    },

    async insertResult(r: NewResult, tx: Kysely<any> = db): Promise<string> {
      const row = await asRoom<ComplianceTables>(tx).insertInto('compliance.check_results').values(r).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async insertFile(f: NewFile, tx: Kysely<any> = db): Promise<string> {
      const row = await asRoom<ComplianceTables>(tx).insertInto('compliance.evidence_files').values(f).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Results of one run, optionally for one item, in the given scope. */
    async resultsOfRun(runId: string, scope: Scope, itemId?: string, tx: Kysely<any> = db): Promise<StoredResult[]> {
      const t = asRoom<ComplianceTables>(tx);
      let q = t.selectFrom('compliance.check_results').selectAll().where('run_id', '=', runId);
      q = scope.tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', scope.tenantId);
      if (itemId) q = q.where('item_id', '=', itemId);
      const rows = await q.orderBy('item_id').orderBy('check_key').execute();
      return withFiles(rows, t);
    },

    /** An item's results over time (newest first), in the given scope. */
    async resultHistory(itemId: string, scope: Scope, limit: number, tx: Kysely<any> = db): Promise<StoredResult[]> {
      const t = asRoom<ComplianceTables>(tx);
      let q = t.selectFrom('compliance.check_results').selectAll().where('item_id', '=', itemId);
      q = scope.tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', scope.tenantId);
      const rows = await q.orderBy('collected_at', 'desc').limit(limit).execute();
      return withFiles(rows, t);
    },

    async insertManual(m: Insertable<ManualTable>, tx: Kysely<any> = db): Promise<string> {
      const row = await asRoom<ComplianceTables>(tx).insertInto('compliance.manual_verdicts').values(m).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Manual verdicts (newest first), optionally for one item, in the given scope. */
    async manualVerdicts(scope: Scope, itemId?: string, tx: Kysely<any> = db): Promise<ManualVerdict[]> {
      const t = asRoom<ComplianceTables>(tx);
      let q = t.selectFrom('compliance.manual_verdicts').selectAll();
      q = scope.tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', scope.tenantId);
      if (itemId) q = q.where('item_id', '=', itemId);
      const rows = await q.orderBy('recorded_at', 'desc').execute();
      const files = await manualFiles(rows.map((r) => r.id), t);
      return rows.map((r) => toManual(r, files.get(r.id) ?? []));
    },

    /** One file with its content; null when missing or outside the scope. */
    async getFile(id: string, scope: Scope, tx: Kysely<any> = db): Promise<(FileRef & { content: Buffer }) | null> {
      let q = asRoom<ComplianceTables>(tx).selectFrom('compliance.evidence_files').selectAll().where('id', '=', id);
      q = scope.tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', scope.tenantId);
      const r = await q.executeTakeFirst();
      return r ? { ...toRef(r), content: Buffer.from(r.content) } : null;
    },

    async insertScore(s: NewScore, tx: Kysely<any> = db): Promise<void> {
      await asRoom<ComplianceTables>(tx).insertInto('compliance.score_history').values(s).execute();
    },

    /** Score points of one scope (newest first). */
    async scoreHistory(catalogue: 'dengbao-l3' | 'miping-l3', scope: Scope, limit: number, tx: Kysely<any> = db): Promise<ScoreRow[]> {
      const rows = await asRoom<ComplianceTables>(tx)
        .selectFrom('compliance.score_history')
        .selectAll()
        .where('catalogue', '=', catalogue)
        .where('tenant_id', scope.tenantId === null ? 'is' : '=', scope.tenantId)
        .orderBy('computed_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, score: Number(r.score) }));
    },

    /** The untyped handle, for the service's transactions. */
    db: base,
  };
}

export type ComplianceDal = ReturnType<typeof createComplianceDal>;
