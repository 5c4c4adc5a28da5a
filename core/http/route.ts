import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import type { Actor, RouteAccess } from '../authz';
import type { AuditAction } from '../audit/audit-types';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: the caller and its validated input. */
export type RouteContext<P, Q, B> = {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  requestId: string;
  req: Request;
  res: Response;
};

/**
 * One declaration per route: the contract (schemas), the permission it needs and the audit action it
 * records, next to the handler. The OpenAPI document and the permission table are generated from these.
 */
export type RouteDef<P = any, Q = any, B = any, R = any> = {
  method: HttpMethod;
  /** Express path under /api, e.g. `/api/tenants/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: RouteAccess;
  /** The action the service records on success; the kit records denials under the same name. */
  audit?: AuditAction;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  response?: ZodType<R>;
  /** Status on success; 200 unless given. */
  status?: number;
  /** Callable while the login is unfinished (forced password change, MFA enrolment pending). */
  allowPending?: boolean;
  /** A stricter limiter for credential-guessing targets. */
  rateLimit?: 'login';
  /** A larger body limit for this route only (uploads); the server-wide limit applies otherwise. */
  maxBodyBytes?: number;
  /** The handler writes the response itself (downloads, streams); its return value is ignored. */
  raw?: boolean;
  handler(ctx: RouteContext<P, Q, B>): Promise<R | void> | R | void;
};

/** Declares a route with its types inferred from the schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  def: RouteDef<P, Q, B, R>,
): RouteDef<P, Q, B, R> {
  return def;
}
