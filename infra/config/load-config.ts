import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../core/errors';
import { overlaps, parsePrefix } from '../../policies';
import { flavorCatalogue, hostCapacity } from '../components/compute-plan';
import { planTenants, planTiers } from '../components/zone-plan';
import {
  projectConfigSchema,
  stackConfigSchema,
  type EstateConfig,
  type ProjectConfig,
  type StackConfig,
} from './config-schema';

function issues(prefix: string, err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const [head, ...rest] = i.path.map(String);
      const key = head === undefined ? prefix.replace(/:$/, '') : `${prefix}${head}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('')}`;
      return `${key}: ${i.message}`;
    })
    .join('; ');
}

/** Project config in Pulumi.yaml may be written plainly or as `{ value: … }`. */
function unwrap(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;
}

/** Validates raw key/values (prefix stripped) into the estate config, or throws ConfigError naming the key. */
export function validateEstateConfig(stack: string, rawStack: Record<string, unknown>, rawProject: Record<string, unknown>): EstateConfig {
  const s = stackConfigSchema.safeParse(rawStack);
  if (!s.success) throw new ConfigError(`stack ${stack}: ${issues('yiyun:', s.error)}`);
  const p = projectConfigSchema.safeParse(rawProject);
  if (!p.success) throw new ConfigError(`Pulumi.yaml: ${issues('yiyun:', p.error)}`);
  const cfg: EstateConfig = { ...s.data, ...p.data, stack };
  crossCheck(cfg);
  return cfg;
}

function crossCheck(cfg: StackConfig & ProjectConfig & { stack: string }): void {
  const fail = (m: string): never => {
    throw new ConfigError(`stack ${cfg.stack}: ${m}`);
  };
  const space = cfg.addressPlan[cfg.zone];
  if (!space) fail(`yiyun:zone: zone "${cfg.zone}" has no entry in Pulumi.yaml addressPlan (${Object.keys(cfg.addressPlan).join(', ')})`);
  const cap = hostCapacity(cfg.aggregates, cfg.storage.backends.map((b) => b.usableTb));
  if (cap.vcpu < cfg.pool.vcpu) fail(`yiyun:aggregates: the hosts hold ${cap.vcpu} vCPU, fewer than yiyun:pool.vcpu ${cfg.pool.vcpu}`);
  if (cap.ramGb < cfg.pool.ramGb) fail(`yiyun:aggregates: the hosts hold ${cap.ramGb} GB RAM, fewer than yiyun:pool.ramGb ${cfg.pool.ramGb}`);
  if (cap.storageTb < cfg.pool.storageTb) {
    fail(`yiyun:storage.backends: the backends hold ${cap.storageTb} TB, less than yiyun:pool.storageTb ${cfg.pool.storageTb}`);
  }
  const flavors = new Set(flavorCatalogue(cfg.aggregates).map((f) => f.name));
  const needFlavor = (f: string, key: string) => {
    if (!flavors.has(f)) fail(`${key}: flavor "${f}" is not in this zone's catalogue (no host holds it, or the name is wrong)`);
  };
  cfg.havip.forEach((h, i) => {
    needFlavor(h.flavor, `yiyun:havip[${i}].flavor`);
    if (!cfg.network.tiers.some((t) => t.kind === h.tier)) fail(`yiyun:havip[${i}].tier: zone has no ${h.tier} tier`);
  });
  needFlavor(cfg.cluster.masterFlavor, 'yiyun:cluster.masterFlavor');
  needFlavor(cfg.cluster.nodeFlavor, 'yiyun:cluster.nodeFlavor');
  for (const k of ['management', 'services', 'ferry'] as const) {
    if (!cfg.network.tiers.some((t) => t.kind === k)) fail(`yiyun:network.tiers: the ${k} tier is required`);
  }
  if (!cfg.havip.some((h) => h.role === 'postgres') && cfg.databaseUrl === undefined) {
    fail('yiyun:havip: declare a postgres HaVIP pair or set yiyun:databaseUrl (a secret) for the control plane');
  }
  const names = new Set<string>();
  for (const [i, t] of cfg.tenants.entries()) {
    if (names.has(t.name)) fail(`yiyun:tenants[${i}].name: tenant ${t.name} is declared twice`);
    names.add(t.name);
  }
  for (const f of cfg.gatekeeper.flows) {
    for (const z of [f.from, f.to]) {
      if (!cfg.addressPlan[z]) fail(`yiyun:gatekeeper.flows: flow ${f.id} names zone "${z}" missing from addressPlan`);
    }
  }
  // The API endpoints are the cloud's own (reached through the core router's gateway), never an estate network:
  // inside a zone's space they would be a tier's addresses, or a path into the other zone.
  cfg.openstackApi.cidrs.forEach((c, i) => {
    const a = parsePrefix(c)!;
    for (const [zone, sp] of Object.entries(cfg.addressPlan)) {
      const hit = [...sp.ipv4, ...sp.ipv6].find((x) => {
        const p = parsePrefix(x);
        return p !== undefined && overlaps(p, a);
      });
      if (hit) fail(`yiyun:openstackApi.cidrs[${i}]: ${c} overlaps zone ${zone}'s address space ${hit}; the API endpoints lie outside the estate's networks`);
    }
  });
  try {
    const tiers = planTiers({ ipv4: space!.ipv4[0]!, ipv6: space!.ipv6[0] }, cfg.network.tiers);
    planTenants(tiers.find((t) => t.kind === 'tenant'), space!.ipv6[0], cfg.tenants);
  } catch (e) {
    fail((e as Error).message);
  }
}

/** Reads Pulumi.yaml and Pulumi.<stack>.yaml under `root` and validates them. */
export function readEstateConfig(root: string, stack: string): EstateConfig {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stack)) throw new ConfigError(`"${stack}" is not a stack name`);
  const projectFile = path.join(root, 'Pulumi.yaml');
  const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(projectFile)) throw new ConfigError(`no Pulumi.yaml in ${root}`);
  if (!existsSync(stackFile)) throw new ConfigError(`no stack file Pulumi.${stack}.yaml in ${root}`);
  const load = (f: string): Record<string, unknown> => {
    try {
      return (parse(readFileSync(f, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${path.basename(f)} is not valid YAML: ${(e as Error).message}`);
    }
  };
  const project = (load(projectFile).config ?? {}) as Record<string, unknown>;
  const stackDoc = (load(stackFile).config ?? {}) as Record<string, unknown>;
  const rawProject: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(project)) rawProject[k.replace(/^yiyun:/, '')] = unwrap(v);
  const rawStack: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stackDoc)) {
    if (k.startsWith('yiyun:')) rawStack[k.slice('yiyun:'.length)] = v;
    else if (!k.includes(':')) throw new ConfigError(`Pulumi.${stack}.yaml: key "${k}" needs a namespace (yiyun:${k})`);
  }
  return validateEstateConfig(stack, rawStack, rawProject);
}
