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
type Session = { token: string; expiresAt: number; endpoints: Record<ServiceType, string> };

export type RequestOptions = { body?: unknown; query?: Record<string, string | number | boolean | undefined>; headers?: Record<string, string>; /** 404 answers undefined instead of throwing */ allow404?: boolean };

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

/** The Keystone v3 request body for the configured credentials. */
export function authBody(c: OpenStackCredentials): unknown {
  if ('applicationCredentialId' in c) {
    // An application credential is scoped to its project already: no scope block.
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: c.applicationCredentialId, secret: c.applicationCredentialSecret } } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: c.username, domain: { name: c.userDomain }, password: c.password } } },
      scope: { project: { name: c.projectName, domain: { name: c.projectDomain } } },
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
 * A thin Keystone-authenticated HTTP client for one zone's OpenStack. One token is shared by all calls and
 * reused until shortly before it expires; a 401 from a service re-authenticates once and retries once.
 * Credentials and tokens never appear in log lines or error messages: errors carry the service, method, path,
 * status and OpenStack's own message (scrubbed of the token and secrets, cut to 300 characters).
 */
export function createOpenStackClient(opts: OpenStackClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const iface = opts.interface ?? 'public';
  const authUrl = opts.authUrl.replace(/\/+$/, '');
  let session: Session | null = null;
  let pending: Promise<Session> | null = null;
  let authCount = 0;

  const secrets = (): string[] => {
    const c = opts.credentials;
    const s = 'applicationCredentialId' in c ? [c.applicationCredentialSecret] : [c.password];
    if (session) s.push(session.token);
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

  async function authenticate(): Promise<Session> {
    const started = Date.now();
    const res = await timed(`${authUrl}/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(authBody(opts.credentials)) });
    const text = await res.text();
    authCount++;
    if (res.status !== 201 && res.status !== 200) {
      opts.logger?.warn({ zone: opts.zone, status: res.status }, 'OpenStack authentication refused');
      throw new UpstreamError(`OpenStack ${opts.zone}: Keystone refused the configured credentials (HTTP ${res.status})`, { code: 'cloud.upstream_auth_failed' });
    }
    const token = res.headers.get('x-subject-token');
    if (!token) throw new UpstreamError(`OpenStack ${opts.zone}: Keystone answered without a token`, { code: 'cloud.upstream_auth_failed' });
    let body: { token?: { expires_at?: string; catalog?: CatalogEntry[] } };
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
    opts.logger?.info({ zone: opts.zone, ms: Date.now() - started, services: Object.keys(endpoints) }, 'OpenStack token issued');
    return { token, expiresAt, endpoints };
  }

  async function current(): Promise<Session> {
    if (session && session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return session;
    // One authentication in flight at a time: concurrent callers share it.
    pending ??= authenticate().finally(() => {
      pending = null;
    });
    session = await pending;
    return session;
  }

  function fail(service: ServiceType, method: string, path: string, status: number, text: string): never {
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

  async function request<T = unknown>(service: ServiceType, method: string, path: string, ro: RequestOptions = {}): Promise<T> {
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
      const s = await current();
      const started = Date.now();
      const res = await timed(`${s.endpoints[service]}${full}`, { method, headers: { ...headers, 'x-auth-token': s.token }, body });
      const text = await res.text();
      opts.logger?.debug?.({ zone: opts.zone, service, method, path: path.split('?')[0], status: res.status, ms: Date.now() - started }, 'openstack call');
      if (res.status === 401 && attempt === 0) {
        // The token was revoked or expired early: drop it, authenticate again, retry once.
        if (session === s) session = null;
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

  return {
    request,
    get: <T>(service: ServiceType, path: string, ro?: RequestOptions) => request<T>(service, 'GET', path, ro),
    post: <T>(service: ServiceType, path: string, body?: unknown, ro?: RequestOptions) => request<T>(service, 'POST', path, { ...ro, body: body ?? {} }),
    put: <T>(service: ServiceType, path: string, body?: unknown, ro?: RequestOptions) => request<T>(service, 'PUT', path, { ...ro, body }),
    patch: <T>(service: ServiceType, path: string, body: unknown, ro?: RequestOptions) => request<T>(service, 'PATCH', path, { ...ro, body }),
    /** DELETE; a resource already gone counts as deleted. */
    del: async (service: ServiceType, path: string) => {
      await request(service, 'DELETE', path, { allow404: true });
    },
    /** How many times Keystone was asked for a token (tests and metrics). */
    get authCount() {
      return authCount;
    },
    /** Forgets the token (next call re-authenticates). */
    invalidate() {
      session = null;
    },
  };
}

export type OpenStackClient = ReturnType<typeof createOpenStackClient>;
