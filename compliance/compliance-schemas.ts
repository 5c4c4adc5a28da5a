import { z } from 'zod';
import { catalogueIdSchema, checkKindSchema, responsibilitySchema } from './catalogues';
import { assessedObjectSchema, riskSchema, verdictSchema } from './verdict';

/** Filters of the item list (react-admin passes them as query parameters). */
export const listItemsQuery = z.strictObject({
  catalogue: catalogueIdSchema.optional(),
  category: z.string().trim().max(40).optional(),
  /** A verdict, or `pending` for items without one. */
  verdict: z.union([verdictSchema, z.literal('pending')]).optional(),
  responsibility: responsibilitySchema.optional(),
  checkKind: checkKindSchema.optional(),
  q: z.string().trim().max(100).optional(),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListItemsQuery = z.infer<typeof listItemsQuery>;

export const itemIdParams = z.strictObject({ id: z.string().regex(/^(L3-[A-Z]{3}\d-\d{2}|MP-[A-Z]{2}-\d{2})$/) });

const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The manual-evidence form: a verdict with a note, optional 密评 objects and uploaded files (base64). */
export const manualVerdictBody = z.strictObject({
  verdict: verdictSchema,
  note: z.string().trim().min(2).max(4000),
  risk: riskSchema.optional(),
  objects: z.array(assessedObjectSchema).max(200).optional(),
  files: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1).max(120).regex(/^[^/\\\0]+$/, 'a plain file name'),
        contentBase64: z.string().max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4),
        contentType: z.string().trim().max(100).optional(),
      }),
    )
    .max(20)
    .default([]),
});
export type ManualVerdictInput = z.infer<typeof manualVerdictBody>;

/** The assessor's 测评结论 on an item: a verdict with its reasoning; the assessor uploads no evidence. */
/** The assessor's 测评结论: the operator's verdict without files (the assessor concludes; it uploads nothing). */
export const conclusionBody = manualVerdictBody.omit({ files: true });
export type ConclusionInput = z.infer<typeof conclusionBody>;

export const runChecksBody = z.strictObject({}).optional();

const fileRef = z.object({ id: z.string(), name: z.string(), contentType: z.string(), size: z.number(), sha256: z.string(), sm3: z.string() });

export const itemRowSchema = z.object({
  id: z.string(),
  catalogue: catalogueIdSchema,
  provisional: z.boolean(),
  clause: z.string(),
  index: z.string(),
  category: z.string(),
  controlPoint: z.string(),
  part: z.string(),
  domain: z.string(),
  zh: z.string(),
  en: z.string(),
  importance: z.string(),
  weight: z.number(),
  responsibility: responsibilitySchema,
  checkKind: checkKindSchema,
  checkReason: z.string(),
  verdict: verdictSchema.nullable(),
  verdictLabel: z.string(),
  status: z.string(),
  decidedBy: z.string().nullable(),
  risk: riskSchema.nullable(),
  summary: z.string(),
  collectedAt: z.date().nullable(),
  evidenceFiles: z.number().int(),
});
export type ItemRow = z.infer<typeof itemRowSchema>;

export const resultSchema = z.object({
  id: z.string(),
  runId: z.string(),
  checkKey: z.string(),
  checkTitle: z.string(),
  checkKind: z.string(),
  room: z.string(),
  status: z.string(),
  verdict: verdictSchema.nullable(),
  risk: riskSchema.nullable(),
  summary: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  objects: z.array(assessedObjectSchema).nullable(),
  collectedAt: z.date(),
  durationMs: z.number(),
  error: z.string().nullable(),
  files: z.array(fileRef),
});

export const manualSchema = z.object({
  id: z.string(),
  verdict: verdictSchema,
  risk: riskSchema.nullable(),
  note: z.string(),
  objects: z.array(assessedObjectSchema).nullable(),
  recordedBy: z.string(),
  recordedAt: z.date(),
  kind: z.enum(['operator', 'assessor']),
  files: z.array(fileRef),
});

export const itemDetailSchema = itemRowSchema.extend({
  expects: z.array(z.string()),
  results: z.array(resultSchema),
  history: z.array(resultSchema),
  manualVerdicts: z.array(manualSchema),
});

export const runSummarySchema = z.object({
  runId: z.string(),
  startedAt: z.date(),
  finishedAt: z.date(),
  checks: z.number().int(),
  failedChecks: z.number().int(),
  dengbaoScore: z.number(),
  mipingScore: z.number(),
});
