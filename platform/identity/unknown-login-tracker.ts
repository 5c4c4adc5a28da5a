/**
 * Failed attempts against login ids that do not exist, counted like real ones, so that "locked" is
 * answered for unknown ids too and the answer never tells whether an account exists. Bounded in memory.
 */
export function createUnknownLoginTracker(maxEntries = 10_000) {
  const entries = new Map<string, { attempts: number; lockedUntil: number }>();
  return {
    /** Counts a failure; true when the id is (now) locked. */
    fail(loginId: string, threshold: number, lockMinutes: number, now: Date): boolean {
      const key = loginId.toLowerCase();
      const t = now.getTime();
      const e = entries.get(key) ?? { attempts: 0, lockedUntil: 0 };
      if (e.lockedUntil > t) return true;
      e.attempts += 1;
      if (e.attempts >= threshold) {
        e.attempts = 0;
        e.lockedUntil = t + lockMinutes * 60_000;
      }
      entries.delete(key);
      entries.set(key, e);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return e.lockedUntil > t;
    },
  };
}
