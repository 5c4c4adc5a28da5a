import { z } from 'zod';
import { optionalText } from '../../../core/http/schemas';
import { rangeRefinement, reportRangeQuery } from '../../reports';

export const bastionReportQuery = z
  .strictObject({ ...reportRangeQuery, operator: optionalText(254), asset: optionalText(100) })
  .superRefine(rangeRefinement);
export type BastionReportQuery = z.infer<typeof bastionReportQuery>;

export const BASTION_REPORT_KINDS = ['users', 'sessions'] as const;
export type BastionReportKind = (typeof BASTION_REPORT_KINDS)[number];
