import { flavorCatalogue } from '../../infra/components/compute-plan';
import type { EstateConfig } from '../../infra/config/config-schema';
import type { PlanResult } from '../../infra/plan/plan';
import { policyContextOf } from '../../infra/plan/policy-context';
import type { HostSeed, ImageSeed, RegionSeed } from './driver/cloud-driver';

/** Floating-IP pools per external network: the plan names the networks but not their public ranges. */
const FLOATING: Record<string, string> = { 'dmz-ext-healthnet': '198.51.100.0/24', 'internet-ext': '203.0.113.0/24' };

/** Stable ids for the public images, so a template written against one region keeps working. */
const imageId = (zone: string, i: number) => `00000000-0000-4000-8${zone === 'dmz' ? '001' : '002'}-${String(i + 1).padStart(12, '0')}`;

/** Builds a region seed from one stack's plan (`planStack('liangcheng-dmz')`). */
export function seedFromPlan(plan: PlanResult): RegionSeed {
  const z = plan.zones[0];
  if (!z) throw new Error(`plan of ${plan.stack} has no zone`);
  const hosts: HostSeed[] = z.aggregates.flatMap((a) =>
    Array.from({ length: a.hosts }, (_, i) => ({
      name: `${z.zone}-${a.name}-${String(i + 1).padStart(2, '0')}`,
      az: a.availabilityZone,
      aggregate: a.name,
      purpose: a.purpose,
      vcpus: a.host.vcpu,
      ramGb: a.host.ramGb,
    })),
  );
  const images: ImageSeed[] = plan.policyContext.allowedImages.vm.map((name, i) => ({
    id: imageId(z.zone, i),
    name,
    osType: 'linux',
    format: 'raw',
    minDiskGb: 40,
  }));
  const ext = plan.policyContext.zones[z.zone]?.externalNetworks ?? [];
  return {
    zone: plan.stack,
    policyZone: z.zone,
    title: z.title,
    region: z.region,
    azs: [...new Set(z.aggregates.map((a) => a.availabilityZone))],
    hosts,
    flavors: z.flavors.map((f) => ({ name: f.name, vcpus: f.vcpus, ramGb: f.ramGb, diskGb: f.diskGb, purpose: f.purpose })),
    images,
    externalNetworks: ext.map((name) => ({ name, floatingCidr: FLOATING[name] ?? '192.0.2.0/24' })),
    volumeTypes: z.storageBackends.map((b) => ({ name: b.name.replace(/^ceph-/, ''), backend: b.name, encryption: b.encryption, replicas: b.replicas })),
    storageNodes: z.storageBackends.flatMap((b) => [1, 2, 3, 4, 5].map((n) => `${b.name}-osd${n}`)),
    addressSpace: z.addressSpace,
  };
}

/**
 * A small region for tests and demos: two general hosts and one large-memory host, a handful of flavors.
 * The figures are chosen so capacity runs out after a few VMs.
 */
export function demoSeed(zone: 'liangcheng-dmz' | 'liangcheng-internet', over: Partial<RegionSeed> = {}): RegionSeed {
  const short = zone === 'liangcheng-dmz' ? 'dmz' : 'internet';
  const space = short === 'dmz' ? { ipv4: ['10.20.0.0/16'], ipv6: ['fd6c:6300:20::/48'] } : { ipv4: ['10.30.0.0/16'], ipv6: ['fd6c:6300:30::/48'] };
  return {
    zone,
    policyZone: short,
    title: short === 'dmz' ? '专网DMZ区' : '互联网区',
    region: short === 'dmz' ? 'RegionDMZ' : 'RegionInternet',
    azs: [`${short}-az1`],
    hosts: [
      { name: `${short}-general-01`, az: `${short}-az1`, aggregate: 'general', purpose: 'general', vcpus: 16, ramGb: 64 },
      { name: `${short}-general-02`, az: `${short}-az1`, aggregate: 'general', purpose: 'general', vcpus: 16, ramGb: 64 },
      { name: `${short}-largemem-01`, az: `${short}-az1`, aggregate: 'largemem', purpose: 'large-memory', vcpus: 148, ramGb: 1284 },
    ],
    flavors: [
      { name: 'c1.2c4g', vcpus: 2, ramGb: 4, diskGb: 40, purpose: 'general' },
      { name: 'g1.4c16g', vcpus: 4, ramGb: 16, diskGb: 40, purpose: 'general' },
      { name: 'g1.8c32g', vcpus: 8, ramGb: 32, diskGb: 80, purpose: 'general' },
      { name: 'g1.16c64g', vcpus: 16, ramGb: 64, diskGb: 100, purpose: 'general' },
      { name: 'x1.144c1280g', vcpus: 144, ramGb: 1280, diskGb: 500, purpose: 'large-memory' },
    ],
    images: [
      { id: imageId(short, 0), name: 'kylin-server-v10-sp3-hardened-2025.06', osType: 'linux', format: 'raw', minDiskGb: 40 },
      { id: imageId(short, 1), name: 'openeuler-22.03-lts-sp4-hardened-2025.06', osType: 'linux', format: 'raw', minDiskGb: 40 },
      { id: imageId(short, 2), name: 'windows-server-2022-hardened-2025.06', osType: 'windows', format: 'raw', minDiskGb: 60 },
    ],
    externalNetworks: [{ name: short === 'dmz' ? 'dmz-ext-healthnet' : 'internet-ext', floatingCidr: short === 'dmz' ? '198.51.100.0/28' : '203.0.113.0/28' }],
    volumeTypes: [
      { name: 'ssd-sm4', backend: 'ceph-ssd-sm4', encryption: 'sm4-xts', replicas: 3 },
      { name: 'hdd-sm4', backend: 'ceph-hdd-sm4', encryption: 'sm4-xts', replicas: 3 },
    ],
    storageNodes: ['osd1', 'osd2', 'osd3', 'osd4'],
    addressSpace: space,
    ...over,
  };
}

/**
 * The same seed without running the Pulumi program: the plan's zone figures come from the stack config
 * through the same pure planners (`flavorCatalogue`), so this agrees with `seedFromPlan` and costs
 * milliseconds instead of seconds. `npm start` uses it for the first bootstrap; `seed: "plan"` in
 * YIYUN_ZONES runs the full plan instead.
 */
export function seedFromConfig(cfg: EstateConfig): RegionSeed {
  const space = cfg.addressPlan[cfg.zone]!;
  const zonePlan = {
    zone: cfg.zone,
    title: cfg.title,
    region: cfg.region,
    aggregates: cfg.aggregates,
    flavors: flavorCatalogue(cfg.aggregates),
    storageBackends: cfg.storage.backends,
    addressSpace: { ipv4: space.ipv4, ipv6: space.ipv6 },
  };
  return seedFromPlan({ stack: cfg.stack, zones: [zonePlan], policyContext: policyContextOf(cfg) } as unknown as PlanResult);
}
