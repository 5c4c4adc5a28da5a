/**
 * The rows `authenticate` reads on every request (session or API token, account, security policy), kept in this
 * process for a few seconds so a busy console or API client does not cost three queries per call.
 *
 * Bound: every change made through this process's identity services (logout, password change or reset, MFA
 * enrolment or reset, role or status change, session or token revocation, policy update) calls `invalidate()`
 * after its transaction commits, so this process never serves a row older than the last such commit. A change
 * made elsewhere (another process on the same database, hand-written SQL) is seen within `ttlMs` (AUTH_CACHE_TTL_MS, 2 s) at the latest.
 * Time-dependent checks (session expiry and idle timeout, password expiry) are evaluated on every request
 * against the cached rows, never cached themselves.
 */
export type AuthCache = {
  /** The cached value for `key`, or `load()`'s answer, remembered unless an invalidation happened meanwhile. */
  get<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Forgets everything (call after the commit of any write that can change who a request authenticates as). */
  invalidate(): void;
};

/** How stale a row changed by another process may be (a few requests of a console page load share one read). */
export const AUTH_CACHE_TTL_MS = 2_000;

export function createAuthCache(opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): AuthCache {
  const ttlMs = opts.ttlMs ?? AUTH_CACHE_TTL_MS;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: unknown; at: number }>();
  // A read that started before an invalidation may have seen the old row: it must not be remembered.
  let epoch = 0;
  return {
    async get<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value as T;
      const started = epoch;
      const value = await load();
      if (value !== undefined && started === epoch) {
        entries.delete(key);
        // Oldest first in a Map: dropping the first key bounds memory to maxEntries.
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, at: now() });
      }
      return value;
    },
    invalidate() {
      epoch++;
      entries.clear();
    },
  };
}
