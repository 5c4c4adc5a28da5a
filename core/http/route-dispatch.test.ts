import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Actor } from '../authz';
import { createLogger } from '../log';
import { createHttpApp } from './app';
import { createMetrics } from './metrics';
import { defineRoute, type HttpMethod, type RouteDef } from './route';
import { dispatchByPrefix, requestGroup, type Registration } from './route-dispatch';

type Answer = { status: number; by: string | null; code: string | null; contentType: string; body: string };

const reader: Actor = { kind: 'account', accountId: 'a1', loginId: 'u1', roles: ['r'], tenantId: null, permissions: new Set(), sourceIp: '127.0.0.1', via: 'bearer', pending: null };

function answering(method: HttpMethod, routePath: string, name: string, extra: Partial<RouteDef> = {}): RouteDef {
  return defineRoute({ method, path: routePath, tag: 't', summary: name, access: 'authenticated', raw: true, handler: ({ res, req }) => void res.json({ by: name, params: req.params }), ...extra });
}

/** Look-alike routes across groups, registered after enough others that the old router walked far to reach them. */
function lookAlikeRoutes(): RouteDef[] {
  const fillers = Array.from({ length: 60 }, (_, i) => answering('get', `/api/filler${i}/items/:id`, `filler${i}`));
  return [
    answering('post', '/api/auth/login', 'login', { access: 'public', rateLimit: 'login' }),
    answering('post', '/api/auth/login/mfa', 'login-mfa', { access: 'public', rateLimit: 'login' }),
    answering('post', '/api/auth/logout', 'logout', { access: 'public' }),
    answering('get', '/api/auth/me', 'me'),
    answering('get', '/api/roles', 'roles'),
    answering('get', '/api/things/:id', 'thing'),
    ...fillers,
    answering('get', '/api/cloud/disks/summary', 'disks-summary'),
    answering('get', '/api/cloud/disks/:id', 'disk'),
    answering('get', '/api/cloud/vms-export', 'vms-export'),
    answering('get', '/api/cloud/vms', 'vms'),
    answering('get', '/api/cloud/vms/:id', 'vm'),
    answering('post', '/api/cloud/vms/:id/start', 'vm-start'),
    // Registered after its look-alike `/:id`, so it never answers: the order decides, as in one flat router.
    answering('get', '/api/cloud/vms/summary', 'vms-summary'),
  ];
}

type Lab = { url: string; server: Server; close(): void };

async function lab(opts: { loginLimit?: number; consoleDir?: string } = {}): Promise<Lab> {
  const app = createHttpApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    routes: lookAlikeRoutes(),
    authenticate: async (req) => (req.get('authorization') === 'Bearer reader' ? reader : null),
    auditDenied: async () => {},
    readiness: async () => ({ ready: true, checks: {} }),
    rolePermissions: {},
    maxBodyBytes: 2048,
    rateLimitPerMinute: 10_000,
    loginRateLimitPerMinute: opts.loginLimit ?? 10_000,
    trustProxy: false,
    consoleDir: opts.consoleDir,
    version: 'test',
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, close: () => server.close() };
}

async function ask(l: Lab, method: string, urlPath: string): Promise<Answer> {
  const r = await fetch(`${l.url}${urlPath}`, { method, headers: { authorization: 'Bearer reader' } });
  const body = await r.text();
  let parsed: { by?: string; code?: string } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not JSON: an HTML page or an empty HEAD answer.
  }
  return { status: r.status, by: parsed.by ?? null, code: parsed.code ?? null, contentType: r.headers.get('content-type') ?? '', body };
}

test('each request reaches the route one flat router would pick, across look-alike paths', async (t) => {
  const l = await lab();
  const cases: Array<[string, string, number, string | null, string | null]> = [
    // method, path, status, answering route, problem code
    ['GET', '/api/cloud/vms', 200, 'vms', null],
    ['GET', '/api/cloud/vms/', 200, 'vms', null],
    ['GET', '/API/Cloud/VMS', 200, 'vms', null],
    ['GET', '/api/cloud/vms-export', 200, 'vms-export', null],
    ['GET', '/api/cloud/vms-export/', 200, 'vms-export', null],
    ['GET', '/api/cloud/vms/i-1', 200, 'vm', null],
    ['GET', '/api/cloud/vms/i-1/', 200, 'vm', null],
    ['GET', '/api/cloud/vms/summary', 200, 'vm', null],
    ['GET', '/api/cloud/disks/summary', 200, 'disks-summary', null],
    ['GET', '/api/cloud/disks/d-1', 200, 'disk', null],
    ['POST', '/api/cloud/vms/i-1/start', 200, 'vm-start', null],
    ['GET', '/api/roles', 200, 'roles', null],
    ['GET', '/api/roles/', 200, 'roles', null],
    ['GET', '/api/things/7', 200, 'thing', null],
    ['GET', '/api/filler59/items/3', 200, 'filler59', null],
    // Unknown paths under a known prefix, and known paths with a method nobody declared.
    ['GET', '/api/cloud/vms-exports', 404, null, 'route.not_found'],
    ['GET', '/api/cloud/vm', 404, null, 'route.not_found'],
    ['GET', '/api/cloud/vms//i-1', 404, null, 'route.not_found'],
    ['GET', '/api/cloud/vms/i-1/start', 404, null, 'route.not_found'],
    ['GET', '/api/cloud/vms/i-1/start/now', 404, null, 'route.not_found'],
    ['GET', '/api/roles/r-1', 404, null, 'route.not_found'],
    ['GET', '/api/things', 404, null, 'route.not_found'],
    ['GET', '/api//cloud/vms', 404, null, 'route.not_found'],
    ['GET', '/api', 404, null, 'route.not_found'],
    ['GET', '/api/', 404, null, 'route.not_found'],
    ['DELETE', '/api/cloud/vms', 404, null, 'route.not_found'],
    ['PUT', '/api/cloud/vms-export', 404, null, 'route.not_found'],
    ['GET', '/api/auth/login', 404, null, 'route.not_found'],
    ['OPTIONS', '/api/cloud/vms', 404, null, 'route.not_found'],
    ['OPTIONS', '/api/roles', 404, null, 'route.not_found'],
  ];
  for (const [method, urlPath, status, by, code] of cases) {
    const a = await ask(l, method, urlPath);
    t.deepEqual([a.status, a.by, a.code], [status, by, code], `${method} ${urlPath}`);
  }
  const head = await ask(l, 'HEAD', '/api/cloud/vms-export');
  t.deepEqual([head.status, head.body, head.contentType], [200, '', 'application/json; charset=utf-8'], 'HEAD runs the GET route without a body');
  t.is((await ask(l, 'HEAD', '/api/cloud/vms/i-1/start')).status, 404);
  l.close();
});

test('the generated documents answer and the metrics label requests with the declared pattern', async (t) => {
  const l = await lab();
  t.is((await ask(l, 'GET', '/api/openapi.json')).status, 200);
  t.is((await ask(l, 'GET', '/api/permissions')).status, 200);
  t.is((await ask(l, 'POST', '/api/openapi.json')).code, 'route.not_found');
  await ask(l, 'GET', '/api/cloud/vms/i-2');
  await ask(l, 'GET', '/api/cloud/nothing');
  const metrics = await (await fetch(`${l.url}/metrics`)).text();
  t.regex(metrics, /yiyun_http_request_duration_seconds_count\{method="GET",route="\/api\/cloud\/vms\/:id",status="200"\} 1/);
  t.regex(metrics, /yiyun_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
  l.close();
});

test('the login limiter counts only the credential routes, by method, and shares one budget between them', async (t) => {
  const l = await lab({ loginLimit: 3 });
  t.is((await ask(l, 'POST', '/api/auth/login')).status, 200);
  // `/api/auth/login/mfa` lies under `/api/auth/login` too, so both limiter layers count it: 3 of 3 spent.
  t.is((await ask(l, 'POST', '/api/auth/login/mfa')).status, 200);
  const limited = await ask(l, 'POST', '/api/auth/login');
  t.deepEqual([limited.status, limited.code], [429, 'auth.rate_limited']);
  t.is((await ask(l, 'POST', '/api/auth/login/mfa')).status, 429);
  t.is((await ask(l, 'POST', '/API/Auth/Login/')).status, 429);
  // Other routes, and other methods on the limited paths, are not limited.
  t.is((await ask(l, 'POST', '/api/auth/logout')).status, 200);
  t.is((await ask(l, 'GET', '/api/auth/me')).status, 200);
  t.is((await ask(l, 'GET', '/api/cloud/vms')).status, 200);
  t.is((await ask(l, 'GET', '/api/auth/login')).code, 'route.not_found');
  l.close();
});

test('a fresh limiter lets exactly its budget through before refusing', async (t) => {
  const l = await lab({ loginLimit: 2 });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await ask(l, 'POST', '/api/auth/login')).status);
  t.deepEqual(statuses, [200, 200, 429]);
  l.close();
});

test('the console is served beside the API: static files, the SPA fallback, and API misses stay JSON', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-console-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  const l = await lab({ consoleDir: dir });
  const page = await ask(l, 'GET', '/cloud/vms/i-1');
  t.deepEqual([page.status, page.body], [200, '<!doctype html><title>console</title>']);
  const asset = await ask(l, 'GET', '/app.js');
  t.deepEqual([asset.status, asset.body], [200, 'console.log(1)']);
  const miss = await ask(l, 'GET', '/api/cloud/nothing');
  t.deepEqual([miss.status, miss.code], [404, 'route.not_found']);
  t.is((await ask(l, 'GET', '/api/cloud/vms')).by, 'vms');
  l.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Registrations that answer with their name, the params and the URL they saw, so any difference shows. */
function probeRegistrations(): Registration[] {
  const route = (method: HttpMethod, routePath: string, name: string): Registration => ({
    path: routePath,
    kind: 'route',
    addTo: (router) => router[method](routePath, (req, res) => void res.json({ by: name, params: req.params, url: req.url, baseUrl: req.baseUrl, passed: res.getHeader('x-passed') ?? null })),
  });
  const mark = (usePath: string, name: string): Registration => ({
    path: usePath,
    kind: 'middleware',
    addTo: (router) =>
      router.use(usePath, (req, res, next) => {
        res.setHeader('x-passed', `${String(res.getHeader('x-passed') ?? '')}${name}@${req.baseUrl}${req.url};`);
        next();
      }),
  });
  return [
    mark('/api/cloud', 'cloud-mw'),
    route('get', '/api/cloud/vms-export', 'vms-export'),
    route('get', '/api/cloud/vms', 'vms'),
    route('get', '/api/cloud/vms/:id', 'vm'),
    mark('/api/cloud/vms/:id/start', 'start-mw'),
    route('post', '/api/cloud/vms/:id/start', 'vm-start'),
    route('get', '/api/cloud/vms/summary', 'vms-summary'),
    route('put', '/api/:room/settings', 'room-settings'),
    route('get', '/api/cloud/settings', 'cloud-settings'),
    route('get', '/api/roles', 'roles'),
    route('delete', '/api/roles/:id', 'role-delete'),
    route('get', '/api/files/*rest', 'files'),
    route('get', '/api/opt{/:id}', 'optional'),
    route('get', '/API/Mixed/Case/', 'mixed'),
    route('get', '/', 'root'),
    route('get', '/outside/api', 'outside'),
    mark('/api/auth/login/mfa', 'mfa-mw'),
    route('post', '/api/auth/login', 'login'),
    route('post', '/api/auth/login/mfa', 'login-mfa'),
    mark('/api', 'api-mw'),
    route('get', '/api/late/:x', 'late'),
    { path: '/api', kind: 'middleware', addTo: (router) => router.use('/api', (_req, res) => void res.status(404).json({ by: 'not-found' })) },
  ];
}

async function serve(handler: RequestHandler): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(handler);
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function answerOf(base: string, method: string, urlPath: string): Promise<string> {
  const r = await fetch(`${base}${urlPath}`, { method });
  return JSON.stringify({ status: r.status, allow: r.headers.get('allow'), passed: r.headers.get('x-passed'), body: await r.text() });
}

test('the dispatcher answers every request exactly as one flat router over the same registrations', async (t) => {
  const flat = express.Router();
  for (const reg of probeRegistrations()) reg.addTo(flat);
  const reference = await serve(flat);
  const grouped = await serve(dispatchByPrefix(probeRegistrations()));
  const paths = [
    '/', '/api', '/api/', '/API', '/apix', '/api//', '//api/cloud/vms', '/api//cloud/vms',
    '/api/cloud', '/api/cloud/', '/api/cloud/vms', '/api/cloud/vms/', '/Api/CLOUD/vms', '/api/cloud/vms//', '/api/cloud/vms-export', '/api/cloud/vms-exports',
    '/api/cloud/vms/i-1', '/api/cloud/vms/i%2F1', '/api/cloud/vms/summary', '/api/cloud/vms/i-1/start', '/api/cloud/vms/i-1/start/', '/api/cloud/vms/i-1/start/x',
    '/api/cloud/settings', '/api/kms/settings', '/api/kms/settings/', '/api/roles', '/api/roles/', '/api/roles/r-1', '/api/files', '/api/files/a/b/c', '/api/opt', '/api/opt/3',
    '/api/mixed/case', '/API/MIXED/CASE/', '/outside/api', '/outside', '/api/auth/login', '/api/auth/login/', '/api/auth/login/mfa', '/api/auth/login/mfa/x', '/api/late/1',
    '/api/cloud/vms?x=1', '/api/cloud/vms/i-1?y=/a/b', '/api/%63loud/vms', '/api/clоud/vms',
  ];
  let compared = 0;
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
    for (const urlPath of paths) {
      t.is(await answerOf(grouped.url, method, urlPath), await answerOf(reference.url, method, urlPath), `${method} ${urlPath}`);
      compared++;
    }
  }
  t.is(compared, 6 * paths.length);
  reference.server.close();
  grouped.server.close();
});

test('a request path maps to the group of the routes that can match it', (t) => {
  t.is(requestGroup('/api/cloud/vms'), '/api/cloud/vms');
  t.is(requestGroup('/API/Cloud/VMS/'), '/api/cloud/vms');
  t.is(requestGroup('/api/cloud/vms/i-1/start'), '/api/cloud/vms');
  t.is(requestGroup('/api/cloud/vms-export'), '/api/cloud/vms-export');
  t.is(requestGroup('/api/roles/'), '/api/roles');
  t.is(requestGroup('/api//x'), '/api//x');
  t.is(requestGroup('/'), '/');
  t.is(requestGroup('*'), null);
});
