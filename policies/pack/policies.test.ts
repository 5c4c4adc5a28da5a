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
