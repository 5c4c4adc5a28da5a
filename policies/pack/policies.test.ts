// Tests the CrossGuard policies by calling validateResource / validateStack directly; never imports
// ./index (that file starts the policy pack's gRPC server).
import path from 'node:path';
import test from 'ava';
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { ResourceTypes as T } from '../index';
import { loadPackContext } from './context-loader';
import { crossGuardPolicies, stackOfUrn } from './policies';

const root = path.resolve(__dirname, '..', '..');
const { ctx, zoneOfStack } = loadPackContext(root);
const zoneOf = (urn: string) => zoneOfStack.get(stackOfUrn(urn) ?? '');
const policies = crossGuardPolicies(ctx, zoneOf);
const byName = (n: string) => policies.find((p) => p.name === n)!;

function resourceArgs(type: string, name: string, props: Record<string, unknown>, stack = 'liangcheng-dmz'): ResourceValidationArgs {
  return {
    type,
    name,
    urn: `urn:pulumi:${stack}::yiyun::${type}::${name}`,
    props,
    opts: {} as ResourceValidationArgs['opts'],
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <C extends object>() => ({}) as C,
    notApplicable: () => {
      throw new Error('n/a');
    },
  };
}

function validate(policy: string, type: string, props: Record<string, unknown>, stack?: string): string[] {
  const out: string[] = [];
  const p = byName(policy) as ResourceValidationPolicy;
  const v = p.validateResource;
  const fns = (Array.isArray(v) ? v : [v]).filter((f): f is NonNullable<typeof f> => f !== undefined);
  for (const f of fns) void f(resourceArgs(type, 'r', props, stack), (m) => out.push(m));
  return out;
}

test('the pack reads the address plan, gatekeeper and images from the project files', (t) => {
  t.deepEqual(Object.keys(ctx.zones).sort(), ['dev', 'dmz', 'internet']);
  t.true((ctx.gatekeeper?.flows.length ?? 0) >= 4);
  t.is(zoneOfStack.get('liangcheng-internet'), 'internet');
  t.true(ctx.backupPolicies.includes('daily-incremental'));
});

test('one CrossGuard policy per rule, critical and high are mandatory', (t) => {
  t.true(policies.length >= 12);
  t.is(byName('admin-port-not-public').enforcementLevel, 'mandatory');
  t.is(byName('object-versioning').enforcementLevel, 'advisory');
});

test('validateResource: SSH to the world fails, from the services tier passes', (t) => {
  const rule = { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 };
  t.is(validate('admin-port-not-public', T.secGroupRule, { ...rule, remoteIpPrefix: '0.0.0.0/0' }).length, 1);
  t.is(validate('admin-port-not-public', T.secGroupRule, { ...rule, remoteIpPrefix: '10.20.16.0/20' }).length, 0);
});

test('validateResource: the zone comes from the stack in the URN', (t) => {
  const route = { destinationCidr: '10.30.0.0/16', nextHop: '10.20.16.1', routerId: 'x' };
  t.is(validate('no-cross-zone-path', T.routerRoute, route, 'liangcheng-dmz').length, 1, 'DMZ route to the internet zone');
  const own = { destinationCidr: '10.30.0.0/16', nextHop: '10.30.16.1', routerId: 'x' };
  t.is(validate('no-cross-zone-path', T.routerRoute, own, 'liangcheng-internet').length, 0, 'the internet zone routing its own space');
});

test('validateResource: unencrypted volume type fails, SM4 passes', (t) => {
  t.is(validate('volume-type-encrypted', T.volumeType, { name: 'ssd', extraSpecs: {} }).length, 1);
  t.is(validate('volume-type-encrypted', T.volumeType, { name: 'ssd-sm4', extraSpecs: { 'yiyun:encryption': 'sm4-xts' } }).length, 0);
});

test('validateStack: a floating IP on a non-WAF port fails, names resolved from property dependencies', (t) => {
  const pr = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, PolicyResource[]> = {}): PolicyResource =>
    ({ type, name, urn: `urn:pulumi:liangcheng-internet::yiyun::${type}::${name}`, props, propertyDependencies: deps, dependencies: [], opts: {} } as unknown as PolicyResource);
  const waf = pr(T.port, 'waf-vip', { tags: ['yiyun:role=waf'] });
  const pg = pr(T.port, 'pg-vip', { tags: ['yiyun:role=postgres'] });
  const run = (target: PolicyResource) => {
    const out: string[] = [];
    const fip = pr(T.floatingIp, 'fip', { pool: 'internet', portId: 'uuid-unknown' }, { portId: [target] });
    const args = { resources: [waf, pg, fip], getConfig: () => ({}) } as unknown as StackValidationArgs;
    void (byName('public-behind-waf-stack') as StackValidationPolicy).validateStack(args, (m) => out.push(m));
    return out;
  };
  t.deepEqual(run(waf), []);
  t.is(run(pg).length, 1);
});

// The eight rules the tests above leave out, each through the CrossGuard wrapper: one passing and one
// failing resource, judged with the context the pack builds from the project files.
const DIGEST = `@sha256:${'a'.repeat(64)}`;
const registry = ctx.allowedImages.registries[0]!;
const vmImage = ctx.allowedImages.vm[0]!;
const pod = (container: Record<string, unknown>) => ({ spec: { template: { spec: { containers: [{ name: 'c', ...container }] } } } });
const vm = (metadata: Record<string, string>, over: Record<string, unknown> = {}) =>
  ({ flavorName: 'g1.4c16g', imageName: vmImage, metadata: { 'yiyun.backup-policy': 'daily-incremental', ...metadata }, schedulerHints: [{ group: 'g' }], ...over });

test('validateResource: a shared management network or a router joining management to services fails; a private one passes', (t) => {
  t.is(validate('management-network-separate', T.network, { shared: true, tags: ['yiyun:tier=management'] }).length, 1);
  t.is(validate('management-network-separate', T.router, { tags: ['yiyun:tiers=management,services'] }).length, 1);
  t.deepEqual(validate('management-network-separate', T.network, { shared: false, tags: ['yiyun:tier=management'] }), []);
  t.deepEqual(validate('management-network-separate', T.router, { tags: ['yiyun:tiers=management'] }), []);
});

test('validateResource: a security group keeping the default rules fails, a default-deny one passes', (t) => {
  t.is(validate('default-deny', T.secGroup, { deleteDefaultRules: false }).length, 1);
  t.deepEqual(validate('default-deny', T.secGroup, { deleteDefaultRules: true }), []);
});

test('validateResource: a volume type with two replicas fails, three pass', (t) => {
  const vt = (replicas: string) => ({ name: 'ssd-sm4', extraSpecs: { 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': replicas } });
  t.is(validate('volume-type-three-replicas', T.volumeType, vt('2')).length, 1);
  t.deepEqual(validate('volume-type-three-replicas', T.volumeType, vt('3')), []);
});

test('validateResource: a VM outside the declared backup policies fails, one inside passes', (t) => {
  t.is(validate('vm-in-backup-policy', T.instance, vm({ 'yiyun.backup-policy': 'monthly' })).length, 1);
  t.deepEqual(validate('vm-in-backup-policy', T.instance, vm({ 'yiyun.backup-policy': 'daily-incremental,weekly-full' })), []);
});

test('validateResource: an HA member without a server group fails, one placed in its group passes', (t) => {
  t.is(validate('ha-pair-anti-affinity', T.instance, vm({ 'yiyun.havip': 'waf' }, { schedulerHints: [] })).length, 1);
  t.deepEqual(validate('ha-pair-anti-affinity', T.instance, vm({ 'yiyun.havip': 'waf' })), []);
});

test('validateResource: images from elsewhere or by tag fail; the allowed VM image and a digest-pinned registry image pass', (t) => {
  t.is(validate('image-allowed', T.instance, vm({}, { imageName: 'ubuntu-cloud' })).length, 1);
  t.deepEqual(validate('image-allowed', T.instance, vm({})), []);
  t.is(validate('image-allowed', T.k8sDeployment, pod({ image: 'docker.io/library/nginx:latest' })).length, 1);
  t.is(validate('image-allowed', T.k8sStatefulSet, pod({ image: `${registry}yiyun/yiyun:0.1.0` })).length, 1, 'a tag is not a digest');
  t.deepEqual(validate('image-allowed', T.k8sStatefulSet, pod({ image: `${registry}yiyun/yiyun:0.1.0${DIGEST}` })), []);
});

test('validateResource: a log retention under 180 days fails, 180 passes', (t) => {
  const cm = (days: string) => ({ metadata: { labels: { 'yiyun.io/kind': 'log-retention' } }, data: { retentionDays: days } });
  t.is(validate('log-retention-180d', T.k8sConfigMap, cm('90')).length, 1);
  t.deepEqual(validate('log-retention-180d', T.k8sConfigMap, cm('180')), []);
});

test('validateResource: an object container without versions fails, a versioned one passes', (t) => {
  t.is(validate('object-versioning', T.container, { versioning: false }).length, 1);
  t.deepEqual(validate('object-versioning', T.container, { versioning: true }), []);
});

test('validateResource: a clinical Deployment graded above the platform (Pulumi.yaml yiyun:grade) fails, one at its grade passes', (t) => {
  t.is(ctx.platformGrade, 3, 'read from Pulumi.yaml');
  const deployment = (grade: string) => ({ metadata: { labels: { 'app.kubernetes.io/part-of': 'yiyun-clinical', 'yiyun.io/grade': grade } } });
  t.is(policies.find((p) => p.name === 'hosted-grade-within-platform')?.enforcementLevel, 'mandatory');
  t.deepEqual(validate('hosted-grade-within-platform', T.k8sDeployment, deployment('4')), ['system graded level 4, above the platform\'s level 3']);
  t.deepEqual(validate('hosted-grade-within-platform', T.k8sDeployment, deployment('3')), []);
  t.deepEqual(validate('hosted-grade-within-platform', T.clinicalApp, { grade: 4 }).length, 1);
});
