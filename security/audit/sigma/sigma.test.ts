import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../../core/errors';
import { normalise } from '../parsers/normalise-fns';
import { builtinRuleTexts } from '../rules/rules-service';
import { createSigmaEngine, logsourceMatches, type EngineEvent } from './sigma-engine';
import { compileRule, parseSigmaYaml, type CorrelationRule, type DetectionRule, type SigmaRule } from './sigma-fns';

const CORPORA = process.env.YIYUN_CORPORA ?? path.resolve(__dirname, '../../../../shared/corpora');
const walk = (d: string, ext: string): string[] => readdirSync(d).flatMap((f) => { const p = path.join(d, f); return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : []; });

let seq = 0;
const ev = (fields: Record<string, unknown>, ts = new Date('2026-11-25T10:00:00Z'), raw?: string): EngineEvent => ({
  id: ++seq, ts, tenantId: null, parser: String(fields._parser ?? 'json'), raw: raw ?? String(fields.message ?? JSON.stringify(fields)), fields,
});
const det = (yaml: string) => parseSigmaYaml(yaml)[0] as DetectionRule;
const view = (fields: Record<string, unknown>, raw = '') => ({ get: (f: string) => fields[f], text: () => raw });

test('every Linux and web rule of the SigmaHQ corpus compiles', (t) => {
  const files = [...walk(path.join(CORPORA, 'sigma/rules/linux'), '.yml'), ...walk(path.join(CORPORA, 'sigma/rules/web'), '.yml')];
  t.is(files.length, 255);
  const failed: string[] = [];
  for (const f of files) {
    try {
      const [r] = parseSigmaYaml(readFileSync(f, 'utf8'));
      if (r!.kind !== 'detection') failed.push(`${f}: not a detection rule`);
    } catch (err) {
      failed.push(`${f}: ${(err as Error).message}`);
    }
  }
  t.deepEqual(failed, []);
});

test('the specification examples: detection rules, every supported correlation type, and clear refusals', (t) => {
  const dir = path.join(CORPORA, 'sigma-spec/tests/schema');
  const r1 = parseSigmaYaml(readFileSync(path.join(dir, 'rules/rule_1.yml'), 'utf8'))[0] as DetectionRule;
  t.is(r1.id, '545a5da6-f103-4919-a519-e9aec1026ee4');
  t.deepEqual(r1.tags, ['attack.defense-evasion', 'attack.t1211', 'attack.t1562.001']);
  t.true(r1.match(view({ Provider_Name: 'application error' })), 'plain values match case-insensitively');
  t.false(r1.match(view({ Provider_Name: 'Application Error 2' })));
  t.false(logsourceMatches(r1.logsource, { parser: 'sshd', fields: {} }), 'a Windows rule never sees Linux events');
  const ecs = parseSigmaYaml(readFileSync(path.join(dir, 'rules/rule_ecs.yml'), 'utf8'))[0] as DetectionRule;
  t.true(ecs.match(view({ 'dns.question.name': 'SigmaHQ' })));
  const c = (f: string) => parseSigmaYaml(readFileSync(path.join(dir, 'correlation', f), 'utf8'))[0] as CorrelationRule;
  const ec = c('event_count.yml');
  t.like(ec, { type: 'event_count', groupBy: ['ComputerName'], timespanMs: 3_600_000, condition: { gte: 100 }, rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'] });
  t.like(c('value_count.yml'), { type: 'value_count', timespanMs: 86_400_000, condition: { field: 'User', gte: 100 } });
  t.like(c('temporal.yml'), { type: 'temporal', rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'], groupBy: ['ComputerName', 'User'], timespanMs: 300_000 });
  t.like(c('temporal_ordered.yml'), { type: 'temporal_ordered' });
  t.like(c('value_sum.yml'), { type: 'value_sum', condition: { field: 'bytes_sent', gt: 1000000 } });
  t.like(c('value_avg.yml'), { type: 'value_avg', condition: { field: 'BytesOut', gt: 500 } });
  t.like(c('event_count_ecs.yml'), { groupBy: ['dns.question.name'] });
  const pct = t.throws(() => c('value_percentile.yml'), { instanceOf: InputError });
  t.is((pct as InputError).code, 'sigma.unsupported_correlation');
  const filter = t.throws(() => parseSigmaYaml(readFileSync(path.join(dir, 'filter/filter_1.yml'), 'utf8')), { instanceOf: InputError });
  t.is((filter as InputError).code, 'sigma.unsupported_filter');
});

test('modifiers: contains, startswith, endswith, all, re (with inline flags), cidr, exists, numbers, wildcards, base64offset, windash, null', (t) => {
  const r = det(`
title: m
id: m1
logsource: {product: linux}
detection:
  a:
    CommandLine|contains|all: ['curl', '| sh']
  b:
    Image|endswith: ['/nc', '/ncat']
    CommandLine|startswith: 'nc -l'
  c:
    src_ip|cidr: ['10.0.0.0/8', '2001:db8::/32']
  d:
    url.original|re: '(?i)UNION\\s+SELECT'
  e:
    http.response.status_code|gte: 500
  f:
    user_agent.original: 'Mozilla*Nikto*'
  g:
    CommandLine|base64offset|contains: 'http://'
  h:
    CommandLine|windash|contains: ' -enc '
  i:
    missing.field: null
    marker: i
  j:
    process.pid|exists: false
    marker: j
  condition: 1 of them
`);
  t.true(r.match(view({ CommandLine: 'CURL http://x | sh' })));
  t.false(r.match(view({ CommandLine: 'curl http://x' })));
  t.true(r.match(view({ Image: '/usr/bin/ncat', CommandLine: 'nc -lvp 4444' })));
  t.false(r.match(view({ Image: '/usr/bin/ncat', CommandLine: 'ncat x' })));
  t.true(r.match(view({ src_ip: '10.1.2.3' })));
  t.true(r.match(view({ src_ip: '2001:db8::1' })));
  t.false(r.match(view({ src_ip: '11.1.2.3' })));
  t.true(r.match(view({ 'url.original': '/a?id=1 union   select 1' })));
  t.true(r.match(view({ 'http.response.status_code': 503 })));
  t.false(r.match(view({ 'http.response.status_code': 404 })));
  t.true(r.match(view({ 'user_agent.original': 'mozilla/5.0 (Nikto/2.1.6)' })));
  t.true(r.match(view({ CommandLine: `echo ${Buffer.from('get http://evil').toString('base64')} | base64 -d` })));
  t.true(r.match(view({ CommandLine: 'powershell /enc AAAA ' })));
  t.true(r.match(view({ marker: 'i' })), 'null matches an absent field');
  t.false(r.match(view({ marker: 'j', 'process.pid': 1 })));
  t.true(r.match(view({ marker: 'j' })));
  t.false(r.match(view({ other: 'x' })));
  t.throws(() => det('title: x\nid: x\ndetection: {s: {a|nosuch: 1}, condition: s}'), { message: /modifier \|nosuch/ });
});

test('conditions: and / or / not, parentheses, 1 of, all of, them; keyword lists search the raw line', (t) => {
  const r = det(`
title: c
id: c1
detection:
  selection_a: {f: a}
  selection_b: {g: b}
  filter_main_x: {h: x}
  keywords: ['Failed password', 'invalid*user']
  condition: (all of selection_* or keywords) and not 1 of filter_main_*
`);
  t.true(r.match(view({ f: 'a', g: 'b' })));
  t.false(r.match(view({ f: 'a' })));
  t.false(r.match(view({ f: 'a', g: 'b', h: 'x' })));
  t.true(r.match(view({}, 'sshd: Failed password for root')));
  t.true(r.match(view({}, 'Invalid user bob from 1.2.3.4')));
  t.false(r.match(view({ h: 'x' }, 'Failed password')));
  const them = det('title: t\nid: t\ndetection: {a: {x: 1}, b: {y: 2}, condition: all of them}');
  t.true(them.match(view({ x: 1, y: 2 })));
  t.false(them.match(view({ x: 1 })));
  t.throws(() => det('title: t\nid: t\ndetection: {a: {x: 1}, condition: a and nosuch}'), { message: /no detection named nosuch/ });
  t.throws(() => det('title: t\nid: t\ndetection: {a: {x: 1}, condition: a | count() > 5}'), { message: /correlation rule/ });
});

const base = (name: string, sel: string) => `title: ${name}\nname: ${name}\nid: ${name}-id\nlogsource: {product: linux}\ndetection:\n  selection: ${sel}\n  condition: selection\n`;

test('correlations: event_count and value_count over a sliding window per group; temporal and temporal_ordered', (t) => {
  const rules: SigmaRule[] = [
    ...parseSigmaYaml(base('fail', '{event.outcome: failure}')),
    ...parseSigmaYaml(`title: many\nid: many\ncorrelation: {type: event_count, rules: [fail], group-by: [source.ip], timespan: 1m, condition: {gte: 3}}\nlevel: high`),
    ...parseSigmaYaml(`title: spray\nid: spray\ncorrelation: {type: value_count, rules: [fail], group-by: [source.ip], timespan: 10m, condition: {field: user.name, gte: 3}}`),
    ...parseSigmaYaml(base('a', '{event.action: a}')),
    ...parseSigmaYaml(base('b', '{event.action: b}')),
    ...parseSigmaYaml(`title: ab\nid: ab\ncorrelation: {type: temporal_ordered, rules: [a, b], group-by: [user.name], timespan: 5m}`),
  ];
  const engine = createSigmaEngine(rules);
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000);
  const failure = (ip: string, user: string, s: number) => ev({ 'event.outcome': 'failure', 'source.ip': ip, 'user.name': user }, at(s));
  // Two failures, then a third 61 s after the first: outside the 1-minute window, no alert yet.
  let out = engine.evaluate([failure('1.1.1.1', 'u1', 0), failure('1.1.1.1', 'u1', 30), failure('1.1.1.1', 'u1', 61)]);
  t.deepEqual(out.map((a) => a.ruleId), []);
  out = engine.evaluate([failure('1.1.1.1', 'u2', 62), failure('2.2.2.2', 'u9', 62), failure('1.1.1.1', 'u3', 63)]);
  t.deepEqual(out.map((a) => a.ruleId), ['many', 'spray'], 'three failures of 1.1.1.1 within a minute; u1, u2 … three distinct users');
  t.deepEqual(out[0]!.groupKey, { 'source.ip': '1.1.1.1' });
  t.is(out[0]!.eventIds.length, 3);
  t.is(out[0]!.level, 'high');
  t.false(out.some((a) => a.ruleId === 'fail'), 'a base rule referenced by a correlation raises no alert of its own (generate: false)');
  // temporal_ordered: b before a does not fire; a then b does.
  out = engine.evaluate([ev({ 'event.action': 'b', 'user.name': 'x' }, at(100)), ev({ 'event.action': 'a', 'user.name': 'x' }, at(101))]);
  t.deepEqual(out, []);
  out = engine.evaluate([ev({ 'event.action': 'b', 'user.name': 'x' }, at(102))]);
  t.deepEqual(out.map((a) => a.ruleId), ['ab']);
  const temporal = createSigmaEngine([...parseSigmaYaml(base('a', '{event.action: a}')), ...parseSigmaYaml(base('b', '{event.action: b}')), ...parseSigmaYaml('title: tt\nid: tt\ncorrelation: {type: temporal, rules: [a, b], group-by: [user.name], timespan: 5m}')]);
  t.deepEqual(temporal.evaluate([ev({ 'event.action': 'b', 'user.name': 'y' }, at(0)), ev({ 'event.action': 'a', 'user.name': 'z' }, at(1))]), []);
  t.deepEqual(temporal.evaluate([ev({ 'event.action': 'a', 'user.name': 'y' }, at(2))]).map((a) => a.ruleId), ['tt']);
});

test('shipped rules: the SSH brute-force rule flags exactly the addresses with ≥ 5 failed passwords within 10 minutes in Loghub OpenSSH', (t) => {
  const lines = readFileSync(path.join(CORPORA, 'loghub/OpenSSH/OpenSSH_2k.log'), 'utf8').split('\n').filter(Boolean);
  const now = new Date('2026-01-05T00:00:00');
  // Independent ground truth straight from the text: "Failed <method> for … from <ip> port".
  const byIp = new Map<string, number[]>();
  for (const l of lines) {
    const m = /sshd\[\d+\]: (?:message repeated \d+ times: \[ )?Failed \S+ for .* from (\d+\.\d+\.\d+\.\d+) port/.exec(l);
    if (!m) continue;
    const ts = normalise(l, { now }).ts.getTime();
    byIp.set(m[1]!, [...(byIp.get(m[1]!) ?? []), ts]);
  }
  const expected = [...byIp].filter(([, ts]) => ts.sort((a, b) => a - b).some((x, i) => ts[i + 4] !== undefined && ts[i + 4]! - x < 600_000)).map(([ip]) => ip).sort();
  t.true(expected.length >= 3, `${expected.join(', ')}`);
  t.true(expected.includes('183.62.140.253'));

  const engine = createSigmaEngine(builtinRuleTexts().flatMap((y) => parseSigmaYaml(y)));
  const events = lines.map((l, i) => { const e = normalise(l, { now }); return { id: i + 1, ts: e.ts, tenantId: null, parser: e.parser, raw: e.raw, fields: e.fields }; });
  const alerts = engine.evaluate(events);
  const brute = alerts.filter((a) => a.title === 'SSH brute force from one address');
  t.deepEqual([...new Set(brute.map((a) => a.groupKey['source.ip']!))].sort(), expected);
  t.true(brute.every((a) => a.level === 'high' && a.tags.includes('attack.t1110.001') && a.eventIds.length >= 5));
  // The spraying rule sees invalid-user attempts of many names from one address in the same sample.
  t.true(alerts.some((a) => a.title === 'Password spraying from one address'));
});

test('shipped rules: sudo abuse, one account from many addresses, web attacks; a public SigmaHQ web rule fires on our access-log fields', (t) => {
  const engine = createSigmaEngine(builtinRuleTexts().flatMap((y) => parseSigmaYaml(y)));
  const now = new Date('2026-11-25T12:00:00Z');
  const lines = [
    'Nov 25 10:00:00 web1 sudo: mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash',
    'Nov 25 10:00:01 web1 sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/shadow',
    'Nov 25 10:00:02 web1 sshd[1]: Accepted password for dr.li from 10.0.0.1 port 5000 ssh2',
    'Nov 25 10:10:02 web1 sshd[2]: Accepted password for dr.li from 10.0.0.2 port 5000 ssh2',
    'Nov 25 10:20:02 web1 sshd[3]: Accepted password for dr.li from 172.16.0.9 port 5000 ssh2',
    '198.51.100.7 - - [25/Nov/2026:10:00:00 +0000] "GET /index.php?id=1%27%20or%201=1-- HTTP/1.1" 200 12 "-" "sqlmap/1.7"',
    '198.51.100.7 - - [25/Nov/2026:10:00:01 +0000] "GET /../../etc/passwd HTTP/1.1" 400 12 "-" "curl/8"',
  ];
  const alerts = engine.evaluate(lines.map((l, i) => { const e = normalise(l, { now }); return { id: i + 1, ts: e.ts, tenantId: null, parser: e.parser, raw: e.raw, fields: e.fields }; }));
  const titles = alerts.map((a) => a.title);
  for (const want of ['User not in sudoers ran sudo', 'sudo to a shell or to sensitive files', 'One account logged in from many addresses', 'SQL injection in an access log', 'Attack tool user agent', 'Path traversal in an access log']) t.true(titles.includes(want), want);
  t.deepEqual(alerts.find((a) => a.title === 'One account logged in from many addresses')!.groupKey, { 'user.name': 'dr.li' });

  const sqli = parseSigmaYaml(readFileSync(path.join(CORPORA, 'sigma/rules/web/webserver_generic/web_sql_injection_in_access_logs.yml'), 'utf8'))[0] as DetectionRule;
  const hit = normalise('203.0.113.5 - - [25/Nov/2026:10:00:00 +0000] "GET /a.php?id=1%20UNION%20SELECT%20password HTTP/1.1" 200 5 "-" "x"');
  const miss404 = normalise('203.0.113.5 - - [25/Nov/2026:10:00:00 +0000] "GET /a.php?id=1%20UNION%20SELECT%20password HTTP/1.1" 404 5 "-" "x"');
  const e = (x: typeof hit) => ({ get: (f: string) => x.fields[f] ?? ({ 'cs-method': x.fields['http.request.method'], 'sc-status': x.fields['http.response.status_code'] } as Record<string, unknown>)[f], text: () => x.raw });
  t.true(logsourceMatches(sqli.logsource, hit));
  t.true(sqli.match(e(hit)));
  t.false(sqli.match(e(miss404)), 'its filter on sc-status 404 applies through our field mapping');
});

/** Reads a file of one or more concatenated pretty-printed JSON objects. */
function jsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i += 1;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

test('SigmaHQ regression data: every event file loads with its match count; the rules they test are Windows/Cisco, outside our log sources', (t) => {
  const root = path.join(CORPORA, 'sigma/regression_data');
  const infos = walk(root, 'info.yml');
  t.true(infos.length >= 200);
  let events = 0;
  let checked = 0;
  const ours = new Set(
    [...walk(path.join(CORPORA, 'sigma/rules/linux'), '.yml'), ...walk(path.join(CORPORA, 'sigma/rules/web'), '.yml')].map((f) => String((parseYaml(readFileSync(f, 'utf8')) as { id: string }).id)),
  );
  for (const info of infos) {
    const meta = parseYaml(readFileSync(info, 'utf8')) as { rule_metadata: Array<{ id: string }>; regression_tests_info?: Array<{ path: string; match_count?: number }> };
    const ruleId = meta.rule_metadata[0]!.id;
    // Our field mapping covers Linux and web log sources; none of the tested rules is one of them.
    t.false(ours.has(ruleId), ruleId);
    for (const rt of meta.regression_tests_info ?? []) {
      const json = path.join(path.dirname(info), `${path.basename(rt.path, '.evtx')}.json`);
      let text: string;
      try {
        text = readFileSync(json, 'utf8');
      } catch {
        continue;
      }
      const evs = jsonStream(text);
      t.true(evs.length >= 1);
      if (rt.match_count !== undefined) t.true(evs.length >= rt.match_count, json);
      // A Windows event never passes our Linux/web log-source gate, so no Linux rule can fire on it by accident.
      t.false(logsourceMatches({ product: 'windows' }, { parser: 'json', fields: {} }));
      events += evs.length;
      checked += 1;
    }
  }
  t.true(checked >= 190, `${checked}`);
  t.true(events >= checked);
});

test('a rule needs a title, a detection or a correlation with a condition', (t) => {
  t.throws(() => compileRule({ id: 'x' }), { message: /title/ });
  t.throws(() => compileRule({ id: 'x', title: 'x' }), { message: /detection is required/ });
  t.throws(() => compileRule({ id: 'x', title: 'x', correlation: { type: 'event_count', rules: ['a'], timespan: '1h' } }), { message: /needs a condition/ });
  t.throws(() => compileRule({ id: 'x', title: 'x', correlation: { type: 'event_count', rules: ['a'], timespan: '1 fortnight', condition: { gte: 1 } } }), { message: /timespan/ });
});

test('the stateless half sends only the fields correlations read, and applying it elsewhere raises what evaluate raises: aliases, value_count, value_sum, tenants', (t) => {
  const rules = (): SigmaRule[] => [
    ...parseSigmaYaml(base('login', '{event.action: login}')),
    ...parseSigmaYaml(base('xfer', '{event.action: transfer}')),
    ...parseSigmaYaml(base('noisy', '{event.action: noise}')),
    ...parseSigmaYaml('title: from-many\nid: from-many\ncorrelation: {type: value_count, rules: [login], group-by: [user.name], timespan: 10m, condition: {field: source.ip, gte: 3}}'),
    ...parseSigmaYaml('title: login-then-xfer\nid: ltx\ncorrelation:\n  type: temporal\n  rules: [login, xfer]\n  group-by: [who]\n  timespan: 5m\n  aliases: {who: {login: user.name, xfer: destination.user.name}}'),
    ...parseSigmaYaml('title: big\nid: big\ncorrelation: {type: value_sum, rules: [xfer], group-by: [destination.user.name], timespan: 5m, condition: {field: bytes, gt: 100}}'),
  ];
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const events: EngineEvent[] = [];
  for (let i = 0; i < 80; i++) {
    const tenantId = i >= 40 ? 'a' : null;
    const at = new Date(t0 + i * 7_000);
    const kind = i % 4;
    const fields: Record<string, unknown> =
      kind === 0 ? { 'event.action': 'login', 'user.name': `u${i % 3}`, 'source.ip': `10.0.0.${i % 5}`, message: 'x'.repeat(50) }
      : kind === 1 ? { 'event.action': 'transfer', 'destination.user.name': `u${i % 3}`, bytes: 30 + i, 'url.original': '/y' }
      : kind === 2 ? { 'event.action': 'noise', 'user.name': 'z' }
      : { 'event.action': 'other' };
    events.push({ ...ev({ ...fields, _parser: 'json' }, at), tenantId });
  }
  const inline = createSigmaEngine(rules()).evaluate(events);
  const worker = createSigmaEngine(rules());
  const main = createSigmaEngine(rules());
  const matches = worker.match(events, true);
  // A clone as postMessage would make it: only plain data crosses.
  const sent = structuredClone(matches);
  t.deepEqual(sent, matches);
  const login = sent.find((m) => m.rules.includes('login-id'))!;
  t.deepEqual(Object.keys(login.fields).sort(), ['source.ip', 'user.name'], 'a login carries its group-by, alias and value fields only');
  const xfer = sent.find((m) => m.rules.includes('xfer-id'))!;
  t.deepEqual(Object.keys(xfer.fields).sort(), ['bytes', 'destination.user.name']);
  t.deepEqual(sent.find((m) => m.rules.includes('noisy-id'))!.fields, {}, 'a rule no correlation reads sends no fields');
  const applied = main.apply(sent, events.map((e) => e.id));
  t.deepEqual([...new Set(inline.map((a) => a.ruleId))].sort(), ['big', 'from-many', 'ltx', 'noisy-id']);
  t.deepEqual(new Set(inline.map((a) => a.tenantId)), new Set([null, 'a']));
  t.deepEqual(applied, inline);
});
