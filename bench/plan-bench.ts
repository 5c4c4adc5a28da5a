/**
 * `yiyun plan` throughput: the real Pulumi program under mocks for a synthetic 5,000-resource stack
 * (the dev zone with ~120 tenants) and for both liangcheng stacks. Targets: ≤ 2 ms per resource
 * (2 s per 1,000) and both liangcheng plans together in under 10 s.
 */
import path from 'node:path';
import type { EstateConfig } from '../infra/config/config-schema';
import { readEstateConfig } from '../infra/config/load-config';
import { planStack } from '../infra/plan/plan';
import type { BenchModule, BenchReport } from './run';

const root = path.resolve(__dirname, '..');

/** The dev zone widened to hold `tenants` tenants (each adds a network, subnets, ACLs, quotas, a namespace). */
export function syntheticConfig(tenants: number): EstateConfig {
  const dev = readEstateConfig(root, 'dev');
  return {
    ...dev,
    stack: 'synthetic',
    addressPlan: { ...dev.addressPlan, dev: { ...dev.addressPlan.dev!, ipv4: ['10.88.0.0/14'] } },
    network: { ...dev.network, tiers: dev.network.tiers.map((t) => (t.kind === 'tenant' ? { ...t, prefix: 16 } : t)) },
    pool: { vcpu: 1e6, ramGb: 1e7, storageTb: 1e5 },
    tenants: Array.from({ length: tenants }, (_, i) => ({ name: `synthetic-${i}`, title: `合成租户 ${i}`, stack: 'dual' as const, quota: { vcpu: 8, ramGb: 32, storageTb: 1 } })),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export const planBench: BenchModule = {
  name: 'plan',
  description: 'yiyun plan under Pulumi mocks: 5,000-resource synthetic stack and both liangcheng stacks',
  async run(): Promise<BenchReport> {
    await planStack('dev', { cwd: root }); // warm the module cache and the JIT once
    const synthetic = await timed(() => planStack('synthetic', { config: syntheticConfig(123) }));
    const both = await timed(async () => {
      const a = await planStack('liangcheng-dmz', { cwd: root });
      const b = await planStack('liangcheng-internet', { cwd: root });
      return a.resources.length + b.resources.length;
    });
    const perK = (s: number, n: number) => (s / n) * 1000;
    const synthPerK = perK(synthetic.seconds, synthetic.value.resources.length);
    const rows = [
      { stack: 'synthetic', resources: synthetic.value.resources.length, seconds: synthetic.seconds, 'seconds per 1,000': synthPerK, target: '≤ 2 s / 1,000', met: synthPerK <= 2 },
      { stack: 'liangcheng-dmz + internet', resources: both.value, seconds: both.seconds, 'seconds per 1,000': perK(both.seconds, both.value), target: '< 10 s total', met: both.seconds < 10 },
    ];
    return {
      rows,
      targetsMet: rows.every((r) => r.met),
      notes: ['Error.stackTraceLimit = 0 during the mocked run; policies and usage sums included in the time'],
    };
  },
};
