/**
 * The port through which other rooms hand the compliance room their evidence. compliance/ never reads another
 * room's tables: the room that owns the facts (identity, the audit trail, the estate, the security services)
 * writes a check against this interface, and platform/server registers it. Nothing else needs importing.
 *
 * A minimal source:
 *
 *   export const identityEvidence = (svc: IdentityService): EvidenceSource => ({
 *     id: 'identity', room: 'platform/identity',
 *     checks: [{
 *       key: 'identity.password-policy', title: '口令复杂度与更换周期', itemIds: ['L3-CES1-01'], kind: 'automated',
 *       async run() {
 *         const p = await svc.passwordPolicy();
 *         const ok = p.minLength >= 8 && p.classes >= 3 && p.maxAgeDays <= 90;
 *         return { verdict: ok ? 'pass' : 'fail', summary: ok ? '口令策略满足要求' : '口令策略过弱', evidence: { policy: p } };
 *       },
 *     }],
 *   });
 */
import type { AssessedObject, Risk, Verdict } from './verdict';

export type { AssessedObject, Risk, Verdict } from './verdict';
export { VERDICT_LABELS } from './verdict';

/** A file attached to a result: a config dump, a list, a report. Keep each under a few MiB. */
export type EvidenceFile = {
  /** A plain file name, e.g. `password-policy.json`; no directories. */
  name: string;
  content: Buffer;
  /** Defaults from the extension (json, csv, txt, html, pdf, png, xml). */
  contentType?: string;
};

/** What one item gets from a check when a check covering several items judges them differently. */
export type ItemOutcome = {
  verdict: Verdict;
  summary?: string;
  risk?: Risk;
  /** 密评 only: the assessed objects with D, A, K in 0..1. */
  objects?: AssessedObject[];
};

/** The outcome of one run of a check. */
export type CheckResult = {
  /** 符合 pass / 部分符合 partial / 不符合 fail / 不适用 na. */
  verdict: Verdict;
  /** One line an assessor reads in the item list, in Chinese where possible. */
  summary: string;
  /** Structured evidence (JSON-serialisable): the settings, counts and lists the verdict rests on. No secrets. */
  evidence: Record<string, unknown>;
  files?: EvidenceFile[];
  /** When the facts were read; defaults to when the check finished. */
  collectedAt?: Date;
  /** Set only when the check knows the finding is high or medium risk (e.g. admins without MFA). */
  risk?: Risk;
  /** 密评 only: assessed objects (测评对象) with D, A, K. */
  objects?: AssessedObject[];
  /** Per-item verdicts when they differ from `verdict` for some of `itemIds`. */
  perItem?: Record<string, ItemOutcome>;
  /** The tenant this result is about; omit for platform-wide results (which the overall score uses). */
  tenantId?: string | null;
};

/** What a check receives when it runs. */
export type CheckContext = {
  /** The run's clock: use it rather than `new Date()` so a whole run reads as one moment. */
  now: Date;
  /** Aborted when the check exceeds its time budget; pass it to anything that can be cancelled. */
  signal: AbortSignal;
};

/** One check: code in the room that owns the evidence, covering one or more catalogue items. */
export type CheckDefinition = {
  /** Globally unique, `<room>.<what>`, e.g. `identity.password-policy`; see compliance/sources/README.md. */
  key: string;
  /** Short Chinese title shown with the evidence. */
  title: string;
  /** Catalogue item ids this check gives a verdict for (等保 `L3-…` and/or 密评 `MP-…`). */
  itemIds: string[];
  /** `automated`: the check decides; `partial`: it supplies evidence and an assessor completes the verdict. */
  kind: 'automated' | 'partial';
  /** Per-check time budget in ms; the runner's default applies otherwise. */
  timeoutMs?: number;
  /** Returns one result, or several (one per tenant). Throwing is fine: the runner records an error verdict. */
  run(ctx: CheckContext): Promise<CheckResult | CheckResult[]>;
};

/** A room's set of checks, registered by the composition root. */
export type EvidenceSource = {
  /** Unique source id, e.g. `identity`, `audit`, `estate`. */
  id: string;
  /** The room that owns the evidence, e.g. `platform/identity`. */
  room: string;
  checks: CheckDefinition[];
};

/** Identity helper so a room's source is type-checked where it is written. */
export function defineEvidenceSource(source: EvidenceSource): EvidenceSource {
  return source;
}

/** Convenience for checks: a JSON evidence file. */
export function jsonFile(name: string, data: unknown): EvidenceFile {
  return { name, content: Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'), contentType: 'application/json' };
}

/**
 * Convenience for checks: every row of a paged list, read `limit` at a time from offset 0. Stops at a short page,
 * or once `total` (when the list reports one) rows are in.
 */
export async function allPages<T>(page: (offset: number, limit: number) => Promise<{ items: readonly T[]; total?: number }>, limit = 200): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += limit) {
    const p = await page(offset, limit);
    out.push(...p.items);
    if (p.items.length < limit || (p.total !== undefined && out.length >= p.total)) return out;
  }
}

/** Convenience for checks: a CSV evidence file from rows (first row = header). Cells are quoted as needed. */
export function csvFile(name: string, rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): EvidenceFile {
  const cell = (v: string | number | boolean | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  // A BOM so Excel opens Chinese text as UTF-8.
  const text = `\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
  return { name, content: Buffer.from(text, 'utf8'), contentType: 'text/csv' };
}
