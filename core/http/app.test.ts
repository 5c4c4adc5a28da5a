import test from 'ava';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import type { Actor, Permission } from '../authz';
import type { AuditEntry } from '../audit/audit-types';
import { createLogger } from '../log';
import { ConflictError } from '../errors';
import { createHttpApp } from './app';
import { createMetrics } from './metrics';
import { defineRoute, type RouteDef } from './route';

type World = { url: string; server: Server; stored: unknown[]; denied: AuditEntry[] };

function actor(permissions: Permission[], via: Actor['via'] = 'bearer', pending: Actor['pending'] = null): Actor {
  return { kind: 'account', accountId: 'a1', loginId: 'u1', roles: ['r'], tenantId: null, permissions: new Set(permissions), sourceIp: '127.0.0.1', via, csrfToken: 'csrf-1', pending };
}

async function world(): Promise<World> {
  const stored: unknown[] = [];
  const denied: AuditEntry[] = [];
  const routes: RouteDef[] = [
    defineRoute({
      method: 'post', path: '/api/things', tag: 't', summary: 'create', access: 'thing.manage', audit: 'thing.created', status: 201,
      body: z.strictObject({ name: z.string().trim().min(1).max(20), size: z.number().int().min(1) }),
      response: z.object({ id: z.number(), name: z.string() }),
      handler: ({ body }) => {
        stored.push(body);
        // The extra field must be stripped by the response schema.
        return { id: stored.length, name: body.name, secretHash: 'never-leaves' } as { id: number; name: string };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/things/:id', tag: 't', summary: 'get', access: 'thing.read',
      params: z.strictObject({ id: z.coerce.number().int() }),
      handler: ({ params }) => {
        if (params.id === 409) throw new ConflictError('busy', { code: 'thing.busy' });
        if (params.id === 500) throw new Error('boom: password=hunter2');
        return { id: params.id };
      },
    }),
    defineRoute({ method: 'get', path: '/api/open', tag: 't', summary: 'public', access: 'public', handler: () => ({ ok: true }) }),
  ];
  const identities: Record<string, Actor> = {
    manager: actor(['thing.manage', 'thing.read']),
    reader: actor(['thing.read']),
    cookie: actor(['thing.manage'], 'cookie'),
    pending: actor(['thing.manage'], 'bearer', 'password_change'),
  };
  const app = createHttpApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    routes,
    authenticate: async (req) => identities[req.get('authorization')?.replace('Bearer ', '') ?? ''] ?? null,
    auditDenied: async (e) => {
      denied.push(e);
    },
    readiness: async () => ({ ready: true, checks: {} }),
    rolePermissions: { manager: ['thing.manage', 'thing.read'], reader: ['thing.read'] },
    maxBodyBytes: 2048,
    rateLimitPerMinute: 10_000,
    loginRateLimitPerMinute: 10_000,
    trustProxy: false,
    version: 'test',
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, stored, denied };
}

const post = (w: World, who: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${w.url}/api/things`, { method: 'POST', headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json', ...headers }, body });

test('a valid request is stored and the response carries only declared fields', async (t) => {
  const w = await world();
  const r = await post(w, 'manager', JSON.stringify({ name: ' pump ', size: 3 }));
  t.is(r.status, 201);
  t.deepEqual(await r.json(), { id: 1, name: 'pump' });
  t.is(w.stored.length, 1);
  w.server.close();
});

test('bad JSON, unknown fields, wrong types and oversized bodies are 400/413 problem+json and store nothing', async (t) => {
  const w = await world();
  const cases: Array<[string, number, string]> = [
    ['{"name": "x", ', 400, 'request.malformed_json'],
    [JSON.stringify({ name: 'x', size: 1, admin: true }), 400, 'validation.failed'],
    [JSON.stringify({ name: 'x', size: 'big' }), 400, 'validation.failed'],
    [JSON.stringify({ name: 'x'.repeat(5000), size: 1 }), 413, 'request.too_large'],
  ];
  for (const [body, status, code] of cases) {
    const r = await post(w, 'manager', body);
    t.is(r.status, status, body.slice(0, 40));
    t.regex(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    const p = (await r.json()) as { code: string; requestId: string; fields?: Array<{ path: string }> };
    t.is(p.code, code);
    t.truthy(p.requestId);
  }
  const unknown = (await (await post(w, 'manager', JSON.stringify({ name: 'x', size: 1, admin: true }))).json()) as { fields: Array<{ path: string; message: string }> };
  t.true(unknown.fields.some((f) => f.message.includes('admin')));
  const typed = (await (await post(w, 'manager', JSON.stringify({ name: 'x', size: 'big' }))).json()) as { fields: Array<{ path: string }> };
  t.deepEqual(typed.fields.map((f) => f.path), ['body.size']);
  t.is(w.stored.length, 0);
  w.server.close();
});

test('a non-JSON body is 415', async (t) => {
  const w = await world();
  const r = await post(w, 'manager', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
  t.is(r.status, 415);
  t.is(((await r.json()) as { code: string }).code, 'request.unsupported_media_type');
  w.server.close();
});

test('no credentials is 401; a missing permission is 403 and the denial is audited', async (t) => {
  const w = await world();
  t.is((await fetch(`${w.url}/api/things/1`)).status, 401);
  const r = await post(w, 'reader', JSON.stringify({ name: 'x', size: 1 }));
  t.is(r.status, 403);
  t.is(((await r.json()) as { code: string }).code, 'forbidden');
  t.is(w.denied.length, 1);
  t.is(w.denied[0]!.outcome, 'denied');
  t.is(w.denied[0]!.action, 'thing.created');
  t.is(w.stored.length, 0);
  w.server.close();
});

test('an unfinished login may call nothing but the routes that finish it', async (t) => {
  const w = await world();
  const r = await post(w, 'pending', JSON.stringify({ name: 'x', size: 1 }));
  t.is(r.status, 403);
  t.is(((await r.json()) as { code: string }).code, 'auth.password_change_required');
  w.server.close();
});

test('cookie sessions need the CSRF token and a same-origin Origin on state changes', async (t) => {
  const w = await world();
  const body = JSON.stringify({ name: 'x', size: 1 });
  t.is((await post(w, 'cookie', body)).status, 403);
  t.is((await post(w, 'cookie', body, { 'x-csrf-token': 'csrf-1', origin: 'https://evil.example' })).status, 403);
  t.is((await post(w, 'cookie', body, { 'x-csrf-token': 'csrf-1', origin: w.url })).status, 201);
  w.server.close();
});

test('service errors map to their status and code; unknown errors are 500 without details', async (t) => {
  const w = await world();
  const c = await fetch(`${w.url}/api/things/409`, { headers: { authorization: 'Bearer reader' } });
  t.is(c.status, 409);
  t.is(((await c.json()) as { code: string }).code, 'thing.busy');
  const e = await fetch(`${w.url}/api/things/500`, { headers: { authorization: 'Bearer reader' } });
  t.is(e.status, 500);
  const text = await e.text();
  t.false(text.includes('hunter2'));
  t.regex(text, /"code":"internal"/);
  w.server.close();
});

test('unknown API paths are 404 problem+json; health, readiness and metrics answer', async (t) => {
  const w = await world();
  const nf = await fetch(`${w.url}/api/nothing-here`);
  t.is(nf.status, 404);
  t.is(((await nf.json()) as { code: string }).code, 'route.not_found');
  t.is((await fetch(`${w.url}/healthz`)).status, 200);
  t.is((await fetch(`${w.url}/readyz`)).status, 200);
  await fetch(`${w.url}/api/open`);
  const m = await (await fetch(`${w.url}/metrics`)).text();
  t.regex(m, /yiyun_http_request_duration_seconds_bucket\{[^}]*route="\/api\/open"/);
  w.server.close();
});

test('the OpenAPI document and the permission table come from the route declarations', async (t) => {
  const w = await world();
  const doc = (await (await fetch(`${w.url}/api/openapi.json`)).json()) as any;
  t.is(doc.openapi, '3.1.0');
  const op = doc.paths['/api/things'].post;
  t.is(op['x-yiyun-permission'], 'thing.manage');
  t.deepEqual(op.requestBody.content['application/json'].schema.required.sort(), ['name', 'size']);
  t.is(op.requestBody.content['application/json'].schema.additionalProperties, false);
  t.truthy(doc.paths['/api/things/{id}'].get);
  const table = (await (await fetch(`${w.url}/api/permissions`)).json()) as { items: Array<{ path: string; method: string; roles: string[] }> };
  const row = table.items.find((r) => r.path === '/api/things' && r.method === 'POST');
  t.deepEqual(row?.roles, ['manager']);
  w.server.close();
});

test('security headers are set and the request id is echoed', async (t) => {
  const w = await world();
  const r = await fetch(`${w.url}/api/open`, { headers: { 'x-request-id': 'abc-12345678' } });
  t.is(r.headers.get('x-request-id'), 'abc-12345678');
  t.truthy(r.headers.get('content-security-policy'));
  t.is(r.headers.get('x-content-type-options'), 'nosniff');
  t.is(r.headers.get('x-powered-by'), null);
  w.server.close();
});
