import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A local OpenStack that replays the canonical API samples (../shared/fixtures/openstack, copied byte for byte
 * from upstream) per method and path, on a loopback port. Keystone's project-scoped token sample gives the
 * catalog, its endpoints rewritten to this server; each service answers its own samples. Tests queue one-off
 * answers (errors, state sequences) with `once`, and read every request the driver sent from `requests`.
 */

export const FIXTURES = process.env.YIYUN_OPENSTACK_FIXTURES ?? path.resolve(__dirname, '../../../shared/fixtures/openstack');

/** A sample, parsed. */
export function fixture(rel: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
}
export const fixturesPresent = () => existsSync(path.join(FIXTURES, 'MANIFEST.md'));

export type Service = 'identity' | 'compute' | 'network' | 'volume' | 'image';
export type Recorded = { service: Service; method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: any };
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
type Handler = Answer | ((req: Recorded, params: Record<string, string>) => Answer);
type Route = { service: Service; method: string; re: RegExp; keys: string[]; handler: Handler; once: boolean };

/** Where the upstream samples' catalog points (port → service), and the version prefix each service strips. */
const PORTS: Record<string, Service> = { '8774': 'compute', '9696': 'network', '8776': 'volume', '9292': 'image' };
const PREFIX: Record<Service, RegExp> = {
  identity: /^\/v3/,
  compute: /^\/v2\.1\/[^/]+/,
  network: /^\/v2\.0/,
  volume: /^\/v3\/[^/]+/,
  image: /^\/v2/,
};

function compile(pattern: string): { re: RegExp; keys: string[] } {
  const keys: string[] = [];
  const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/:(\w+)/g, (_m, k: string) => (keys.push(k), '([^/]+)'))}$`);
  return { re, keys };
}

export async function startOpenStackReplay() {
  const routes: Route[] = [];
  const onceRoutes: Route[] = [];
  const requests: Recorded[] = [];
  const issued = new Set<string>();
  /** token → the project it is scoped to (by id, or by name when the request named it) */
  const scopes = new Map<string, string | null>();
  let tokens = 0;
  let base = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      let service: Service;
      let rest: string;
      const m = /^\/svc\/(\d+)(\/.*)?$/.exec(url.pathname);
      if (m && PORTS[m[1]!]) {
        service = PORTS[m[1]!]!;
        rest = (m[2] ?? '/').replace(PREFIX[service], '') || '/';
      } else if (url.pathname.startsWith('/identity')) {
        service = 'identity';
        rest = url.pathname.slice('/identity'.length).replace(PREFIX.identity, '');
      } else {
        res.writeHead(501).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const rec: Recorded = { service, method: req.method ?? 'GET', path: rest, query: url.searchParams, headers: req.headers, body };
      requests.push(rec);
      // Services refuse unknown or revoked tokens, as Keystone middleware does.
      if (service !== 'identity' && !issued.has(String(req.headers['x-auth-token']))) {
        send(res, { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } });
        return;
      }
      const match = (r: Route) => r.service === service && r.method === rec.method && r.re.test(rest);
      // One-off answers first, in the order they were queued; then the standing ones.
      const oi = onceRoutes.findIndex(match);
      const route = oi >= 0 ? onceRoutes.splice(oi, 1)[0] : routes.find(match);
      if (!route) {
        send(res, { status: 501, body: { message: `no replay for ${service} ${rec.method} ${rest}` } });
        return;
      }
      const mm = route.re.exec(rest)!;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(mm[i + 1]!)]));
      send(res, typeof route.handler === 'function' ? route.handler(rec, params) : route.handler);
    });
  });
  const send = (res: http.ServerResponse, a: Answer) => {
    const payload = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...a.headers });
    res.end(payload);
  };

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const add = (once: boolean) => (service: Service, method: string, pattern: string, handler: Handler) => {
    const { re, keys } = compile(pattern);
    const route = { service, method: method.toUpperCase(), re, keys, handler, once };
    // A later standing answer for a route replaces an earlier one (a test overrides a canonical answer).
    if (once) onceRoutes.push(route);
    else routes.unshift(route);
  };

  const replay = {
    url: base,
    authUrl: `${base}/identity/v3`,
    requests,
    /** a standing answer (replaces an earlier standing answer of the same route) */
    on: add(false),
    /** an answer used once, before any standing one (queued answers of one route are used in order) */
    once: add(true),
    /** Every token issued so far answers 401 from now on (Keystone revoked them). */
    revokeTokens() {
      issued.clear();
    },
    /** One token answers 401 from now on. */
    revoke(token: string) {
      issued.delete(token);
    },
    /** The project a token was scoped to (what Keystone's scope block named: `id:…` or `name:…`). */
    projectOf(token: unknown): string | null {
      return scopes.get(String(token)) ?? null;
    },
    get tokensIssued() {
      return tokens;
    },
    /** The requests to one service since the last `reset`. */
    calls(service: Service, method?: string, pathRe?: RegExp) {
      return requests.filter((r) => r.service === service && (!method || r.method === method) && (!pathRe || pathRe.test(r.path)));
    },
    reset() {
      requests.length = 0;
    },
    /** One-off answers not used yet (a test that queued them expects 0). */
    get pendingOnce() {
      return onceRoutes.length;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };

  // Keystone: the scoped-token sample with its catalog pointed here and a lifetime in the future.
  replay.on('identity', 'POST', '/auth/tokens', (req) => {
    const raw = readFileSync(path.join(FIXTURES, 'keystone/api-ref/source/v3/samples/admin/auth-password-project-scoped-response.json'), 'utf8');
    const sample = JSON.parse(raw.replace(/http:\/\/23\.253\.248\.171:(\d+)/g, `${base}/svc/$1`));
    sample.token.expires_at = new Date(Date.now() + 3_600_000).toISOString();
    const token = `gAAAAreplay${++tokens}token`;
    issued.add(token);
    const project = (req.body as { auth?: { scope?: { project?: { id?: string; name?: string } } } } | undefined)?.auth?.scope?.project;
    scopes.set(token, project?.id ? `id:${project.id}` : project?.name ? `name:${project.name}` : null);
    if (project?.id) sample.token.project = { ...sample.token.project, id: project.id };
    return { status: 201, body: sample, headers: { 'x-subject-token': token } };
  });
  return replay;
}

export type OpenStackReplay = Awaited<ReturnType<typeof startOpenStackReplay>>;

const N = 'nova/doc/api_samples';
const NL = 'neutron-lib/api-ref/source/v2/samples';
const C = 'cinder/api-ref/source/v3/samples';
const G = 'glance/api-ref/source/v2/samples';

/** The standing answers of every call the driver makes, each from its upstream sample. */
export function canonicalRoutes(os: OpenStackReplay) {
  const ok = (status: number, rel?: string): Answer => ({ status, body: rel ? fixture(rel) : undefined });
  // Nova
  os.on('compute', 'POST', '/servers', ok(202, `${N}/servers/server-create-resp.json`));
  os.on('compute', 'GET', '/servers/:id', ok(200, `${N}/servers/server-get-resp.json`));
  os.on('compute', 'DELETE', '/servers/:id', ok(204));
  os.on('compute', 'POST', '/servers/:id/action', ok(202));
  os.on('compute', 'POST', '/servers/:id/remote-consoles', ok(200, `${N}/os-remote-consoles/v2.6/create-vnc-console-resp.json`));
  os.on('compute', 'POST', '/os-server-groups', ok(200, `${N}/os-server-groups/v2.64/server-groups-post-resp.json`));
  os.on('compute', 'DELETE', '/os-server-groups/:id', ok(204));
  os.on('compute', 'POST', '/os-keypairs', ok(200, `${N}/os-keypairs/keypairs-import-post-resp.json`));
  os.on('compute', 'POST', '/servers/:id/os-volume_attachments', ok(200, `${N}/os-volume_attachments/v2.79/attach-volume-to-server-resp.json`));
  os.on('compute', 'DELETE', '/servers/:id/os-volume_attachments/:vol', ok(202));
  os.on('compute', 'GET', '/flavors/detail', ok(200, `${N}/flavors/v2.75/flavors-detail-resp.json`));
  os.on('compute', 'GET', '/os-hypervisors/detail', ok(200, `${N}/os-hypervisors/hypervisors-detail-resp.json`));
  os.on('compute', 'GET', '/os-availability-zone', ok(200, `${N}/os-availability-zone/availability-zone-list-resp.json`));
  // Neutron
  os.on('network', 'POST', '/networks', ok(201, `${NL}/networks/network-create-response.json`));
  os.on('network', 'GET', '/networks', ok(200, `${NL}/networks/networks-list-response.json`));
  os.on('network', 'DELETE', '/networks/:id', ok(204));
  os.on('network', 'POST', '/subnets', ok(201, `${NL}/subnets/subnet-create-response.json`));
  os.on('network', 'GET', '/subnets/:id', ok(200, `${NL}/subnets/subnet-show-response.json`));
  os.on('network', 'DELETE', '/subnets/:id', ok(204));
  os.on('network', 'POST', '/ports', ok(201, `${NL}/ports/port-create-response.json`));
  os.on('network', 'PUT', '/ports/:id', ok(200, `${NL}/ports/port-update-response.json`));
  os.on('network', 'DELETE', '/ports/:id', ok(204));
  os.on('network', 'POST', '/security-groups', ok(201, `${NL}/security-groups/security-group-create-response.json`));
  os.on('network', 'DELETE', '/security-groups/:id', ok(204));
  os.on('network', 'POST', '/security-group-rules', ok(201, `${NL}/security-groups/security-group-rule-create-response.json`));
  os.on('network', 'DELETE', '/security-group-rules/:id', ok(204));
  os.on('network', 'POST', '/floatingips', ok(201, `${NL}/floatingips/floatingip-create-response.json`));
  os.on('network', 'DELETE', '/floatingips/:id', ok(204));
  os.on('network', 'POST', '/fwaas/firewall_rules', ok(201, `${NL}/firewall-v2/firewall-rule-create-response.json`));
  os.on('network', 'POST', '/fwaas/firewall_policies', ok(201, `${NL}/firewall-v2/firewall-policy-create-response.json`));
  os.on('network', 'PUT', '/fwaas/firewall_policies/:id/insert_rule', ok(200, `${NL}/firewall-v2/firewall-policy-insert-rule-response.json`));
  os.on('network', 'PUT', '/fwaas/firewall_policies/:id/remove_rule', ok(200, `${NL}/firewall-v2/firewall-policy-remove-rule-response.json`));
  os.on('network', 'POST', '/fwaas/firewall_groups', ok(201, `${NL}/firewall-v2/firewall-group-create-response.json`));
  os.on('network', 'PUT', '/fwaas/firewall_groups/:id', ok(200, `${NL}/firewall-v2/firewall-group-update-response.json`));
  for (const p of ['/fwaas/firewall_rules/:id', '/fwaas/firewall_policies/:id', '/fwaas/firewall_groups/:id']) os.on('network', 'DELETE', p, ok(204));
  // Cinder
  os.on('volume', 'POST', '/volumes', ok(202, `${C}/volumes/volume-create-response.json`));
  os.on('volume', 'GET', '/volumes/:id', ok(200, `${C}/volumes/volume-show-response.json`));
  os.on('volume', 'DELETE', '/volumes/:id', ok(202));
  os.on('volume', 'POST', '/volumes/:id/action', ok(202));
  os.on('volume', 'GET', '/types', ok(200, `${C}/volume_type/volume-types-list-response.json`));
  os.on('volume', 'POST', '/snapshots', ok(202, `${C}/snapshots/snapshot-create-response.json`));
  os.on('volume', 'DELETE', '/snapshots/:id', ok(202));
  os.on('volume', 'POST', '/backups', ok(202, `${C}/backups/backup-create-response.json`));
  os.on('volume', 'POST', '/backups/:id/restore', ok(202, `${C}/backup-restore-response.json`));
  os.on('volume', 'DELETE', '/backups/:id', ok(202));
  // Glance
  os.on('image', 'POST', '/images', ok(201, `${G}/image-create-response.json`));
  os.on('image', 'POST', '/images/:id/import', ok(202));
  os.on('image', 'GET', '/images', ok(200, `${G}/images-list-response.json`));
  os.on('image', 'DELETE', '/images/:id', ok(204));
}

/** A sample with one field of its top-level object changed (a state in a sequence the sample does not show). */
export function withStatus(rel: string, key: string, status: string): unknown {
  const s = fixture(rel);
  s[key] = { ...s[key], status };
  return s;
}
