import { defaultPolicyContext, type PolicyContext } from '../../policies';
import type { EstateConfig } from '../config/config-schema';

/** The policy context (zones' address plans, gatekeeper flows, images, backup policies) a stack's config implies. */
export function policyContextOf(cfg: EstateConfig): PolicyContext {
  return defaultPolicyContext({
    zones: cfg.addressPlan,
    gatekeeper: cfg.gatekeeper,
    allowedImages: cfg.allowedImages,
    backupPolicies: cfg.backupPolicies.map((b) => b.name),
    platformGrade: cfg.grade,
  });
}
