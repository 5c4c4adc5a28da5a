import { z } from 'zod';
import { defineRoute, idParams, listOf, pageQuery, type RouteDef } from '../../core/http';
import { optionalText } from '../../core/http/schemas';
import { ConflictError } from '../../core/errors';
import type { LogAudit } from './log-audit';
import {
  aggregateSchema,
  alertSchema,
  bucketSchema,
  createSourceSchema,
  eventSchema,
  importRulesSchema,
  listAlertsQuery,
  parserDefSchema,
  parserSchema,
  retentionSchema,
  ruleSchema,
  savedQueryCreateSchema,
  savedQuerySchema,
  searchSchema,
  sourceSchema,
  testParserSchema,
  transitionSchema,
  updateRetentionSchema,
  updateRuleSchema,
  updateSourceSchema,
} from './log-audit-schemas';

const TAG = 'log-audit';
const P = '/api/log-audit';
const eventIdParams = z.strictObject({ id: z.coerce.number().int().min(1) });
const dayParams = z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
const requireArchive = (la: LogAudit) => {
  if (!la.archive) throw new ConflictError('archiving is not configured (YIYUN_LOG_ARCHIVE_DIR or YIYUN_LOG_ARCHIVE_SFTP)', { code: 'log_archive.not_configured' });
  return la.archive;
};
const ruleIdParams = z.strictObject({ id: z.string().trim().min(1).max(200) });
const drill = z.record(z.string(), z.unknown());
const keyed = z.object({ key: z.union([z.string(), z.number(), z.null()]), id: z.string().nullable().optional(), count: z.number(), drilldown: drill.optional() });

/** Routes of the log audit (日志审计). */
export function logAuditRoutes(la: LogAudit): RouteDef[] {
  return [
    // ---- search and analysis
    defineRoute({
      method: 'post', path: `${P}/search`, tag: TAG, summary: 'Search events (filters that can be negated or disabled, AND/OR/NOT tree, full text, time range, sort, page)', access: 'log_audit.read',
      body: searchSchema, response: listOf(eventSchema), handler: ({ actor, body }) => la.search.search(actor, body),
    }),
    defineRoute({
      method: 'post', path: `${P}/aggregate`, tag: TAG, summary: 'Top-N by any field or histogram over time, over the same query', access: 'log_audit.read',
      body: aggregateSchema, response: z.object({ type: z.string(), field: z.string().optional(), buckets: z.array(bucketSchema) }), handler: ({ actor, body }) => la.search.aggregate(actor, body),
    }),
    defineRoute({
      method: 'get', path: `${P}/events/:id`, tag: TAG, summary: 'One event with its raw line and parsed fields', access: 'log_audit.read',
      params: eventIdParams, response: eventSchema, handler: ({ actor, params }) => la.search.event(actor, params.id),
    }),
    defineRoute({
      method: 'get', path: `${P}/fields`, tag: TAG, summary: 'Fields stored as indexed columns', access: 'log_audit.read',
      response: z.object({ items: z.array(z.string()) }), handler: () => ({ items: la.search.fields() }),
    }),
    defineRoute({
      method: 'get', path: `${P}/dashboard`, tag: TAG, summary: 'Home page: totals, volume trend, 24 h top-10 sources and alerts, alerts by severity, frequent categories (each with its drill-down)', access: 'log_audit.read',
      response: z.object({ totalEvents: z.number(), volume: z.array(bucketSchema), topSources: z.array(keyed), topAlerts: z.array(keyed), alertsBySeverity: z.array(keyed), categories: z.array(keyed) }),
      handler: ({ actor }) => la.search.dashboard(actor),
    }),
    defineRoute({
      method: 'get', path: `${P}/history`, tag: TAG, summary: 'My recent searches', access: 'log_audit.read',
      response: listOf(z.object({ id: z.number(), query: drill, total: z.number(), ranAt: z.date() })), handler: ({ actor }) => la.search.history(actor),
    }),
    defineRoute({
      method: 'get', path: `${P}/saved-queries`, tag: TAG, summary: 'My saved queries', access: 'log_audit.read',
      response: listOf(savedQuerySchema), handler: ({ actor }) => la.search.savedList(actor),
    }),
    defineRoute({
      method: 'post', path: `${P}/saved-queries`, tag: TAG, summary: 'Save a query', access: 'log_audit.read', audit: 'log_query.saved', status: 201,
      body: savedQueryCreateSchema, response: savedQuerySchema, handler: ({ actor, body }) => la.search.savedCreate(actor, { name: body.name, query: body.query as Record<string, unknown> }),
    }),
    defineRoute({
      method: 'delete', path: `${P}/saved-queries/:id`, tag: TAG, summary: 'Delete a saved query', access: 'log_audit.read', audit: 'log_query.deleted', status: 204,
      params: idParams, handler: ({ actor, params }) => la.search.savedDelete(actor, params.id),
    }),

    // ---- alerts
    defineRoute({
      method: 'get', path: `${P}/alerts`, tag: TAG, summary: 'Alerts raised by the rules', access: 'log_audit.read',
      query: listAlertsQuery, response: listOf(alertSchema), handler: ({ actor, query }) => la.alerts.list(actor, query),
    }),
    defineRoute({
      method: 'get', path: `${P}/alerts/:id`, tag: TAG, summary: 'One alert', access: 'log_audit.read',
      params: idParams, response: alertSchema, handler: ({ actor, params }) => la.alerts.get(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: `${P}/alerts/:id/transition`, tag: TAG, summary: 'Acknowledge or close an alert (closing needs a note)', access: 'log_audit.alert_manage', audit: 'log_alert.status_changed',
      params: idParams, body: transitionSchema, response: alertSchema, handler: ({ actor, params, body }) => la.alerts.transition(actor, params.id, body),
    }),

    // ---- sources
    defineRoute({
      method: 'get', path: `${P}/sources`, tag: TAG, summary: 'Log sources with last-seen time and rate', access: 'log_audit.read',
      query: z.strictObject({ q: optionalText(100), ...pageQuery }), response: listOf(sourceSchema), handler: ({ actor, query }) => la.sources.list(actor, query),
    }),
    defineRoute({
      method: 'get', path: `${P}/sources/:id`, tag: TAG, summary: 'One log source', access: 'log_audit.read',
      params: idParams, response: sourceSchema, handler: ({ actor, params }) => la.sources.get(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: `${P}/sources`, tag: TAG, summary: 'Register a log source (an HTTP source gets its token once)', access: 'log_audit.source_manage', audit: 'log_source.created', status: 201,
      body: createSourceSchema, response: sourceSchema.extend({ token: z.string().optional() }), handler: ({ actor, body }) => la.sources.create(actor, body),
    }),
    defineRoute({
      method: 'patch', path: `${P}/sources/:id`, tag: TAG, summary: 'Update a log source', access: 'log_audit.source_manage', audit: 'log_source.updated',
      params: idParams, body: updateSourceSchema, response: sourceSchema, handler: ({ actor, params, body }) => la.sources.update(actor, params.id, body),
    }),
    defineRoute({
      method: 'post', path: `${P}/sources/:id/token`, tag: TAG, summary: 'Issue a new token for an HTTP source (the old one stops working)', access: 'log_audit.source_manage', audit: 'log_source.token_rotated',
      params: idParams, response: z.object({ token: z.string() }), handler: ({ actor, params }) => la.sources.rotateToken(actor, params.id),
    }),
    defineRoute({
      method: 'delete', path: `${P}/sources/:id`, tag: TAG, summary: 'Remove a log source (its events stay)', access: 'log_audit.source_manage', audit: 'log_source.deleted', status: 204,
      params: idParams, handler: ({ actor, params }) => la.sources.remove(actor, params.id),
    }),

    // ---- rules
    defineRoute({
      method: 'get', path: `${P}/rules`, tag: TAG, summary: 'Sigma rules', access: 'log_audit.read',
      query: z.strictObject({ kind: z.enum(['detection', 'correlation']).optional(), ...pageQuery }), response: listOf(ruleSchema), handler: ({ actor, query }) => la.rules.list(actor, query),
    }),
    defineRoute({
      method: 'get', path: `${P}/rules/:id`, tag: TAG, summary: 'One Sigma rule with its YAML', access: 'log_audit.read',
      params: ruleIdParams, response: ruleSchema, handler: ({ actor, params }) => la.rules.get(actor, params.id),
    }),
    defineRoute({
      method: 'post', path: `${P}/rules/import`, tag: TAG, summary: 'Import Sigma YAML (one or several documents; all compile or none is imported)', access: 'log_audit.rule_manage', audit: 'log_rule.imported', status: 201,
      body: importRulesSchema, response: listOf(ruleSchema), handler: ({ actor, body }) => la.rules.importYaml(actor, body),
    }),
    defineRoute({
      method: 'patch', path: `${P}/rules/:id`, tag: TAG, summary: 'Enable or disable a rule', access: 'log_audit.rule_manage', audit: 'log_rule.updated',
      params: ruleIdParams, body: updateRuleSchema, response: ruleSchema, handler: ({ actor, params, body }) => la.rules.setEnabled(actor, params.id, body.enabled),
    }),
    defineRoute({
      method: 'delete', path: `${P}/rules/:id`, tag: TAG, summary: 'Delete an imported rule', access: 'log_audit.rule_manage', audit: 'log_rule.deleted', status: 204,
      params: ruleIdParams, handler: ({ actor, params }) => la.rules.remove(actor, params.id),
    }),

    // ---- parse editor
    defineRoute({
      method: 'get', path: `${P}/parsers`, tag: TAG, summary: 'Operator-defined parsers', access: 'log_audit.read',
      response: listOf(parserSchema), handler: () => la.parsers.list(),
    }),
    defineRoute({
      method: 'get', path: `${P}/parsers/:id`, tag: TAG, summary: 'One parser', access: 'log_audit.read',
      params: idParams, response: parserSchema, handler: ({ params }) => la.parsers.get(params.id),
    }),
    defineRoute({
      method: 'post', path: `${P}/parsers/test`, tag: TAG, summary: 'Try a draft (or built-in) parser on pasted sample lines', access: 'log_audit.read',
      body: testParserSchema, response: z.object({ items: z.array(z.object({ line: z.string(), parser: z.string(), matched: z.boolean(), '@timestamp': z.date(), fields: drill })) }),
      handler: ({ body }) => la.parsers.test(body),
    }),
    defineRoute({
      method: 'post', path: `${P}/parsers`, tag: TAG, summary: 'Define a parser (inactive until activated)', access: 'log_audit.parser_manage', audit: 'log_parser.created', status: 201,
      body: parserDefSchema, response: parserSchema, handler: ({ actor, body }) => la.parsers.create(actor, body),
    }),
    defineRoute({
      method: 'put', path: `${P}/parsers/:id`, tag: TAG, summary: 'Change a parser', access: 'log_audit.parser_manage', audit: 'log_parser.updated',
      params: idParams, body: parserDefSchema, response: parserSchema, handler: ({ actor, params, body }) => la.parsers.update(actor, params.id, body),
    }),
    defineRoute({
      method: 'post', path: `${P}/parsers/:id/activate`, tag: TAG, summary: 'Activate or deactivate a parser for the ingest', access: 'log_audit.parser_manage', audit: 'log_parser.activated',
      params: idParams, body: z.strictObject({ active: z.boolean() }), response: parserSchema, handler: ({ actor, params, body }) => la.parsers.setActive(actor, params.id, body.active),
    }),

    defineRoute({
      method: 'delete', path: `${P}/parsers/:id`, tag: TAG, summary: 'Delete a parser (sources pinned to it fall back to automatic recognition)', access: 'log_audit.parser_manage', audit: 'log_parser.deleted', status: 204,
      params: idParams, handler: ({ actor, params }) => la.parsers.remove(actor, params.id),
    }),

    // ---- retention
    defineRoute({
      method: 'get', path: `${P}/retention`, tag: TAG, summary: 'Retention, capacity and partitions', access: 'log_audit.read',
      response: retentionSchema, handler: ({ actor }) => la.retention.get(actor),
    }),
    defineRoute({
      method: 'put', path: `${P}/retention`, tag: TAG, summary: 'Change retention (≥ 180 days unless the secadmin confirms) and capacity alerts', access: 'log_audit.retention_manage', audit: 'log_retention.updated',
      body: updateRetentionSchema, response: retentionSchema, handler: ({ actor, body }) => la.retention.update(actor, body),
    }),
    defineRoute({
      method: 'get', path: `${P}/archives`, tag: TAG, summary: 'Archived days (SM3 digest, where they were shipped)', access: 'log_audit.read',
      response: listOf(z.object({ day: z.string(), file: z.string(), events: z.number(), bytes: z.number(), sm3: z.string(), keyId: z.string().nullable(), signature: z.enum(['valid', 'invalid']), remote: z.string().nullable(), createdAt: z.date(), restoredAt: z.date().nullable() })),
      handler: () => requireArchive(la).list(),
    }),
    defineRoute({
      method: 'post', path: `${P}/archives/:day`, tag: TAG, summary: 'Archive a closed day now and ship it to remote storage', access: 'log_audit.retention_manage', audit: 'log_archive.created', status: 201,
      params: dayParams, response: z.object({ day: z.string(), file: z.string(), events: z.number(), bytes: z.number(), sm3: z.string(), keyId: z.string() }),
      handler: ({ actor, params }) => requireArchive(la).archiveDay(params.day, actor),
    }),
    defineRoute({
      method: 'post', path: `${P}/archives/:day/restore`, tag: TAG, summary: 'Restore an archived day for search (signature and digest checked first)', access: 'log_audit.retention_manage', audit: 'log_archive.restored',
      params: dayParams, response: z.object({ restored: z.number(), skipped: z.number() }), handler: ({ actor, params }) => requireArchive(la).restoreDay(actor, params.day),
    }),
    defineRoute({
      method: 'get', path: `${P}/ingest/stats`, tag: TAG, summary: 'Ingest counters: accepted, committed, shed (UDP), queued', access: 'log_audit.read',
      response: z.object({ accepted: z.number(), committed: z.number(), shed: z.number(), failedBatches: z.number(), queued: z.number(), alerts: z.number(), offThread: z.number() }),
      handler: () => la.pipeline.stats(),
    }),
  ];
}
