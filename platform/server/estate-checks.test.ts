import test from 'ava';
import path from 'node:path';
import { allCatalogues, createEvidenceRegistry, type CheckResult } from '../../compliance';
import { planStack } from '../../infra/plan/plan';
import { evaluatePolicies } from '../../policies';
import { T } from '../../policies/resource-types';
import { estateEvidenceSource } from './estate-evidence';
import type { PlanResource, PlanSummary } from '../../infra/plan/plan-facts';

const root = path.resolve(__dirname, '../..');
const STACKS = ['liangcheng-dmz', 'liangcheng-internet'];
const ctx = () => ({ now: new Date(), signal: new AbortController().signal });

let real: PlanSummary[] = [];
test.before(async () => {
  for (const s of STACKS) real.push((await planStack(s, { cwd: root })) as PlanSummary);
});

/**
 * A copy of the real plans with `edit` applied to the internet stack's resources, its violations re-judged by the
 * real rules, as the planner would have judged a program that declared them.
 */
function broken(edit: (rs: PlanResource[]) => void): PlanSummary[] {
  return real.map((p) => {
    const copy = structuredClone(p);
    if (p.stack !== 'liangcheng-internet') return copy;
    edit(copy.resources);
    const judged = copy.resources.filter((r) => !r.type.startsWith('pulumi:') && !r.type.startsWith('yiyun:')).map((r) => ({ ...r, props: r.props ?? {} }));
    copy.violations = evaluatePolicies(judged, copy.policyContext);
    return copy;
  });
}

async function run(plans: PlanSummary[], key: string): Promise<CheckResult> {
  const src = estateEvidenceSource(async (s) => plans.find((p) => p.stack === s)!, STACKS);
  const check = src.checks.find((c) => c.key === key)!;
  const out = await check.run(ctx());
  return Array.isArray(out) ? out[0]! : out;
}
const item = (r: CheckResult, id: string) => r.perItem![id]!;
const file = (r: CheckResult, name: string) => r.files!.find((f) => f.name === name)!.content.toString('utf8');
const find = (rs: PlanResource[], type: string, pred: (r: PlanResource) => boolean = () => true) => rs.find((r) => r.type === type && pred(r))!;

test('re-judging an unedited copy reproduces the planner’s violations (the broken fixtures are judged the same way)', (t) => {
  const same = broken(() => undefined);
  t.deepEqual(same[1]!.violations, real[1]!.violations);
});

test('every estate check registers against the real catalogues (the wiring’s registry)', (t) => {
  const registry = createEvidenceRegistry(new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id))));
  registry.register(estateEvidenceSource(async () => real[0]!, STACKS));
  const keys = registry.checks().map((c) => c.key);
  for (const k of ['estate.security-groups', 'estate.network-acls', 'estate.zones', 'estate.mgmt-network', 'estate.backups', 'estate.redundancy', 'estate.replicas', 'estate.images', 'estate.inventory']) t.true(keys.includes(k), k);
  t.deepEqual(registry.checksFor('L3-CES1-29').map((c) => c.key), ['estate.plan-policies', 'estate.backups']);
});

test('the checks share one plan per stack even when the runner starts them together', async (t) => {
  const calls: string[] = [];
  const src = estateEvidenceSource(async (s) => {
    calls.push(s);
    await new Promise((r) => setTimeout(r, 20));
    return real.find((p) => p.stack === s)!;
  }, STACKS);
  await Promise.all(src.checks.map((c) => c.run(ctx())));
  t.deepEqual(calls, STACKS);
});

test('security groups: the compliant estate passes and the dump lists every rule', async (t) => {
  const r = await run(real, 'estate.security-groups');
  for (const id of ['L3-ABS1-05', 'L3-ABS1-06', 'L3-ABS1-07', 'L3-ABS1-08', 'L3-CES1-18', 'L3-ABS2-01']) t.is(item(r, id).verdict, 'pass', id);
  const csv = file(r, 'security-group-rules.csv').trim().split('\r\n');
  const declared = real.reduce((n, p) => n + p.resources.filter((x) => x.type === T.secGroupRule).length, 0);
  t.is(csv.length - 1, declared);
  t.regex(csv[0]!, /zone,group,tier,direction/);
});

test('security groups: SSH open to 0.0.0.0/0 fails the boundary items and is marked in the dump', async (t) => {
  const plans = broken((rs) => rs.push({ type: T.secGroupRule, name: 'internet-sg-services-ssh-world', zone: 'internet', props: { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remoteIpPrefix: '0.0.0.0/0', securityGroupId: 'internet-sg-services' } }));
  const r = await run(plans, 'estate.security-groups');
  t.is(r.verdict, 'fail');
  for (const id of ['L3-ABS1-05', 'L3-ABS1-07', 'L3-CES1-18']) {
    t.is(item(r, id).verdict, 'fail', id);
    t.regex(item(r, id).summary!, /internet-sg-services-ssh-world/);
  }
  t.is(item(r, 'L3-ABS1-08').verdict, 'pass');
  const row = file(r, 'security-group-rules.csv').split('\r\n').find((l) => l.includes('0.0.0.0/0') && l.includes(',22,'))!;
  t.regex(row, /world/);
  t.regex(row, /admin-port-not-public/);
});

test('security groups: a group that keeps Neutron’s default rules, a dangling and a duplicated rule', async (t) => {
  const plans = broken((rs) => {
    find(rs, T.secGroup, (g) => g.name === 'internet-sg-services').props!.deleteDefaultRules = false;
    const rule = find(rs, T.secGroupRule, (x) => x.props?.securityGroupId === 'internet-sg-edge');
    rs.push({ ...structuredClone(rule), name: `${rule.name}-copy` });
    rs.push({ ...structuredClone(rule), name: 'orphan-rule', props: { ...rule.props, securityGroupId: 'no-such-group' } });
  });
  const r = await run(plans, 'estate.security-groups');
  t.is(item(r, 'L3-ABS1-05').verdict, 'fail');
  t.regex(item(r, 'L3-ABS1-05').summary!, /默认放行/);
  t.is(item(r, 'L3-ABS1-06').verdict, 'partial');
  t.regex(item(r, 'L3-ABS1-06').summary!, /no-such-group/);
  t.is((r.evidence.duplicates as string[]).length, 1);
});

test('network ACLs: the compliant estate passes; the tier matrix lets the world reach only the edge', async (t) => {
  const r = await run(real, 'estate.network-acls');
  for (const id of ['L3-ABS1-05', 'L3-ABS1-06', 'L3-ABS1-07', 'L3-ABS2-01']) t.is(item(r, id).verdict, 'pass', id);
  const matrix = r.evidence.matrix as Array<{ zone: string; from: string; to: string; services: string[] }>;
  const outside = (m: { from: string }) => m.from === 'any' || m.from === 'world';
  for (const zone of ['dmz', 'internet']) t.true(matrix.some((m) => m.zone === zone && m.from !== m.to && !outside(m)), zone);
  t.true(matrix.some((m) => m.zone === 'internet' && outside(m) && m.to === 'edge' && m.services.includes('tcp/443')));
  t.false(matrix.some((m) => outside(m) && m.to !== 'edge'), 'nothing but the edge is reachable from outside');
  t.regex(file(r, 'tier-flow-matrix.csv'), /^\ufeffstack,zone,from,to,allowed_services/);
});

test('network ACLs: an unguarded router port, a rule after the final deny, and SSH allowed from anywhere', async (t) => {
  const plans = broken((rs) => {
    const i = rs.findIndex((x) => x.type === T.fwGroup && x.name === 'internet-fwg-tenant');
    rs.splice(i, 1);
    const pol = find(rs, T.fwPolicy, (p) => p.name === 'internet-fwp-services-egress');
    rs.push({ type: T.fwRule, name: 'internet-fwr-late', zone: 'internet', props: { action: 'allow', ipVersion: 4, protocol: 'tcp', destinationPort: '22', enabled: true } });
    (pol.props!.rules as string[]).push('internet-fwr-late');
  });
  const r = await run(plans, 'estate.network-acls');
  t.is(item(r, 'L3-ABS2-01').verdict, 'fail');
  t.regex(item(r, 'L3-ABS2-01').summary!, /internet-rport-tenant/);
  t.is(item(r, 'L3-ABS1-05').verdict, 'fail');
  t.is(item(r, 'L3-ABS1-07').verdict, 'fail', 'admin port allowed from anywhere (the rule of policies/ says so)');
  t.regex(item(r, 'L3-ABS1-07').summary!, /internet-fwr-late/);
  t.is(item(r, 'L3-ABS1-06').verdict, 'partial');
  t.regex(item(r, 'L3-ABS1-06').summary!, /internet-fwr-late/);
});

test('zones: the gatekeeper whitelist is the only crossing; a route into the other zone fails', async (t) => {
  const ok = await run(real, 'estate.zones');
  for (const id of ['L3-CNS1-03', 'L3-CNS1-04', 'L3-ABS1-01', 'L3-ABS2-02']) t.is(item(ok, id).verdict, 'pass', id);
  const flows = real[0]!.gatekeeper!.flows;
  t.is(file(ok, 'gatekeeper-whitelist.csv').trim().split('\r\n').length - 1, flows.length);
  const plans = broken((rs) => rs.push({ type: T.routerRoute, name: 'internet-route-to-dmz', zone: 'internet', props: { routerId: 'internet-router-core', destinationCidr: '10.20.16.0/20', nextHop: '10.30.255.249' } }));
  const r = await run(plans, 'estate.zones');
  for (const id of ['L3-CNS1-04', 'L3-ABS1-01', 'L3-ABS2-02']) t.is(item(r, id).verdict, 'fail', id);
  t.regex(item(r, 'L3-CNS1-04').summary!, /internet-route-to-dmz/);
  t.is(item(r, 'L3-CNS1-03').verdict, 'pass');
});

test('management network: separate in each zone; shared with tenants it fails', async (t) => {
  const ok = await run(real, 'estate.mgmt-network');
  for (const id of ['L3-SMC1-07', 'L3-SMC1-08', 'L3-SMC2-02']) t.is(item(ok, id).verdict, 'pass', id);
  const plans = broken((rs) => {
    find(rs, T.network, (n) => (n.props?.tags as string[] | undefined)?.includes('yiyun:tier=management') === true).props!.shared = true;
  });
  const r = await run(plans, 'estate.mgmt-network');
  t.is(item(r, 'L3-SMC2-02').verdict, 'fail');
  t.regex(item(r, 'L3-SMC2-02').summary!, /internet-net-management/);
});

test('backups: every VM and volume has a policy with schedule and retention; a VM without one fails', async (t) => {
  const ok = await run(real, 'estate.backups');
  for (const id of ['L3-CES1-29', 'L3-MMS1-34', 'L3-MMS1-35', 'L3-MMS1-36']) t.is(item(ok, id).verdict, 'pass', id);
  t.is(item(ok, 'L3-CES1-30').verdict, 'partial', 'no off-site backup is declared, so the check cannot say 符合');
  const table = file(ok, 'backup-policy-table.csv');
  const vms = real.reduce((n, p) => n + p.resources.filter((x) => x.type === T.instance).length, 0);
  t.is(table.split('\r\n').filter((l) => l.includes(',vm,')).length, vms);
  t.regex(table, /daily-incremental: 0 1 \* \* \*/);
  t.regex(table, /weekly-full: 180 d/);

  const plans = broken((rs) => {
    const vm = find(rs, T.instance, (i) => i.name === 'internet-pg-b');
    delete (vm.props!.metadata as Record<string, unknown>)['yiyun.backup-policy'];
  });
  const r = await run(plans, 'estate.backups');
  t.is(r.verdict, 'fail');
  for (const id of ['L3-CES1-29', 'L3-MMS1-34']) t.regex(item(r, id).summary!, /internet-pg-b/);
  t.is(item(r, 'L3-MMS1-36').verdict, 'partial', 'an HA member with no backup lacks the full+incremental pair');
  t.true((r.evidence.uncoveredVms as string[]).includes('internet/internet-pg-b'));
});

test('redundancy: HaVIP pairs in anti-affinity groups pass; a soft policy or a missing hint fails', async (t) => {
  const ok = await run(real, 'estate.redundancy');
  t.is(item(ok, 'L3-CES1-31').verdict, 'pass');
  const pairs = ok.evidence.pairs as Array<{ zone: string; name: string; members: string[]; groupPolicies: string[] }>;
  t.true(pairs.length >= 2);
  t.true(pairs.every((p) => p.members.length === 2 && p.groupPolicies.includes('anti-affinity')));

  const soft = broken((rs) => { find(rs, T.serverGroup, (g) => g.name === 'internet-pg-group').props!.policies = ['soft-anti-affinity']; });
  const r = await run(soft, 'estate.redundancy');
  t.is(item(r, 'L3-CES1-31').verdict, 'fail');
  t.is(item(r, 'L3-CNS1-05').verdict, 'fail');
  t.regex(item(r, 'L3-CES1-31').summary!, /pg/);
  const nohint = broken((rs) => { find(rs, T.instance, (i) => i.name === 'internet-waf-b').props!.schedulerHints = []; });
  t.is(item(await run(nohint, 'estate.redundancy'), 'L3-CES1-31').verdict, 'fail');
});

test('replicas: three replicas pass; a two-replica volume type fails', async (t) => {
  t.is((await run(real, 'estate.replicas')).verdict, 'pass');
  const plans = broken((rs) => { (find(rs, T.volumeType).props!.extraSpecs as Record<string, string>)['yiyun:replicas'] = '2'; });
  const r = await run(plans, 'estate.replicas');
  t.is(r.verdict, 'fail');
  t.regex(item(r, 'L3-CES2-16').summary!, /3 副本/);
});

test('images: the allowed list passes; an image off the list fails', async (t) => {
  const ok = await run(real, 'estate.images');
  t.is(item(ok, 'L3-CES2-07').verdict, 'pass');
  const vmByName = real.some((p) => p.resources.some((r) => r.type === T.instance && !r.props?.imageId));
  if (vmByName) t.is(item(ok, 'L3-CES2-08').verdict, 'partial', 'a VM image named but not pinned proves no integrity');
  t.is(item(ok, 'MP-DC-06').verdict, 'partial');
  t.regex(item(ok, 'MP-DC-06').summary!, /SHA-256.*非 SM3/);
  const plans = broken((rs) => { find(rs, T.instance, (i) => i.name === 'internet-waf-a').props!.imageName = 'ubuntu-22.04-cloud'; });
  const r = await run(plans, 'estate.images');
  t.is(item(r, 'L3-CES2-07').verdict, 'fail');
  t.regex(item(r, 'L3-CES2-07').summary!, /ubuntu-22\.04-cloud/);
  t.regex(file(r, 'image-references.csv'), /internet-waf-a,ubuntu-22\.04-cloud,false/);
});

test('inventory: every declared resource is listed per zone; an untagged port is a labelling gap', async (t) => {
  const ok = await run(real, 'estate.inventory');
  t.is(ok.verdict, 'pass');
  const perZone = ok.evidence.perZone as Array<{ zone: string; total: number }>;
  t.deepEqual(perZone.map((z) => z.zone).sort(), ['dmz', 'internet']);
  const rows = file(ok, 'asset-inventory.csv').trim().split('\r\n').length - 1;
  t.is(rows, perZone.reduce((n, z) => n + z.total, 0));
  t.false(file(ok, 'declared-configuration.json').includes('mock-random-value'), 'secrets stay redacted');
  const plans = broken((rs) => { find(rs, T.port, (p) => p.name === 'internet-pg-vip').props!.tags = []; });
  const r = await run(plans, 'estate.inventory');
  t.is(item(r, 'L3-MMS1-05').verdict, 'partial');
  t.regex(item(r, 'L3-MMS1-05').summary!, /internet-pg-vip/);
});

test('hosting (L3-CNS2-01): every hosted app is filed at or below the platform; a Deployment relabelled level 4 fails', async (t) => {
  const ok = await run(real, 'estate.plan-policies');
  t.is(item(ok, 'L3-CNS2-01').verdict, 'pass');
  const apps = real.flatMap((p) => p.zones.flatMap((z) => z.apps ?? []));
  t.true(apps.length > 0, 'the stacks host clinical apps');
  const csv = file(ok, 'hosted-systems.csv');
  for (const a of apps) t.regex(csv, new RegExp(`,${a.id},${a.item},.*,${a.grade},3,true,`), a.id);
  const clinical = (r: PlanResource) => (r.props?.metadata as { labels?: Record<string, string> } | undefined)?.labels?.['app.kubernetes.io/part-of'] === 'yiyun-clinical';
  t.true(real[1]!.resources.filter((r) => r.type === T.k8sDeployment && clinical(r)).every((r) => (r.props!.metadata as { labels: Record<string, string> }).labels['yiyun.io/grade'] === '3'));
  const bad = await run(broken((rs) => {
    const d = find(rs, T.k8sDeployment, clinical);
    (d.props!.metadata as { labels: Record<string, string> }).labels['yiyun.io/grade'] = '4';
  }), 'estate.plan-policies');
  t.is(item(bad, 'L3-CNS2-01').verdict, 'fail');
  t.regex(item(bad, 'L3-CNS2-01').summary!, /level 4, above the platform's level 3/);
});
