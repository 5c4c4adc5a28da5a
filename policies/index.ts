import { haPairAntiAffinity, imageAllowed } from './rules/compute';
import { logRetention, objectVersioning, vmInBackupPolicy, volumeTypeEncrypted, volumeTypeReplicated } from './rules/data';
import { hostedGradeWithinPlatform } from './rules/hosting';
import { adminPortNotPublic, defaultDeny, managementNetworkSeparate, noCrossZonePath, publicBehindWaf } from './rules/network';
import { platformGradeSchema, type PolicyContext, type PolicyRule, type ResourceDescription, type StackFinding, type Violation } from './types';

export * from './types';
export { T as ResourceTypes } from './resource-types';
export { BACKUP_POLICY_KEY, backupPoliciesOf, backupPolicyValue } from './backup-policy-metadata';
export { parsePrefix, overlaps, contains, isWorld, formatPrefix, nthAddress } from './net-fns';

/** The 等保 level-3 rules, in the order they are reported. */
export const rules: readonly PolicyRule[] = [
  adminPortNotPublic,
  noCrossZonePath,
  managementNetworkSeparate,
  publicBehindWaf,
  defaultDeny,
  volumeTypeEncrypted,
  volumeTypeReplicated,
  vmInBackupPolicy,
  haPairAntiAffinity,
  imageAllowed,
  logRetention,
  objectVersioning,
  hostedGradeWithinPlatform,
];

/** Admin ports: SSH, RDP, WinRM, VNC and the databases the consortium runs. */
export const DEFAULT_ADMIN_PORTS: readonly number[] = [
  22, 23, 3389, 5985, 5986, 5900, 1433, 1521, 3306, 5432, 6379, 27017, 9200, 5236, 54321,
];

/** A context with no zones and the house defaults; callers add zones, gatekeeper and image lists. */
export function defaultPolicyContext(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    zones: {},
    allowedImages: { vm: [], registries: [] },
    backupPolicies: [],
    minLogRetentionDays: 180,
    adminPorts: DEFAULT_ADMIN_PORTS,
    platformGrade: platformGradeSchema.parse(undefined),
    ...over,
  };
}

function violation(rule: PolicyRule, r: ResourceDescription, message: string): Violation {
  return {
    policy: rule.id,
    resource: r.name,
    type: r.type,
    ...(r.zone !== undefined ? { zone: r.zone } : {}),
    severity: rule.severity,
    message,
    dengbao: rule.dengbao,
    remediation: rule.remediation,
  };
}

/** Runs every per-resource rule on one resource (what the control plane calls on admission). */
export function evaluateResource(
  resource: ResourceDescription,
  ctx: PolicyContext = defaultPolicyContext(),
  only: readonly PolicyRule[] = rules,
): Violation[] {
  const out: Violation[] = [];
  for (const rule of only) {
    if (!rule.check) continue;
    for (const m of rule.check(resource, ctx)) out.push(violation(rule, resource, m));
  }
  return out;
}

/** Runs every rule, per resource and stack-wide, over a set of resources (one zone's estate). */
export function evaluatePolicies(
  resources: readonly ResourceDescription[],
  ctx: PolicyContext = defaultPolicyContext(),
  only: readonly PolicyRule[] = rules,
): Violation[] {
  const out: Violation[] = [];
  for (const r of resources) out.push(...evaluateResource(r, ctx, only));
  for (const rule of only) {
    if (!rule.checkStack) continue;
    const findings: StackFinding[] = rule.checkStack(resources, ctx);
    for (const f of findings) out.push(violation(rule, f.resource, f.message));
  }
  return out;
}

/** Looks a rule up by id. */
export function ruleById(id: string): PolicyRule | undefined {
  return rules.find((r) => r.id === id);
}
