import { z, type ZodType } from 'zod';
import type { RouteDef } from './route';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string } } })._zod.def;
      if (def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parametersOf(schema: ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const js = toSchema(schema, 'input');
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

const problem = {
  description: 'An error, as RFC 9457 problem details with a stable `code`',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApi(routes: readonly RouteDef[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-yiyun-permission': r.access,
      ...(r.audit ? { 'x-yiyun-audit': r.audit } : {}),
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      responses: {
        [String(r.status ?? 200)]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
          : { description: 'OK' },
        '400': problem,
        ...(r.access === 'public' ? {} : { '401': problem, '403': problem }),
      },
    };
    if (r.access !== 'public') op.security = [{ cookie: [] }, { bearer: [] }];
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } };
    (paths[p] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'yiyun control-plane API. Errors are application/problem+json with a stable code.' },
    paths,
    components: {
      securitySchemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: 'yiyun_session', description: 'console session; state changes also need X-CSRF-Token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token for automation' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            detail: { type: 'string' },
            requestId: { type: 'string' },
            fields: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}

/** One row per route: the table of who may call what. */
export type PermissionRow = { method: string; path: string; summary: string; access: string; audit: string | null; roles: string[] };

/** Joins the routes' declared access with the role → permission data. */
export function permissionTable(routes: readonly RouteDef[], rolePermissions: Record<string, readonly string[]>): PermissionRow[] {
  return routes.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path,
    summary: r.summary,
    access: r.access,
    audit: r.audit ?? null,
    roles:
      r.access === 'public'
        ? ['(anyone)']
        : r.access === 'authenticated'
          ? ['(any logged-in account)']
          : Object.entries(rolePermissions)
              .filter(([, perms]) => perms.includes(r.access))
              .map(([role]) => role),
  }));
}
