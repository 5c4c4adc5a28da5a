// Every metric a dashboard queries must be one the app registers (core/http/metrics.ts), so a panel can
// never again chart a series nobody exports. `up` is Prometheus's own per-target series.
import test from 'ava';
import { createMetrics } from '../../core/http';
import { zoneDashboards } from './dashboards';
import { ROLES, type YiyunRole } from './workloads';

const PROMETHEUS_OWN = new Set(['up']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or values. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const out = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0])) continue;
    out.add(m[0]);
  }
  return [...out];
}

function exprsOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => exprsOf(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'expr' && typeof x === 'string') out.push(x);
      else exprsOf(x, out);
    }
  }
  return out;
}

/** Series names the registry exposes: a histogram `h` is scraped as h_bucket, h_count and h_sum. */
async function exportedSeries(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const m of await createMetrics().registry.getMetricsAsJSON()) {
    const type = String(m.type);
    out.add(m.name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) out.add(`${m.name}${s}`);
    if (type === 'summary') for (const s of ['_count', '_sum']) out.add(`${m.name}${s}`);
  }
  return out;
}

test('the extractor finds metrics and skips functions, labels, keywords and ranges', (t) => {
  t.deepEqual(
    metricNames('histogram_quantile(0.95, sum by (le, app) (rate(a_bucket{status=~"5.."}[5m]))) / on(app) b_total offset 1h'),
    ['a_bucket', 'b_total'],
  );
  t.deepEqual(metricNames('sum(up{app_kubernetes_io_name="kms"})'), ['up']);
});

test('every metric the zone dashboards query is exported by the app or Prometheus itself', async (t) => {
  const exported = await exportedSeries();
  const dashboards = zoneDashboards('dmz', Object.keys(ROLES) as YiyunRole[]);
  const exprs = Object.values(dashboards).flatMap((d) => exprsOf(d));
  t.true(exprs.length >= 8, 'the walk found the panels’ queries');
  const missing: string[] = [];
  for (const e of exprs) for (const name of metricNames(e)) if (!exported.has(name) && !PROMETHEUS_OWN.has(name)) missing.push(`${name} (in ${e})`);
  t.deepEqual(missing, []);
  // And the check bites: a name nobody exports is reported.
  t.false(exported.has('http_requests_total'));
});
