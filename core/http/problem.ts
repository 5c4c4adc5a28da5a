import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import {
  ConflictError,
  InputError,
  isYiyunError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type FieldIssue,
  type YiyunError,
} from '../errors';
import type { Logger } from '../log';

/** Turns a zod failure into the InputError that lists every offending field. */
export function inputErrorFromZod(where: string, error: z.ZodError): InputError {
  const fields: FieldIssue[] = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${(i as { keys: string[] }).keys.join(', ')}` : i.message,
  }));
  return new InputError(`invalid ${where}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, err: YiyunError, requestId: string): void {
  res
    .status(err.status)
    .type('application/problem+json')
    .json({
      type: `https://yiyun.local/problems/${err.code}`,
      title: err.title,
      status: err.status,
      code: err.code,
      detail: err.detail,
      requestId,
      ...(err.fields ? { fields: err.fields } : {}),
      ...(err.extra ?? {}),
    });
}

type BodyParserError = Error & { type?: string; status?: number };
type PgError = Error & { code?: string };

/** Maps what libraries throw onto our closed set, so the answer is always a stable code. */
function normalise(err: unknown): YiyunError | null {
  if (isYiyunError(err)) return err;
  const e = err as BodyParserError & PgError;
  if (e?.type === 'entity.parse.failed') return new InputError('the body is not valid JSON', { code: 'request.malformed_json' });
  if (e?.type === 'entity.too.large') return new PayloadTooLargeError();
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new UnsupportedMediaTypeError('unsupported body encoding');
  if (e?.code === '23505') return new ConflictError('a record with the same unique value already exists', { code: 'conflict.duplicate' });
  return null;
}

/** The one place errors become HTTP answers. Unknown errors are logged with the request id and answered 500. */
export function problemHandler(logger: Pick<Logger, 'error'>): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = String(res.getHeader('x-request-id') ?? '');
    const known = normalise(err);
    if (known) {
      sendProblem(res, known, requestId);
      return;
    }
    logger.error({ err, requestId, path: req.path }, 'unhandled error');
    res.status(500).type('application/problem+json').json({
      type: 'https://yiyun.local/problems/internal',
      title: 'Internal error',
      status: 500,
      code: 'internal',
      detail: 'an unexpected error occurred; quote the request id to the operators',
      requestId,
    });
  };
}
