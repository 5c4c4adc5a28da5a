import { ConfigError } from '../../core/errors';
import { appRequests, catalogueEntry, cpuCores, memoryGi, planClinicalApp, type AppEntry, type AppPlan, type BackupClass } from '../../apps';
import { flavorCatalogue } from '../components/compute-plan';
import type { AppConfig, EstateConfig } from '../config/config-schema';
import { ROLES } from './workloads';

/** Kubelet, system pods and eviction thresholds keep part of every node: plan against this share of it. */
export const ALLOCATABLE_SHARE = 0.85;
/** Of the database pair's data volume, what the apps may claim; the rest is yiyun's own database, WAL and vacuum. */
export const DATABASE_SHARE = 0.8;

/** The declared backup policies an app of this class belongs to (clinical records: all; operational: the full ones). */
export function backupPoliciesFor(cls: BackupClass, declared: EstateConfig['backupPolicies']): string[] {
  const all = declared.map((b) => b.name);
  if (cls === 'clinical-record') return all;
  const full = declared.filter((b) => b.kind === 'full').map((b) => b.name);
  return full.length ? full : all;
}

export interface EnabledApp {
  entry: AppEntry;
  config: AppConfig;
  plan: AppPlan;
}

/**
 * The catalogue entries this stack enables, planned (images checked against the catalogue's pins). Refuses
 * an unknown id, an app enabled twice, and an app of the other zone: items 14/15 belong to the internet stack
 * only, the rest to the DMZ, and nothing is deployed across the gatekeeper.
 */
export function enabledApps(cfg: Pick<EstateConfig, 'apps' | 'zone' | 'stack' | 'backupPolicies'>): EnabledApp[] {
  const seen = new Set<string>();
  return cfg.apps.map((a, i) => {
    const key = `stack ${cfg.stack}: yiyun:apps[${i}]`;
    const entry = catalogueEntry(a.id);
    if (!entry) throw new ConfigError(`${key}.id: "${a.id}" is not in the clinical-app catalogue (apps/catalogue)`);
    if (seen.has(a.id)) throw new ConfigError(`${key}.id: app ${a.id} is enabled twice`);
    seen.add(a.id);
    if (entry.zone !== cfg.zone) {
      throw new ConfigError(`${key}.id: app ${a.id} (item ${entry.item}) belongs to the ${entry.zone} zone, not ${cfg.zone}`);
    }
    try {
      const plan = planClinicalApp(entry, {
        images: a.images,
        replicas: a.replicas,
        requests: a.requests,
        env: a.env,
        ...(a.storageGb ? { storageGb: a.storageGb } : {}),
        ...(a.grade ? { grade: a.grade } : {}),
      }, backupPoliciesFor(entry.backup, cfg.backupPolicies));
      return { entry, config: a, plan };
    } catch (e) {
      throw e instanceof ConfigError ? new ConfigError(`${key}: ${e.message}`) : e;
    }
  });
}

export interface AppCapacity {
  cluster: { cpu: number; memoryGi: number };
  requested: { cpu: number; memoryGi: number; platformCpu: number; platformMemoryGi: number };
  databases: { engine: 'postgres' | 'mariadb'; claimedGb: number; volumeGb: number }[];
}

/** What the enabled apps ask of the cluster's nodes and of the database pairs, against what they hold. Pure. */
export function appCapacity(cfg: EstateConfig, apps: readonly EnabledApp[]): AppCapacity {
  const node = flavorCatalogue(cfg.aggregates).find((f) => f.name === cfg.cluster.nodeFlavor);
  const nodes = cfg.cluster.nodeCount;
  const cluster = {
    cpu: node ? nodes * node.vcpus * ALLOCATABLE_SHARE : 0,
    memoryGi: node ? nodes * node.ramGb * ALLOCATABLE_SHARE : 0,
  };
  // yiyun's own roles run on the same nodes.
  const platformCpu = Object.values(ROLES).reduce((s, r) => s + cfg.replicas * cpuCores(r.cpu), 0);
  const platformMemoryGi = Object.values(ROLES).reduce((s, r) => s + cfg.replicas * memoryGi(r.memory), 0);
  const sum = apps.map((a) => appRequests(a.plan)).reduce((t, r) => ({ cpu: t.cpu + r.cpu, memoryGi: t.memoryGi + r.memoryGi }), { cpu: 0, memoryGi: 0 });
  const databases = (['postgres', 'mariadb'] as const).flatMap((engine) => {
    const claimedGb = apps.flatMap((a) => a.plan.databases).filter((d) => d.engine === engine).reduce((s, d) => s + d.sizeGb, 0);
    if (claimedGb === 0) return [];
    const pair = cfg.havip.find((h) => h.role === engine);
    return [{ engine, claimedGb, volumeGb: pair?.dataVolumeGb ?? 0 }];
  });
  return { cluster, requested: { ...sum, platformCpu, platformMemoryGi }, databases };
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** Refuses a stack whose apps do not fit its cluster or its database pairs, naming the shortfall. */
export function checkAppCapacity(cfg: EstateConfig, apps: readonly EnabledApp[]): void {
  if (apps.length === 0) return;
  const c = appCapacity(cfg, apps);
  const fail = (m: string): never => {
    throw new ConfigError(`stack ${cfg.stack}: yiyun:apps: ${m}`);
  };
  const cpu = c.requested.cpu + c.requested.platformCpu;
  const mem = c.requested.memoryGi + c.requested.platformMemoryGi;
  if (cpu > c.cluster.cpu) fail(`the apps request ${r1(c.requested.cpu)} CPU (+ ${r1(c.requested.platformCpu)} for yiyun's roles), more than the ${r1(c.cluster.cpu)} allocatable on ${cfg.cluster.nodeCount}×${cfg.cluster.nodeFlavor} (yiyun:cluster)`);
  if (mem > c.cluster.memoryGi) fail(`the apps request ${r1(c.requested.memoryGi)} GiB (+ ${r1(c.requested.platformMemoryGi)} for yiyun's roles), more than the ${r1(c.cluster.memoryGi)} GiB allocatable on ${cfg.cluster.nodeCount}×${cfg.cluster.nodeFlavor} (yiyun:cluster)`);
  for (const d of c.databases) {
    if (d.volumeGb === 0) fail(`databases on ${d.engine} (${d.claimedGb} GB) but the zone declares no ${d.engine} HaVIP pair with a data volume (yiyun:havip)`);
    if (d.claimedGb > d.volumeGb * DATABASE_SHARE) {
      fail(`the apps claim ${d.claimedGb} GB of ${d.engine}, more than ${DATABASE_SHARE * 100} % of the pair's ${d.volumeGb} GB data volume`);
    }
  }
}
