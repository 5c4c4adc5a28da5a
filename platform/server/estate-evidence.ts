import { csvFile, defineEvidenceSource, jsonFile, type CheckResult, type EvidenceSource, type ItemOutcome } from '../../compliance';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { rules } from '../../policies';
import { estateFactChecks } from './estate-checks';
import { HOSTING_ITEM, judgeHosting } from './estate-hosting';
import type { PlanSummary } from '../../infra/plan/plan-facts';

export type { PlanSummary } from '../../infra/plan/plan-facts';

/** Items another check already judges (the audit chain): the estate must not overrule them. */
const OWNED_ELSEWHERE = new Set(['L3-CES1-14']);

/**
 * Plans a stack in a child process: planning is seconds of synchronous CPU under Pulumi's mocks, which would
 * stall the server's event loop (and every other check's timer) if run in-process. The child prints the whole
 * plan result (redacted props included), which the rule dumps need; `yiyun plan --json` keeps only key properties.
 */
export function planInChildProcess(repoRoot: string): (stack: string) => Promise<PlanSummary> {
  return (stack) =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import=tsx', path.join(repoRoot, 'platform/server/estate-plan-main.ts'), '--stack', stack],
        { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, timeout: 170_000 },
        (err, stdout) => {
          // A plan with violations or over capacity is still a plan; only a failed or unparseable answer is an error.
          try {
            resolve(JSON.parse(stdout) as PlanSummary);
          } catch {
            reject(new Error(`yiyun plan --stack ${stack} failed${err ? `: ${err.message.split('\n')[0]}` : ''}`));
          }
        },
      );
    });
}

/**
 * The estate's checks: what `yiyun plan` declares for both zones, its policy results and its capacity, and the
 * dumps built on the same plans (security groups, ACLs, zones, management network, backups, redundancy, replicas,
 * images, inventory; see estate-checks.ts).
 */
export function estateEvidenceSource(plan: (stack: string) => Promise<PlanSummary>, stacks = ['liangcheng-dmz', 'liangcheng-internet']): EvidenceSource {
  let cached: { at: number; plans: Promise<PlanSummary[]> } | null = null;
  // Every check reads the same plans; planning is seconds of CPU, so one run serves a whole check run. The promise
  // is cached (not its value) because the runner starts several checks at once; a failed plan is not kept.
  function plans(now: Date): Promise<PlanSummary[]> {
    if (cached && Math.abs(now.getTime() - cached.at) < 60_000) return cached.plans;
    const run = (async () => {
      const out: PlanSummary[] = [];
      for (const s of stacks) out.push(await plan(s));
      return out;
    })();
    const entry = { at: now.getTime(), plans: run };
    cached = entry;
    run.catch(() => {
      if (cached === entry) cached = null;
    });
    return run;
  }
  const ruleItems = [...new Set(rules.flatMap((r) => r.dengbao))].filter((id) => !OWNED_ELSEWHERE.has(id)).sort();

  return defineEvidenceSource({
    id: 'estate',
    room: 'infra',
    checks: [
      {
        key: 'estate.plan-policies',
        title: '声明的云环境逐项通过等保策略（yiyun plan）',
        itemIds: ruleItems,
        kind: 'automated',
        timeoutMs: 180_000,
        async run(ctx): Promise<CheckResult> {
          const ps = await plans(ctx.now);
          const violations = ps.flatMap((p) => p.violations.map((v) => ({ stack: p.stack, ...v })));
          const perItem: Record<string, ItemOutcome> = {};
          for (const id of ruleItems) {
            const serving = rules.filter((r) => r.dengbao.includes(id)).map((r) => r.id);
            const broken = violations.filter((v) => serving.includes(v.policy));
            perItem[id] = broken.length
              ? { verdict: 'fail', summary: `${broken.length} 处违反：${[...new Set(broken.map((b) => b.policy))].join('、')}` }
              : { verdict: 'pass', summary: `策略 ${serving.join('、')} 在 ${stacks.join('、')} 全部通过` };
          }
          const hosting = judgeHosting(ps, stacks);
          if (HOSTING_ITEM in perItem) perItem[HOSTING_ITEM] = hosting.outcome;
          const failed = violations.length > 0 || hosting.outcome.verdict === 'fail';
          return {
            verdict: failed ? 'fail' : 'pass',
            summary: violations.length ? `${violations.length} 处策略违反` : failed ? hosting.outcome.summary ?? '' : `${ps.reduce((n, p) => n + p.resources.length, 0)} 个声明资源全部通过 ${rules.length} 条等保策略`,
            evidence: { stacks, rules: rules.map((r) => ({ id: r.id, severity: r.severity, items: r.dengbao })), violations, hostedSystems: hosting.systems },
            perItem,
            files: [
              jsonFile('plan-policy-results.json', { stacks, violations }),
              hosting.file,
              csvFile('declared-resources.csv', [['stack', 'zone', 'type', 'name'], ...ps.flatMap((p) => p.resources.map((r) => [p.stack, r.zone ?? '', r.type, r.name]))]),
            ],
          };
        },
      },
      {
        key: 'estate.plan-capacity',
        title: '资源池容量满足业务需要',
        itemIds: ['L3-CNS1-01'],
        kind: 'automated',
        timeoutMs: 180_000,
        async run(ctx): Promise<CheckResult> {
          const ps = await plans(ctx.now);
          const zones = ps.flatMap((p) => p.zones.map((z) => ({ stack: p.stack, zone: z.zone, capacity: z.capacity, declared: z.declared, fits: z.fits })));
          const over = zones.filter((z) => !z.fits);
          return {
            verdict: over.length ? 'fail' : 'pass',
            summary: zones.map((z) => `${z.zone}: vCPU ${z.declared.vcpu}/${z.capacity.vcpu}，内存 ${z.declared.ramGb}/${z.capacity.ramGb} GB，存储 ${z.declared.storageTb}/${z.capacity.storageTb} TB`).join('；'),
            evidence: { zones },
          };
        },
      },
      ...estateFactChecks(plans),
    ],
  });
}
