import type { CorrelationRule, DetectionRule, EventView, SigmaLevel, SigmaRule } from './sigma-fns';

/**
 * Sigma field names (as the public rules write them) → our ECS fields. A rule with `taxonomy: ecs` or dotted
 * names reads the ECS field directly; a name not listed here is read as it is (auditd's `type`, `a0`, …).
 */
export const FIELD_MAP: Record<string, string[]> = {
  User: ['user.name'], user: ['user.name'], username: ['user.name'], TargetUserName: ['user.name'], SubjectUserName: ['user.name'], USER: ['user.effective.name'],
  src_ip: ['source.ip'], SourceIp: ['source.ip'], SourceIP: ['source.ip'], IpAddress: ['source.ip'], ClientIP: ['source.ip'], 'c-ip': ['source.ip'], src: ['source.ip'],
  dst_ip: ['destination.ip'], DestinationIp: ['destination.ip'], DestinationHostname: ['destination.domain'], DestinationPort: ['destination.port'],
  Image: ['process.executable'], CommandLine: ['process.command_line'], ParentImage: ['process.parent.executable'], ParentCommandLine: ['process.parent.command_line'],
  CurrentDirectory: ['process.working_directory'], TargetFilename: ['file.path'], exe: ['process.executable'], comm: ['process.name'],
  ComputerName: ['host.name'], Computer: ['host.name'], Hostname: ['host.name'], host: ['host.name'],
  'cs-method': ['http.request.method'], 'c-uri': ['url.original'], 'cs-uri': ['url.original'], 'cs-uri-stem': ['url.path'], 'cs-uri-query': ['url.query', 'url.original'],
  'sc-status': ['http.response.status_code'], 'c-useragent': ['user_agent.original'], 'cs-user-agent': ['user_agent.original'], 'cs-referrer': ['http.request.referrer'],
  'cs-referer': ['http.request.referrer'], 'cs-host': ['url.domain'], 'r-dns': ['url.domain'], 'cs-bytes': ['http.request.bytes'], 'sc-bytes': ['http.response.body.bytes'],
  pam_message: ['message'], pam_user: ['user.name'], pam_rhost: ['source.ip'], message: ['message'], Message: ['message'],
};

/** An event as the engine sees it: stored id, time, tenant and fields. */
export type EngineEvent = { id: number; ts: Date; tenantId: string | null; parser: string; raw: string; fields: Record<string, unknown> };

/** What the stateless detection half reads of an event (no stored id needed: it may run before the id exists). */
export type MatchEvent = Pick<EngineEvent, 'ts' | 'tenantId' | 'parser' | 'raw' | 'fields'>;

/**
 * One event of a batch that matched detection rules: its index in the batch, time (ms), tenant, the rule ids in
 * load order, and the fields the stateful half reads (all of them inline; only what correlations need from a worker).
 */
export type EventMatch = { i: number; ts: number; tenantId: string | null; rules: string[]; fields: Record<string, unknown> };

/** An alert the engine raises; the service stores it. */
export type RaisedAlert = {
  ruleId: string;
  title: string;
  level: SigmaLevel;
  tags: string[];
  tenantId: string | null;
  groupKey: Record<string, string>;
  eventIds: number[];
  firstSeen: Date;
  lastSeen: Date;
};

/** A field of an event by Sigma or ECS name. */
export function fieldOf(fields: Record<string, unknown>, name: string): unknown {
  const direct = fields[name];
  if (direct !== undefined) return direct;
  for (const alt of FIELD_MAP[name] ?? []) {
    const v = fields[alt];
    if (v !== undefined) return v;
  }
  return undefined;
}

export function viewOf(e: Pick<EngineEvent, 'fields' | 'raw'>): EventView {
  // Lower-cased strings of this event, computed once whichever rule asks first.
  const lowered = new Map<string, string>();
  return {
    get: (f) => fieldOf(e.fields, f),
    text: () => e.raw,
    lower: (s) => {
      let x = lowered.get(s);
      if (x === undefined) lowered.set(s, (x = s.toLowerCase()));
      return x;
    },
  };
}

/**
 * Everything `logsourceMatches` reads from an event, as one string: events with the same signature meet the same
 * rules, so the engine decides the candidate rules once per signature instead of once per event and rule. Null
 * when a field it reads is not a plain string (then the engine asks `logsourceMatches` directly).
 */
export function logsourceSignature(e: Pick<EngineEvent, 'fields' | 'parser'>): string | null {
  const f = e.fields;
  const category = f['event.category'];
  if (category !== undefined && typeof category !== 'string') return null;
  const proc = String(f['process.name'] ?? '').toLowerCase();
  const flags =
    (f['log.syslog.appname'] !== undefined || f['log.syslog.facility.code'] !== undefined ? 'S' : '-') +
    (f['http.request.method'] !== undefined ? 'H' : '-') +
    (f['url.original'] !== undefined ? 'U' : '-') +
    (f['process.command_line'] !== undefined ? 'C' : '-') +
    (f['db.system'] !== undefined ? 'D' : '-') +
    (category === undefined ? '!' : '=');
  return `${e.parser}\u0000${proc}\u0000${flags}\u0000${category ?? ''}`;
}

/** Whether a rule's logsource describes this event (a Windows rule never sees a Linux line). */
export function logsourceMatches(ls: Record<string, string>, e: Pick<EngineEvent, 'fields' | 'parser'>): boolean {
  const product = ls.product?.toLowerCase();
  const service = ls.service?.toLowerCase();
  const category = ls.category?.toLowerCase();
  const proc = String(e.fields['process.name'] ?? '').toLowerCase();
  if (product && !['linux', 'unix', 'yiyun', 'nginx', 'apache', 'postgresql', 'mysql', 'modsecurity'].includes(product)) return false;
  if (product === 'nginx' && !['web_access', 'nginx_error'].includes(e.parser) && proc !== 'nginx') return false;
  if (product === 'apache' && !['web_access', 'apache_error'].includes(e.parser) && proc !== 'httpd' && proc !== 'apache2') return false;
  if (product === 'yiyun' && e.parser !== 'yiyun') return false;
  if (service) {
    if (service === 'auditd') return e.parser === 'auditd';
    if (service === 'syslog') return e.fields['log.syslog.appname'] !== undefined || e.fields['log.syslog.facility.code'] !== undefined;
    if (service === 'auth') return e.fields['event.category'] === 'authentication' || e.fields['event.category'] === 'session';
    if (['sshd', 'sudo', 'su', 'cron', 'clamav', 'vsftpd', 'guacamole'].includes(service)) return proc === service;
    if (service === 'audit' && product === 'yiyun') return e.parser === 'yiyun';
    return proc === service;
  }
  if (category) {
    if (category === 'webserver' || category === 'proxy') return e.fields['event.category'] === 'web' || e.fields['http.request.method'] !== undefined || e.fields['url.original'] !== undefined;
    if (category === 'process_creation') return e.fields['process.command_line'] !== undefined;
    if (category === 'authentication') return e.fields['event.category'] === 'authentication';
    if (category === 'database') return e.fields['event.category'] === 'database' || e.fields['db.system'] !== undefined;
    return e.fields['event.category'] === category;
  }
  return true;
}

type Hit = { ts: number; id: number; value?: string; num?: number; rule?: string };
// After a group fires it stays quiet for one timespan: a running attack is one alert per window, not one per event.
type GroupState = { hits: Hit[]; quietUntil: number; values: Map<string, number> };

const MAX_GROUPS_PER_RULE = 100_000;
const MAX_EVENT_IDS = 200;
/** Hits kept per group and window (bounded memory under a flood). */
const MAX_WINDOW = 10_000;

function compare(cond: CorrelationRule['condition'], n: number): boolean {
  if (cond.gt !== undefined && !(n > cond.gt)) return false;
  if (cond.gte !== undefined && !(n >= cond.gte)) return false;
  if (cond.lt !== undefined && !(n < cond.lt)) return false;
  if (cond.lte !== undefined && !(n <= cond.lte)) return false;
  if (cond.eq !== undefined && n !== cond.eq) return false;
  if (cond.neq !== undefined && n === cond.neq) return false;
  return true;
}

/**
 * The Sigma engine over the ingest stream: detection rules match single events; correlation rules keep a sliding
 * window (by event time) per group and fire when their condition holds, then start a new window for that group.
 */
export function createSigmaEngine(initial: readonly SigmaRule[] = []) {
  let detections: DetectionRule[] = [];
  let correlations: CorrelationRule[] = [];
  // Detection rules referenced by a correlation with generate=false raise no alert of their own.
  let silent = new Set<string>();
  let byRef = new Map<string, CorrelationRule[]>();
  let byId = new Map<string, DetectionRule>();
  // Per detection rule, the fields (as the correlations name them) that the correlations it feeds read.
  let needs = new Map<string, string[]>();
  const state = new Map<string, Map<string, GroupState>>();
  // Candidate detection rules (in load order) per logsource signature; most events meet a handful of the rules.
  let candidates = new Map<string, DetectionRule[]>();
  // Signatures carry process names from the wire: bound the map so a sender cannot grow it without limit.
  const MAX_SIGNATURES = 4096;

  function candidatesOf(e: MatchEvent): readonly DetectionRule[] {
    const sig = logsourceSignature(e);
    if (sig === null) return detections.filter((r) => logsourceMatches(r.logsource, e));
    let list = candidates.get(sig);
    if (!list) {
      if (candidates.size >= MAX_SIGNATURES) candidates = new Map();
      list = detections.filter((r) => logsourceMatches(r.logsource, e));
      candidates.set(sig, list);
    }
    return list;
  }

  function load(rules: readonly SigmaRule[]): void {
    candidates = new Map();
    detections = rules.filter((r): r is DetectionRule => r.kind === 'detection');
    correlations = rules.filter((r): r is CorrelationRule => r.kind === 'correlation');
    silent = new Set();
    byRef = new Map();
    for (const c of correlations) {
      for (const ref of c.rules) {
        if (!c.generate) silent.add(ref);
        byRef.set(ref, [...(byRef.get(ref) ?? []), c]);
      }
    }
    for (const key of [...state.keys()]) if (!correlations.some((c) => c.id === key)) state.delete(key);
    byId = new Map();
    needs = new Map();
    for (const r of detections) {
      if (!byId.has(r.id)) byId.set(r.id, r);
      const fields = new Set<string>();
      for (const ref of [r.id, ...(r.name ? [r.name] : [])]) {
        for (const c of byRef.get(ref) ?? []) {
          for (const g of c.groupBy) fields.add(c.aliases[g]?.[ref] ?? g);
          if (c.condition.field) fields.add(c.condition.field);
        }
      }
      if (fields.size) needs.set(r.id, [...fields]);
    }
  }
  load(initial);

  function groupValue(c: CorrelationRule, ruleRef: string, fields: Record<string, unknown>, field: string): string {
    const alias = c.aliases[field];
    const actual = alias ? (alias[ruleRef] ?? field) : field;
    const v = fieldOf(fields, actual);
    return v === undefined || v === null ? '' : Array.isArray(v) ? v.join(',') : String(v);
  }

  function feedCorrelation(c: CorrelationRule, ruleRef: string, e: EngineEvent, out: RaisedAlert[]): void {
    const groupKey: Record<string, string> = {};
    for (const g of c.groupBy) groupKey[g] = groupValue(c, ruleRef, e.fields, g);
    // Group-by fields that are empty cannot correlate (a failure with no source IP is not a brute force from "").
    if (c.groupBy.length && Object.values(groupKey).some((v) => v === '')) return;
    const key = `${e.tenantId ?? ''}\u0000${c.groupBy.map((g) => groupKey[g]).join('\u0000')}`;
    let groups = state.get(c.id);
    if (!groups) state.set(c.id, (groups = new Map()));
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= MAX_GROUPS_PER_RULE) {
        // Bounded memory: forget the oldest group (Map keeps insertion order).
        const first = groups.keys().next().value;
        if (first !== undefined) groups.delete(first);
      }
      g = { hits: [], quietUntil: 0, values: new Map() };
      groups.set(key, g);
    }
    const t = e.ts.getTime();
    const hit: Hit = { ts: t, id: e.id, rule: ruleRef };
    if (c.condition.field) {
      const v = fieldOf(e.fields, c.condition.field);
      if (c.type === 'value_count') {
        if (v === undefined || v === null || v === '') return;
        hit.value = String(v);
      } else hit.num = Number(v) || 0;
    }
    const prev = g.hits[g.hits.length - 1];
    if (prev && t < prev.ts) {
      // Out of order: keep the window sorted (rare; logs mostly arrive in time order).
      let i = g.hits.length;
      while (i > 0 && g.hits[i - 1]!.ts > t) i -= 1;
      g.hits.splice(i, 0, hit);
    } else g.hits.push(hit);
    if (hit.value !== undefined) g.values.set(hit.value, (g.values.get(hit.value) ?? 0) + 1);
    // Slide the window: drop hits older than the timespan from the front (amortised O(1) per event).
    const latest = g.hits[g.hits.length - 1]!.ts;
    let drop = 0;
    while (drop < g.hits.length && (g.hits[drop]!.ts <= latest - c.timespanMs || g.hits.length - drop > MAX_WINDOW)) {
      const old = g.hits[drop]!;
      if (old.value !== undefined) {
        const n = (g.values.get(old.value) ?? 1) - 1;
        if (n <= 0) g.values.delete(old.value);
        else g.values.set(old.value, n);
      }
      drop += 1;
    }
    if (drop) g.hits.splice(0, drop);
    let fired = false;
    switch (c.type) {
      case 'event_count':
        fired = compare(c.condition, g.hits.length);
        break;
      case 'value_count':
        fired = compare(c.condition, g.values.size);
        break;
      case 'value_sum':
        fired = compare(c.condition, g.hits.reduce((s, h) => s + (h.num ?? 0), 0));
        break;
      case 'value_avg':
        fired = compare(c.condition, g.hits.reduce((s, h) => s + (h.num ?? 0), 0) / g.hits.length);
        break;
      case 'temporal':
        fired = c.rules.every((r) => g!.hits.some((h) => h.rule === r));
        break;
      case 'temporal_ordered': {
        let idx = 0;
        for (const h of g.hits) if (h.rule === c.rules[idx]) idx += 1;
        fired = idx >= c.rules.length;
        break;
      }
    }
    if (!fired || t < g.quietUntil) return;
    const sorted = g.hits;
    out.push({
      ruleId: c.id,
      title: c.title,
      level: c.level,
      tags: c.tags,
      tenantId: e.tenantId,
      groupKey,
      eventIds: sorted.slice(-MAX_EVENT_IDS).map((h) => h.id),
      firstSeen: new Date(sorted[0]!.ts),
      lastSeen: new Date(sorted[sorted.length - 1]!.ts),
    });
    g.hits = [];
    g.values = new Map();
    g.quietUntil = t + c.timespanMs;
  }

  const api = {
    load,
    /** Rules loaded, by kind. */
    counts: () => ({ detection: detections.length, correlation: correlations.length }),

    /**
     * The stateless half: the detection rules each event of a batch matches, in event order and rule load order.
     * `compact` (the parse worker) keeps of each matching event only the fields the correlations fed by its rules
     * read, so that little crosses back to the main thread; otherwise the event's own fields object is referenced.
     */
    match(events: readonly MatchEvent[], compact = false): EventMatch[] {
      const out: EventMatch[] = [];
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const view = viewOf(e);
        let rules: string[] | null = null;
        for (const r of candidatesOf(e)) {
          let hit = false;
          try {
            hit = r.match(view);
          } catch {
            hit = false;
          }
          if (hit) (rules ??= []).push(r.id);
        }
        if (!rules) continue;
        let fields = e.fields;
        if (compact) {
          fields = {};
          for (const id of rules) for (const f of needs.get(id) ?? []) if (!(f in fields)) fields[f] = fieldOf(e.fields, f);
        }
        out.push({ i, ts: e.ts.getTime(), tenantId: e.tenantId, rules, fields });
      }
      return out;
    },

    /**
     * The stateful half, on one thread: alerts of the matched detection rules and the correlation windows they feed.
     * `ids[m.i]` is the stored id of the matched event. A rule id this engine no longer has (rules reloaded while the
     * batch was matched elsewhere) is skipped.
     */
    apply(matches: readonly EventMatch[], ids: readonly number[]): RaisedAlert[] {
      const out: RaisedAlert[] = [];
      for (const m of matches) {
        const ts = new Date(m.ts);
        const e: EngineEvent = { id: ids[m.i]!, ts, tenantId: m.tenantId, parser: '', raw: '', fields: m.fields };
        for (const id of m.rules) {
          const r = byId.get(id);
          if (!r) continue;
          const refs = [r.id, ...(r.name ? [r.name] : [])];
          if (!refs.some((x) => silent.has(x))) {
            out.push({ ruleId: r.id, title: r.title, level: r.level, tags: r.tags, tenantId: e.tenantId, groupKey: {}, eventIds: [e.id], firstSeen: ts, lastSeen: ts });
          }
          for (const ref of refs) for (const c of byRef.get(ref) ?? []) feedCorrelation(c, ref, e, out);
        }
      }
      return out;
    },

    /** Runs every rule over a batch of stored events (in order); returns the alerts raised. */
    evaluate(events: readonly EngineEvent[]): RaisedAlert[] {
      return api.apply(api.match(events), events.map((e) => e.id));
    },

    /** Forgets every open window (tests, rule reloads). */
    reset(): void {
      state.clear();
    },
  };
  return api;
}

export type SigmaEngine = ReturnType<typeof createSigmaEngine>;
