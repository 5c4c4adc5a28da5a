import * as pulumi from '@pulumi/pulumi';
import { ClinicalApp } from '../../apps';
import type { EstateConfig } from '../config/config-schema';
import { checkAppCapacity, enabledApps } from './clinical-apps-plan';

export interface ClinicalAppsArgs {
  readonly cfg: EstateConfig;
  /** the WAF pair's VIP and members: the only sources the apps' published ports accept */
  readonly wafAddresses: readonly string[];
  /** the zone's HA database VIPs by engine */
  readonly databaseHosts: Readonly<Partial<Record<'postgres' | 'mariadb', string>>>;
  /** the StorageClass Platform declares over the zone's encrypted volume type (`Platform.storageClass`) */
  readonly storageClass: string;
}

/** What the plan and the console say about a deployed app. */
export interface AppSummary {
  id: string;
  item: number;
  name: { zh: string; en: string };
  namespace: string;
  fit: 'full' | 'partial' | 'vendor';
  vendorImage: boolean;
  /** the 等保 grade the app is filed at (stack override, else catalogue) and why */
  grade: number;
  gradeReason: string;
  components: { name: string; image: string; replicas: number }[];
}

/**
 * The clinical apps a zone's stack enables (`yiyun:apps`), each a `ClinicalApp` of the catalogue on the
 * zone's cluster. Refuses (ConfigError, before declaring anything) apps of the other zone and apps that do
 * not fit the cluster's nodes or the database pairs' volumes.
 */
export class ClinicalApps extends pulumi.ComponentResource {
  readonly apps: ClinicalApp[] = [];
  readonly summary: AppSummary[];

  constructor(name: string, args: ClinicalAppsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:k8s:ClinicalApps', name, {}, opts);
    const { cfg } = args;
    const enabled = enabledApps(cfg);
    checkAppCapacity(cfg, enabled);
    // The plans the capacity check passed are the ones deployed.
    for (const a of enabled) {
      this.apps.push(new ClinicalApp(`${cfg.zone}-app-${a.entry.id}`, {
        plan: a.plan,
        zone: cfg.zone,
        wafAddresses: args.wafAddresses,
        databaseHosts: args.databaseHosts,
        storageClass: args.storageClass,
      }, { parent: this }));
    }
    this.summary = this.apps.map((app) => ({
      id: app.plan.entry.id,
      item: app.plan.entry.item,
      name: app.plan.entry.name,
      namespace: app.namespace,
      fit: app.plan.entry.fit,
      vendorImage: app.plan.entry.vendorImage,
      grade: app.plan.grade,
      gradeReason: app.plan.entry.gradeReason,
      components: app.plan.components.map((c) => ({ name: c.spec.name, image: c.image, replicas: c.replicas })),
    }));
    this.registerOutputs({ apps: this.summary.map((s) => s.id) });
  }
}
