/** How long a list total or a page's start is remembered at most (a write through another process is seen after this). */
export const LIST_MEMORY_TTL_MS = 2_000;

/** What a list is filtered on, without its page (the key under which its total and page starts are remembered). */
export type ListScope = { kind: string; tenantId: string | null; q?: string; status?: string; tag?: string; parentId?: string; excludeStatus?: string };

/** Where a remembered page starts: the sort value (as PostgreSQL prints it) and the id of the row just before it. */
export type SeekKey = { at: number; value: string; id: string };

const MAX_SCOPES = 1_000;
const MAX_STARTS_PER_LIST = 5_000;

type Entry = { at: number; total?: number; starts?: Map<number, { value: string; id: string }> };

/**
 * What paging through a long list remembers, so that each page costs like the first: the list's total (counted
 * once, not once per page) and where each page it has served ends (the next page then seeks there through the
 * index instead of stepping over every row before its offset).
 *
 * Exact within this process: every write through the DAL forgets everything as it writes, and the HTTP layer and
 * the jobs forget again once their transaction has committed; what was read while a write was in flight is never
 * remembered (the epoch moved). A write by another process is seen within LIST_MEMORY_TTL_MS. Lists filtered on the
 * effective status (it changes with time, not only with writes) and image lists (they change with shares) are
 * never remembered.
 */
export function createListMemory(now: () => number = Date.now) {
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const e = entries.get(key);
    if (e && now() - e.at < LIST_MEMORY_TTL_MS) return e;
    if (e) entries.delete(key);
    return undefined;
  }
  function entry(key: string): Entry {
    let e = live(key);
    if (!e) {
      if (entries.size >= MAX_SCOPES) entries.delete(entries.keys().next().value!);
      e = { at: now() };
      entries.set(key, e);
    }
    return e;
  }

  const memory = {
    epoch: 0,
    /** The key a list is remembered under, or null when it must not be remembered. */
    keyOf(f: ListScope): string | null {
      if (f.status || f.kind === 'image') return null;
      return JSON.stringify([f.kind, f.tenantId, f.q ?? null, f.tag ?? null, f.parentId ?? null, f.excludeStatus ?? null]);
    },
    total(key: string): number | undefined {
      return live(key)?.total;
    },
    rememberTotal(key: string, n: number, epoch: number): void {
      if (epoch === memory.epoch) entry(key).total = n;
    },
    /** The nearest remembered page start at or before `offset` (a page at 0 needs none). `sort` keeps sort orders apart. */
    seek(key: string, sort: string, offset: number): SeekKey | undefined {
      const starts = live(`${key}|${sort}`)?.starts;
      if (!starts || offset === 0) return undefined;
      const exact = starts.get(offset);
      if (exact) return { at: offset, ...exact };
      let best: SeekKey | undefined;
      for (const [at, k] of starts) if (at < offset && (!best || at > best.at)) best = { at, ...k };
      return best;
    },
    /** The row just before `at` in this sort order (what a page that ended there held last). */
    rememberStart(key: string, sort: string, at: number, value: string, id: string, epoch: number): void {
      if (epoch !== memory.epoch) return;
      const e = entry(`${key}|${sort}`);
      e.starts ??= new Map();
      if (e.starts.size < MAX_STARTS_PER_LIST || e.starts.has(at)) e.starts.set(at, { value, id });
    },
    forget(): void {
      memory.epoch++;
      entries.clear();
    },
  };
  return memory;
}
