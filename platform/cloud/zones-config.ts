import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors';

const timings = z.strictObject({
  buildMs: z.number().int().min(0).max(600_000),
  rebootMs: z.number().int().min(0).max(600_000),
  resizeMs: z.number().int().min(0).max(600_000),
  stopMs: z.number().int().min(0).max(600_000),
  startMs: z.number().int().min(0).max(600_000),
  importMs: z.number().int().min(0).max(3_600_000),
}).partial();

const embedded = z.strictObject({
  driver: z.literal('embedded'),
  /** where the first bootstrap takes the region from: the stack config (fast), the full plan, or a small demo region */
  seed: z.enum(['config', 'plan', 'demo']).default('config'),
  timings: timings.default({}),
});

const openstack = z.strictObject({
  driver: z.literal('openstack'),
  authUrl: z.string().url(),
  region: z.string().min(1),
  /** an application credential (preferred) or a user with a project scope */
  credentials: z.union([
    z.strictObject({ applicationCredentialId: z.string().min(1), applicationCredentialSecret: z.string().min(1) }),
    z.strictObject({ username: z.string().min(1), password: z.string().min(1), projectName: z.string().min(1), userDomain: z.string().default('Default'), projectDomain: z.string().default('Default') }),
  ]),
  /** the external network floating IPs come from */
  externalNetwork: z.string().min(1).optional(),
  /** which catalog endpoints to call */
  interface: z.enum(['public', 'internal', 'admin']).default('public'),
  novaMicroversion: z.string().regex(/^2\.\d+$/).default('2.79'),
  /** 3.47 is the least that has revert-to-snapshot (3.40), in-use extend (3.42) and volumes from backups (3.47) */
  cinderMicroversion: z.string().regex(/^3\.\d+$/).default('3.47'),
  timeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  /** how often the driver polls a volume or server it waits for, and how long at most */
  pollMs: z.number().int().min(10).max(60_000).default(1000),
  waitTimeoutMs: z.number().int().min(100).max(1_800_000).default(180_000),
  timings: timings.default({}),
  /**
   * Where a tenant's resources live: every tenant in the credentials' one project (`shared`), or each tenant in
   * its own project (`project-per-tenant`), so that OpenStack isolates tenants too.
   */
  tenancy: z.strictObject({
    mode: z.enum(['shared', 'project-per-tenant']).default('shared'),
    /** tenant id or tenant code → OpenStack project id; a tenant not listed is looked up by name */
    projects: z.record(z.string().min(1).max(64), z.string().regex(/^[0-9a-zA-Z-]{1,64}$/, 'an OpenStack project id')).default({}),
    /** the project name a tenant is looked up (or created) by; `{code}` is the tenant's code */
    projectName: z.string().min(1).max(64).regex(/\{code\}/, 'must contain {code}').default('yiyun-{code}'),
    projectDomainId: z.string().min(1).default('default'),
    /** create a missing project (the credentials need Keystone's admin role) and give the service user `role` on it */
    create: z.boolean().default(false),
    role: z.string().min(1).default('member'),
  }).default({ mode: 'shared', projects: {}, projectName: 'yiyun-{code}', projectDomainId: 'default', create: false, role: 'member' }),
}).superRefine((z0, ctx) => {
  // An application credential is bound to its own project: it cannot be scoped to the tenants' projects.
  if (z0.tenancy.mode === 'project-per-tenant' && 'applicationCredentialId' in z0.credentials) {
    ctx.addIssue({ code: 'custom', path: ['credentials'], message: 'tenancy "project-per-tenant" needs a user with a password (application credentials cannot change project)' });
  }
});

const zoneSchema = z.discriminatedUnion('driver', [embedded, openstack]);

export const zonesFileSchema = z.strictObject({
  zones: z.strictObject({ 'liangcheng-dmz': zoneSchema.optional(), 'liangcheng-internet': zoneSchema.optional() }).default({}),
  /** days a deleted disk stays in the recycle bin; the procurement asks for at least 7 */
  recycleDays: z.number().int().min(7).max(365).default(7),
});
export type ZonesFile = z.infer<typeof zonesFileSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type OpenStackZoneConfig = Extract<ZoneConfig, { driver: 'openstack' }>;

const DEFAULT_ZONE: ZoneConfig = { driver: 'embedded', seed: 'config', timings: {} };

/** Reads YIYUN_ZONES; without it both zones run the embedded driver. Errors name the key, never a secret. */
export function loadZonesConfig(file: string | undefined): { zones: Record<'liangcheng-dmz' | 'liangcheng-internet', ZoneConfig>; recycleDays: number } {
  let parsed: ZonesFile = { zones: {}, recycleDays: 7 };
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`YIYUN_ZONES: cannot read ${file} as JSON (${(e as Error).message})`);
    }
    const r = zonesFileSchema.safeParse(raw);
    if (!r.success) throw new ConfigError(`YIYUN_ZONES ${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    parsed = r.data;
  }
  return {
    zones: { 'liangcheng-dmz': parsed.zones['liangcheng-dmz'] ?? DEFAULT_ZONE, 'liangcheng-internet': parsed.zones['liangcheng-internet'] ?? DEFAULT_ZONE },
    recycleDays: parsed.recycleDays,
  };
}
