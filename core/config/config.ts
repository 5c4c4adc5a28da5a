import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A whole number within bounds; every failure (including text that is no number at all) states the range. */
const intInRange = (min: number, max: number) => {
  const allowed = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: allowed }).int(allowed).min(min, allowed).max(max, allowed);
};

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration such as `90s`, `30m`, `6h`, `1d`, or `0` (off), as milliseconds. */
const durationMs = z
  .string()
  .trim()
  .regex(/^(0|\d{1,6}[smhd])$/, 'a duration like 30m, 6h or 1d, or 0 for off')
  .transform((v) => (v === '0' ? 0 : Number(v.slice(0, -1)) * UNIT_MS[v.slice(-1) as keyof typeof UNIT_MS]));

/**
 * Every setting yiyun reads at start-up. Names are the environment variables; a JSON file named by
 * `YIYUN_CONFIG` may hold the same keys, and the environment wins over it.
 */
export const settingsSchema = z
  .object({
    PORT: intInRange(0, 65535).default(8080),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().url().optional(),
    // PostgreSQL only: a parameterised SQL text goes out as a named (prepared) statement from its Nth execution on (0 = never).
    YIYUN_DB_PREPARE_THRESHOLD: intInRange(0, 1_000_000).default(3),
    YIYUN_DATA_DIR: z.string().min(1).default('.yiyun'),
    YIYUN_ZONE: z.enum(['liangcheng-dmz', 'liangcheng-internet', 'dev']).default('liangcheng-dmz'),
    YIYUN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    YIYUN_ADMIN_PASSWORD: z.string().min(1).optional(),
    YIYUN_PUBLIC_ORIGIN: z.string().url().optional(),
    YIYUN_TRUST_PROXY: boolFromEnv.default(false),
    YIYUN_RATE_LIMIT_PER_MINUTE: intInRange(10, 1_000_000).default(600),
    YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE: intInRange(1, 100_000).default(30),
    YIYUN_AUDIT_CHECKPOINT_EVERY: intInRange(1, 1_000_000).default(100),
    YIYUN_MAX_BODY_BYTES: intInRange(1024, 100 * 1024 * 1024).default(1024 * 1024),
    YIYUN_CONSOLE_DIR: z.string().min(1).optional(),
    /** JSON file: per zone, the cloud driver (embedded | openstack) and its settings; see platform/cloud/zones-config.ts */
    YIYUN_ZONES: z.string().min(1).optional(),
    // Log audit listeners (unset = off, 0 = any free port). 5514 is the usual unprivileged syslog port.
    YIYUN_SYSLOG_HOST: z.string().min(1).default('0.0.0.0'),
    YIYUN_SYSLOG_UDP_PORT: intInRange(0, 65535).optional(),
    YIYUN_SYSLOG_TCP_PORT: intInRange(0, 65535).optional(),
    YIYUN_SYSLOG_TLS_PORT: intInRange(0, 65535).optional(),
    YIYUN_SYSLOG_TLS_CERT: z.string().min(1).optional(),
    YIYUN_SYSLOG_TLS_KEY: z.string().min(1).optional(),
    YIYUN_LOG_INGEST_HTTP_PORT: intInRange(0, 65535).optional(),
    // Full-text (trigram) index on today's log partition: fast full-text search over the last hours, at the price of
    // ingest throughput (docs/log-audit.md, "Index cost"); `closed-days` indexes a day only once it has closed.
    YIYUN_LOG_FULLTEXT_INDEX: z.enum(['all-days', 'closed-days']).default('all-days'),
    // Worker threads that parse, match the Sigma rules and encode log batches (PostgreSQL only; 0 = on the main thread).
    YIYUN_LOG_PARSE_WORKERS: intInRange(0, 16).default(0),
    // Log archives: a local directory (default <data dir>/log-archives) or an SFTP target sftp://user@host:port/dir.
    YIYUN_LOG_ARCHIVE_DIR: z.string().min(1).optional(),
    YIYUN_LOG_ARCHIVE_SFTP: z.string().url().optional(),
    YIYUN_LOG_ARCHIVE_SFTP_KEY: z.string().min(1).optional(),
    YIYUN_LOG_ARCHIVE_SFTP_HOSTKEY_SHA256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    // Bastion SSH gateway (0 = off) and DB-audit proxies (`host:port` to listen on; unset = off).
    YIYUN_BASTION_SSH_PORT: intInRange(0, 65535).default(0),
    YIYUN_BASTION_SSH_HOST: z.string().min(1).optional(),
    YIYUN_DBAUDIT_PG_LISTEN: z.string().regex(/^.+:\d+$/).optional(),
    YIYUN_DBAUDIT_PG_UPSTREAM: z.string().regex(/^.+:\d+$/).default('127.0.0.1:5432'),
    YIYUN_DBAUDIT_MYSQL_LISTEN: z.string().regex(/^.+:\d+$/).optional(),
    YIYUN_DBAUDIT_MYSQL_UPSTREAM: z.string().regex(/^.+:\d+$/).default('127.0.0.1:3306'),
    YIYUN_DBAUDIT_UPSTREAM_TLS: z.enum(['require', 'prefer', 'disable']).default('prefer'),
    /** KMS key-encryption key: a file holding 64 hex digits (production: supplied from outside, e.g. a mounted secret). */
    YIYUN_KMS_KEK_FILE: z.string().min(1).optional(),
    /** KMS key-encryption key as 64 hex digits in the environment (wins over the file). */
    YIYUN_KMS_KEK: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits (32 bytes)').optional(),
    // Compliance checks: run once at start-up (in the background) and every interval (0 = no schedule); an export
    // uses the latest run if it started within the max age, else runs the checks first (docs/compliance.md).
    YIYUN_COMPLIANCE_ON_START: boolFromEnv.default(true),
    YIYUN_COMPLIANCE_INTERVAL: durationMs.prefault('6h'),
    YIYUN_COMPLIANCE_EXPORT_MAX_AGE: durationMs.prefault('1h'),
    /** Where `yiyun ferry` writes outgoing bundles and finds incoming ones (default <data dir>/ferry). */
    YIYUN_FERRY_DIR: z.string().min(1).optional(),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

type RawSource = Record<string, string | undefined>;

/** Keys the environment may carry that are not ours to validate (everything not starting with YIYUN_). */
function pickOurKeys(env: RawSource): Record<string, string> {
  const known = new Set(Object.keys(settingsSchema.shape));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (known.has(key) || key.startsWith('YIYUN_')) out[key] = value;
  }
  // YIYUN_CONFIG names the file; it is not itself a setting.
  delete out.YIYUN_CONFIG;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.') || '(root)';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${key}: ${issue.message}; allowed values: ${(issue.values as unknown[]).join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys' && 'keys' in issue) {
    return `unknown setting(s) ${(issue.keys as string[]).join(', ')}; known settings: ${Object.keys(settingsSchema.shape).join(', ')}`;
  }
  return `${key}: ${issue.message}`;
}

/** Reads settings from the environment and the optional file; throws ConfigError naming every bad key. */
export function loadSettings(env: RawSource = process.env, cwd = process.cwd()): Settings {
  let fromFile: Record<string, unknown> = {};
  const file = env.YIYUN_CONFIG;
  if (file) {
    const full = path.resolve(cwd, file);
    try {
      fromFile = JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`YIYUN_CONFIG: cannot read ${full} as JSON (${(e as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new ConfigError(`YIYUN_CONFIG: ${full} must hold a JSON object of settings`);
    }
    fromFile = Object.fromEntries(Object.entries(fromFile).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
  }
  const parsed = settingsSchema.safeParse({ ...fromFile, ...pickOurKeys(env) });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(describeIssue);
    throw new ConfigError(`invalid configuration:\n  - ${lines.join('\n  - ')}`);
  }
  return parsed.data;
}
