import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { allowedImagesSchema, gatekeeperSchema, platformGradeSchema, zoneAddressSchema, type PolicyContext } from '../types';
import { defaultPolicyContext } from '../index';

/** Project config in Pulumi.yaml may be written plainly or as `{ value: … }`. */
function unwrap(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v) return (v as { value: unknown }).value;
  return v;
}

/**
 * Builds the rules' context for `pulumi up --policy-pack policies/pack` from the project's own files:
 * Pulumi.yaml (address plan, gatekeeper, allowed images) and every Pulumi.<stack>.yaml (which zone a
 * stack is, its backup policies). The pack cannot import infra/, so it reads the same files.
 */
export function loadPackContext(root: string): { ctx: PolicyContext; zoneOfStack: Map<string, string> } {
  const project = (parse(readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  const cfg = (project.config ?? {}) as Record<string, unknown>;
  const pick = (key: string) => unwrap(cfg[key] ?? cfg[`yiyun:${key}`]);
  const zones = z.record(z.string(), zoneAddressSchema).parse(pick('addressPlan'));
  const gatekeeper = gatekeeperSchema.parse(pick('gatekeeper'));
  const allowedImages = allowedImagesSchema.parse(pick('allowedImages'));
  const platformGrade = platformGradeSchema.parse(pick('grade'));
  const zoneOfStack = new Map<string, string>();
  const backupPolicies = new Set<string>();
  for (const f of readdirSync(root).filter((n) => /^Pulumi\.[^.]+\.ya?ml$/.test(n))) {
    const stack = f.replace(/^Pulumi\./, '').replace(/\.ya?ml$/, '');
    const doc = (parse(readFileSync(path.join(root, f), 'utf8')) ?? {}) as { config?: Record<string, unknown> };
    const zone = doc.config?.['yiyun:zone'];
    if (typeof zone === 'string') zoneOfStack.set(stack, zone);
    const backups = doc.config?.['yiyun:backupPolicies'];
    if (Array.isArray(backups)) {
      for (const b of backups) if (b && typeof b === 'object' && 'name' in b) backupPolicies.add(String(b.name));
    }
  }
  return {
    ctx: defaultPolicyContext({ zones, gatekeeper, allowedImages, backupPolicies: [...backupPolicies], platformGrade }),
    zoneOfStack,
  };
}
