import { csvFile, type EvidenceFile, type ItemOutcome } from '../../compliance';
import { judge } from './estate-checks';
import type { PlanSummary } from '../../infra/plan/plan-facts';

/** The item the hosting rule serves: the platform hosts no system graded above its own level. */
export const HOSTING_ITEM = 'L3-CNS2-01';
const HOSTING_POLICY = 'hosted-grade-within-platform';

/** One clinical system a zone hosts, with its filed grade and the platform's. */
export interface HostedSystem {
  stack: string;
  zone: string;
  id: string;
  item: number;
  name: string;
  grade: number | undefined;
  gradeReason: string;
  platformGrade: number;
}

/** The hosted systems of every plan, from the plans' app summaries and policy contexts. */
export function hostedSystems(ps: readonly PlanSummary[]): HostedSystem[] {
  return ps.flatMap((p) => {
    // A plan without a context is older than the grade; 3 is the platform's filed level and the config default.
    const platformGrade = p.policyContext?.platformGrade ?? 3;
    return p.zones.flatMap((z) => (z.apps ?? []).map((a) => ({
      stack: p.stack,
      zone: z.zone,
      id: a.id,
      item: a.item,
      name: `${a.name.zh} ${a.name.en}`,
      grade: typeof a.grade === 'number' ? a.grade : undefined,
      gradeReason: a.gradeReason ?? '',
      platformGrade,
    })));
  });
}

/**
 * L3-CNS2-01 from the rule's violations and, independently, from the plans' app summaries: a system above the
 * platform's grade (or with no grade) fails even if its workloads escaped the rule (a label lost on the way).
 */
export function judgeHosting(ps: readonly PlanSummary[], stacks: readonly string[]): { outcome: ItemOutcome; systems: HostedSystem[]; file: EvidenceFile } {
  const systems = hostedSystems(ps);
  const broken = ps.flatMap((p) => p.violations.filter((v) => v.policy === HOSTING_POLICY).map((v) => `${p.stack}/${v.resource}: ${v.message}`));
  const above = systems.filter((s) => s.grade === undefined || s.grade > s.platformGrade).map((s) => `${s.zone}/${s.id}: ${s.grade === undefined ? '未定级' : `${s.grade} 级`}，平台 ${s.platformGrade} 级`);
  const found = [...above, ...broken];
  const grades = [...new Set(systems.map((s) => s.platformGrade))].join('、') || '3';
  const outcome = judge(`平台定级 ${grades} 级；${stacks.join('、')} 承载的 ${systems.length} 个业务系统均不高于平台等级（策略 ${HOSTING_POLICY} 通过）`, ['fail', found, '承载高于平台等级或未定级的业务系统']);
  const file = csvFile('hosted-systems.csv', [
    ['stack', 'zone', 'app', 'item', 'name', 'grade', 'platform_grade', 'within_platform', 'grade_reason'],
    ...systems.map((s) => [s.stack, s.zone, s.id, s.item, s.name, s.grade ?? '', s.platformGrade, s.grade !== undefined && s.grade <= s.platformGrade, s.gradeReason]),
  ]);
  return { outcome, systems, file };
}
