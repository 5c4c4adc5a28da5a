import ipaddr from 'ipaddr.js';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { sm3Hex } from '../../../core/crypto';
import { InputError } from '../../../core/errors';

/** Sigma levels, lowest first. */
export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/** What a compiled rule reads from an event: a field by its (Sigma or ECS) name, and the keyword text. */
export type EventView = {
  get(field: string): unknown;
  /** The text keyword searches run over (message, else raw line). */
  text(): string;
  /**
   * `s.toLowerCase()`, remembered for the event: a hundred rules lower the same raw line and fields again and again
   * otherwise. Optional (a view without it lowers through a one-entry cache).
   */
  lower?(s: string): string;
};

export type DetectionRule = {
  kind: 'detection';
  id: string;
  name?: string;
  title: string;
  level: SigmaLevel;
  tags: string[];
  logsource: Record<string, string>;
  author?: string;
  match(e: EventView): boolean;
};

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered' | 'value_sum' | 'value_avg';

export type CorrelationCondition = { field?: string; gt?: number; gte?: number; lt?: number; lte?: number; eq?: number; neq?: number };

export type CorrelationRule = {
  kind: 'correlation';
  id: string;
  name?: string;
  title: string;
  level: SigmaLevel;
  tags: string[];
  type: CorrelationType;
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  condition: CorrelationCondition;
  /** Whether the referenced rules also raise their own alerts (Sigma's `generate`, default false). */
  generate: boolean;
  /** Field aliases: alias → (rule id or name → field). */
  aliases: Record<string, Record<string, string>>;
};

export type SigmaRule = DetectionRule | CorrelationRule;

// ---- value matching ---------------------------------------------------------------------------------------------

type Matcher = (v: unknown, e: EventView) => boolean;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sigma wildcards (`*`, `?`, backslash escapes) to a regex source. */
export function wildcardToRegex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length && '*?\\'.includes(s[i + 1]!)) {
      out += escapeRe(s[i + 1]!);
      i += 1;
    } else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += escapeRe(c);
  }
  return out;
}

const asStrings = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map((x) => String(x)) : [String(v)]);

function stringMatcher(raw: string, mode: 'exact' | 'contains' | 'startswith' | 'endswith', cased: boolean): Matcher {
  // Leading/trailing `*` add nothing to contains/startswith/endswith, and an unanchored leading `.*` makes a regex
  // scan quadratically: strip them (a rule with 30 such keywords otherwise costs milliseconds per event).
  let pattern = raw;
  if (mode === 'contains' || mode === 'endswith') pattern = pattern.replace(/^\*+/, '');
  if (mode === 'contains' || mode === 'startswith') pattern = pattern.replace(/(?<!\\)\*+$/, '');
  const hasWild = /(^|[^\\])[*?]/.test(pattern);
  if (!hasWild) {
    const lit = pattern.replace(/\\([*?\\])/g, '$1');
    const p = cased ? lit : lit.toLowerCase();
    // One closure per mode and case, chosen once: this runs for every keyword of every candidate rule on every event.
    const cmp: (x: string) => boolean = mode === 'exact' ? (x) => x === p : mode === 'contains' ? (x) => x.includes(p) : mode === 'startswith' ? (x) => x.startsWith(p) : (x) => x.endsWith(p);
    if (cased) return (v) => anyString(v, cmp);
    return (v, e) => anyString(v, (s) => cmp(lowerIn(e, s)));
  }
  const body = wildcardToRegex(pattern);
  const src = mode === 'exact' ? `^${body}$` : mode === 'contains' ? body : mode === 'startswith' ? `^${body}` : `${body}$`;
  const re = new RegExp(src, cased ? 's' : 'is');
  // Cheap pre-filter: every literal piece between wildcards must occur before the regex is worth running.
  const pieces = pattern
    .split(/(?<!\\)[*?]/)
    .map((x) => x.replace(/\\([*?\\])/g, '$1'))
    .filter((x) => x.length >= 2)
    .map((x) => (cased ? x : x.toLowerCase()));
  return (v, e) =>
    anyString(v, (s) => {
      const x = cased ? s : lowerIn(e, s);
      for (const p of pieces) if (!x.includes(p)) return false;
      return re.test(s);
    });
}

/**
 * The literal a `contains` keyword reduces to when it has no wildcard (leading/trailing `*` stripped and escapes
 * resolved, as `stringMatcher` does), else null.
 */
function plainContains(raw: string): string | null {
  const pattern = raw.replace(/^\*+/, '').replace(/(?<!\\)\*+$/, '');
  if (/(^|[^\\])[*?]/.test(pattern)) return null;
  return pattern.replace(/\\([*?\\])/g, '$1');
}

/** `asStrings(v).some(test)` without building the array for the usual single string. */
function anyString(v: unknown, test: (s: string) => boolean): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return test(v);
  if (Array.isArray(v)) {
    for (const x of v) if (test(String(x))) return true;
    return false;
  }
  return test(String(v));
}

const lowerIn = (e: EventView, s: string): string => (e.lower ? e.lower(s) : lower(s));

// The same text is lowered for many patterns in a row (keyword lists): remember the last one.
let lastIn = '';
let lastOut = '';
function lower(s: string): string {
  if (s !== lastIn) {
    lastIn = s;
    lastOut = s.toLowerCase();
  }
  return lastOut;
}

function base64Variants(s: string, offset: boolean): string[] {
  if (!offset) return [Buffer.from(s).toString('base64').replace(/=+$/, '')];
  // The three encodings of a string at byte offsets 0, 1, 2 inside a longer base64 text (Sigma's base64offset).
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  return [0, 1, 2].map((i) => {
    const enc = Buffer.from(' '.repeat(i) + s).toString('base64');
    const cut = ends[(s.length + i) % 3]!;
    return enc.slice(starts[i]!, cut || undefined);
  });
}

function compileValue(value: unknown, modifiers: string[], ruleId: string): Matcher {
  const has = (m: string) => modifiers.includes(m);
  const cased = has('cased');
  if (value === null) return (v) => v === undefined || v === null || v === '';
  if (has('exists')) {
    const want = value === true || value === 'true';
    return (v) => (v !== undefined && v !== null) === want;
  }
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    if (has(op)) {
      const n = Number(value);
      return (v) => {
        const x = Number(v);
        if (v === undefined || v === null || Number.isNaN(x)) return false;
        return op === 'gt' ? x > n : op === 'gte' ? x >= n : op === 'lt' ? x < n : x <= n;
      };
    }
  }
  if (has('fieldref')) {
    const other = String(value);
    return (v, e) => v !== undefined && v !== null && String(v) === String(e.get(other) ?? '\u0000');
  }
  if (has('cidr')) {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(String(value));
    } catch {
      throw new InputError(`rule ${ruleId}: ${String(value)} is not a CIDR range`, { code: 'sigma.invalid' });
    }
    return (v) =>
      asStrings(v).some((s) => {
        try {
          let a = ipaddr.parse(s);
          if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
          return a.kind() === range[0].kind() && a.match(range);
        } catch {
          return false;
        }
      });
  }
  if (has('re')) {
    let flags = '';
    if (has('i')) flags += 'i';
    if (has('m')) flags += 'm';
    if (has('s')) flags += 's';
    // PCRE-style leading inline flags ("(?i)…"), which many public rules use, become JavaScript flags.
    let source = String(value);
    const inline = /^\(\?([ims]+)\)/.exec(source);
    if (inline) {
      for (const f of inline[1]!) if (!flags.includes(f)) flags += f;
      source = source.slice(inline[0].length);
    }
    let re: RegExp;
    try {
      re = new RegExp(source, flags);
    } catch (err) {
      throw new InputError(`rule ${ruleId}: invalid regular expression ${String(value)} (${(err as Error).message})`, { code: 'sigma.invalid' });
    }
    return (v) => anyString(v, (s) => re.test(s));
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    const want = String(value);
    return (v) => anyString(v, (s) => s === want || s.toLowerCase() === want);
  }
  let patterns = [String(value)];
  if (has('windash')) {
    const variants = new Set<string>();
    for (const p of patterns) for (const d of ['-', '/', '\u2013', '\u2014', '\u2015']) variants.add(p.replace(/(^|\s)[-/]/g, `$1${d}`));
    patterns = [...variants];
  }
  if (has('base64') || has('base64offset')) patterns = patterns.flatMap((p) => base64Variants(p, has('base64offset')));
  const mode = has('contains') || has('base64offset') ? 'contains' : has('startswith') ? 'startswith' : has('endswith') ? 'endswith' : 'exact';
  const ms = patterns.map((p) => stringMatcher(p, mode, cased || has('base64') || has('base64offset')));
  if (ms.length === 1) return ms[0]!;
  return (v, e) => ms.some((m) => m(v, e));
}

const KNOWN_MODIFIERS = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'cased', 'gt', 'gte', 'lt', 'lte', 'base64', 'base64offset', 'windash', 'fieldref']);

type Predicate = (e: EventView) => boolean;

function compileFieldItem(key: string, value: unknown, ruleId: string): Predicate {
  const [field, ...modifiers] = key.split('|');
  for (const m of modifiers) {
    if (!KNOWN_MODIFIERS.has(m)) throw new InputError(`rule ${ruleId}: the modifier |${m} is not supported`, { code: 'sigma.unsupported_modifier' });
  }
  const values = Array.isArray(value) ? value : [value];
  const all = modifiers.includes('all');
  const ms = values.map((v) => compileValue(v, modifiers, ruleId));
  if (!field) {
    // `|contains: [...]` without a field name: keyword search with modifiers.
    return all ? (e) => ms.every((m) => m(e.text(), e)) : (e) => ms.some((m) => m(e.text(), e));
  }
  if (values.length === 0) return () => false;
  return all ? (e) => { const v = e.get(field); return ms.every((m) => m(v, e)); } : (e) => { const v = e.get(field); return ms.some((m) => m(v, e)); };
}

function compileSearch(def: unknown, ruleId: string, name: string): Predicate {
  if (Array.isArray(def)) {
    if (def.every((x) => x === null || typeof x !== 'object')) {
      // Keyword list: any of the strings anywhere in the message (case-insensitive, wildcards allowed). Plain words
      // (most of them) are tested as lower-cased substrings in one loop over the text lowered once; the rest
      // (wildcards, numbers, null) go through their matchers.
      const literals: string[] = [];
      const others: unknown[] = [];
      for (const k of def) {
        const lit = typeof k === 'string' ? plainContains(k) : null;
        if (lit === null) others.push(k);
        else literals.push(lit.toLowerCase());
      }
      const ms = others.map((k) => compileValue(k, ['contains'], ruleId));
      return (e) => {
        const t = e.text();
        if (literals.length) {
          const x = lowerIn(e, t);
          for (const p of literals) if (x.includes(p)) return true;
        }
        for (const m of ms) if (m(t, e)) return true;
        return false;
      };
    }
    const ps = def.map((x, i) => compileSearch(x, ruleId, `${name}[${i}]`));
    return (e) => ps.some((p) => p(e));
  }
  if (def && typeof def === 'object') {
    const ps = Object.entries(def as Record<string, unknown>).map(([k, v]) => compileFieldItem(k, v, ruleId));
    return (e) => ps.every((p) => p(e));
  }
  if (typeof def === 'string' || typeof def === 'number') {
    const m = compileValue(def, ['contains'], ruleId);
    return (e) => m(e.text(), e);
  }
  throw new InputError(`rule ${ruleId}: detection ${name} is neither a map nor a list`, { code: 'sigma.invalid' });
}

// ---- condition expressions ----------------------------------------------------------------------------------------

function tokenize(cond: string): string[] {
  return cond.match(/\(|\)|[^\s()]+/g) ?? [];
}

function globToRe(p: string): RegExp {
  return new RegExp(`^${p.split('*').map(escapeRe).join('.*')}$`);
}

/** Compiles a condition (`selection and not 1 of filter_*`) over named searches. */
export function compileCondition(cond: string, searches: Record<string, Predicate>, ruleId: string): Predicate {
  if (cond.includes('|')) throw new InputError(`rule ${ruleId}: aggregation conditions ("| count()") are not supported; use a correlation rule`, { code: 'sigma.unsupported_condition' });
  const toks = tokenize(cond);
  let i = 0;
  const peek = () => toks[i]?.toLowerCase();
  const fail = (msg: string): never => {
    throw new InputError(`rule ${ruleId}: condition "${cond}": ${msg}`, { code: 'sigma.invalid_condition' });
  };
  const names = Object.keys(searches);
  const pick = (pattern: string): Predicate[] => {
    const picked = pattern === 'them' ? names.filter((n) => !n.startsWith('_')) : names.filter((n) => globToRe(pattern).test(n));
    if (picked.length === 0) fail(`no detection matches ${pattern}`);
    return picked.map((n) => searches[n]!);
  };
  function primary(): Predicate {
    const t = toks[i];
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      i += 1;
      const p = orExpr();
      if (toks[i] !== ')') fail('missing )');
      i += 1;
      return p;
    }
    const lower = t.toLowerCase();
    if ((lower === '1' || lower === 'any' || lower === 'all') && toks[i + 1]?.toLowerCase() === 'of') {
      const target = toks[i + 2];
      if (!target) fail('"of" needs a name pattern');
      i += 3;
      const ps = pick(target!);
      return lower === 'all' ? (e) => ps.every((p) => p(e)) : (e) => ps.some((p) => p(e));
    }
    const s = searches[t];
    if (!s) fail(`no detection named ${t}`);
    i += 1;
    return s!;
  }
  function notExpr(): Predicate {
    if (peek() === 'not') {
      i += 1;
      const p = notExpr();
      return (e) => !p(e);
    }
    return primary();
  }
  function andExpr(): Predicate {
    let p = notExpr();
    while (peek() === 'and') {
      i += 1;
      const l = p;
      const r = notExpr();
      p = (e) => l(e) && r(e);
    }
    return p;
  }
  function orExpr(): Predicate {
    let p = andExpr();
    while (peek() === 'or') {
      i += 1;
      const l = p;
      const r = andExpr();
      p = (e) => l(e) || r(e);
    }
    return p;
  }
  const out = orExpr();
  if (i !== toks.length) fail(`unexpected ${toks[i]}`);
  return out;
}

// ---- rules ---------------------------------------------------------------------------------------------------------

const TIMESPAN = /^(\d+)\s*([smhdwMy])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

/** `5m` → 300000. */
export function parseTimespan(s: string, ruleId = '?'): number {
  const m = TIMESPAN.exec(String(s).trim());
  if (!m) throw new InputError(`rule ${ruleId}: timespan ${s} is not like 30s, 5m, 1h or 1d`, { code: 'sigma.invalid' });
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

const levelOf = (v: unknown): SigmaLevel => (SIGMA_LEVELS.includes(v as SigmaLevel) ? (v as SigmaLevel) : 'medium');

/** Compiles one parsed Sigma document (detection or correlation rule). */
export function compileRule(doc: Record<string, any>): SigmaRule {
  if (typeof doc.title !== 'string' || !doc.title.trim()) throw new InputError(`rule ${String(doc.id ?? doc.name ?? '')}: a title is required`, { code: 'sigma.invalid' });
  if (doc.filter && !doc.detection) throw new InputError(`${doc.title}: Sigma filter documents (meta filters) are not supported; write the exclusion into the rule`, { code: 'sigma.unsupported_filter' });
  // id is optional in Sigma; a rule without id or name is known by a stable id derived from its title.
  const id = String(doc.id ?? doc.name ?? `title-${sm3Hex(doc.title.trim()).slice(0, 16)}`).trim();
  const tags = Array.isArray(doc.tags) ? doc.tags.map(String) : [];
  const base = { id, name: typeof doc.name === 'string' ? doc.name : undefined, title: doc.title.trim(), level: levelOf(doc.level), tags };
  if (doc.correlation) {
    const c = doc.correlation as Record<string, any>;
    const types: CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg'];
    if (!types.includes(c.type)) throw new InputError(`rule ${id}: correlation type ${String(c.type)} is not supported`, { code: 'sigma.unsupported_correlation' });
    const rules = (Array.isArray(c.rules) ? c.rules : [c.rules]).filter(Boolean).map(String);
    if (rules.length === 0) throw new InputError(`rule ${id}: a correlation names the rules it correlates`, { code: 'sigma.invalid' });
    const condition = (c.condition ?? {}) as CorrelationCondition;
    if (!c.type.startsWith('temporal') && !['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].some((k) => k in condition)) {
      throw new InputError(`rule ${id}: a ${String(c.type)} correlation needs a condition (gte, gt, …)`, { code: 'sigma.invalid' });
    }
    if (['value_count', 'value_sum', 'value_avg'].includes(c.type) && !condition.field) throw new InputError(`rule ${id}: ${String(c.type)} needs condition.field`, { code: 'sigma.invalid' });
    return {
      ...base,
      kind: 'correlation',
      type: c.type,
      rules,
      groupBy: (Array.isArray(c['group-by']) ? c['group-by'] : c['group-by'] ? [c['group-by']] : []).map(String),
      timespanMs: parseTimespan(c.timespan ?? c.timeframe ?? '', id),
      condition,
      generate: c.generate === true,
      aliases: (c.aliases ?? {}) as Record<string, Record<string, string>>,
    };
  }
  const det = doc.detection as Record<string, unknown> | undefined;
  if (!det || typeof det !== 'object') throw new InputError(`rule ${id}: detection is required`, { code: 'sigma.invalid' });
  const condRaw = det.condition;
  if (condRaw === undefined) throw new InputError(`rule ${id}: detection.condition is required`, { code: 'sigma.invalid' });
  const searches: Record<string, Predicate> = {};
  for (const [name, def] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    searches[name] = compileSearch(def, id, name);
  }
  const conds = (Array.isArray(condRaw) ? condRaw : [condRaw]).map((c) => compileCondition(String(c), searches, id));
  const logsource = Object.fromEntries(Object.entries((doc.logsource ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return { ...base, kind: 'detection', logsource, author: typeof doc.author === 'string' ? doc.author : undefined, match: (e) => conds.some((c) => c(e)) };
}

/** Parses YAML (one or several `---` documents) into compiled rules; names the document that fails. */
export function parseSigmaYaml(text: string): SigmaRule[] {
  const docs = parseAllDocuments(text);
  const out: SigmaRule[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) throw new InputError(`invalid YAML: ${d.errors[0]!.message}`, { code: 'sigma.invalid_yaml' });
    const obj = d.toJS() as unknown;
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new InputError('a Sigma document is a YAML map', { code: 'sigma.invalid' });
    out.push(compileRule(obj as Record<string, any>));
  }
  return out;
}

/** One rule from a YAML text (the first document). */
export function parseSigmaRule(text: string): SigmaRule {
  const obj = parseYaml(text) as Record<string, any>;
  return compileRule(obj);
}
