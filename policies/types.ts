import { z } from 'zod';

/**
 * One declared resource as the rules see it: a Pulumi resource type token, its logical name, the
 * zone it lives in, and its input properties. Both the CrossGuard pack (from `pulumi up`) and the
 * control plane (when it admits a tenant's request) build these, so the same rules serve both.
 *
 * References between resources (a router interface's `subnetId`, an instance's server group) are
 * matched against another description's `id` when given, else its `name`: under `yiyun plan` the
 * mocked id *is* the logical name, and the pack resolves property dependencies to names.
 */
export interface ResourceDescription {
  type: string;
  name: string;
  zone?: string;
  id?: string;
  props: Record<string, unknown>;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** One finding: which rule, which resource, how bad, what is wrong. */
export interface Violation {
  policy: string;
  resource: string;
  type: string;
  zone?: string;
  severity: Severity;
  message: string;
  dengbao: readonly string[];
  remediation: string;
}

/** A finding a stack-wide rule returns before it is decorated into a Violation. */
export interface StackFinding {
  resource: ResourceDescription;
  message: string;
}

const ipv4Cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 10.20.0.0/16');
const ipv6Cidr = z.string().regex(/^[0-9a-fA-F:]+\/\d{1,3}$/, 'an IPv6 CIDR such as fd00:20::/48');

/** The address space one zone owns; anything outside its own space must not be reachable. */
export const zoneAddressSchema = z
  .object({
    ipv4: z.array(ipv4Cidr).min(1),
    ipv6: z.array(ipv6Cidr).default([]),
    /** the provider (external) networks a router in this zone may use as its gateway */
    externalNetworks: z.array(z.string().min(1)).default([]),
    /** the same networks' names, as floating-IP pools name them */
    externalNetworkNames: z.array(z.string().min(1)).optional(),
    /** the gatekeeper's own interface addresses in this zone (the ferry's near end) */
    gatekeeperInterfaces: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type ZoneAddress = z.infer<typeof zoneAddressSchema>;

/**
 * One flow the gatekeeper (网闸) lets across. Files are ferried, not routed: the `from` side writes
 * to the gatekeeper's near interface, the `to` side reads from its own near interface. `peer` names
 * a prefix in the other zone only when a flow is proxied transparently; then a rule may mention it.
 */
export const gatekeeperFlowSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'kebab-case flow id'),
    from: z.string().min(1),
    to: z.string().min(1),
    payload: z.enum(['signed-file', 'message', 'db-extract']),
    description: z.string().min(1),
    /** cron expression in the gatekeeper's time zone, or "continuous" */
    schedule: z.string().min(1),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    port: z.number().int().min(1).max(65535),
    peer: z.string().optional(),
    /** upper bound of one transfer, enforced by the gatekeeper */
    maxFileMb: z.number().int().positive().default(64),
  })
  .strict();
export type GatekeeperFlow = z.infer<typeof gatekeeperFlowSchema>;

export const gatekeeperSchema = z
  .object({
    name: z.string().min(1),
    model: z.string().min(1),
    flows: z.array(gatekeeperFlowSchema).min(1),
  })
  .strict();
export type Gatekeeper = z.infer<typeof gatekeeperSchema>;

export const allowedImagesSchema = z
  .object({
    /** Glance image names VMs may boot from */
    vm: z.array(z.string().min(1)).min(1),
    /** registry prefixes container images must come from (and be pinned by digest) */
    registries: z.array(z.string().min(1)).min(1),
  })
  .strict();
export type AllowedImages = z.infer<typeof allowedImagesSchema>;

/** The platform's own filed 等保 grade (Pulumi.yaml `yiyun:grade`); level 3 unless the consortium files otherwise. */
export const platformGradeSchema = z.number().int().min(1).max(4).default(3);

/** What the rules know beyond one resource: the zones' address spaces, the gatekeeper, the lists. */
export interface PolicyContext {
  zones: Record<string, ZoneAddress>;
  gatekeeper?: Gatekeeper;
  allowedImages: AllowedImages;
  /** names of the backup policies declared in the zone; empty = accept any non-empty name */
  backupPolicies: readonly string[];
  minLogRetentionDays: number;
  /** TCP ports that are administrative and never open to the world */
  adminPorts: readonly number[];
  /** the platform's own filed 等保 grade: no hosted system may be graded above it */
  platformGrade: number;
}

export type RuleKind = 'resource' | 'stack';

/** One 等保 level-3 rule: pure functions of descriptions and context. */
export interface PolicyRule {
  id: string;
  title: string;
  severity: Severity;
  /** 等保 L3 assessment-unit ids (GB/T 28448-2019) this rule serves */
  dengbao: readonly string[];
  remediation: string;
  /** resource types the per-resource check looks at (for docs and the pack) */
  appliesTo: readonly string[];
  /** per-resource check: the messages of what is wrong, empty when it passes */
  check?: (r: ResourceDescription, ctx: PolicyContext) => string[];
  /** whole-stack check for relations between resources */
  checkStack?: (rs: readonly ResourceDescription[], ctx: PolicyContext) => StackFinding[];
}
