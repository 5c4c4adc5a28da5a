import { z } from 'zod';

/** An item's verdict, with the assessor's words for it. */
export const VERDICTS = ['pass', 'partial', 'fail', 'na'] as const;
export const verdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof verdictSchema>;

export const VERDICT_LABELS: Record<Verdict, string> = {
  pass: '符合',
  partial: '部分符合',
  fail: '不符合',
  na: '不适用',
};

/** The state shown for an item that has no verdict yet. */
export const PENDING_LABEL = '待核查';

/** Risk of a finding (问题严重程度). `high` is never inferred: a check that knows, or the assessor, sets it. */
export const RISKS = ['low', 'medium', 'high'] as const;
export const riskSchema = z.enum(RISKS);
export type Risk = z.infer<typeof riskSchema>;
export const RISK_LABELS: Record<Risk, string> = { low: '低', medium: '中', high: '高' };
export const RISK_ORDER: Record<Risk, number> = { low: 1, medium: 2, high: 3 };

/** The 密评 dimensions of one assessed object (测评对象): effectiveness D, algorithm compliance A, key management K. */
export const assessedObjectSchema = z.object({
  name: z.string().min(1).max(200),
  d: z.number().min(0).max(1),
  a: z.number().min(0).max(1),
  k: z.number().min(0).max(1),
  note: z.string().max(1000).optional(),
});
export type AssessedObject = z.infer<typeof assessedObjectSchema>;
