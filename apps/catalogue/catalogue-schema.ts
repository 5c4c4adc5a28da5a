import { z } from 'zod';

const kebab = z.string().regex(/^[a-z][a-z0-9-]{0,22}$/, 'lower-case kebab id (≤ 23 characters)');
/** Kubernetes quantities as the catalogue writes them: "500m" / "2" CPU, "512Mi" / "4Gi" memory. */
const cpu = z.string().regex(/^\d+(\.\d+)?m?$/, 'CPU quantity such as "500m" or "2"');
const memory = z.string().regex(/^\d+(Mi|Gi)$/, 'memory quantity in Mi or Gi');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable name');

/** 等保 protection grades a hosted system may be filed at (level 5 systems are never on a shared cloud). */
export const protectionGrade = z.number().int().min(1).max(4);
export type ProtectionGrade = z.infer<typeof protectionGrade>;

export const ZONES = ['dmz', 'internet'] as const;
export type AppZone = (typeof ZONES)[number];

/** What travels on a port; everything enters through the WAF pair (HTTP inspected, DICOM/HL7 proxied at L4 with TLS). */
export const PROTOCOLS = ['HTTP', 'DICOM', 'HL7v2-MLLP'] as const;

export const portSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/, 'port name (≤ 15 characters)'),
    port: z.number().int().min(1024).max(65535),
    protocol: z.enum(PROTOCOLS),
    /**
     * Who may connect besides the app's own pods: `waf` (the WAF pair, i.e. users), `apps` (the zone's other
     * clinical apps: FHIR, SSO back-channel). Empty: only inside the app's namespace (admin APIs, probes).
     */
    exposure: z.array(z.enum(['waf', 'apps'])).default([]),
  })
  .strict();

export const healthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http'), path: z.string().startsWith('/'), port: z.string() }).strict(),
  z.object({ kind: z.literal('tcp'), port: z.string() }).strict(),
]);

/** The open-source image a component runs, pinned by tag; the stack config supplies the mirror reference with its digest. */
export const upstreamSchema = z
  .object({
    repository: z.string().regex(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+$|^[a-z0-9._-]+$/, 'image repository'),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/).refine((t) => t !== 'latest', 'pin a release tag, never "latest"'),
    license: z.string().min(2),
    homepage: z.string().url(),
  })
  .strict();

export const componentSchema = z
  .object({
    name: kebab,
    role: z.string().min(3),
    /** absent: a vendor image, named in the stack config (yiyun:apps[].images.<component>) */
    upstream: upstreamSchema.optional(),
    ports: z.array(portSchema).min(1),
    health: healthSchema,
    /** the image's own non-root user: the pod runs as it and never as root */
    runAsUser: z.number().int().positive(),
    /** false where the image writes outside its volumes at start-up (config rendered into its own tree) */
    readOnlyRoot: z.boolean(),
    /** emptyDir mounts the image needs writable besides /tmp */
    writablePaths: z.array(z.string().startsWith('/')).default([]),
    requests: z.object({ cpu, memory }).strict(),
    /** plain settings the image needs (never secrets: those come from the database and SSO Secrets) */
    env: z.record(envName, z.string()).default({}),
    /** arguments to the image's entrypoint, when its default does not start the server */
    args: z.array(z.string().min(1)).optional(),
    /** command run in an init container before start (schema migrations); same image */
    init: z.array(z.string().min(1)).optional(),
    /** one pod at a time (a ReadWriteOnce volume, or no cluster configuration): replicas fixed at 1, Recreate */
    singleton: z.boolean().default(false),
    /** what this catalogue assumes about the image and must be confirmed on the first deploy */
    assumptions: z.array(z.string().min(3)).default([]),
  })
  .strict();

export const databaseSchema = z
  .object({
    engine: z.enum(['postgres', 'mariadb']),
    /** database name on the zone's HA pair; also the owning role's name */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'database name'),
    sizeGb: z.number().int().positive(),
    extensions: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).default([]),
    /** which component connects */
    component: kebab,
    /** keys the database Secret must carry: each becomes the environment variable of the same name */
    secretKeys: z.array(envName).default([]),
    /** a key of the Secret mounted as a file (images that read a config file rather than the environment) */
    file: z.object({ key: z.string().min(1), path: z.string().startsWith('/') }).strict().optional(),
  })
  .strict();

/**
 * Backup classes, mapped to the stack's declared backup policies by infra: clinical records are kept by
 * every policy (incremental daily and full weekly), operational data by the full ones only.
 */
export const BACKUP_CLASSES = ['clinical-record', 'operational'] as const;
export type BackupClass = (typeof BACKUP_CLASSES)[number];

export const appEntrySchema = z
  .object({
    id: kebab,
    /** the procurement item (SEED items 1–15) */
    item: z.number().int().min(1).max(15),
    name: z.object({ zh: z.string().min(2), en: z.string().min(3) }).strict(),
    zone: z.enum(ZONES),
    /**
     * The system's own 等保 protection grade (定级, 1–4) as filed with the public-security bureau. The platform may
     * host no system graded above its own level (L3-CNS2-01): the policy hosted-grade-within-platform judges it.
     */
    grade: protectionGrade,
    /** one line on why this grade (what the system holds, what its outage stops) */
    gradeReason: z.string().min(10),
    /** how well the open-source images serve the item: a vendor must fill the gaps named in `gaps` */
    fit: z.enum(['full', 'partial', 'vendor']),
    gaps: z.string().min(3),
    /** true when any component has no open-source image: the stack config must supply it */
    vendorImage: z.boolean(),
    components: z.array(componentSchema).min(1),
    databases: z.array(databaseSchema).default([]),
    /** other Secrets the app needs (bootstrap admin, OIDC client): referenced by name, created by ops, never in the repo */
    secrets: z
      .array(z.object({ name: kebab, component: kebab, keys: z.array(envName).min(1) }).strict())
      .default([]),
    storage: z
      .object({ component: kebab, sizeGb: z.number().int().positive(), mountPath: z.string().startsWith('/') })
      .strict()
      .optional(),
    tls: z.object({ required: z.literal(true), mountPath: z.string().startsWith('/') }).strict(),
    backup: z.enum(BACKUP_CLASSES),
    sso: z.enum(['oidc', 'saml', 'ldap', 'none']),
    /** internet-zone systems call WeChat Pay, SMS gateways …: egress to the internet on 443 */
    internetEgress: z.boolean().default(false),
  })
  .strict()
  .superRefine((e, ctx) => {
    const names = new Set(e.components.map((c) => c.name));
    if (names.size !== e.components.length) ctx.addIssue({ code: 'custom', path: ['components'], message: 'component names repeat' });
    const vendor = e.components.some((c) => c.upstream === undefined);
    if (vendor !== e.vendorImage) {
      ctx.addIssue({ code: 'custom', path: ['vendorImage'], message: `vendorImage is ${e.vendorImage} but ${vendor ? 'a component has' : 'no component has'} no open-source image` });
    }
    if (e.fit === 'vendor' && e.components.some((c) => c.upstream)) {
      ctx.addIssue({ code: 'custom', path: ['fit'], message: 'fit "vendor" with an open-source component: say "partial"' });
    }
    if (e.fit !== 'vendor' && !e.components.some((c) => c.upstream)) {
      ctx.addIssue({ code: 'custom', path: ['fit'], message: 'no open-source component: fit must be "vendor"' });
    }
    for (const [i, d] of e.databases.entries()) {
      if (d.secretKeys.length === 0 && !d.file) ctx.addIssue({ code: 'custom', path: ['databases', i], message: 'the database reaches the image through no key and no file' });
      if (!names.has(d.component)) ctx.addIssue({ code: 'custom', path: ['databases', i, 'component'], message: `no component ${d.component}` });
    }
    if (new Set(e.databases.map((d) => d.name)).size !== e.databases.length) {
      ctx.addIssue({ code: 'custom', path: ['databases'], message: 'database names repeat' });
    }
    for (const [i, sec] of e.secrets.entries()) {
      if (!names.has(sec.component)) ctx.addIssue({ code: 'custom', path: ['secrets', i, 'component'], message: `no component ${sec.component}` });
    }
    if (e.storage && !e.components.find((c) => c.name === e.storage!.component)?.singleton) {
      ctx.addIssue({ code: 'custom', path: ['storage', 'component'], message: 'a component with a ReadWriteOnce volume must be a singleton' });
    }
    if (e.storage && !names.has(e.storage.component)) {
      ctx.addIssue({ code: 'custom', path: ['storage', 'component'], message: `no component ${e.storage.component}` });
    }
    if (e.internetEgress && e.zone !== 'internet') {
      ctx.addIssue({ code: 'custom', path: ['internetEgress'], message: 'only internet-zone systems may reach the internet' });
    }
    for (const [i, c] of e.components.entries()) {
      const ports = new Set(c.ports.map((p) => p.name));
      if (!ports.has(c.health.port)) ctx.addIssue({ code: 'custom', path: ['components', i, 'health', 'port'], message: `no port named ${c.health.port}` });
    }
  });

/** Items 14 and 15 serve patients over the internet; every other system stays behind the gatekeeper. */
export const INTERNET_ITEMS: readonly number[] = [14, 15];

export const catalogueSchema = z
  .array(appEntrySchema)
  .length(15)
  .superRefine((entries, ctx) => {
    const ids = new Set<string>();
    const items = new Set<number>();
    for (const [i, e] of entries.entries()) {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `id ${e.id} repeats` });
      if (items.has(e.item)) ctx.addIssue({ code: 'custom', path: [i, 'item'], message: `item ${e.item} repeats` });
      ids.add(e.id);
      items.add(e.item);
      const internet = INTERNET_ITEMS.includes(e.item);
      if (internet !== (e.zone === 'internet')) {
        ctx.addIssue({ code: 'custom', path: [i, 'zone'], message: `item ${e.item} belongs in the ${internet ? 'internet' : 'dmz'} zone` });
      }
    }
  });

export type AppEntryInput = z.input<typeof appEntrySchema>;
export type AppEntry = z.output<typeof appEntrySchema>;
export type AppComponent = AppEntry['components'][number];
export type AppDatabase = AppEntry['databases'][number];
