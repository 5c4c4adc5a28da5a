import { z } from 'zod';
import { defineRoute, listOf, optionalText, pageQuery, timestamp, type RouteDef } from '../http';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Actor } from '../authz';
import type { AuditTrail } from './audit-trail';

const recordSchema = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  occurredAt: timestamp(),
  actorKind: z.string(),
  actorAccount: z.string().nullable(),
  actorLogin: z.string(),
  actorRoles: z.array(z.string()),
  tenantId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  beforeSummary: z.unknown(),
  afterSummary: z.unknown(),
  detail: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

const searchQuery = z.strictObject({
  ...pageQuery,
  actor: optionalText(254),
  action: optionalText(100),
  targetType: optionalText(50),
  targetId: optionalText(100),
  tenantId: z.uuid().optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

/** The tenant's query: the platform's without tenantId, so a tenant cannot name (and so widen to) another tenant. */
const tenantSearchQuery = searchQuery.omit({ tenantId: true });

/** Where the tenant view lives; the audit.tenant-visibility check looks for it in the route registry. */
export const TENANT_AUDIT_PATH = '/api/tenant-audit';

/** The caller's own tenant, never one from the request: an account without a tenant has no tenant view. */
function ownTenant(actor: Actor): string {
  if (!actor.tenantId) throw new ForbiddenError('the tenant audit trail is for tenant accounts', { code: 'audit.tenant_only' });
  return actor.tenantId;
}

const seqParams = z.strictObject({ seq: z.coerce.number().int().min(1) });
const notFound = () => new NotFoundError('no such audit record', { code: 'audit.not_found' });

/** Read-only routes over the trail: there is deliberately no route that changes it. */
export function auditRoutes(trail: Pick<AuditTrail, 'search' | 'get' | 'verify'>): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/audit/records', tag: 'audit', summary: 'Search the audit trail (actor, action, target, time, outcome)', access: 'audit.read',
      query: searchQuery, response: listOf(recordSchema), handler: ({ query }) => trail.search(query),
    }),
    defineRoute({
      method: 'get', path: '/api/audit/records/:seq', tag: 'audit', summary: 'One audit record', access: 'audit.read',
      params: seqParams, response: recordSchema,
      handler: async ({ params }) => {
        const r = await trail.get(params.seq);
        if (!r) throw notFound();
        return r;
      },
    }),
    defineRoute({
      method: 'post', path: '/api/audit/verify', tag: 'audit', summary: 'Verify the SM3 hash chain and the SM2-signed checkpoints', access: 'audit.verify',
      response: z.object({ ok: z.boolean(), records: z.number(), checkpoints: z.number(), lastSeq: z.number(), firstBad: z.object({ seq: z.number(), reason: z.string() }).optional() }),
      handler: () => trail.verify(),
    }),
    // 等保 L3-ABS2-08: a tenant audits every action on its own resources, the provider's accounts' included, as recorded.
    defineRoute({
      method: 'get', path: TENANT_AUDIT_PATH, tag: 'audit', summary: "Search the audit trail of the caller's tenant (every actor, the provider's included)", access: 'audit.read_tenant',
      query: tenantSearchQuery, response: listOf(recordSchema),
      handler: ({ actor, query }) => trail.search({ ...query, tenantId: ownTenant(actor) }),
    }),
    defineRoute({
      method: 'get', path: `${TENANT_AUDIT_PATH}/:seq`, tag: 'audit', summary: "One audit record of the caller's tenant", access: 'audit.read_tenant',
      params: seqParams, response: recordSchema,
      handler: async ({ actor, params }) => {
        const tenantId = ownTenant(actor);
        const r = await trail.get(params.seq);
        // Another tenant's record (or the platform's own) is not found, not forbidden: its existence is not the tenant's business.
        if (!r || r.tenantId !== tenantId) throw notFound();
        return r;
      },
    }),
  ];
}
