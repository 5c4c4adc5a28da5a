import test from 'ava';
import { z } from 'zod';
import { MAX_RANGE_DAYS, rangeRefinement, reportRangeQuery, resolveRange } from './report-range-schemas';

const DAY = 86_400_000;
const now = new Date('2026-11-25T00:00:00Z');

test('the default range is the last 30 days up to now', (t) => {
  const r = resolveRange({}, now);
  t.is(r.to.getTime(), now.getTime());
  t.is(now.getTime() - r.from.getTime(), 30 * DAY);
  const to = new Date('2026-06-01T00:00:00Z');
  t.is(resolveRange({ to }, now).from.getTime(), to.getTime() - 30 * DAY);
});

test('a backwards or too long range is an input error with a stable code', (t) => {
  const back = t.throws(() => resolveRange({ from: now, to: new Date(now.getTime() - 1) }, now));
  t.is((back as { code?: string }).code, 'report.bad_range');
  // Only `from` given, far back: the defaulted end makes it too long.
  const long = t.throws(() => resolveRange({ from: new Date(now.getTime() - (MAX_RANGE_DAYS + 1) * DAY) }, now));
  t.is((long as { code?: string }).code, 'report.range_too_long');
  t.notThrows(() => resolveRange({ from: new Date(now.getTime() - MAX_RANGE_DAYS * DAY) }, now));
});

test('the query schema takes the four formats and rejects ranges the refinement forbids', (t) => {
  const q = z.strictObject(reportRangeQuery).superRefine(rangeRefinement);
  t.true(q.safeParse({ format: 'pdf', from: '2026-01-01', to: '2026-02-01' }).success);
  t.false(q.safeParse({ format: 'csv' }).success);
  t.false(q.safeParse({ format: 'html', from: '2026-02-01', to: '2026-01-01' }).success);
  t.false(q.safeParse({ format: 'html', from: '2024-01-01', to: '2026-01-01' }).success);
});
