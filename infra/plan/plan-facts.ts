import { isWorld, overlaps, parsePrefix, type PolicyContext, type Violation } from '../../policies';
import { T, label, str } from '../../policies/resource-types';
import type { PlanResult, ZonePlan } from './plan';

/**
 * What the estate checks read of one stack's plan. It is the plan result as the child planner prints it; every
 * field past the first four is optional so that a plan from an older or newer planner still yields what it can.
 */
export type PlanSummary = Pick<PlanResult, 'stack' | 'violations'> & {
  zones: Array<Pick<ZonePlan, 'zone' | 'capacity' | 'declared' | 'fits'> & Partial<Pick<ZonePlan, 'title' | 'region' | 'tiers' | 'havips' | 'gatekeeper' | 'volumeTypes' | 'aggregates' | 'storageBackends' | 'addressSpace' | 'apps'>>>;
  resources: PlanResource[];
  gatekeeper?: PlanResult['gatekeeper'];
  policyContext?: PolicyContext;
};
export type PlanResource = { type: string; name: string; zone?: string; props?: Record<string, unknown> };

/** A resource as the policies' helpers read it (props never undefined). */
export type Res = { type: string; name: string; zone?: string; props: Record<string, unknown>; stack: string };

/** The resources of all plans (of one type when given), each with its stack and props never undefined. */
export function resourcesOf(ps: readonly PlanSummary[], type?: string): Res[] {
  return ps.flatMap((p) => p.resources.filter((r) => type === undefined || r.type === type).map((r) => ({ ...r, props: r.props ?? {}, stack: p.stack })));
}

/** Violations of the named policies, with the stack they came from: the checks reuse these verdicts, never re-judge. */
export function violationsOf(ps: readonly PlanSummary[], policies: readonly string[], types?: readonly string[]): Array<Violation & { stack: string }> {
  return ps.flatMap((p) => p.violations.filter((v) => policies.includes(v.policy) && (!types || types.includes(v.type))).map((v) => ({ ...v, stack: p.stack })));
}

/** The findings (policy ids) a policy run left on one resource. */
export function findingsOn(ps: readonly PlanSummary[], r: Res): string[] {
  const p = ps.find((x) => x.stack === r.stack);
  return [...new Set((p?.violations ?? []).filter((v) => v.resource === r.name && v.type === r.type).map((v) => v.policy))];
}

export const ref = (v: unknown): string => str(v) ?? '';
export const tierTag = (r: Res): string | undefined => label(r, 'yiyun:tier');

/** Names the side of a rule: `world`, `any`, a tier of the same zone (from its subnets), another zone, or the CIDR. */
export function sideNamer(ps: readonly PlanSummary[], zone: string | undefined) {
  const subnets = resourcesOf(ps, T.subnet).filter((s) => s.zone === zone);
  const spaces = Object.entries(ps.find((p) => p.policyContext)?.policyContext?.zones ?? {});
  return (cidr: string | undefined): string => {
    if (!cidr) return 'any';
    if (isWorld(cidr)) return 'world';
    const p = parsePrefix(cidr);
    if (!p) return cidr;
    const tiers = [...new Set(subnets.filter((s) => { const c = parsePrefix(ref(s.props.cidr)); return c && overlaps(c, p); }).map((s) => tierTag(s) ?? s.name))];
    if (tiers.length === 1) return tiers[0]!;
    if (tiers.length > 1) return `${zone ?? ''} (${tiers.length} tiers)`;
    const other = spaces.find(([, z]) => [...z.ipv4, ...z.ipv6].some((c) => { const q = parsePrefix(c); return q && overlaps(q, p); }));
    return other ? `zone ${other[0]}` : cidr;
  };
}
