import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { ZodType } from 'zod';
import { anonymousActor, can, type Actor } from '../authz';
import type { AuditEntry } from '../audit/audit-types';
import { ForbiddenError, NotFoundError, RateLimitError, UnauthenticatedError, UnsupportedMediaTypeError } from '../errors';
import type { Logger } from '../log';
import type { Metrics } from './metrics';
import { buildOpenApi, permissionTable } from './openapi';
import { inputErrorFromZod, problemHandler } from './problem';
import type { RouteDef } from './route';
import { dispatchByPrefix, type Registration } from './route-dispatch';

export type Readiness = { ready: boolean; checks: Record<string, unknown> };

export type HttpAppDeps = {
  logger: Logger;
  metrics: Metrics;
  routes: readonly RouteDef[];
  /** Resolves the caller from the session cookie or bearer token; null when there is none or it is invalid. */
  authenticate(req: Request): Promise<Actor | null>;
  /** Records a refused call in the audit trail. */
  auditDenied(entry: AuditEntry): Promise<void>;
  readiness(): Promise<Readiness>;
  rolePermissions: Record<string, readonly string[]>;
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  trustProxy: boolean;
  publicOrigin?: string;
  /** The built console (index.html and assets); served with an SPA fallback when present. */
  consoleDir?: string;
  version: string;
};

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sourceIpOf(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  // Report IPv4 clients as IPv4, not as IPv4-mapped IPv6, so address restrictions read naturally.
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function parseOrThrow<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw inputErrorFromZod(where, r.error);
  return r.data;
}

/** Refuses cookie-authenticated state changes from another origin or without the session's CSRF token. */
function assertCsrf(req: Request, actor: Actor, publicOrigin?: string): void {
  if (actor.via !== 'cookie' || SAFE_METHODS.has(req.method)) return;
  const origin = req.get('origin');
  if (origin) {
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin !== own && origin !== publicOrigin) throw new ForbiddenError('cross-origin request refused', { code: 'auth.csrf_failed' });
  }
  const token = req.get('x-csrf-token');
  if (!token || !actor.csrfToken || token !== actor.csrfToken) {
    throw new ForbiddenError('missing or wrong CSRF token', { code: 'auth.csrf_failed' });
  }
}

/** The route's registration: its handler chain is built once, whichever routers it is added to. */
function routeRegistration(def: RouteDef, deps: HttpAppDeps): Registration {
  const handler = async (req: Request, res: Response) => {
    res.locals.routePattern = def.path;
    const requestId = String(res.getHeader('x-request-id'));
    let actor: Actor;
    if (def.access === 'public') {
      actor = (await deps.authenticate(req).catch(() => null)) ?? anonymousActor(sourceIpOf(req));
    } else {
      const found = await deps.authenticate(req);
      if (!found) throw new UnauthenticatedError('log in first, or your session has expired');
      actor = found;
      assertCsrf(req, actor, deps.publicOrigin);
      if (actor.pending && !def.allowPending) {
        throw new ForbiddenError(
          actor.pending === 'password_change' ? 'change your password before anything else' : 'enrol a second factor (MFA) before anything else',
          { code: actor.pending === 'password_change' ? 'auth.password_change_required' : 'auth.mfa_enrolment_required' },
        );
      }
      if (def.access !== 'authenticated' && !can(actor, def.access)) {
        await deps.auditDenied({
          actor,
          action: def.audit ?? 'route.denied',
          target: { type: 'route', id: `${def.method.toUpperCase()} ${def.path}` },
          outcome: 'denied',
          detail: { permission: def.access },
          requestId,
        });
        throw new ForbiddenError(`this needs the permission ${def.access}`);
      }
    }
    actor = { ...actor, requestId };
    if (def.body && !req.is('application/json')) throw new UnsupportedMediaTypeError();
    const params = parseOrThrow(def.params, req.params, 'params');
    const query = parseOrThrow(def.query, req.query, 'query');
    const body = parseOrThrow(def.body, req.body, 'body');
    const result = await def.handler({ actor, params, query, body, requestId, req, res });
    if (def.raw) return;
    // Shaping through the response schema strips anything not declared (hashes, secrets) before it leaves.
    const shaped = def.response ? def.response.parse(result) : result;
    const status = def.status ?? 200;
    if (status === 204 || shaped === undefined) res.status(status === 200 ? 204 : status).end();
    else res.status(status).json(shaped);
  };
  const run = (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
  // Bodies are parsed per route, so an upload route can take more than the server-wide limit; a route that takes
  // no body does not parse one (node discards what is sent).
  if (!def.body) return { path: def.path, kind: 'route', addTo: (router) => router[def.method](def.path, run) };
  const parseBody = express.json({ limit: def.maxBodyBytes ?? deps.maxBodyBytes, strict: true });
  return { path: def.path, kind: 'route', addTo: (router) => router[def.method](def.path, parseBody, run) };
}

/** The express application: security headers, request ids, logging, limits, routes, console and errors. */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API bodies: it hashes every response (SHA-1 over a whole list page) for a conditional GET that API
  // clients do not make; the console's static files keep theirs (serve-static sets its own from the file).
  app.set('etag', false);
  // One hop: the reverse proxy in front of us. `true` would believe every X-Forwarded-For entry, so a client could name
  // its own address and walk past the per-account source ranges and the per-address rate limit.
  app.set('trust proxy', deps.trustProxy ? 1 : false);
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    res.setHeader('x-request-id', incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID());
    next();
  });
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (_req, res) => String(res.getHeader('x-request-id')),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(deps.metrics.middleware);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        // Plain-HTTP deployments (the embedded default on localhost) must not be told to upgrade to HTTPS.
        // 'wasm-unsafe-eval' lets the recording player compile its WebAssembly; JavaScript eval stays forbidden.
        directives: { upgradeInsecureRequests: null, 'img-src': ["'self'", 'data:'], 'script-src': ["'self'", "'wasm-unsafe-eval'"] },
      },
      strictTransportSecurity: false,
    }),
  );
  app.use((req, res, next) => {
    if (req.secure) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: deps.version });
  });
  app.get('/readyz', (req, res, next) => {
    deps
      .readiness()
      .then((r) => res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks }))
      .catch(next);
  });
  app.get('/metrics', (_req, res, next) => {
    deps.metrics.registry
      .metrics()
      .then((body) => res.type(deps.metrics.registry.contentType).send(body))
      .catch(next);
  });

  const limiter = (limit: number, code: string) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      // draft-7's combined `RateLimit` header: draft-8 names each client's quota partition by a SHA-256 of its key,
      // a hash per API request for a header no client here reads.
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new RateLimitError(undefined, { code })),
    });
  const apiLimiter = limiter(deps.rateLimitPerMinute, 'rate_limited');
  const loginLimiter = limiter(deps.loginRateLimitPerMinute, 'auth.rate_limited');

  // Everything below is matched in this order, as on one router; the dispatcher only skips what cannot match.
  const registrations: Registration[] = [];
  for (const def of deps.routes) {
    if (def.rateLimit === 'login') {
      const limitLogin: RequestHandler = (req, res, next) => (req.method === def.method.toUpperCase() ? loginLimiter(req, res, next) : next());
      registrations.push({ path: def.path, kind: 'middleware', addTo: (router) => router.use(def.path, limitLogin) });
    }
    registrations.push(routeRegistration(def, deps));
  }
  const openapi = buildOpenApi(deps.routes, { title: 'yiyun API', version: deps.version });
  const table = permissionTable(deps.routes, deps.rolePermissions);
  const notFound: RequestHandler = (req, _res, next) => next(new NotFoundError(`no API route ${req.method} ${req.originalUrl.split('?')[0]}`, { code: 'route.not_found' }));
  registrations.push(
    { path: '/api/openapi.json', kind: 'route', addTo: (router) => router.get('/api/openapi.json', (_req, res) => void res.json(openapi)) },
    { path: '/api/permissions', kind: 'route', addTo: (router) => router.get('/api/permissions', (_req, res) => void res.json({ items: table, total: table.length })) },
    // Inside every group, so an OPTIONS request under /api ends here as before instead of in a group's automatic answer.
    { path: '/api', kind: 'middleware', addTo: (router) => router.use('/api', notFound) },
  );

  const api = express.Router();
  api.use(apiLimiter);
  api.use(cookieParser());
  api.use(dispatchByPrefix(registrations));
  app.use(api);

  if (deps.consoleDir && existsSync(path.join(deps.consoleDir, 'index.html'))) {
    const dir = deps.consoleDir;
    app.use(express.static(dir, { index: false, maxAge: '1h' }));
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(path.join(dir, 'index.html'));
    });
  }
  app.use(problemHandler(deps.logger));
  return app;
}
