import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, isYiyunError } from '../../core/errors';
import type { Violation } from '../../policies';
import { renderTopologySvg } from './diagram-svg';
import { planStack, type PlanResult } from './plan';
import { keyProps, renderText } from './render-text';

export interface PlanCommandOptions {
  /** one stack, or several separated by commas (planned one after another, reported together) */
  stack: string;
  json: boolean;
  /** write the topology as SVG to this file */
  diagram?: string;
  cwd?: string;
}

export interface PlanCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A progress indicator on stderr: a spinner on a terminal, a few plain lines otherwise. */
function progress(stderr: NodeJS.WritableStream) {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let last = 0;
  let frame = 0;
  return {
    start(stack: string) {
      stderr.write(tty ? `\r${frames[0]} planning ${stack} …` : `planning ${stack} …\n`);
    },
    tick(stack: string, n: number) {
      const now = Date.now();
      if (!tty || now - last < 80) return;
      last = now;
      frame = (frame + 1) % frames.length;
      stderr.write(`\r${frames[frame]} planning ${stack}: ${n} resources declared`);
    },
    done(stack: string, r: PlanResult) {
      const line = `${r.ok ? '✓' : '✗'} ${stack}: ${r.resources.length} resources in ${(r.durationMs / 1000).toFixed(1)} s, ${r.violations.length} violation(s)${r.zones.every((z) => z.fits) ? '' : ', over capacity'}`;
      stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
  };
}

/** Several stacks reported as one document. */
function merge(results: PlanResult[], stack: string): PlanResult {
  if (results.length === 1) return results[0]!;
  return {
    stack,
    zones: results.flatMap((r) => r.zones),
    resources: results.flatMap((r) => r.resources),
    violations: results.flatMap((r) => r.violations),
    gatekeeper: results[0]!.gatekeeper,
    policyContext: results[0]!.policyContext,
    ok: results.every((r) => r.ok),
    durationMs: results.reduce((s, r) => s + r.durationMs, 0),
  };
}

/** The machine document of `yiyun plan --json`. */
export function planJson(plan: PlanResult): object {
  return {
    stack: plan.stack,
    ok: plan.ok,
    zones: plan.zones.map((z) => ({
      zone: z.zone,
      title: z.title,
      region: z.region,
      capacity: z.capacity,
      declared: z.declared,
      hosts: z.hosts,
      fits: z.fits,
      over: z.over,
      aggregates: z.aggregates,
      storageBackends: z.storageBackends,
      flavors: z.flavors,
      addressSpace: z.addressSpace,
      tiers: z.tiers,
      tenants: z.tenants,
      havips: z.havips,
      gatekeeper: z.gatekeeper,
      volumeTypes: z.volumeTypes,
    })),
    gatekeeper: plan.gatekeeper,
    resources: plan.resources.map((r) => ({ type: r.type, name: r.name, zone: r.zone, key: keyProps(r) })),
    violations: plan.violations.map((v: Violation) => ({
      policy: v.policy, resource: v.resource, type: v.type, zone: v.zone, severity: v.severity, message: v.message, dengbao: v.dengbao, remediation: v.remediation,
    })),
  };
}

/**
 * `yiyun plan --stack S [--json] [--diagram FILE.svg]`: exit 0 when every zone fits its pool and
 * every rule passes, 2 on a violation or over capacity, 1 when the plan cannot be made.
 */
export async function runPlanCommand(opts: PlanCommandOptions, io: PlanCommandIo): Promise<number> {
  const stacks = opts.stack.split(',').map((s) => s.trim()).filter(Boolean);
  const p = progress(io.stderr);
  try {
    if (stacks.length === 0) throw new ConfigError('name a stack with --stack (e.g. liangcheng-dmz)');
    const results: PlanResult[] = [];
    for (const stack of stacks) {
      p.start(stack);
      const r = await planStack(stack, { cwd: opts.cwd ?? process.cwd(), onProgress: (n) => p.tick(stack, n) });
      p.done(stack, r);
      results.push(r);
    }
    const plan = merge(results, stacks.join(','));
    if (opts.diagram) {
      const file = path.resolve(opts.cwd ?? process.cwd(), opts.diagram);
      writeFileSync(file, await renderTopologySvg(plan));
      io.stderr.write(`topology written to ${file}\n`);
    }
    io.stdout.write(opts.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : renderText(plan));
    return plan.ok ? 0 : 2;
  } catch (e) {
    const msg = e instanceof ConfigError || isYiyunError(e) ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr.write(`\nyiyun plan: ${msg}\n`);
    return 1;
  }
}
