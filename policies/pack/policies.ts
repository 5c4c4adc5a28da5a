import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { rules as allRules } from '../index';
import type { PolicyContext, PolicyRule, ResourceDescription, Severity } from '../types';

/** CrossGuard has three enforcement levels; critical and high block `pulumi up`. */
function enforcement(s: Severity): 'mandatory' | 'advisory' {
  return s === 'critical' || s === 'high' ? 'mandatory' : 'advisory';
}

/** "urn:pulumi:<stack>::<project>::<type>::<name>" → stack. */
export function stackOfUrn(urn: string): string | undefined {
  return urn.split(':')[2]?.split('::')[0];
}

type Resolver = (urn: string) => string | undefined;

function zoneOf(urn: string, providerName: string | undefined, zoneOfStack: Resolver): string | undefined {
  // Providers are named "<zone>-openstack" / "<zone>-k8s"; the stack's own zone is the fallback.
  const fromProvider = providerName?.match(/^([a-z][a-z0-9]*)-(openstack|k8s)$/)?.[1];
  return fromProvider ?? zoneOfStack(urn);
}

/** Turns the pack's per-resource arguments into the rules' description. */
export function describeArgs(args: Pick<ResourceValidationArgs, 'type' | 'name' | 'urn' | 'props' | 'provider'>, zoneOfStack: Resolver): ResourceDescription {
  const zone = zoneOf(args.urn, args.provider?.name, zoneOfStack);
  return { type: args.type, name: args.name, ...(zone ? { zone } : {}), props: args.props };
}

/** Stack resources: references (property dependencies) become the referenced resource's name. */
export function describeStackResource(r: PolicyResource, zoneOfStack: Resolver): ResourceDescription {
  const props: Record<string, unknown> = { ...r.props };
  for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
    if (deps.length === 1 && typeof props[key] !== 'object') props[key] = deps[0]?.name;
  }
  const zone = zoneOf(r.urn, r.provider?.name, zoneOfStack);
  return { type: r.type, name: r.name, ...(zone ? { zone } : {}), props };
}

function reportAll(report: ReportViolation, messages: string[], urn?: string): void {
  for (const m of messages) report(m, urn);
}

/** One CrossGuard policy (resource and/or stack validation) per rule. */
export function crossGuardPolicies(
  ctx: PolicyContext,
  zoneOfStack: Resolver,
  rules: readonly PolicyRule[] = allRules,
): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const out: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
  for (const rule of rules) {
    const description = `${rule.title} [等保 ${rule.dengbao.join(', ')}]. Fix: ${rule.remediation}`;
    if (rule.check) {
      const check = rule.check;
      out.push({
        name: rule.id,
        description,
        enforcementLevel: enforcement(rule.severity),
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
          if (!rule.appliesTo.includes(args.type)) return;
          reportAll(report, check(describeArgs(args, zoneOfStack), ctx));
        },
      });
    }
    if (rule.checkStack) {
      const checkStack = rule.checkStack;
      out.push({
        name: `${rule.id}-stack`,
        description,
        enforcementLevel: enforcement(rule.severity),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
          const descs = args.resources.map((r) => describeStackResource(r, zoneOfStack));
          for (const f of checkStack(descs, ctx)) {
            const urn = args.resources.find((r) => r.name === f.resource.name && r.type === f.resource.type)?.urn;
            report(`${f.resource.name}: ${f.message}`, urn);
          }
        },
      });
    }
  }
  return out;
}
