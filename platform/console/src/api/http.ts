import { HttpError } from 'react-admin';
import { translateProblem } from '../providers/i18nProvider';
import type { Problem } from './types';

/**
 * The one door to the API: JSON over fetch with the session cookie, the CSRF token on every state change,
 * and problem+json answers turned into react-admin `HttpError`s (message translated, field errors mapped
 * onto form fields so `<SimpleForm>` shows them next to the inputs).
 */

const CSRF_KEY = 'yiyun.csrf';
let csrfToken: string | null = readStoredCsrf();

function readStoredCsrf(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

/** Remembers the session's CSRF token (memory + sessionStorage, so a reload keeps working until /me answers). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // Storage can be disabled; memory is enough for this tab.
  }
}

/** The session's CSRF token, for the few calls that cannot go through `api` (binary downloads). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

/** True once this tab has seen a session (login or /me); without one there is nothing to log out of. */
export function hasCsrfToken(): boolean {
  return csrfToken !== null;
}

export type QueryValue = string | number | boolean | Date | null | undefined;
export type RequestOptions = { query?: Record<string, QueryValue>; body?: unknown; signal?: AbortSignal };

/** An API failure: status, the problem document, and `body.errors` in react-admin's form-error shape. */
export class ApiError extends HttpError {
  readonly problem: Problem;
  constructor(problem: Problem) {
    const message = translateProblem(problem);
    super(message, problem.status, { ...problem, errors: formErrorsOf(problem, message) });
    this.problem = problem;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** `body.quota.vcpu: msg` → `{ quota: { vcpu: msg } }`, plus the summary react-admin shows as a notification. */
function formErrorsOf(p: Problem, summary: string): Record<string, unknown> | undefined {
  const fields = (p.fields ?? []).filter((f) => f.path.startsWith('body.') && f.path.length > 5);
  if (fields.length === 0) return undefined;
  const out: Record<string, any> = { root: { serverError: summary } };
  for (const f of fields) {
    const parts = f.path.slice(5).split('.');
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = f.message;
      else node = node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {};
    });
  }
  return out;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Calls the API; resolves with the parsed JSON (undefined for 204) or rejects with an ApiError. */
export async function api<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`${path}${queryString(opts.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network' });
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const p = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    throw new ApiError({ ...p, status: res.status });
  }
  return parsed as T;
}
