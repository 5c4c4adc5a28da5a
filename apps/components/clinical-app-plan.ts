import { ConfigError } from '../../core/errors';
import type { AppComponent, AppEntry } from '../catalogue/catalogue-schema';

/** Requests as Kubernetes writes them. */
export interface Requests {
  readonly cpu: string;
  readonly memory: string;
}

/** What a stack decides about one app; everything else comes from its catalogue entry. */
export interface AppDeployChoices {
  /** component → image reference in the consortium registry, pinned by digest */
  readonly images: Readonly<Record<string, string>>;
  /** replicas of the components that scale (singletons always run one pod); default 2 */
  readonly replicas?: number;
  /** component → requests, over the catalogue's */
  readonly requests?: Readonly<Record<string, Requests>>;
  /** component → extra plain settings (host names, feature flags; never secrets) */
  readonly env?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** the data volume's size, over the catalogue's */
  readonly storageGb?: number;
  /** the 等保 grade this deployment is filed at, over the catalogue's (a consortium may file a system higher) */
  readonly grade?: number;
}

export interface ComponentPlan {
  readonly spec: AppComponent;
  readonly image: string;
  readonly replicas: number;
  readonly requests: Requests;
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly wafPorts: AppComponent['ports'];
  readonly appPorts: AppComponent['ports'];
}

export interface DatabaseClaim {
  readonly database: string;
  readonly engine: 'postgres' | 'mariadb';
  readonly component: string;
  readonly sizeGb: number;
  readonly extensions: readonly string[];
  /** the Secret (created by the database provisioning, never in the repo) the component reads */
  readonly secret: string;
}

export interface AppPlan {
  readonly entry: AppEntry;
  readonly namespace: string;
  readonly components: readonly ComponentPlan[];
  readonly databases: readonly DatabaseClaim[];
  readonly tlsSecret: string;
  readonly storageGb: number | undefined;
  /** the 等保 grade the app is filed at: the stack's override, else the catalogue's */
  readonly grade: number;
  /** the declared backup policies the app's class maps to */
  readonly backupPolicies: readonly string[];
  /** `backup.yiyun.io/<policy>: enabled` per policy: label selectors pick what each policy keeps */
  readonly backupLabels: Readonly<Record<string, string>>;
}

/** The namespace an app gets when none is given. */
export const appNamespace = (id: string): string => `app-${id}`;

/** Secret names are DNS labels: database names use underscores, Secrets dashes. */
export const dbSecretName = (appId: string, database: string): string => `${appId}-db-${database.replace(/_/g, '-')}`;

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An open-source component's reference must be the catalogue's repository and tag (mirrored), pinned by digest. */
function checkImage(appId: string, c: AppComponent, ref: string | undefined): string {
  const where = `app ${appId}, component ${c.name}`;
  if (!ref) throw new ConfigError(`${where}: no image given${c.upstream ? ` (mirror ${c.upstream.repository}:${c.upstream.tag})` : ' (a vendor image)'}`);
  if (!DIGEST.test(ref)) throw new ConfigError(`${where}: image "${ref}" is not pinned by @sha256 digest`);
  if (c.upstream) {
    const mirror = new RegExp(`(^|/)${escape(c.upstream.repository)}:${escape(c.upstream.tag)}@sha256:`);
    if (!mirror.test(ref)) {
      throw new ConfigError(`${where}: image "${ref}" is not ${c.upstream.repository}:${c.upstream.tag}, the release the catalogue pins`);
    }
  }
  return ref;
}

/** Resolves a catalogue entry and a stack's choices into what is deployed. Pure; throws ConfigError naming the app. */
export function planClinicalApp(entry: AppEntry, choices: AppDeployChoices, backupPolicies: readonly string[], namespace?: string): AppPlan {
  const id = entry.id;
  const known = new Set(entry.components.map((c) => c.name));
  for (const [what, rec] of [['images', choices.images], ['requests', choices.requests ?? {}], ['env', choices.env ?? {}]] as const) {
    const stray = Object.keys(rec).filter((k) => !known.has(k));
    if (stray.length) throw new ConfigError(`app ${id}: ${what} names unknown component(s) ${stray.join(', ')} (known: ${[...known].join(', ')})`);
  }
  if (backupPolicies.length === 0) throw new ConfigError(`app ${id}: no backup policy for class ${entry.backup}`);
  const replicas = choices.replicas ?? 2;
  const components = entry.components.map((c): ComponentPlan => ({
    spec: c,
    image: checkImage(id, c, choices.images[c.name]),
    replicas: c.singleton ? 1 : replicas,
    requests: choices.requests?.[c.name] ?? c.requests,
    env: { ...c.env, ...(choices.env?.[c.name] ?? {}) },
    labels: {
      'app.kubernetes.io/name': c.name,
      'app.kubernetes.io/instance': id,
      'app.kubernetes.io/part-of': 'yiyun-clinical',
      'yiyun.io/app': id,
    },
    wafPorts: c.ports.filter((p) => p.exposure.includes('waf')),
    appPorts: c.ports.filter((p) => p.exposure.includes('apps')),
  }));
  return {
    entry,
    namespace: namespace ?? appNamespace(id),
    components,
    databases: entry.databases.map((d) => ({
      database: d.name,
      engine: d.engine,
      component: d.component,
      sizeGb: d.sizeGb,
      extensions: d.extensions,
      secret: dbSecretName(id, d.name),
    })),
    tlsSecret: `${id}-tls`,
    storageGb: entry.storage ? (choices.storageGb ?? entry.storage.sizeGb) : undefined,
    grade: choices.grade ?? entry.grade,
    backupPolicies: [...backupPolicies],
    backupLabels: Object.fromEntries(backupPolicies.map((p) => [`backup.yiyun.io/${p}`, 'enabled'])),
  };
}

/** "500m" → 0.5, "2" → 2. */
export function cpuCores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** "512Mi" → 0.5, "16Gi" → 16 (GiB). */
export function memoryGi(q: string): number {
  const m = q.match(/^(\d+(?:\.\d+)?)(Mi|Gi)$/);
  if (!m) return Number.NaN;
  return m[2] === 'Gi' ? Number(m[1]) : Number(m[1]) / 1024;
}

/** What an app's pods ask of the cluster: the sum over components of requests × replicas. */
export function appRequests(plan: AppPlan): { cpu: number; memoryGi: number } {
  return plan.components.reduce(
    (t, c) => ({ cpu: t.cpu + c.replicas * cpuCores(c.requests.cpu), memoryGi: t.memoryGi + c.replicas * memoryGi(c.requests.memory) }),
    { cpu: 0, memoryGi: 0 },
  );
}
