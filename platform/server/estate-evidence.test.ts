import test from 'ava';
import path from 'node:path';
import { defaultPolicyContext, evaluatePolicies, ResourceTypes as T } from '../../policies';
import { estateEvidenceSource, planInChildProcess, type PlanSummary } from './estate-evidence';

const zone = (fits: boolean) => ({ zone: 'dmz', capacity: { vcpu: 100, ramGb: 100, storageTb: 1 }, declared: { vcpu: fits ? 50 : 150, ramGb: 10, storageTb: 0.5 }, fits });

function fakePlan(violations: PlanSummary['violations'], fits = true) {
  return async (stack: string) => ({ stack, zones: [zone(fits)], resources: [{ type: 't', name: 'n', zone: 'dmz', props: {} }], violations, gatekeeper: [], ok: true, durationMs: 1 }) as unknown as PlanSummary;
}

const ctx = () => ({ now: new Date(), signal: new AbortController().signal });

test('a clean plan passes every item its rules serve; capacity that fits passes', async (t) => {
  const src = estateEvidenceSource(fakePlan([]), ['s1']);
  const policies = await src.checks[0]!.run(ctx());
  const r = Array.isArray(policies) ? policies[0]! : policies;
  t.is(r.verdict, 'pass');
  t.is(r.perItem!['L3-ABS1-05']!.verdict, 'pass');
  t.false('L3-CES1-14' in r.perItem!); // judged by the audit chain check
  const cap = await src.checks[1]!.run(ctx());
  t.is((Array.isArray(cap) ? cap[0]! : cap).verdict, 'pass');
});

test('a violation fails exactly the items its rule serves; over capacity fails', async (t) => {
  const v = { policy: 'admin-port-not-public', resource: 'sg-rule-ssh', type: 'openstack:networking/secGroupRule:SecGroupRule', severity: 'critical' as const, message: '22 open to 0.0.0.0/0', dengbao: ['L3-ABS1-05'], remediation: 'restrict' };
  const src = estateEvidenceSource(fakePlan([v], false), ['s1']);
  const r = (await src.checks[0]!.run(ctx())) as Exclude<Awaited<ReturnType<(typeof src.checks)[0]['run']>>, unknown[]>;
  t.is(r.verdict, 'fail');
  t.is(r.perItem!['L3-ABS1-05']!.verdict, 'fail');
  t.is(r.perItem!['L3-CES1-28']!.verdict, 'pass'); // encryption rule not violated
  const cap = await src.checks[1]!.run(ctx());
  t.is((Array.isArray(cap) ? cap[0]! : cap).verdict, 'fail');
});

/** A one-zone plan hosting apps of the given grades as the planner would judge it: Deployments labelled, violations from the real rules. */
function hostingPlan(grades: Record<string, number>, platformGrade = 3) {
  const policyContext = defaultPolicyContext({ platformGrade });
  const resources = Object.entries(grades).map(([id, grade]) => ({
    type: T.k8sDeployment, name: `dmz-app-${id}-${id}`, zone: 'dmz',
    props: { metadata: { labels: { 'app.kubernetes.io/part-of': 'yiyun-clinical', 'yiyun.io/app': id, 'yiyun.io/grade': String(grade) } } },
  }));
  const apps = Object.entries(grades).map(([id, grade], i) => ({ id, item: i + 1, name: { zh: `系统${id}`, en: `System ${id}` }, grade, gradeReason: `filed at level ${grade}` }));
  return async (stack: string) => ({
    stack, zones: [{ ...zone(true), apps }], resources, violations: evaluatePolicies(resources, policyContext), policyContext, gatekeeper: [], ok: true, durationMs: 1,
  }) as unknown as PlanSummary;
}

test('L3-CNS2-01: apps at or below the platform grade pass and are listed in hosted-systems.csv; an app graded 4 fails', async (t) => {
  const run = async (plan: (s: string) => Promise<PlanSummary>) => {
    const out = await estateEvidenceSource(plan, ['s1']).checks.find((c) => c.key === 'estate.plan-policies')!.run(ctx());
    return Array.isArray(out) ? out[0]! : out;
  };
  const ok = await run(hostingPlan({ his: 3, 'decision-support': 2 }));
  t.is(ok.verdict, 'pass');
  t.is(ok.perItem!['L3-CNS2-01']!.verdict, 'pass');
  t.regex(ok.perItem!['L3-CNS2-01']!.summary!, /2 个业务系统/);
  const csv = ok.files!.find((f) => f.name === 'hosted-systems.csv')!.content.toString('utf8');
  t.regex(csv, /^\uFEFF?stack,zone,app,item,name,grade,platform_grade/);
  t.regex(csv, /s1,dmz,decision-support,2,.*,2,3,true/);

  const bad = await run(hostingPlan({ his: 3, pacs: 4 }));
  t.is(bad.verdict, 'fail');
  t.is(bad.perItem!['L3-CNS2-01']!.verdict, 'fail');
  t.regex(bad.perItem!['L3-CNS2-01']!.summary!, /dmz\/pacs: 4 级，平台 3 级/);
  t.is(bad.perItem!['L3-ABS1-05']!.verdict, 'pass', 'only the hosting item fails');
  t.regex(bad.files!.find((f) => f.name === 'hosted-systems.csv')!.content.toString('utf8'), /s1,dmz,pacs,2,.*,4,3,false/);

  // A level-2 platform: the same level-3 HIS is now above it.
  t.is((await run(hostingPlan({ his: 3 }, 2))).perItem!['L3-CNS2-01']!.verdict, 'fail');
});

test('the child-process planner returns the real plan of a stack', async (t) => {
  const plan = await planInChildProcess(path.resolve(__dirname, '../..'))('dev');
  t.is(plan.stack, 'dev');
  t.true(plan.resources.length > 10);
  t.true(plan.zones.every((z) => typeof z.fits === 'boolean'));
  // The rule dumps need every resource's properties, not only the key line `yiyun plan --json` prints.
  t.true(plan.resources.some((r) => r.type === 'openstack:networking/secGroupRule:SecGroupRule' && typeof r.props?.direction === 'string'));
  t.true((plan.zones[0]!.tiers ?? []).length > 0);
  await t.throwsAsync(() => planInChildProcess(path.resolve(__dirname, '../..'))('no-such-stack'));
});
