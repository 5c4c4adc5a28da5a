import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../core/http';

export const TENANT_KINDS = ['county_hospital', 'township_centre', 'village_clinic', 'public_health', 'other'] as const;
export const ZONES = ['liangcheng-dmz', 'liangcheng-internet'] as const;
export const QUOTA_KEYS = ['vcpu', 'ramGb', 'diskGb', 'vms', 'volumes', 'networks', 'securityGroups', 'floatingIps', 'snapshots', 'backups'] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

const limit = (max: number) => z.number().int().min(0).max(max);
export const quotaSchema = z.strictObject({
  vcpu: limit(100_000),
  ramGb: limit(1_000_000),
  diskGb: limit(10_000_000),
  vms: limit(100_000),
  volumes: limit(100_000),
  networks: limit(10_000),
  securityGroups: limit(10_000),
  floatingIps: limit(10_000),
  snapshots: limit(100_000),
  backups: limit(100_000),
});
export type Quota = z.infer<typeof quotaSchema>;

/** A township centre's share unless told otherwise: enough for its HIS front end and a few services. */
export const DEFAULT_QUOTA: Quota = { vcpu: 64, ramGb: 256, diskGb: 4096, vms: 20, volumes: 60, networks: 5, securityGroups: 20, floatingIps: 5, snapshots: 100, backups: 200 };

export const tenantSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(TENANT_KINDS),
  zone: z.enum(ZONES),
  status: z.enum(['active', 'suspended', 'archived']),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  description: z.string().nullable(),
  quota: quotaSchema,
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
export type TenantView = z.infer<typeof tenantSchema>;

export const createTenantSchema = z.strictObject({
  code: z.string().trim().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and -, starting with a letter (2–40)'),
  name: text(100),
  kind: z.enum(TENANT_KINDS),
  zone: z.enum(ZONES).default('liangcheng-dmz'),
  contactName: optionalText(50),
  contactPhone: z.string().trim().regex(/^\+?[\d-]{6,20}$/).optional(),
  description: optionalText(500),
  quota: quotaSchema.partial().optional(),
});
export type CreateTenantInput = z.infer<typeof createTenantSchema>;

export const updateTenantSchema = z.strictObject({
  name: text(100).optional(),
  status: z.enum(['active', 'suspended', 'archived']).optional(),
  contactName: optionalText(50).nullable(),
  contactPhone: z.string().trim().regex(/^\+?[\d-]{6,20}$/).nullable().optional(),
  description: optionalText(500).nullable(),
});
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;

export const listTenantsQuery = z.strictObject({
  ...pageQuery,
  q: optionalText(100),
  kind: z.enum(TENANT_KINDS).optional(),
  status: z.enum(['active', 'suspended', 'archived']).optional(),
  zone: z.enum(ZONES).optional(),
  sort: z.enum(['code', 'name', 'createdAt']).default('code'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ListTenantsQuery = z.infer<typeof listTenantsQuery>;
