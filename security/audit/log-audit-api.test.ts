import test from 'ava';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import type { LogAudit } from './log-audit';

test.serial('log audit over HTTP: sources, ingest, search and drill-down, dashboard, rules, alert workflow, retention; tenant scoping and permissions', async (t) => {
  const srv = await startTestServer('postgres');
  try {
    const la = srv.ctx.rooms.get('log-audit')!.exports!.logAudit as LogAudit;
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const tA = (await admin.post('/api/tenants', { code: 'lc-rmyy', name: '凉城县人民医院', kind: 'county_hospital' })).body;
    const tB = (await admin.post('/api/tenants', { code: 'mh-wsy', name: '麦胡图镇卫生院', kind: 'township_centre' })).body;
    const sec = (await admin.post('/api/accounts', { loginId: 'secops', displayName: '安全管理员', roles: ['secadmin'] })).body;
    const ta = (await admin.post('/api/accounts', { loginId: 'rmyy.it', displayName: '租户管理员', roles: ['tenant-admin'], tenantId: tA.id })).body;
    const tb = (await admin.post('/api/accounts', { loginId: 'mhwsy.it', displayName: '租户管理员B', roles: ['tenant-admin'], tenantId: tB.id })).body;
    const s = new ApiClient(srv.url);
    await loginThroughFirstSteps(s, 'secops', sec.initialPassword, 'Audit#Guard2026x');
    const a = new ApiClient(srv.url);
    await loginThroughFirstSteps(a, 'rmyy.it', ta.initialPassword, 'Hosp#Alpha2026x');
    const b = new ApiClient(srv.url);
    await loginThroughFirstSteps(b, 'mhwsy.it', tb.initialPassword, 'Hosp#Beta2026xy');

    // The sysadmin has no log-audit permission (三员分立); the refusal is audited.
    t.is((await admin.post('/api/log-audit/search', {})).status, 403);

    // A tenant registers its own HTTP source; its token is shown once.
    const src = await a.post('/api/log-audit/sources', { name: 'rmyy-his', kind: 'http', parser: 'auto' });
    t.is(src.status, 201);
    t.is(src.body.tenantId, tA.id);
    t.is(typeof src.body.token, 'string');
    t.is((await a.get(`/api/log-audit/sources/${src.body.id}`)).body.token, undefined);
    t.is((await b.get(`/api/log-audit/sources/${src.body.id}`)).status, 404);

    const now = new Date();
    const stamp = (m: number) => new Date(now.getTime() - m * 60_000);
    const resolved = await la.sources.resolver.byToken(src.body.token as string);
    const lines = Array.from({ length: 8 }, (_, i) => `<38>1 ${stamp(8 - i).toISOString()} his01 sshd 77 - - Failed password for admin from 203.0.113.${i < 6 ? 9 : 10} port ${40000 + i} ssh2`);
    await la.pipeline.submit(lines.map((line) => ({ line, sourceId: resolved!.sourceId, tenantId: resolved!.tenantId, parser: 'auto', peerIp: '10.0.0.5', receivedAt: now })));
    await la.pipeline.drain();

    const search = await a.post('/api/log-audit/search', { from: stamp(60).toISOString(), filters: [{ field: 'source.ip', value: '203.0.113.9' }], sort: '@timestamp', order: 'asc' });
    t.is(search.status, 200);
    t.is(search.body.total, 6);
    const ev = search.body.items[0];
    t.is(ev.fields['user.name'], 'admin');
    t.regex(ev.raw, /Failed password/);
    // "Filter by this value" on any field of the event: the same search with one more filter.
    const drill = await a.post('/api/log-audit/search', { from: stamp(60).toISOString(), filters: [{ field: 'source.port', value: ev.fields['source.port'] }] });
    t.is(drill.body.total, 1);
    t.is((await a.get(`/api/log-audit/events/${ev.id}`)).body.raw, ev.raw);
    t.is((await b.get(`/api/log-audit/events/${ev.id}`)).status, 404);
    t.is((await b.post('/api/log-audit/search', { from: stamp(60).toISOString(), filters: [{ field: 'host.name', value: 'his01' }] })).body.total, 0);
    t.is((await a.post('/api/log-audit/search', { filters: [{ field: 'bad field!', value: 1 }] })).status, 400);

    const agg = await a.post('/api/log-audit/aggregate', { from: stamp(60).toISOString(), filters: [{ field: 'host.name', value: 'his01' }], type: 'terms', field: 'source.ip', size: 5 });
    t.deepEqual(agg.body.buckets.map((x: { key: string; count: number }) => [x.key, x.count]), [['203.0.113.9', 6], ['203.0.113.10', 2]]);

    const alerts = await a.get('/api/log-audit/alerts?status=new');
    const brute = alerts.body.items.find((x: { ruleTitle: string }) => x.ruleTitle === 'SSH brute force from one address');
    t.truthy(brute);
    t.deepEqual(brute.groupKey, { 'source.ip': '203.0.113.9' });
    t.is((await b.get(`/api/log-audit/alerts/${brute.id}`)).status, 404);

    const dash = await a.get('/api/log-audit/dashboard');
    t.is(dash.status, 200);
    const top = dash.body.topSources.find((x: { key: string }) => x.key === 'rmyy-his');
    t.is(top.count, 8);
    t.true(dash.body.topAlerts.some((x: { key: string }) => x.key === 'SSH brute force from one address'));
    t.true(dash.body.alertsBySeverity.some((x: { key: string }) => x.key === 'high'));
    // Drill-down from the top source is a search that finds its events.
    const fromDash = await a.post('/api/log-audit/search', top.drilldown);
    t.is(fromDash.body.total, 8);
    t.false((await b.get('/api/log-audit/dashboard')).body.topSources.some((x: { key: string }) => x.key === 'rmyy-his'));

    // Alert workflow: tenant admin may read but not act; the secadmin acknowledges and closes with a note.
    t.is((await a.post(`/api/log-audit/alerts/${brute.id}/transition`, { status: 'acknowledged' })).status, 403);
    t.is((await s.post(`/api/log-audit/alerts/${brute.id}/transition`, { status: 'acknowledged' })).body.status, 'acknowledged');
    t.is((await s.post(`/api/log-audit/alerts/${brute.id}/transition`, { status: 'closed' })).status, 400);
    const closed = await s.post(`/api/log-audit/alerts/${brute.id}/transition`, { status: 'closed', note: '已封禁该地址' });
    t.is(closed.body.status, 'closed');
    t.is(closed.body.note, '已封禁该地址');

    // Rules: the shipped ones are listed; a Sigma YAML import works and is audited; a broken one is refused.
    const rules = await s.get('/api/log-audit/rules?limit=100');
    t.true(rules.body.total >= 16);
    const imp = await s.post('/api/log-audit/rules/import', { yaml: 'title: test rule\nid: api-test-rule\nlogsource: {product: linux}\ndetection:\n  s: {user.name: admin}\n  condition: s\n' });
    t.is(imp.status, 201);
    t.is((await s.post('/api/log-audit/rules/import', { yaml: 'title: x\nid: y\ndetection: {condition: nothing}' })).status, 400);
    t.is((await s.patch('/api/log-audit/rules/api-test-rule', { enabled: false })).body.enabled, false);

    // Parse editor: try a draft parser on a sample line.
    const tried = await s.post('/api/log-audit/parsers/test', { parser: { kind: 'regex', pattern: '^EMR (?<u>\\S+) opened (?<rec>\\S+)$', mapping: { u: 'user.name' } }, lines: ['EMR zhang opened rec-1'] });
    t.is(tried.body.items[0].fields['user.name'], 'zhang');
    t.true(tried.body.items[0].matched);
    // A syslog line the draft does not match is reported as a failure, not as the header parse.
    const missed = await s.post('/api/log-audit/parsers/test', { parser: { name: 'emr', kind: 'regex', pattern: '^EMR (?<u>\\S+) opened', mapping: { u: 'user.name' } }, lines: ['<38>Nov 25 10:00:00 his01 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2'] });
    t.false(missed.body.items[0].matched);
    const made = await s.post('/api/log-audit/parsers', { name: 'emr', kind: 'regex', pattern: '^EMR (?<u>\\S+) opened (?<rec>\\S+)$', mapping: { u: 'user.name' } });
    t.is(made.status, 201);
    t.is((await a.delete(`/api/log-audit/parsers/${made.body.id}`)).status, 403);
    t.is((await s.delete(`/api/log-audit/parsers/${made.body.id}`)).status, 204);
    t.is((await s.get(`/api/log-audit/parsers/${made.body.id}`)).status, 404);

    // Retention: below 180 days needs the secadmin's explicit confirmation; a tenant cannot touch it.
    t.is((await s.put('/api/log-audit/retention', { retentionDays: 90 })).status, 400);
    t.is((await s.put('/api/log-audit/retention', { retentionDays: 90, confirmBelowMinimum: true })).body.retentionDays, 90);
    t.is((await a.put('/api/log-audit/retention', { retentionDays: 365 })).status, 403);
    t.is((await s.put('/api/log-audit/retention', { retentionDays: 180 })).body.retentionDays, 180);

    const trail = await srv.ctx.audit.search({ offset: 0, limit: 100, action: 'log_' });
    const actions = new Set(trail.items.map((r) => r.action));
    for (const x of ['log_source.created', 'log_alert.acknowledged', 'log_alert.closed', 'log_rule.imported', 'log_rule.disabled', 'log_retention.updated', 'log_parser.created', 'log_parser.deleted']) t.true(actions.has(x), x);
    t.true((await srv.ctx.audit.search({ offset: 0, limit: 10, outcome: 'denied' })).total >= 2);
  } finally {
    await srv.cleanup();
  }
});
