import * as pulumi from '@pulumi/pulumi';
import { defaultPolicyContext, evaluatePolicies, type PolicyContext, type Violation } from '../../policies';
import { hostCapacity, overCapacity, type Totals } from '../components/compute-plan';
import type { EstateConfig } from '../config/config-schema';
import { readEstateConfig } from '../config/load-config';
import { policyContextOf } from './policy-context';
import { buildEstate, type EstateSummary } from '../estate';
import { recordingMocks, redact, type Recorded } from './mocks';
import { declaredUsage, type UsageLine } from './usage-plan';

export interface PlannedResource {
  type: string;
  name: string;
  zone: string;
  /** inputs with secrets replaced by "[secret]" */
  props: Record<string, unknown>;
}

/** One zone's figures and layout: enough for the embedded region of the tenant cloud to boot from. */
export interface ZonePlan extends EstateSummary {
  zone: string;
  title: string;
  region: string;
  /** the pool the procurement promises (the stack's yiyun:pool) */
  capacity: Totals;
  /** what the hypervisors and storage backends physically hold */
  hosts: Totals;
  declared: Totals;
  fits: boolean;
  over: string[];
  aggregates: EstateConfig['aggregates'];
  storageBackends: EstateConfig['storage']['backends'];
  addressSpace: { ipv4: string[]; ipv6: string[] };
  usage: UsageLine[];
}

export interface PlanResult {
  stack: string;
  zones: ZonePlan[];
  resources: PlannedResource[];
  violations: Violation[];
  gatekeeper: EstateConfig['gatekeeper'];
  policyContext: PolicyContext;
  /** true when every zone fits its pool and no rule is violated */
  ok: boolean;
  durationMs: number;
}

export interface PlanOptions {
  /** repository root holding Pulumi.yaml and the stack files (default: cwd) */
  cwd?: string;
  /** a config to plan instead of reading the stack file (tests, benchmarks) */
  config?: EstateConfig;
  /** called as resources are declared (for a progress indicator) */
  onProgress?: (declared: number) => void;
}

/** The rules' context for a stack: the project's address plan, gatekeeper and lists. */
// Kept in its own module so the control plane can use it without loading Pulumi.
export { policyContextOf };

// Pulumi's runtime (settings, mocks) is process-global: plans run one after another.
let queue: Promise<unknown> = Promise.resolve();

async function runMocked(cfg: EstateConfig, onProgress?: (n: number) => void): Promise<{ recorded: Recorded[]; summary: EstateSummary }> {
  const recorded: Recorded[] = [];
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // each resource captures a stack trace; at 0 a large plan runs ~4× faster
  let failure: unknown;
  const onRejection = (e: unknown) => {
    failure ??= e;
  };
  process.on('unhandledRejection', onRejection);
  try {
    await pulumi.runtime.setMocks(recordingMocks(recorded, cfg.zone, onProgress), 'yiyun', cfg.stack, false);
    const summary = buildEstate(cfg);
    await pulumi.runtime.disconnect();
    if (failure) throw failure;
    return { recorded, summary };
  } finally {
    process.off('unhandledRejection', onRejection);
    Error.stackTraceLimit = limit;
  }
}

/** Plans one stack offline: runs the real program under mocks, sums usage, evaluates the policies. No printing. */
export function planStack(stack: string, opts: PlanOptions = {}): Promise<PlanResult> {
  const run = queue.then(() => planNow(stack, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function planNow(stack: string, opts: PlanOptions): Promise<PlanResult> {
  const started = performance.now();
  const cfg = opts.config ?? readEstateConfig(opts.cwd ?? process.cwd(), stack);
  const { recorded, summary } = await runMocked({ ...cfg, stack }, opts.onProgress);
  const custom = recorded.filter((r) => r.custom && !r.type.startsWith('pulumi:providers:'));
  const ctx = policyContextOf(cfg);
  const violations = evaluatePolicies(custom, ctx);
  const { totals, lines } = declaredUsage(custom);
  const capacity: Totals = { ...cfg.pool };
  const over = overCapacity(totals, capacity);
  const space = cfg.addressPlan[cfg.zone]!;
  const zone: ZonePlan = {
    ...summary,
    zone: cfg.zone,
    title: cfg.title,
    region: cfg.region,
    capacity,
    hosts: hostCapacity(cfg.aggregates, cfg.storage.backends.map((b) => b.usableTb)),
    declared: totals,
    fits: over.length === 0,
    over,
    aggregates: cfg.aggregates,
    storageBackends: cfg.storage.backends,
    addressSpace: { ipv4: space.ipv4, ipv6: space.ipv6 },
    usage: lines,
  };
  return {
    stack,
    zones: [zone],
    resources: recorded.map((r) => ({ type: r.type, name: r.name, zone: r.zone ?? cfg.zone, props: redact(r.raw, r.type) as Record<string, unknown> })),
    violations,
    gatekeeper: cfg.gatekeeper,
    policyContext: ctx,
    ok: over.length === 0 && violations.length === 0,
    durationMs: Math.round(performance.now() - started),
  };
}
