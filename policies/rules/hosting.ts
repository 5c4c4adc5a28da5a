import { T, k8sMeta, num, str } from '../resource-types';
import type { PolicyRule, ResourceDescription } from '../types';

/** Label with an app's filed 等保 grade (set by apps/components/clinical-app.ts; policies/ cannot import apps/). */
const GRADE_LABEL = 'yiyun.io/grade';
/** Every clinical app's workloads carry this `app.kubernetes.io/part-of` value. */
const CLINICAL_PART_OF = 'yiyun-clinical';
const HOSTED_WORKLOADS: readonly string[] = [T.k8sDeployment, T.k8sStatefulSet];

/** A grade as filed: an integer 1–4, or undefined when absent or malformed. */
function asGrade(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 4 ? n : undefined;
}

/**
 * The grade a resource declares for the system it belongs to (undefined: not a hosted system). A ClinicalApp (as
 * the control plane describes it on admission) carries `grade` in its props, a clinical workload the label.
 */
function declaredGrade(r: ResourceDescription): { raw: unknown; grade: number | undefined } | undefined {
  if (r.type === T.clinicalApp) return { raw: r.props.grade, grade: asGrade(r.props.grade) };
  if (!HOSTED_WORKLOADS.includes(r.type)) return undefined;
  const { labels } = k8sMeta(r);
  const raw = labels[GRADE_LABEL];
  const clinical = str(labels['app.kubernetes.io/part-of']) === CLINICAL_PART_OF;
  // Other workloads (yiyun's own roles) are the platform itself; a grade label on one is still judged.
  if (!clinical && raw === undefined) return undefined;
  return { raw, grade: asGrade(raw) };
}

export const hostedGradeWithinPlatform: PolicyRule = {
  id: 'hosted-grade-within-platform',
  title: 'No hosted system is graded above the platform',
  severity: 'high',
  dengbao: ['L3-CNS2-01'],
  remediation:
    'Host the system on a platform filed at its grade or higher, or re-file the system (定级备案) at or below the platform\'s grade; every clinical workload carries its filed grade as label yiyun.io/grade.',
  appliesTo: [T.clinicalApp, ...HOSTED_WORKLOADS],
  check(r, ctx) {
    const d = declaredGrade(r);
    if (!d) return [];
    if (d.grade === undefined) {
      const what = d.raw === undefined ? 'declares no 等保 grade' : `grade "${String(d.raw)}" is not a 等保 grade 1–4`;
      return [`${what}: whether the platform may host it cannot be judged`];
    }
    return d.grade > ctx.platformGrade ? [`system graded level ${d.grade}, above the platform's level ${ctx.platformGrade}`] : [];
  },
};
