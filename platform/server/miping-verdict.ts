import type { AssessedObject, Verdict } from '../../compliance';

/** Worst of the objects: 不符合 when a mechanism is missing (D = 0) or nothing was assessed, 符合 only when D, A and K are all met. */
export function mipingVerdict(objects: readonly AssessedObject[]): Verdict {
  if (objects.length === 0 || objects.some((o) => o.d === 0)) return 'fail';
  return objects.every((o) => o.d === 1 && o.a === 1 && o.k === 1) ? 'pass' : 'partial';
}

/** `n` of `of` as a D/A/K fraction to two places; `whenNone` when there is nothing to count (0: unmet, 1: vacuously met). */
export const share = (n: number, of: number, whenNone: 0 | 1 = 0): number => (of === 0 ? whenNone : Math.round((n / of) * 100) / 100);
