import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../core/http/schemas';

/** A field name in queries: ECS dotted names (`source.ip`, `@timestamp`, `url.original`). */
export const fieldName = z.string().trim().regex(/^[@A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}$/, 'a field name like source.ip');

export const FILTER_OPS = ['eq', 'contains', 'prefix', 'exists', 'gt', 'gte', 'lt', 'lte', 'cidr', 'in', 're'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** One field filter of the filter bar: each can be negated (取反) or disabled (禁用) without removing it. */
export const filterSchema = z.strictObject({
  field: fieldName,
  op: z.enum(FILTER_OPS).default('eq'),
  value: scalar.optional(),
  values: z.array(scalar).max(200).optional(),
  negate: z.boolean().default(false),
  disabled: z.boolean().default(false),
});
export type Filter = z.infer<typeof filterSchema>;

/** Advanced mode: a tree of AND / OR / NOT over field conditions. */
export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { field: string; op?: FilterOp; value?: string | number | boolean; values?: Array<string | number | boolean> };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ and: z.array(conditionSchema).min(1).max(50) }),
    z.strictObject({ or: z.array(conditionSchema).min(1).max(50) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ field: fieldName, op: z.enum(FILTER_OPS).optional(), value: scalar.optional(), values: z.array(scalar).max(200).optional() }),
  ]),
) as z.ZodType<Condition>;

/** A search: time range, full text, filters, advanced condition, sort and page. */
export const searchSchema = z.strictObject({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  text: optionalText(500),
  filters: z.array(filterSchema).max(50).default([]),
  where: conditionSchema.optional(),
  sort: fieldName.default('@timestamp'),
  order: z.enum(['asc', 'desc']).default('desc'),
  ...pageQuery,
});
export type SearchInput = z.infer<typeof searchSchema>;

export const aggregateSchema = searchSchema.omit({ sort: true, order: true, offset: true, limit: true }).extend({
  type: z.enum(['terms', 'histogram']),
  field: fieldName.optional(),
  size: z.coerce.number().int().min(1).max(100).default(10),
  interval: z.enum(['minute', '5m', 'hour', 'day']).optional(),
});
export type AggregateInput = z.infer<typeof aggregateSchema>;

export const eventSchema = z.object({
  id: z.number().int(),
  '@timestamp': timestamp(),
  receivedAt: timestamp(),
  tenantId: z.string().nullable(),
  sourceId: z.string().nullable(),
  parser: z.string(),
  raw: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

export const bucketSchema = z.object({ key: z.union([z.string(), z.number(), z.null()]), count: z.number(), drilldown: z.record(z.string(), z.unknown()).optional() });

// ---- sources --------------------------------------------------------------------------------------------------------

export const createSourceSchema = z.strictObject({
  name: text(100),
  kind: z.enum(['syslog', 'http']),
  address: z.union([z.ipv4(), z.ipv6()]).optional(),
  parser: text(100).default('auto'),
  tenantId: z.uuid().optional(),
  description: optionalText(500),
});
export type CreateSourceInput = z.infer<typeof createSourceSchema>;

export const updateSourceSchema = z.strictObject({
  name: text(100).optional(),
  address: z.union([z.ipv4(), z.ipv6()]).optional(),
  parser: text(100).optional(),
  enabled: z.boolean().optional(),
  description: optionalText(500),
});
export type UpdateSourceInput = z.infer<typeof updateSourceSchema>;

export const sourceSchema = z.object({
  id: z.string(),
  tenantId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['syslog', 'http', 'yiyun', 'auto']),
  address: z.string().nullable(),
  parser: z.string(),
  enabled: z.boolean(),
  description: z.string().nullable(),
  hasToken: z.boolean(),
  lastSeenAt: timestamp().nullable(),
  eventsTotal: z.number(),
  ratePerMin: z.number(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
export type SourceView = z.infer<typeof sourceSchema>;

// ---- alerts --------------------------------------------------------------------------------------------------------

export const ALERT_STATUSES = ['new', 'acknowledged', 'closed'] as const;
export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;

export const alertSchema = z.object({
  id: z.string(),
  tenantId: z.string().nullable(),
  ruleId: z.string(),
  ruleTitle: z.string(),
  severity: z.enum(SEVERITIES),
  tags: z.array(z.string()),
  groupKey: z.record(z.string(), z.string()),
  eventIds: z.array(z.number()),
  eventCount: z.number(),
  firstSeen: timestamp(),
  lastSeen: timestamp(),
  status: z.enum(ALERT_STATUSES),
  note: z.string().nullable(),
  statusBy: z.string().nullable(),
  statusAt: timestamp().nullable(),
  createdAt: timestamp(),
});
export type AlertView = z.infer<typeof alertSchema>;

export const listAlertsQuery = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  ruleId: optionalText(200),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  ...pageQuery,
});

export const transitionSchema = z.strictObject({ status: z.enum(['acknowledged', 'closed']), note: optionalText(2000) });

// ---- rules ---------------------------------------------------------------------------------------------------------

export const ruleSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['detection', 'correlation']),
  level: z.string(),
  tags: z.array(z.string()),
  yaml: z.string(),
  enabled: z.boolean(),
  builtin: z.boolean(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
export const importRulesSchema = z.strictObject({ yaml: z.string().min(1).max(1_000_000), enabled: z.boolean().default(true) });
export const updateRuleSchema = z.strictObject({ enabled: z.boolean() });

// ---- parse editor --------------------------------------------------------------------------------------------------

export const parserDefSchema = z.strictObject({
  name: z.string().trim().regex(/^[a-z0-9_-]{1,50}$/, 'lower-case letters, digits, - and _'),
  kind: z.enum(['regex', 'kv', 'json']),
  pattern: optionalText(2000),
  mapping: z.record(z.string().max(100), fieldName).default({}),
  program: optionalText(100),
});
export const parserSchema = parserDefSchema.extend({ id: z.string(), active: z.boolean(), pattern: z.string().nullable(), program: z.string().nullable(), createdAt: timestamp(), updatedAt: timestamp() });
export const testParserSchema = z.strictObject({
  parser: parserDefSchema.partial({ name: true }).optional(),
  builtin: optionalText(50),
  lines: z.array(z.string().max(65536)).min(1).max(100),
});

// ---- saved queries, retention ----------------------------------------------------------------------------------------

export const savedQueryCreateSchema = z.strictObject({ name: text(100), query: searchSchema.partial() });
export const savedQuerySchema = z.object({ id: z.string(), name: z.string(), query: z.record(z.string(), z.unknown()), createdAt: timestamp() });

export const retentionSchema = z.object({
  retentionDays: z.number().int(),
  capacityBytes: z.number(),
  capacityWarnPct: z.number().int(),
  deleteMode: z.enum(['drop_partition', 'archive_then_drop']),
  usedBytes: z.number(),
  usedPct: z.number(),
  capacityAlert: z.boolean(),
  partitions: z.array(z.object({ day: z.string(), bytes: z.number() })),
  oldestDay: z.string().nullable(),
});
export const updateRetentionSchema = z.strictObject({
  retentionDays: z.number().int().min(1).max(3650).optional(),
  capacityBytes: z.number().int().min(1024 * 1024).optional(),
  capacityWarnPct: z.number().int().min(1).max(100).optional(),
  deleteMode: z.enum(['drop_partition', 'archive_then_drop']).optional(),
  /** Required (and only accepted from a secadmin) to go below the 180 days 等保 asks for. */
  confirmBelowMinimum: z.boolean().optional(),
});
export type UpdateRetentionInput = z.infer<typeof updateRetentionSchema>;
