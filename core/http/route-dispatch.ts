import express, { type RequestHandler, type Router } from 'express';

/** One registration as it would be made on a single express Router; the order of a list is the matching order. */
export type Registration = {
  path: string;
  /** `route` matches the whole path (router.get, router.post…); `middleware` matches a path prefix (router.use). */
  kind: 'route' | 'middleware';
  /** Registers the handlers on a router; called once for each router the registration may answer in. */
  addTo(router: Router): void;
};

/** How many leading path segments pick the group: `/api/cloud/vms` keeps groups to a dozen routes or so. */
export const GROUP_DEPTH = 3;

// A segment path-to-regexp matches literally, byte for byte up to ASCII case; anything else (parameters,
// wildcards, optional braces, escapes, non-ASCII) is treated as able to match many segments.
const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** The leading literal segments of an express path, lowercased (express matches case-insensitively by default). */
function literalPrefix(routePath: string): { segments: string[]; allLiteral: boolean } {
  // Express matches routes without their trailing slashes (router's `loosen`).
  const loose = routePath.replace(/\/+$/, '');
  if (!loose.startsWith('/')) return { segments: [], allLiteral: false };
  const parts = loose.slice(1).split('/');
  const segments: string[] = [];
  for (const part of parts) {
    if (!LITERAL_SEGMENT.test(part)) return { segments, allLiteral: false };
    segments.push(part.toLowerCase());
  }
  return { segments, allLiteral: true };
}

/**
 * The group a registration alone can answer in, or null when it may answer under several groups.
 * A registration answers only requests whose path begins with its literal segments, each followed by `/` or the
 * end; a route that is literal throughout answers its path with or without one trailing slash.
 */
function groupOf(reg: Registration, depth: number): string | null {
  const { segments, allLiteral } = literalPrefix(reg.path);
  if (segments.length >= depth) return `/${segments.slice(0, depth).join('/')}`;
  if (reg.kind === 'route' && allLiteral && segments.length > 0) return `/${segments.join('/')}`;
  return null;
}

/**
 * The group key of a request path: its first `depth` segments, or the whole path less the one trailing slash
 * express tolerates. Mirrors `groupOf`, so a registration in group G can only match a request whose key is G.
 */
export function requestGroup(pathname: string, depth = GROUP_DEPTH): string | null {
  if (pathname.charCodeAt(0) !== 47 /* / */) return null;
  let end = 0;
  for (let i = 0; i < depth; i++) {
    end = pathname.indexOf('/', end + 1);
    if (end === -1) return (pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname).toLowerCase();
  }
  return pathname.slice(0, end).toLowerCase();
}

/** Whether a registration that is not tied to one group may answer requests of group `key`. */
function mayAnswerIn(reg: Registration, key: string): boolean {
  const prefix = literalPrefix(reg.path).segments;
  const group = key.slice(1).split('/');
  for (let i = 0; i < Math.min(prefix.length, group.length); i++) if (prefix[i] !== group[i]) return false;
  return true;
}

/**
 * Routes a request straight to the registrations that can match its path, instead of trying every one in turn.
 *
 * Registrations are grouped by their leading literal path segments, one express Router per group, looked up in a
 * Map by the request's own leading segments. A registration whose leading segments hold a parameter or wildcard,
 * or a middleware above group depth, is added to every group it may answer in and to a fallback router for
 * requests of no group. Each router therefore holds every registration that could match its requests, in the
 * original order, and answers them exactly as one flat router over the whole list would: paths are never
 * rewritten, so req.url, req.baseUrl and req.params stay as they were. When a router finds nothing, next() goes
 * on past the dispatcher. The group is chosen once per request: a registration must not rewrite req.url for the
 * ones after it (none does; a flat router would re-match them against the new URL).
 */
export function dispatchByPrefix(registrations: readonly Registration[], depth = GROUP_DEPTH): RequestHandler {
  const placed = registrations.map((reg) => ({ reg, group: groupOf(reg, depth) }));
  const groups = new Map<string, Router>();
  for (const { group } of placed) if (group !== null && !groups.has(group)) groups.set(group, express.Router());
  const fallback = express.Router();
  for (const { reg, group } of placed) {
    if (group !== null) {
      reg.addTo(groups.get(group)!);
      continue;
    }
    for (const [key, router] of groups) if (mayAnswerIn(reg, key)) reg.addTo(router);
    reg.addTo(fallback);
  }
  return (req, res, next) => {
    const key = requestGroup(req.path, depth);
    const router = (key !== null && groups.get(key)) || fallback;
    router(req, res, next);
  };
}
