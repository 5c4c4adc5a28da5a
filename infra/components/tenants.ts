import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { TenantSpec } from '../config/config-schema';

/**
 * One Keystone project per tenant (a hospital or health centre) with its compute and block-storage
 * quotas: the quotas are what the zone promises, so `yiyun plan` sums them against the pool.
 */
export class Tenants extends pulumi.ComponentResource {
  readonly projects = new Map<string, openstack.identity.Project>();

  constructor(name: string, args: { zone: string; tenants: readonly TenantSpec[]; volumeType: string }, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:tenancy:Tenants', name, {}, opts);
    const parent = { parent: this };
    for (const t of args.tenants) {
      const base = `${args.zone}-tenant-${t.name}`;
      const project = new openstack.identity.Project(`${base}-project`, {
        name: `${args.zone}-${t.name}`,
        description: t.title,
        enabled: true,
        tags: [`yiyun:zone=${args.zone}`, `yiyun:tenant=${t.name}`],
      }, parent);
      this.projects.set(t.name, project);
      new openstack.compute.QuotaSetV2(`${base}-quota-compute`, {
        projectId: project.id,
        cores: t.quota.vcpu,
        ram: Math.round(t.quota.ramGb * 1024),
        instances: Math.max(10, t.quota.vcpu),
        serverGroups: 20,
        serverGroupMembers: 20,
      }, parent);
      new openstack.blockstorage.QuoteSetV3(`${base}-quota-volume`, {
        projectId: project.id,
        gigabytes: Math.round(t.quota.storageTb * 1000),
        backupGigabytes: Math.round(t.quota.storageTb * 1000),
        volumes: 500,
        snapshots: 1000,
        backups: 2000,
        volumeTypeQuota: {},
      }, parent);
    }
    this.registerOutputs({ tenants: args.tenants.map((t) => t.name) });
  }
}
