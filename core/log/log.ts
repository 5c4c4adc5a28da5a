import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * Paths pino censors wherever they appear. Secrets must never reach a log line, so anything that
 * looks like a credential is listed here, at the top level and one or two levels down.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'otp',
  'code',
  'totp',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiToken',
  'privateKey',
  'key',
  'recoveryCode',
  'recoveryCodes',
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'DATABASE_URL',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export type { Logger };

/** The process logger: JSON lines, secrets censored. */
export function createLogger(opts: { level?: string; name?: string } = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      name: opts.name ?? 'yiyun',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Masks the password in a connection URL so it can be shown in messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
