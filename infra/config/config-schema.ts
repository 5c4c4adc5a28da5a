import { z } from 'zod';
import { allowedImagesSchema, formatPrefix, gatekeeperSchema, parsePrefix, platformGradeSchema, zoneAddressSchema } from '../../policies';

const posInt = z.number().int().positive();
const name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case kebab name');

export const resourcesSchema = z
  .object({ vcpu: z.number().positive(), ramGb: z.number().positive(), storageTb: z.number().positive() })
  .strict();

export const aggregateSchema = z
  .object({
    name,
    availabilityZone: z.string().min(1),
    /** general hosts take ordinary flavors; large-memory hosts take the 80–144 vCPU / 1280 GB ones */
    purpose: z.enum(['general', 'large-memory']),
    hosts: posInt,
    /** schedulable capacity of one host after reservations */
    host: z.object({ vcpu: posInt, ramGb: posInt }).strict(),
  })
  .strict();

export const TIER_KINDS = ['management', 'services', 'tenant', 'storage', 'backup', 'edge', 'ferry'] as const;
export type TierKind = (typeof TIER_KINDS)[number];

export const tierSchema = z
  .object({
    kind: z.enum(TIER_KINDS),
    /** IPv4 prefix length carved from the zone's IPv4 space (absent for IPv6-only tiers) */
    prefix: z.number().int().min(16).max(28).optional(),
    stack: z.enum(['ipv4', 'ipv6', 'dual']),
    ipv6Mode: z.enum(['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless']).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.stack !== 'ipv6' && t.prefix === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: `tier ${t.kind} carries IPv4 and needs a prefix` });
    }
    if (t.stack !== 'ipv4' && t.ipv6Mode === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ipv6Mode'], message: `tier ${t.kind} carries IPv6 and needs ipv6Mode` });
    }
  });
export type Tier = z.infer<typeof tierSchema>;

export const havipSchema = z
  .object({
    name,
    role: z.enum(['waf', 'ips', 'postgres']),
    tier: z.enum(TIER_KINDS),
    flavor: z.string().min(1),
    image: z.string().min(1),
    vrid: z.number().int().min(1).max(255),
    dataVolumeGb: z.number().int().positive().optional(),
    /** bind a floating IP from the zone's external network to the VIP (WAF only) */
    floatingIp: z.boolean().default(false),
  })
  .strict();
export type HavipSpec = z.infer<typeof havipSchema>;

export const tenantSchema = z
  .object({
    name,
    title: z.string().min(1),
    stack: z.enum(['ipv4', 'dual']).default('dual'),
    quota: resourcesSchema,
  })
  .strict();
export type TenantSpec = z.infer<typeof tenantSchema>;

export const backupPolicySchema = z
  .object({
    name,
    kind: z.enum(['incremental', 'full']),
    schedule: z.string().min(9),
    retentionDays: posInt,
  })
  .strict();

export const containerSchema = z
  .object({
    name,
    purpose: z.enum(['backup', 'log-archive', 'images', 'app']),
    quotaTb: z.number().positive(),
    versioning: z.boolean().default(true),
    retentionDays: posInt.optional(),
  })
  .strict();

export const clusterSchema = z
  .object({
    masterCount: z.number().int().refine((n) => n % 2 === 1, 'an odd number (etcd quorum)'),
    masterFlavor: z.string().min(1),
    nodeCount: posInt,
    nodeFlavor: z.string().min(1),
    dockerVolumeGb: posInt,
    image: z.string().min(1),
    kubeTag: z.string().min(1),
  })
  .strict();

/**
 * Ports of the OpenStack APIs yiyun's pods call (the control plane's driver, the backup jobs): Keystone, Nova,
 * Cinder, Glance, Neutron, and 443 where the endpoints sit behind a TLS proxy. Octavia, Heat and Magnum are called
 * by Pulumi and the cluster's cloud provider, not by yiyun's pods.
 */
export const OPENSTACK_API_PORTS = [443, 5000, 8774, 8776, 9292, 9696] as const;

/** A network prefix written canonically (`172.16.20.0/28`: explicit length, no host bits) and narrower than a /8 or /32. */
const apiCidr = z.string().superRefine((s, ctx) => {
  const p = s.includes('/') ? parsePrefix(s) : undefined;
  if (!p) return void ctx.addIssue({ code: 'custom', message: `"${s}" is not a CIDR (address/length)` });
  if (formatPrefix(p) !== s) return void ctx.addIssue({ code: 'custom', message: `"${s}" has host bits set; write ${formatPrefix(p)}` });
  if (p.bits < (p.family === 4 ? 8 : 32)) ctx.addIssue({ code: 'custom', message: `"${s}" is wider than the API endpoints can be; name their VIP range` });
});

/** Where the zone's OpenStack API endpoints live (outside the zone's own address space): egress allowed to these only. */
export const openstackApiSchema = z
  .object({
    cidrs: z.array(apiCidr).min(1),
    ports: z.array(z.number().int().min(1).max(65535)).min(1).default([...OPENSTACK_API_PORTS]),
  })
  .strict();
export type OpenStackApi = z.infer<typeof openstackApiSchema>;

const quantity = { cpu: z.string().regex(/^\d+(\.\d+)?m?$/), memory: z.string().regex(/^\d+(Mi|Gi)$/) };

/** One clinical app of the catalogue (apps/) a stack deploys; what the catalogue does not fix. */
export const appConfigSchema = z
  .object({
    /** catalogue id (apps/catalogue) */
    id: name,
    /** replicas of the components that scale; singletons run one pod */
    replicas: z.number().int().min(1).max(9).default(2),
    /** component → image in the consortium registry, pinned by digest (mirrors of the catalogue's tags; vendor images) */
    images: z.record(z.string(), z.string().min(1)),
    /** component → requests over the catalogue's */
    requests: z.record(z.string(), z.object(quantity).strict()).default({}),
    /** component → plain settings (host names); never secrets */
    env: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    storageGb: posInt.optional(),
    /** the 等保 grade this deployment is filed at, when the consortium files it other than the catalogue says */
    grade: z.number().int().min(1).max(4).optional(),
  })
  .strict();
export type AppConfig = z.infer<typeof appConfigSchema>;

const secretString = z.union([z.string(), z.object({ secure: z.string() }).strict()]);

/** The stack file's `yiyun:` keys, after the prefix is stripped. */
export const stackConfigSchema = z
  .object({
    zone: name,
    title: z.string().min(1),
    region: z.string().min(1),
    pool: resourcesSchema,
    aggregates: z.array(aggregateSchema).min(1),
    storage: z
      .object({
        backends: z
          .array(
            z
              .object({
                name,
                media: z.enum(['ssd', 'hdd']),
                usableTb: z.number().positive(),
                encryption: z.string().min(1),
                replicas: posInt,
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
    network: z
      .object({
        externalNetworkId: z.string().min(1),
        externalNetworkName: z.string().min(1),
        dns: z.array(z.string()).min(1),
        tiers: z.array(tierSchema).min(1),
      })
      .strict(),
    havip: z.array(havipSchema).default([]),
    cluster: clusterSchema,
    tenants: z.array(tenantSchema).default([]),
    backupPolicies: z.array(backupPolicySchema).min(1),
    objectStorage: z.array(containerSchema).default([]),
    logRetentionDays: posInt,
    images: z
      .object({
        yiyun: z.string().min(1),
        prometheus: z.string().min(1),
        grafana: z.string().min(1),
      })
      .strict(),
    replicas: z.number().int().min(1).max(9).default(2),
    /** the clinical apps this zone runs (infra/k8s/clinical-apps.ts) */
    apps: z.array(appConfigSchema).default([]),
    /** the zone's OpenStack API endpoints the control plane and the backup jobs call */
    openstackApi: openstackApiSchema,
    /** overrides the generated database URL (a Pulumi secret) */
    databaseUrl: secretString.optional(),
  })
  .strict();

/** Pulumi.yaml project-level keys shared by every stack. */
export const projectConfigSchema = z
  .object({
    addressPlan: z.record(z.string(), zoneAddressSchema),
    gatekeeper: gatekeeperSchema,
    allowedImages: allowedImagesSchema,
    /** the platform's own filed 等保 grade: no hosted system may be graded above it (L3-CNS2-01) */
    grade: platformGradeSchema,
  })
  .strict();

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type ProjectConfig = z.infer<typeof projectConfigSchema>;
/** Everything the program needs: one stack's keys plus the project's, and the stack's name. */
export type EstateConfig = StackConfig & ProjectConfig & { stack: string };
