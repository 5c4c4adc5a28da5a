import type { CheckDefinition, CheckResult, EvidenceFile, EvidenceSource } from '../evidence-source';
import { assessedObjectSchema, riskSchema, verdictSchema, type AssessedObject, type Risk, type Verdict } from '../verdict';

/** A check together with the source that registered it. */
export type RegisteredCheck = CheckDefinition & { sourceId: string; room: string };

export class EvidenceRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceRegistrationError';
  }
}

const KEY = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;

/**
 * Holds the registered sources. Registration fails loudly (at start-up, in the composition root) on a duplicate
 * key or an item id the catalogues do not know, so a typo never silently leaves an item unchecked.
 */
export function createEvidenceRegistry(knownItemIds: ReadonlySet<string>) {
  const sources = new Map<string, EvidenceSource>();
  const checks = new Map<string, RegisteredCheck>();
  return {
    register(source: EvidenceSource): void {
      if (sources.has(source.id)) throw new EvidenceRegistrationError(`evidence source "${source.id}" is registered twice`);
      const staged: RegisteredCheck[] = [];
      for (const c of source.checks) {
        if (!KEY.test(c.key)) throw new EvidenceRegistrationError(`check key "${c.key}" must look like room.what`);
        if (checks.has(c.key) || staged.some((s) => s.key === c.key)) throw new EvidenceRegistrationError(`check "${c.key}" is registered twice`);
        if (c.itemIds.length === 0) throw new EvidenceRegistrationError(`check "${c.key}" covers no item`);
        for (const id of c.itemIds) {
          if (!knownItemIds.has(id)) throw new EvidenceRegistrationError(`check "${c.key}" names unknown item ${id}`);
        }
        staged.push({ ...c, sourceId: source.id, room: source.room });
      }
      sources.set(source.id, source);
      for (const c of staged) checks.set(c.key, c);
    },
    sources(): EvidenceSource[] {
      return [...sources.values()];
    },
    checks(): RegisteredCheck[] {
      return [...checks.values()];
    },
    checksFor(itemId: string): RegisteredCheck[] {
      return [...checks.values()].filter((c) => c.itemIds.includes(itemId));
    },
  };
}
export type EvidenceRegistry = ReturnType<typeof createEvidenceRegistry>;

/** One item's outcome from one check run, ready to store. */
export type ResultRecord = {
  checkKey: string;
  checkTitle: string;
  checkKind: 'automated' | 'partial';
  sourceId: string;
  room: string;
  itemId: string;
  tenantId: string | null;
  /** `error`/`timeout`: the check could not say; the item stays without a verdict from it. */
  status: 'ok' | 'error' | 'timeout';
  verdict: Verdict | null;
  risk: Risk | null;
  summary: string;
  evidence: Record<string, unknown>;
  objects: AssessedObject[] | null;
  files: EvidenceFile[];
  collectedAt: Date;
  durationMs: number;
  error: string | null;
};

export type RunOptions = {
  now?: () => Date;
  /** Per-check budget unless the check sets its own; 20 s by default. */
  defaultTimeoutMs?: number;
  /** How many checks run at once; 4 by default. */
  concurrency?: number;
  onProgress?: (p: { done: number; total: number; checkKey: string; status: ResultRecord['status'] }) => void;
};

const MAX_FILE_BYTES = 32 * 1024 * 1024;
const FILE_NAME = /^[^/\\\0]{1,120}$/;

class TimeoutError extends Error {}

function validate(raw: CheckResult, check: RegisteredCheck): CheckResult {
  if (typeof raw !== 'object' || raw === null) throw new Error('the check returned no result');
  verdictSchema.parse(raw.verdict);
  if (raw.risk !== undefined) riskSchema.parse(raw.risk);
  if (typeof raw.summary !== 'string') throw new Error('the result has no summary');
  for (const f of raw.files ?? []) {
    if (!FILE_NAME.test(f.name) || f.name === '.' || f.name === '..') throw new Error(`evidence file name "${f.name}" is not a plain file name`);
    if (!Buffer.isBuffer(f.content)) throw new Error(`evidence file ${f.name} has no Buffer content`);
    if (f.content.length > MAX_FILE_BYTES) throw new Error(`evidence file ${f.name} exceeds ${MAX_FILE_BYTES} bytes`);
  }
  for (const o of raw.objects ?? []) assessedObjectSchema.parse(o);
  for (const [id, o] of Object.entries(raw.perItem ?? {})) {
    if (!check.itemIds.includes(id)) throw new Error(`perItem names ${id}, which the check does not cover`);
    verdictSchema.parse(o.verdict);
    for (const ob of o.objects ?? []) assessedObjectSchema.parse(ob);
  }
  return raw;
}

/** JSON round trip: Dates become strings, functions vanish; a BigInt or a cycle makes the result an error. */
function plainJson(x: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(x ?? {})) as Record<string, unknown>;
}

async function runOne(check: RegisteredCheck, opts: Required<Pick<RunOptions, 'now' | 'defaultTimeoutMs'>>): Promise<ResultRecord[]> {
  const started = Date.now();
  const now = opts.now();
  const ac = new AbortController();
  const budget = check.timeoutMs ?? opts.defaultTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const base = { checkKey: check.key, checkTitle: check.title, checkKind: check.kind, sourceId: check.sourceId, room: check.room };
  try {
    const out = await Promise.race([
      Promise.resolve().then(() => check.run({ now, signal: ac.signal })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort();
          reject(new TimeoutError(`the check did not finish within ${budget} ms`));
        }, budget);
      }),
    ]);
    const results = (Array.isArray(out) ? out : [out]).map((r) => validate(r, check));
    if (results.length === 0) throw new Error('the check returned no result');
    const durationMs = Date.now() - started;
    const records: ResultRecord[] = [];
    for (const r of results) {
      const evidence = plainJson(r.evidence);
      const collectedAt = r.collectedAt instanceof Date && !Number.isNaN(r.collectedAt.getTime()) ? r.collectedAt : opts.now();
      for (const itemId of check.itemIds) {
        const o = r.perItem?.[itemId];
        records.push({
          ...base,
          itemId,
          tenantId: r.tenantId ?? null,
          status: 'ok',
          verdict: o?.verdict ?? r.verdict,
          risk: o ? (o.risk ?? null) : (r.risk ?? null),
          summary: o?.summary ?? r.summary,
          evidence,
          objects: o?.objects ?? r.objects ?? null,
          files: r.files ?? [],
          collectedAt,
          durationMs,
          error: null,
        });
      }
    }
    return records;
  } catch (e) {
    const timedOut = e instanceof TimeoutError;
    const message = e instanceof Error ? e.message : String(e);
    return check.itemIds.map((itemId) => ({
      ...base,
      itemId,
      tenantId: null,
      status: timedOut ? ('timeout' as const) : ('error' as const),
      verdict: null,
      risk: null,
      summary: timedOut ? `检查超时：${message}` : `检查出错：${message.slice(0, 300)}`,
      evidence: {},
      objects: null,
      files: [],
      collectedAt: opts.now(),
      durationMs: Date.now() - started,
      error: message.slice(0, 2000),
    }));
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Runs every check with a time budget each and bounded concurrency. A check that throws, times out or returns
 * something malformed yields `error`/`timeout` records for its items instead of failing the run.
 */
export async function runChecks(checks: readonly RegisteredCheck[], opts: RunOptions = {}): Promise<ResultRecord[]> {
  const o = { now: opts.now ?? (() => new Date()), defaultTimeoutMs: opts.defaultTimeoutMs ?? 20_000 };
  const limit = Math.max(1, opts.concurrency ?? 4);
  const out: ResultRecord[][] = new Array(checks.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    for (;;) {
      const i = next++;
      if (i >= checks.length) return;
      const c = checks[i]!;
      const recs = await runOne(c, o);
      out[i] = recs;
      done++;
      opts.onProgress?.({ done, total: checks.length, checkKey: c.key, status: recs[0]?.status ?? 'ok' });
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, checks.length) }, () => worker()));
  return out.flat();
}
