import type { CatalogueItem } from './catalogues';
import type { ItemState } from './scoring/scoring-fns';
import type { AssessedObject, Risk, Verdict } from './verdict';

/** A stored evidence file as referenced from results and verdicts (content is fetched apart). */
export type FileRef = { id: string; name: string; contentType: string; size: number; sha256: string; sm3: string };

/** A stored check result for one item. */
export type StoredResult = {
  id: string;
  runId: string;
  itemId: string;
  checkKey: string;
  checkTitle: string;
  checkKind: 'automated' | 'partial';
  sourceId: string;
  room: string;
  tenantId: string | null;
  status: 'ok' | 'error' | 'timeout';
  verdict: Verdict | null;
  risk: Risk | null;
  summary: string;
  evidence: Record<string, unknown>;
  objects: AssessedObject[] | null;
  collectedAt: Date;
  durationMs: number;
  error: string | null;
  files: FileRef[];
};

/** A verdict recorded by hand (secadmin or tenant admin with files; the assessor's conclusion without), with its note. */
export type ManualVerdict = {
  id: string;
  itemId: string;
  tenantId: string | null;
  verdict: Verdict;
  risk: Risk | null;
  note: string;
  objects: AssessedObject[] | null;
  recordedBy: string;
  recordedAt: Date;
  /** `operator`: self-assessment with evidence; `assessor`: the assessor's 测评结论. */
  kind: 'operator' | 'assessor';
  files: FileRef[];
};

/**
 * Where an item stands:
 * - assessed: it has a verdict (from a check, a manual verdict, or the catalogue's 不适用);
 * - awaiting-confirmation: a `partial` check gave a verdict that an assessor has not confirmed yet;
 * - manual-pending: no automated check, no manual verdict yet;
 * - check-pending: a check is expected but none has reported;
 * - error: the checks that cover it failed or timed out.
 */
export type ItemStatus = 'assessed' | 'awaiting-confirmation' | 'manual-pending' | 'check-pending' | 'error';

export type EffectiveItem = {
  item: CatalogueItem;
  verdict: Verdict | null;
  status: ItemStatus;
  decidedBy: 'check' | 'manual' | 'catalogue' | null;
  risk: Risk | null;
  summary: string;
  collectedAt: Date | null;
  objects: AssessedObject[] | null;
  results: StoredResult[];
  manual: ManualVerdict | null;
};

const SEVERITY: Record<Verdict, number> = { fail: 0, partial: 1, pass: 2, na: 3 };

/** Several checks on one item: the worst verdict wins (不适用 only when all say so). */
export function combineVerdicts(vs: readonly Verdict[]): Verdict | null {
  if (vs.length === 0) return null;
  return vs.reduce((w, v) => (SEVERITY[v] < SEVERITY[w] ? v : w));
}

/**
 * An item's effective verdict from its latest check results and manual verdicts:
 * a manual verdict decides `partial`, `manual` and `na` items; for `automated` items the newer of the check
 * result and the manual verdict decides (an assessor may override until the next run); without either, a
 * catalogue `na` item is 不适用 by its stated reason, and anything else is pending.
 */
export function effectiveItem(item: CatalogueItem, results: readonly StoredResult[], manuals: readonly ManualVerdict[]): EffectiveItem {
  const ok = results.filter((r) => r.status === 'ok' && r.verdict !== null);
  const errored = results.filter((r) => r.status !== 'ok');
  const autoVerdict = errored.length > 0 ? null : combineVerdicts(ok.map((r) => r.verdict as Verdict));
  const autoAt = ok.length > 0 ? new Date(Math.max(...ok.map((r) => r.collectedAt.getTime()))) : null;
  const manual = [...manuals].sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime())[0] ?? null;
  const objects = ok.flatMap((r) => r.objects ?? []);
  const base = { item, results: [...results], manual };

  const manualWins = manual !== null && (item.checkKind !== 'automated' || autoVerdict === null || autoAt === null || manual.recordedAt >= autoAt);
  if (manual && manualWins) {
    return {
      ...base,
      verdict: manual.verdict,
      status: 'assessed',
      decidedBy: 'manual',
      risk: manual.risk,
      summary: manual.note,
      collectedAt: manual.recordedAt,
      objects: manual.objects ?? (objects.length > 0 ? objects : null),
    };
  }
  if (autoVerdict !== null) {
    const confirm = ok.some((r) => r.checkKind === 'partial') || item.checkKind === 'partial' || item.checkKind === 'manual';
    return {
      ...base,
      verdict: autoVerdict,
      status: confirm ? 'awaiting-confirmation' : 'assessed',
      decidedBy: 'check',
      risk: ok.filter((r) => r.verdict === autoVerdict).map((r) => r.risk).find((r) => r !== null) ?? null,
      summary: ok.map((r) => r.summary).join('；'),
      collectedAt: autoAt,
      objects: objects.length > 0 ? objects : null,
    };
  }
  if (errored.length > 0) {
    return { ...base, verdict: null, status: 'error', decidedBy: null, risk: null, summary: errored.map((r) => r.summary).join('；'), collectedAt: null, objects: null };
  }
  if (item.checkKind === 'na') {
    return { ...base, verdict: 'na', status: 'assessed', decidedBy: 'catalogue', risk: null, summary: item.checkReason, collectedAt: null, objects: null };
  }
  return {
    ...base,
    verdict: null,
    status: item.checkKind === 'manual' ? 'manual-pending' : 'check-pending',
    decidedBy: null,
    risk: null,
    summary: item.checkKind === 'manual' ? '待人工核查与上传证据' : '待自动检查结果',
    collectedAt: null,
    objects: null,
  };
}

/** Effective items for a whole catalogue. */
export function effectiveItems(
  items: readonly CatalogueItem[],
  resultsByItem: ReadonlyMap<string, readonly StoredResult[]>,
  manualsByItem: ReadonlyMap<string, readonly ManualVerdict[]>,
): EffectiveItem[] {
  return items.map((i) => effectiveItem(i, resultsByItem.get(i.id) ?? [], manualsByItem.get(i.id) ?? []));
}

/** The scoring view of effective items. */
export function toStates(eff: readonly EffectiveItem[]): Map<string, ItemState> {
  return new Map(eff.map((e) => [e.item.id, { itemId: e.item.id, verdict: e.verdict, risk: e.risk, objects: e.objects ?? undefined }]));
}

/** Groups rows by item id. */
export function byItem<T extends { itemId: string }>(rows: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.itemId);
    if (list) list.push(r);
    else m.set(r.itemId, [r]);
  }
  return m;
}

/** Items a tenant may see: those whose responsibility is theirs or shared. */
export function visibleToTenant(item: CatalogueItem): boolean {
  return item.responsibility === 'tenant' || item.responsibility === 'shared';
}

/** Content type from a file name's extension. */
export function contentTypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const map: Record<string, string> = {
    json: 'application/json',
    csv: 'text/csv',
    txt: 'text/plain',
    log: 'text/plain',
    html: 'text/html',
    xml: 'application/xml',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    zip: 'application/zip',
  };
  return map[ext] ?? 'application/octet-stream';
}
