import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../core/http';

export const KINDS = [
  'vpc', 'subnet', 'security_group', 'sg_rule', 'acl', 'acl_rule', 'eip', 'havip', 'nic', 'keypair',
  'vm', 'server_group', 'template', 'image', 'disk', 'snapshot', 'backup', 'backup_policy',
] as const;
export type Kind = (typeof KINDS)[number];

const name = () => z.string().trim().min(1).max(64).regex(/^[^\s<>"'`]+$/, 'no spaces, quotes or angle brackets');
const tags = z.record(z.string().trim().min(1).max(64), z.string().trim().max(128)).refine((t) => Object.keys(t).length <= 20, 'at most 20 tags');
const ipv4Cidr = z.string().trim().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 192.168.0.0/16');
const ipv6Cidr = z.string().trim().regex(/^[0-9a-fA-F:]+\/\d{1,3}$/, 'an IPv6 CIDR such as fd00:1::/64');
const anyCidr = z.string().trim().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'a CIDR');
const ip = z.string().trim().regex(/^[0-9a-fA-F:.]{2,45}$/, 'an IP address');
const id = () => z.uuid();
const ids = (max = 100) => z.array(z.uuid()).min(1).max(max);
const port = z.number().int().min(1).max(65535);

/** Every tenant-visible object is one of these rows; `spec` holds the kind's own fields. */
export const resourceSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  zone: z.string(),
  kind: z.enum(KINDS),
  name: z.string(),
  description: z.string().nullable(),
  status: z.string(),
  parentId: z.uuid().nullable(),
  spec: z.record(z.string(), z.unknown()),
  tags: z.record(z.string(), z.string()),
  vcpus: z.number().int(),
  ramGb: z.number().int(),
  sizeGb: z.number().int(),
  deletedAt: timestamp().nullable(),
  purgeAfter: timestamp().nullable(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
export type ResourceView = z.infer<typeof resourceSchema>;

export const listQuery = z.strictObject({
  ...pageQuery,
  q: optionalText(64),
  status: optionalText(32),
  /** `key` or `key=value` */
  tag: optionalText(200),
  parentId: z.uuid().optional(),
  sort: z.enum(['name', 'createdAt', 'status']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type ListQuery = z.infer<typeof listQuery>;

export const exportQuery = z.strictObject({ format: z.enum(['csv', 'json', 'xlsx']).default('csv'), q: optionalText(64), tag: optionalText(200), status: optionalText(32) });
export type ExportQuery = z.infer<typeof exportQuery>;

export const tagsBody = z.strictObject({ tags });
export const renameBody = z.strictObject({ name: name().optional(), description: optionalText(500).nullable(), tags: tags.optional() });

// ---- networks ----
export const createVpc = z.strictObject({ name: name(), cidr: ipv4Cidr, description: optionalText(500), tags: tags.default({}) });
export const createSubnet = z
  .strictObject({
    vpcId: id(),
    name: name(),
    stack: z.enum(['ipv4', 'ipv6', 'dual']).default('ipv4'),
    cidr: ipv4Cidr.optional(),
    cidr6: ipv6Cidr.optional(),
    gateway: ip.optional(),
    dhcp: z.boolean().default(true),
    dns: z.array(ip).max(4).default([]),
    leaseHours: z.number().int().min(1).max(8760).default(24),
    purpose: z.enum(['vm', 'bare-metal']).default('vm'),
    az: optionalText(64),
    description: optionalText(500),
  })
  .superRefine((s, ctx) => {
    if (s.stack !== 'ipv6' && !s.cidr) ctx.addIssue({ code: 'custom', path: ['cidr'], message: `a ${s.stack} subnet needs an IPv4 cidr` });
    if (s.stack !== 'ipv4' && !s.cidr6) ctx.addIssue({ code: 'custom', path: ['cidr6'], message: `a ${s.stack} subnet needs an IPv6 cidr6` });
  });
export const updateSubnet = z.strictObject({ name: name().optional(), description: optionalText(500).nullable(), routeTable: optionalText(64), dns: z.array(ip).max(4).optional(), leaseHours: z.number().int().min(1).max(8760).optional() });
export const createSecurityGroup = z.strictObject({ name: name(), description: optionalText(500) });
export const sgRuleBody = z.strictObject({
  direction: z.enum(['ingress', 'egress']),
  ethertype: z.enum(['IPv4', 'IPv6']).default('IPv4'),
  protocol: z.enum(['tcp', 'udp', 'icmp', 'any']).default('tcp'),
  portMin: port.nullable().default(null),
  portMax: port.nullable().default(null),
  remoteIpPrefix: anyCidr.nullable().default(null),
  description: optionalText(200),
});
export type SgRuleInput = z.infer<typeof sgRuleBody>;
export const createAcl = z.strictObject({ name: name(), description: optionalText(500) });
export const aclRuleBody = z.strictObject({
  direction: z.enum(['ingress', 'egress']),
  priority: z.number().int().min(1).max(32766),
  action: z.enum(['allow', 'deny']),
  protocol: z.enum(['tcp', 'udp', 'icmp', 'any']).default('any'),
  source: anyCidr.default('0.0.0.0/0'),
  destination: anyCidr.default('0.0.0.0/0'),
  destinationPort: z.string().trim().regex(/^(\d{1,5}(:\d{1,5})?)?$/, '"22" or "1000:2000"').default(''),
  description: optionalText(200),
});
export type AclRuleInput = z.infer<typeof aclRuleBody>;
export const aclUpdate = z.strictObject({ enabled: z.boolean().optional(), name: name().optional(), description: optionalText(500).nullable() });
export const aclSubnets = z.strictObject({ subnetIds: ids(50) });
export const aclImport = z.strictObject({ format: z.enum(['csv', 'json']), content: z.string().max(1_000_000), replace: z.boolean().default(false) });
export const createEip = z.strictObject({ name: name(), bandwidthMbps: z.number().int().min(1).max(10_000).default(10), chargeMode: z.enum(['dedicated', 'shared']).default('dedicated') });
export const bindEip = z.strictObject({ targetType: z.enum(['vm', 'nic', 'havip']), targetId: id() });
export const createHavip = z.strictObject({ name: name(), subnetId: id(), ip: ip.optional(), description: optionalText(500) });
export const bindHavip = z.strictObject({ vmIds: z.array(z.uuid()).max(10).default([]), eipId: z.uuid().optional() });
export const unbindHavip = z.strictObject({ vmIds: z.array(z.uuid()).max(10).default([]), eip: z.boolean().default(false) });
export const createNic = z.strictObject({ name: name(), subnetId: id(), ip: ip.optional(), securityGroupIds: z.array(z.uuid()).max(5).default([]), description: optionalText(500) });
export const bindNic = z.strictObject({ vmId: id() });
export const batchIds = z.strictObject({ ids: ids(100) });
export const createKeypair = z.strictObject({ name: name(), publicKey: z.string().trim().regex(/^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp\d+|sm2) [A-Za-z0-9+/=]+( .{0,100})?$/, 'an OpenSSH public key line') });

// ---- compute ----
export const vmSpec = z.strictObject({
  flavor: z.string().trim().min(1).max(64),
  imageId: id(),
  subnetIds: z.array(z.uuid()).min(1).max(8),
  securityGroupIds: z.array(z.uuid()).max(5).default([]),
  keypairId: z.uuid().optional(),
  password: z.string().min(12).max(64).optional(),
  userData: z.string().max(65_536).optional(),
  dataDisks: z.array(z.strictObject({ sizeGb: z.number().int().min(10).max(32_768), volumeType: z.string().trim().min(1).max(64) })).max(22).default([]),
  systemDiskGb: z.number().int().min(20).max(500).optional(),
  volumeType: z.string().trim().min(1).max(64).default('ssd-sm4'),
  serverGroupId: z.uuid().optional(),
  az: optionalText(64),
  backupPolicy: optionalText(64),
});
export type VmSpec = z.infer<typeof vmSpec>;
/**
 * Overrides of a launch template: every field optional and WITHOUT the spec's defaults — zod fills defaults into
 * a `.partial()` too, which would overwrite the template's security groups and disks with empty lists.
 */
export const vmSpecOverrides = z.strictObject(
  Object.fromEntries(Object.entries(vmSpec.shape).map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional()])),
) as unknown as ReturnType<typeof vmSpec.partial>;
export const createVm = z.strictObject({
  name: name(),
  description: optionalText(500),
  /** from a launch template: its parameters, overridden by any given here */
  templateId: z.uuid().optional(),
  count: z.number().int().min(1).max(50).default(1),
  tags: tags.default({}),
  spec: vmSpecOverrides.default({}),
});
export type CreateVmInput = z.infer<typeof createVm>;
export const cloneVm = z.strictObject({ name: name(), count: z.number().int().min(1).max(50).default(1) });
export const resizeVm = z.strictObject({ flavor: z.string().trim().min(1).max(64) });
export const createTemplate = z.strictObject({ name: name(), description: optionalText(500), spec: vmSpec.omit({ password: true }) });
export const templateFromVm = z.strictObject({ name: name(), description: optionalText(500) });
export const createServerGroup = z.strictObject({ name: name(), policy: z.enum(['anti-affinity', 'soft-anti-affinity']) });
export const importImage = z.strictObject({
  name: name(),
  format: z.enum(['raw', 'vhd', 'qcow2']),
  osType: z.enum(['linux', 'windows']),
  osVersion: optionalText(64),
  sizeGb: z.number().int().min(1).max(2048),
  sourceUrl: z.string().trim().url().max(1000).optional(),
  minDiskGb: z.number().int().min(1).max(500).default(40),
});

/** Who may see and boot an image: the owner tenant only, its members too, or every tenant (platform admin only). */
export const imageVisibility = z.enum(['private', 'shared', 'public']);
export const imageVisibilityBody = z.strictObject({ visibility: imageVisibility });
export const imageMemberBody = z.strictObject({ tenantId: z.uuid() });
export const imageMemberParams = z.strictObject({ id: z.uuid(), tenantId: z.uuid() });
/** How the receiving tenant answered a share (Glance's member status): only an accepted share lets it use the image. */
export const imageMemberStatus = z.enum(['pending', 'accepted', 'rejected']);
export const imageMemberSchema = z.object({ tenantId: z.string(), tenantName: z.string().nullable(), addedBy: z.string(), addedAt: z.date(), status: imageMemberStatus, decidedAt: z.date().nullable() });
/** A share offered to the caller's tenant. */
export const imageShareSchema = z.object({
  imageId: z.uuid(), imageName: z.string(), osType: z.string().nullable(), imageStatus: z.string(),
  ownerTenantId: z.uuid(), ownerTenantName: z.string().nullable(), status: imageMemberStatus, addedAt: z.date(), decidedAt: z.date().nullable(),
});
export const imageShareQuery = z.strictObject({ status: imageMemberStatus.optional() });
export const answeredImageSchema = resourceSchema.extend({ shareStatus: imageMemberStatus });

// ---- storage ----
export const createDisk = z.strictObject({
  name: name(),
  sizeGb: z.number().int().min(10).max(32_768),
  volumeType: z.string().trim().min(1).max(64).default('ssd-sm4'),
  snapshotId: z.uuid().optional(),
  backupId: z.uuid().optional(),
  description: optionalText(500),
  tags: tags.default({}),
});
export const attachDisk = z.strictObject({ vmId: id() });
export const extendDisk = z.strictObject({ sizeGb: z.number().int().min(10).max(32_768) });
export const initDisk = z.strictObject({ filesystem: z.enum(['ext4', 'xfs', 'ntfs']).default('xfs'), partition: z.enum(['gpt', 'mbr']).default('gpt') });
export const createSnapshot = z.strictObject({ diskId: id(), name: name(), description: optionalText(500) });
export const createBackup = z.strictObject({ sourceType: z.enum(['disk', 'vm']), sourceId: id(), name: name(), mode: z.enum(['full', 'incremental']).default('full') });
export const restoreBackup = z.strictObject({ targetDiskId: z.uuid().optional() });
export const createBackupPolicy = z.strictObject({
  name: name(),
  mode: z.enum(['full', 'incremental']),
  /** every N hours, first run at `startAt` */
  intervalHours: z.number().int().min(1).max(24 * 31),
  retentionDays: z.number().int().min(1).max(3650),
  targets: z.array(z.strictObject({ type: z.enum(['disk', 'vm']), id: z.uuid() })).max(100).default([]),
  enabled: z.boolean().default(true),
});

// ---- overview, orders, quota ----
export const WIDGETS = ['quota', 'resources', 'orders', 'operations', 'users', 'capacity', 'recycle'] as const;
export const layoutBody = z.strictObject({ widgets: z.array(z.strictObject({ type: z.enum(WIDGETS), w: z.number().int().min(1).max(12).default(6) })).max(20) });
export const orderSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  zone: z.string(),
  kind: z.string(),
  action: z.string(),
  resourceId: z.uuid().nullable(),
  status: z.enum(['submitted', 'running', 'processing', 'completed', 'failed']),
  detail: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
export const orderQuery = z.strictObject({ ...pageQuery, status: z.enum(['submitted', 'running', 'processing', 'completed', 'failed']).optional(), kind: optionalText(32) });
export const usageLine = z.object({ key: z.string(), limit: z.number(), used: z.number() });
export const quotaUsage = z.object({ tenantId: z.uuid(), zone: z.string(), lines: z.array(usageLine) });

export { text };
