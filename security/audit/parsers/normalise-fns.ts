import {
  parseAccessLog,
  parseApacheError,
  parseAuditd,
  parseByProgram,
  parseKeyValues,
  parseModSecurityJson,
  parseMysql,
  parseNginxError,
  parsePgAudit,
  parsePostgres,
  type AppParse,
  type Fields,
} from './app-parsers-fns';
import { parseSyslog, severityScale } from './syslog-fns';

/** The built-in parsers a source may be pinned to; 'auto' recognises the format per line. */
export const BUILTIN_PARSERS = ['auto', 'syslog', 'web_access', 'apache_error', 'nginx_error', 'modsecurity', 'auditd', 'postgresql', 'pgaudit', 'mysql', 'json', 'yiyun'] as const;

/** An operator-defined parser (parse editor): regex with named groups, key=value pairs, or JSON, mapped to ECS names. */
export type CustomParser = {
  name: string;
  kind: 'regex' | 'kv' | 'json';
  pattern?: string | null;
  /** source name (regex group, key, JSON path) → ECS field; unmapped values are kept under `custom.<name>`. */
  mapping: Record<string, string>;
  /** Applies only to syslog messages of this program when set; otherwise to any line it matches. */
  program?: string | null;
};

/** One normalised event: the raw line, its time and the flat ECS fields. */
export type LogEvent = {
  ts: Date;
  raw: string;
  parser: string;
  fields: Record<string, unknown>;
};

export type NormaliseContext = {
  now?: Date;
  /** Address the line came from (syslog peer, HTTP client). */
  peerIp?: string | null;
  parser?: string;
  custom?: readonly CustomParser[];
};

type CompiledCustom = CustomParser & { re?: RegExp };
const compiledCache = new WeakMap<CustomParser, CompiledCustom>();

function compile(p: CustomParser): CompiledCustom {
  let c = compiledCache.get(p);
  if (!c) {
    c = { ...p, re: p.kind === 'regex' && p.pattern ? new RegExp(p.pattern) : undefined };
    compiledCache.set(p, c);
  }
  return c;
}

/** Flattens nested JSON into dotted keys (`{"source":{"ip":"x"}}` → `source.ip`); arrays of scalars stay arrays. */
export function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/** Runs one custom parser on a text; null when it does not match. */
export function applyCustomParser(p: CustomParser, text: string): Fields | null {
  const c = compile(p);
  let values: Record<string, unknown>;
  if (c.kind === 'regex') {
    const m = c.re?.exec(text);
    if (!m) return null;
    values = { ...(m.groups ?? {}) };
  } else if (c.kind === 'kv') {
    values = parseKeyValues(text);
    if (Object.keys(values).length === 0) return null;
  } else {
    try {
      const o: unknown = JSON.parse(text);
      if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
      values = flatten(o as Record<string, unknown>);
    } catch {
      return null;
    }
  }
  const fields: Fields = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '') continue;
    const target = c.mapping[k] ?? `custom.${p.name}.${k}`;
    fields[target] = typeof v === 'number' || typeof v === 'boolean' ? v : Array.isArray(v) ? v.map(String) : String(v);
  }
  return fields;
}

function parseJsonLine(line: string): AppParse | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const modsec = parseModSecurityJson(obj as Record<string, any>);
  if (modsec) return modsec;
  const flat = flatten(obj as Record<string, unknown>);
  const tsRaw = flat['@timestamp'] ?? flat.timestamp ?? flat.time;
  const ts = typeof tsRaw === 'string' || typeof tsRaw === 'number' ? new Date(tsRaw) : undefined;
  delete flat['@timestamp'];
  return { parser: 'json', fields: flat as Fields, ts: ts && !Number.isNaN(ts.getTime()) ? ts : undefined };
}

function wholeLine(line: string, parser: string): AppParse | null {
  switch (parser) {
    case 'web_access':
      return parseAccessLog(line);
    case 'apache_error':
      return parseApacheError(line);
    case 'nginx_error':
      return parseNginxError(line);
    case 'auditd':
      return parseAuditd(line);
    case 'postgresql':
      return parsePostgres(line);
    case 'pgaudit': {
      const f = parsePgAudit(line);
      return f ? { parser: 'pgaudit', fields: f } : null;
    }
    case 'mysql':
      return parseMysql(line);
    case 'json':
    case 'modsecurity':
    case 'yiyun':
      return parseJsonLine(line);
    default:
      return null;
  }
}

const GUESS_ORDER = ['auditd', 'web_access', 'apache_error', 'nginx_error', 'postgresql', 'mysql'] as const;

function runCustom(custom: readonly CustomParser[] | undefined, program: string | null, text: string): AppParse | null {
  for (const p of custom ?? []) {
    if (p.program && p.program !== program?.replace(/\(.*$/, '')) continue;
    const f = applyCustomParser(p, text);
    if (f) return { parser: `custom:${p.name}`, fields: f };
  }
  return null;
}

function clean(fields: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(fields)) if (fields[k] === undefined || fields[k] === null || fields[k] === '') delete fields[k];
  return fields;
}

/**
 * Normalises one line into ECS fields. Never throws and never drops the line: what no parser recognises is kept
 * with its raw text, `message` and the syslog header (parser `raw`).
 */
export function normalise(line: string, ctx: NormaliseContext = {}): LogEvent {
  const now = ctx.now ?? new Date();
  const hint = ctx.parser ?? 'auto';
  const raw = line.replace(/[\r\n]+$/, '');
  let app: AppParse | null = null;
  let fields: Record<string, unknown> = {};
  let ts: Date | undefined;

  if (hint !== 'auto' && hint !== 'syslog' && !hint.startsWith('custom:')) {
    app = wholeLine(raw, hint);
  }
  if (hint.startsWith('custom:')) {
    const p = ctx.custom?.find((c) => `custom:${c.name}` === hint);
    const f = p ? applyCustomParser(p, raw) : null;
    if (f) app = { parser: hint, fields: f };
  }
  if (!app && raw.startsWith('{')) app = parseJsonLine(raw);
  if (!app) {
    const sys = parseSyslog(raw, now);
    if (sys.format !== 'none') {
      ts = sys.timestamp ?? undefined;
      fields = {
        'log.syslog.facility.code': sys.facility ?? undefined,
        'log.syslog.severity.code': sys.severity ?? undefined,
        'log.syslog.appname': sys.appName ?? undefined,
        'log.syslog.msgid': sys.msgId ?? undefined,
        'log.syslog.version': sys.format === 'rfc5424' ? 1 : undefined,
        'host.name': sys.hostname ?? undefined,
        'process.name': sys.appName?.replace(/\(.*$/, '') ?? undefined,
        'process.pid': sys.procId && /^\d+$/.test(sys.procId) ? Number(sys.procId) : undefined,
        message: sys.message,
      };
      if (sys.structuredData) for (const [id, params] of Object.entries(sys.structuredData)) for (const [k, v] of Object.entries(params)) fields[`log.syslog.structured_data.${id}.${k}`] = v;
      app = runCustom(ctx.custom, sys.appName, sys.message) ?? parseByProgram(sys.appName, sys.message);
      if (!app && sys.message.startsWith('{')) app = parseJsonLine(sys.message);
      if (!app) {
        for (const p of GUESS_ORDER) {
          app = wholeLine(sys.message, p);
          if (app) break;
        }
      }
      if (!app) app = { parser: 'syslog', fields: {} };
      else if (app.parser !== 'syslog' && !app.parser.startsWith('custom:')) app = { ...app };
    } else {
      app = runCustom(ctx.custom, null, raw);
      if (!app) {
        for (const p of GUESS_ORDER) {
          app = wholeLine(raw, p);
          if (app) break;
        }
      }
    }
  }
  if (app) {
    Object.assign(fields, app.fields);
    ts = app.ts ?? ts;
  }
  if (fields.message === undefined) fields.message = typeof fields['error.message'] === 'string' ? fields['error.message'] : raw;
  if (ctx.peerIp) fields['observer.ip'] = ctx.peerIp;
  if (fields['host.name'] === undefined && ctx.peerIp) fields['host.name'] = ctx.peerIp;
  if (fields['log.syslog.severity.code'] !== undefined && fields['event.severity'] === undefined) fields['event.severity'] = severityScale(Number(fields['log.syslog.severity.code']));
  const when = ts && !Number.isNaN(ts.getTime()) ? ts : now;
  return { ts: when, raw, parser: app?.parser ?? 'raw', fields: clean(fields) };
}
