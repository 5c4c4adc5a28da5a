import { z } from 'zod';
import { InputError } from '../../core/errors';
import { REPORT_FORMATS } from './report-model';

const DAY = 86_400_000;
export const MAX_RANGE_DAYS = 366;

/**
 * The query every report route takes: a format and a time range (default: the last 30 days up to now), bounded so
 * one export cannot scan years of sessions.
 */
export const reportRangeQuery = {
  format: z.enum(REPORT_FORMATS),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};

/** The range a report covers; a defaulted end can still make it backwards or too long, so it is checked again here. */
export function resolveRange(q: { from?: Date; to?: Date }, now: Date): { from: Date; to: Date } {
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY);
  if (from >= to) throw new InputError('the report range ends before it starts', { code: 'report.bad_range', fields: [{ path: 'query.from', message: 'must be before to' }] });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) throw new InputError(`at most ${MAX_RANGE_DAYS} days per report`, { code: 'report.range_too_long', fields: [{ path: 'query.from', message: `at most ${MAX_RANGE_DAYS} days before to` }] });
  return { from, to };
}

export const rangeRefinement = <T extends { from?: Date; to?: Date }>(q: T, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  if (q.from && q.to && q.to.getTime() - q.from.getTime() > MAX_RANGE_DAYS * DAY) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_RANGE_DAYS} days per report` });
};
