/**
 * The closed set of typed errors. Services throw these and never choose HTTP statuses:
 * `core/http` maps `status` to the answer in one place.
 */
export type FieldIssue = { path: string; message: string };

export type ErrorInit = {
  code?: string;
  detail?: string;
  fields?: FieldIssue[];
  cause?: unknown;
  /** extra members copied into the problem+json body (never secrets) */
  extra?: Record<string, unknown>;
};

export abstract class YiyunError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly code: string;
  readonly detail: string | undefined;
  readonly fields: FieldIssue[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  protected constructor(defaultCode: string, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code ?? defaultCode;
    this.detail = init.detail ?? message;
    this.fields = init.fields;
    this.extra = init.extra;
  }
}

/** Bad input: 400. */
export class InputError extends YiyunError {
  readonly status = 400;
  readonly title = 'Invalid input';
  constructor(message: string, init: ErrorInit = {}) {
    super('validation.failed', message, init);
  }
}

/** Not logged in, bad credentials, expired session: 401. */
export class UnauthenticatedError extends YiyunError {
  readonly status = 401;
  readonly title = 'Authentication required';
  constructor(message = 'authentication required', init: ErrorInit = {}) {
    super('auth.unauthenticated', message, init);
  }
}

/** Logged in but not allowed: 403. */
export class ForbiddenError extends YiyunError {
  readonly status = 403;
  readonly title = 'Forbidden';
  constructor(message = 'you are not allowed to do this', init: ErrorInit = {}) {
    super('forbidden', message, init);
  }
}

/** Missing, or another tenant's: 404 (never reveal that a foreign resource exists). */
export class NotFoundError extends YiyunError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(message = 'not found', init: ErrorInit = {}) {
    super('not_found', message, init);
  }
}

/** State conflict (duplicate name, wrong lifecycle state): 409. */
export class ConflictError extends YiyunError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(message: string, init: ErrorInit = {}) {
    super('conflict', message, init);
  }
}

/** Payload too large: 413. */
export class PayloadTooLargeError extends YiyunError {
  readonly status = 413;
  readonly title = 'Payload too large';
  constructor(message = 'request body too large', init: ErrorInit = {}) {
    super('request.too_large', message, init);
  }
}

/** A quota or capacity limit would be exceeded: 422. */
export class QuotaError extends YiyunError {
  readonly status = 422;
  readonly title = 'Quota exceeded';
  constructor(message: string, init: ErrorInit = {}) {
    super('quota.exceeded', message, init);
  }
}

/** Account locked or similar temporary refusal: 423. */
export class LockedError extends YiyunError {
  readonly status = 423;
  readonly title = 'Locked';
  constructor(message: string, init: ErrorInit = {}) {
    super('auth.locked', message, init);
  }
}

/** Too many requests: 429. */
export class RateLimitError extends YiyunError {
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(message = 'too many requests, slow down', init: ErrorInit = {}) {
    super('rate_limited', message, init);
  }
}

/** A dependency (database, OpenStack, a peer service) failed: 502. */
export class UpstreamError extends YiyunError {
  readonly status = 502;
  readonly title = 'Upstream failure';
  constructor(message: string, init: ErrorInit = {}) {
    super('upstream.failed', message, init);
  }
}

/** Not ready (migrations pending, shutting down): 503. */
export class UnavailableError extends YiyunError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(message: string, init: ErrorInit = {}) {
    super('unavailable', message, init);
  }
}

/** Startup configuration is wrong; the CLI prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function isYiyunError(e: unknown): e is YiyunError {
  return e instanceof YiyunError;
}

/** The body is not JSON (or not the media type the route takes): 415. */
export class UnsupportedMediaTypeError extends YiyunError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
  constructor(message = 'send the body as application/json', init: ErrorInit = {}) {
    super('request.unsupported_media_type', message, init);
  }
}
