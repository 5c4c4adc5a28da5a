import { ConflictError, NotFoundError, QuotaError, UpstreamError } from '../../../../core/errors';
import type { Logger } from '../../../../core/log';

/** Keystone v3 credentials: an application credential (preferred) or a user with a project scope. */
export type OpenStackCredentials =
  | { applicationCredentialId: string; applicationCredentialSecret: string }
  | { username: string; password: string; projectName: string; userDomain: string; projectDomain: string };

export type ServiceType = 'compute' | 'network' | 'volume' | 'image';

export type OpenStackClientOptions = {
  zone: string;
  /** Keystone v3 root, e.g. `https://keystone.dmz.example:5000/v3` */
  authUrl: string;
  region: string;
  credentials: OpenStackCredentials;
  /** which catalog endpoint to use (`public` unless the control plane sits on the internal network) */
  interface?: 'public' | 'internal' | 'admin';
  novaMicroversion: string;
  cinderMicroversion: string;
  timeoutMs: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** injectable for tests; defaults to the global fetch (undici) */
  fetch?: typeof fetch;
};

type CatalogEntry = { type: string; endpoints: { interface: string; region?: string | null; region_id?: string | null; url: string }[] };
type Session = { token: string; expiresAt: number; endpoints: Record<ServiceType, string>; /** the authenticated user (role assignments on new projects) */ userId: string | null };

export type RequestOptions = { body?: unknown; query?: Record<string, string | number | boolean | undefined>; headers?: Record<string, string>; /** 404 answers undefined instead of throwing */ allow404?: boolean };

/**
 * Whose token a call carries: the configured credentials' own scope (`home`), or one tenant project's. A project
 * given as a function is resolved at the call (the tenant's project may have to be looked up first).
 */
export type Scope = { project: string | (() => Promise<string>) } | 'home';

/** Re-authenticate this long before Keystone's expires_at, so a token never expires mid-request. */
const EXPIRY_MARGIN_MS = 60_000;
const SKEW_LIFETIME_MS = 5 * 60_000;

/** Versioned roots per service: the catalog may list an unversioned or an older-version URL. */
function versioned(type: ServiceType, url: string): string {
  const u = url.replace(/\/+$/, '');
  if (type === 'network') return /\/v2\.0$/.test(u) ? u : `${u}/v2.0`;
  if (type === 'image') return /\/v2(\.\d+)?$/.test(u) ? u : `${u}/v2`;
  // Cinder v3 only: a catalog that lists `volumev2` or `volume` (…/v2/<project>, …/v1/<project>) is rewritten to its v3 root.
  if (type === 'volume') return u.replace(/\/v[12](?=\/|$)/, '/v3');
  return u;
}

const SERVICE_TYPES: Record<ServiceType, string[]> = {
  compute: ['compute'],
  network: ['network'],
  volume: ['block-storage', 'volumev3', 'volumev2', 'volume'],
  image: ['image'],
};

/** Picks each service's endpoint for the region and interface from a Keystone v3 catalog. */
export function endpointsFromCatalog(catalog: CatalogEntry[], region: string, iface: string): Record<ServiceType, string> {
  const out: Partial<Record<ServiceType, string>> = {};
  for (const type of Object.keys(SERVICE_TYPES) as ServiceType[]) {
    for (const name of SERVICE_TYPES[type]) {
      const entry = catalog.find((c) => c.type === name);
      const ep = entry?.endpoints.find((e) => e.interface === iface && (e.region_id === region || e.region === region));
      if (ep) {
        out[type] = versioned(type, ep.url);
        break;
      }
    }
    if (!out[type]) throw new UpstreamError(`the OpenStack catalog has no ${type} endpoint (${iface}) in region ${region}`, { code: 'cloud.upstream_catalog' });
  }
  return out as Record<ServiceType, string>;
}

/** The Keystone v3 request body for the configured credentials, scoped to their own project or to `projectId`. */
export function authBody(c: OpenStackCredentials, projectId?: string): unknown {
  if ('applicationCredentialId' in c) {
    // An application credential is bound to its project: it takes no scope block and cannot be rescoped.
    if (projectId) throw new UpstreamError('an application credential cannot be scoped to a tenant project', { code: 'cloud.upstream_auth_failed' });
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: c.applicationCredentialId, secret: c.applicationCredentialSecret } } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: c.username, domain: { name: c.userDomain }, password: c.password } } },
      scope: { project: projectId ? { id: projectId } : { name: c.projectName, domain: { name: c.projectDomain } } },
    },
  };
}

/** Neutron conflict types that mean the same as the embedded driver's codes. */
const NEUTRON_CONFLICTS: Record<string, string> = {
  IpAddressAlreadyAllocated: 'cloud.ip_in_use',
  IpAddressInUse: 'cloud.ip_in_use',
  IpAddressGenerationFailure: 'cloud.ip_exhausted',
  SecurityGroupInUse: 'cloud.security_group_in_use',
};

/** The OpenStack error message of an answer body (Nova `{badRequest:{message}}`, Neutron `{NeutronError:{message,type}}`, Cinder, Glance text). */
function upstreamMessage(text: string): { message: string; type: string | null } {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const ne = j.NeutronError as { message?: string; type?: string } | undefined;
    if (ne) return { message: String(ne.message ?? ''), type: ne.type ?? null };
    for (const v of Object.values(j)) {
      if (v && typeof v === 'object' && 'message' in (v as object)) return { message: String((v as { message: unknown }).message), type: null };
    }
    if (typeof j.message === 'string') return { message: j.message, type: null };
    if (j.error && typeof j.error === 'object') return { message: String((j.error as { message?: unknown }).message ?? ''), type: null };
  } catch {
    /* not JSON: Glance and proxies answer text/html */
  }
  return { message: text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(), type: null };
}

/**
 * A thin Keystone-authenticated HTTP client for one zone's OpenStack. One token per scope (the credentials' own
 * project, or one tenant's project) is shared by all calls in that scope and reused until shortly before it
 * expires; a 401 from a service re-authenticates that scope once and retries once.
 * Credentials and tokens never appear in log lines or error messages: errors carry the service, method, path,
 * status and OpenStack's own message (scrubbed of every token and secret, cut to 300 characters).
 */
export function createOpenStackClient(opts: OpenStackClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const iface = opts.interface ?? 'public';
  const authUrl = opts.authUrl.replace(/\/+$/, '');
  /** per scope: '' is the credentials' own project, else a project id */
  const slots = new Map<string, { session: Session | null; pending: Promise<Session> | null }>();
  let authCount = 0;
  const slot = (key: string) => {
    let sl = slots.get(key);
    if (!sl) slots.set(key, (sl = { session: null, pending: null }));
    return sl;
  };

  const secrets = (): string[] => {
    const c = opts.credentials;
    const s = 'applicationCredentialId' in c ? [c.applicationCredentialSecret] : [c.password];
    for (const sl of slots.values()) if (sl.session) s.push(sl.session.token);
    return s.filter((x) => x.length >= 4);
  };
  const scrub = (s: string) => secrets().reduce((acc, sec) => acc.split(sec).join('[redacted]'), s).slice(0, 300);

  async function timed(url: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : 'connection failed';
      throw new UpstreamError(`OpenStack ${opts.zone}: ${why} (${init.method} ${new URL(url).pathname})`, { code: 'cloud.upstream_unreachable' });
    }
  }

  async function authenticate(project: string): Promise<Session> {
    const started = Date.now();
    // The project id is not a secret and helps an operator; the user name and password never reach a log line.
    const scope = project || 'home';
    const res = await timed(`${authUrl}/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(authBody(opts.credentials, project || undefined)) });
    const text = await res.text();
    authCount++;
    if (res.status !== 201 && res.status !== 200) {
      opts.logger?.warn({ zone: opts.zone, scope, status: res.status }, 'OpenStack authentication refused');
      throw new UpstreamError(`OpenStack ${opts.zone}: Keystone refused the configured credentials${project ? ` for project ${project}` : ''} (HTTP ${res.status})`, { code: 'cloud.upstream_auth_failed' });
    }
    const token = res.headers.get('x-subject-token');
    if (!token) throw new UpstreamError(`OpenStack ${opts.zone}: Keystone answered without a token`, { code: 'cloud.upstream_auth_failed' });
    let body: { token?: { expires_at?: string; catalog?: CatalogEntry[]; user?: { id?: string } } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new UpstreamError(`OpenStack ${opts.zone}: Keystone's token answer is not JSON`, { code: 'cloud.upstream_auth_failed' });
    }
    const endpoints = endpointsFromCatalog(body.token?.catalog ?? [], opts.region, iface);
    const exp = Date.parse(body.token?.expires_at ?? '');
    // A clock-skewed Keystone may give an expiry that looks past: keep the token for a short while then; if it
    // really expired, the service's 401 brings a fresh one.
    const expiresAt = Number.isFinite(exp) && exp - EXPIRY_MARGIN_MS > Date.now() ? exp : Date.now() + SKEW_LIFETIME_MS;
    opts.logger?.info({ zone: opts.zone, scope, ms: Date.now() - started, services: Object.keys(endpoints) }, 'OpenStack token issued');
    return { token, expiresAt, endpoints, userId: body.token?.user?.id ?? null };
  }

  async function current(project: string): Promise<Session> {
    const sl = slot(project);
    if (sl.session && sl.session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return sl.session;
    // One authentication in flight per scope at a time: concurrent callers share it.
    sl.pending ??= authenticate(project).finally(() => {
      sl.pending = null;
    });
    sl.session = await sl.pending;
    return sl.session;
  }

  function fail(service: ServiceType | 'identity', method: string, path: string, status: number, text: string): never {
    const { message, type } = upstreamMessage(text);
    const what = `OpenStack ${service} ${method} ${path.split('?')[0]}: ${scrub(message) || `HTTP ${status}`}`;
    const extra = { upstreamStatus: status };
    if (status === 404) throw new NotFoundError(what, { code: 'cloud.upstream_not_found', extra });
    // Over-limit: Cinder answers 413, Nova 403 "Quota exceeded", Neutron 409 OverQuota.
    if (status === 413 || (status === 403 && /quota exceeded|over.?limit/i.test(message)) || (status === 409 && type === 'OverQuota')) {
      throw new QuotaError(what, { code: 'cloud.upstream_quota', extra });
    }
    if (status === 409) throw new ConflictError(what, { code: (type && NEUTRON_CONFLICTS[type]) || 'cloud.upstream_conflict', extra });
    if (status === 401) throw new UpstreamError(what, { code: 'cloud.upstream_unauthorized', extra });
    throw new UpstreamError(what, { code: 'cloud.upstream_failed', extra });
  }

  async function request<T = unknown>(service: ServiceType | 'identity', method: string, path: string, ro: RequestOptions = {}, scope: Scope = 'home'): Promise<T> {
    const project = scope === 'home' ? '' : typeof scope.project === 'function' ? await scope.project() : scope.project;
    const qs = ro.query ? Object.entries(ro.query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') : '';
    const full = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    const headers: Record<string, string> = { accept: 'application/json', ...ro.headers };
    if (ro.body !== undefined) headers['content-type'] ??= 'application/json';
    if (service === 'compute') {
      headers['openstack-api-version'] = `compute ${opts.novaMicroversion}`;
      headers['x-openstack-nova-api-version'] = opts.novaMicroversion;
    }
    if (service === 'volume') headers['openstack-api-version'] = `volume ${opts.cinderMicroversion}`;
    const body = ro.body === undefined ? undefined : typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body);
    for (let attempt = 0; ; attempt++) {
      const s = await current(project);
      const started = Date.now();
      // Keystone's own API (projects, roles) is under the auth URL, not in the catalog we keep.
      const root = service === 'identity' ? authUrl : s.endpoints[service];
      const res = await timed(`${root}${full}`, { method, headers: { ...headers, 'x-auth-token': s.token }, body });
      const text = await res.text();
      opts.logger?.debug?.({ zone: opts.zone, scope: project || 'home', service, method, path: path.split('?')[0], status: res.status, ms: Date.now() - started }, 'openstack call');
      if (res.status === 401 && attempt === 0) {
        // The token was revoked or expired early: drop it (this scope's only), authenticate again, retry once.
        const sl = slot(project);
        if (sl.session === s) sl.session = null;
        continue;
      }
      if (res.status === 404 && ro.allow404) return undefined as T;
      if (res.status >= 400) fail(service, method, full, res.status, text);
      if (!text) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        return text as T;
      }
    }
  }

  /** The calls of one scope, in the shape the typed API helpers take. */
  const calls = (scope: Scope) => ({
    request: <T>(service: ServiceType | 'identity', method: string, path: string, ro?: RequestOptions) => request<T>(service, method, path, ro, scope),
    get: <T>(service: ServiceType | 'identity', path: string, ro?: RequestOptions) => request<T>(service, 'GET', path, ro, scope),
    post: <T>(service: ServiceType | 'identity', path: string, body?: unknown, ro?: RequestOptions) => request<T>(service, 'POST', path, { ...ro, body: body ?? {} }, scope),
    put: <T>(service: ServiceType | 'identity', path: string, body?: unknown, ro?: RequestOptions) => request<T>(service, 'PUT', path, { ...ro, body }, scope),
    patch: <T>(service: ServiceType | 'identity', path: string, body: unknown, ro?: RequestOptions) => request<T>(service, 'PATCH', path, { ...ro, body }, scope),
    /** DELETE; a resource already gone counts as deleted. */
    del: async (service: ServiceType | 'identity', path: string) => {
      await request(service, 'DELETE', path, { allow404: true }, scope);
    },
  });

  return {
    ...calls('home'),
    /** The same calls with a tenant project's token (Keystone v3 project-scoped; password credentials only). */
    scoped: (project: string | (() => Promise<string>)) => calls({ project }),
    /** The user the credentials authenticate as (whom a new tenant project grants a role). */
    async userId(): Promise<string | null> {
      return (await current('')).userId;
    },
    /** How many times Keystone was asked for a token (tests and metrics). */
    get authCount() {
      return authCount;
    },
    /** Forgets every token (next call re-authenticates). */
    invalidate() {
      for (const sl of slots.values()) sl.session = null;
    },
  };
}

export type OpenStackClient = ReturnType<typeof createOpenStackClient>;
/** What the typed API helpers need: the HTTP verbs of one scope. */
export type OpenStackCalls = Pick<OpenStackClient, 'request' | 'get' | 'post' | 'put' | 'patch' | 'del'>;
