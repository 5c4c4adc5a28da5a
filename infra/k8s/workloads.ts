import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** yiyun's own roles, each a workload of the same image (`node bin/yiyun.js <args>`). */
export type YiyunRole = 'control-plane' | 'log-audit' | 'bastion' | 'db-audit' | 'kms';

/**
 * What a role keeps on local disk beyond the zone keys:
 * - `scratch`: nothing that must outlive the pod (its state is in PostgreSQL) → a Deployment with an emptyDir;
 * - `persistent`: files that are evidence or identity (bastion session recordings and SSH host key, the DB-audit
 *   proxy's TLS certificate, local log archives) → a StatefulSet, one encrypted Cinder volume per replica.
 */
export type RoleState = 'scratch' | 'persistent';

export interface RoleSpec {
  args: readonly string[];
  namespace: 'yiyun-system' | 'yiyun-security';
  /** internal-lb: an OpenStack load balancer on the services subnet, no floating IP (the WAF fronts it) */
  exposure: 'internal-lb' | 'cluster';
  state: RoleState;
  /** size of each replica's volume (persistent roles); it counts against the zone's storage pool */
  volume?: string;
  cpu: string;
  memory: string;
}

export const ROLES: Readonly<Record<YiyunRole, RoleSpec>> = {
  'control-plane': { args: ['serve'], namespace: 'yiyun-system', exposure: 'internal-lb', state: 'scratch', cpu: '1', memory: '1Gi' },
  'log-audit': { args: ['run', 'log-audit'], namespace: 'yiyun-security', exposure: 'internal-lb', state: 'persistent', volume: '20Gi', cpu: '2', memory: '2Gi' },
  bastion: { args: ['run', 'bastion'], namespace: 'yiyun-security', exposure: 'internal-lb', state: 'persistent', volume: '20Gi', cpu: '1', memory: '1Gi' },
  // db-audit keeps only its proxy certificate on disk: the statements go to PostgreSQL.
  'db-audit': { args: ['run', 'db-audit'], namespace: 'yiyun-security', exposure: 'internal-lb', state: 'persistent', volume: '1Gi', cpu: '1', memory: '1Gi' },
  kms: { args: ['run', 'kms'], namespace: 'yiyun-system', exposure: 'cluster', state: 'scratch', cpu: '500m', memory: '512Mi' },
};

export const HTTP_PORT = 8080;
/** YIYUN_DATA_DIR in the image and in every pod (Dockerfile: owned by uid 10001, a VOLUME). */
export const DATA_DIR = '/var/lib/yiyun';
/** The zone's shared key files (audit signing key, sealer key, KMS KEK), mounted read-only where the app looks for them. */
export const ZONE_KEYS_SECRET = 'yiyun-zone-keys';
export const KEYS_DIR = `${DATA_DIR}/keys`;
export const KEK_FILE = `${KEYS_DIR}/kms-kek.key`;
/** A kubernetes.io/tls Secret with the syslog-over-TLS server certificate (declared from stack config when given). */
export const SYSLOG_TLS_SECRET = 'syslog-tls';
const SYSLOG_TLS_DIR = '/etc/yiyun/syslog-tls';
/**
 * The control plane's YIYUN_ZONES file (platform/cloud/zones-config.ts: the zone's OpenStack endpoint and
 * credentials). Ops create the Secret (docs/infra.md, "Deploying"); the program never holds the credentials.
 * Not optional: without it the pod stays Pending rather than silently driving the embedded cloud.
 */
export const ZONES_SECRET = 'yiyun-zones';
export const ZONES_SECRET_KEY = 'zones.json';
export const ZONES_DIR = '/etc/yiyun/zones';
export const ZONES_FILE = `${ZONES_DIR}/${ZONES_SECRET_KEY}`;

/*
 * What every yiyun pod shares, the roles' and the backup jobs' alike: non-root with the runtime's seccomp
 * profile, a read-only root with all capabilities dropped, a scratch /tmp, the data directory and the zone's
 * keys under it.
 */
export const POD_SECURITY_CONTEXT: k8s.types.input.core.v1.PodSecurityContext = {
  runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
};
export const CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
  allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
};
/** Mounts of `tmp`, `data` and `zone-keys`, in that order. */
export const ROLE_BASE_MOUNTS: readonly k8s.types.input.core.v1.VolumeMount[] = [
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'data', mountPath: DATA_DIR },
  { name: 'zone-keys', mountPath: KEYS_DIR, readOnly: true },
];
/** tsx keeps its transpile cache under /tmp. */
export const TMP_VOLUME: k8s.types.input.core.v1.Volume = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } };
/** 0440 + fsGroup: readable by the app's group, never writable; the app finds the files and creates none. */
export const ZONE_KEYS_VOLUME: k8s.types.input.core.v1.Volume = { name: 'zone-keys', secret: { secretName: ZONE_KEYS_SECRET, defaultMode: 0o440 } };
/** `data` for a pod without a persistent volume: scratch that dies with the pod. */
export const scratchDataVolume = (sizeLimit: string): k8s.types.input.core.v1.Volume => ({ name: 'data', emptyDir: { sizeLimit } });

/**
 * One port a role publishes. `port` is what clients dial on the Service; `targetPort` is what the process
 * opens: always ≥ 1024, so the pod needs no NET_BIND_SERVICE (the Service maps 514 → 5514).
 */
export interface Listener {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
}

/** Facts about the zone that decide which listeners a role opens and where they point. */
export interface RoleSite {
  /** the syslog TLS Secret exists: open 6514 */
  syslogTls: boolean;
  /** host:port of the PostgreSQL the DB-audit proxy fronts (the zone's PostgreSQL HaVIP) */
  auditedPostgres?: string;
}

/** The listeners a role opens besides http 8080, and the settings (core/config) that open them. Pure. */
export function roleListeners(role: YiyunRole, site: RoleSite): { listeners: Listener[]; env: Record<string, string> } {
  switch (role) {
    case 'log-audit': {
      const listeners: Listener[] = [{ name: 'syslog', port: 514, targetPort: 5514, protocol: 'UDP' }];
      const env: Record<string, string> = { YIYUN_SYSLOG_UDP_PORT: '5514' };
      if (site.syslogTls) {
        listeners.push({ name: 'syslog-tls', port: 6514, targetPort: 6514, protocol: 'TCP' });
        Object.assign(env, { YIYUN_SYSLOG_TLS_PORT: '6514', YIYUN_SYSLOG_TLS_CERT: `${SYSLOG_TLS_DIR}/tls.crt`, YIYUN_SYSLOG_TLS_KEY: `${SYSLOG_TLS_DIR}/tls.key` });
      }
      return { listeners, env };
    }
    case 'bastion':
      return { listeners: [{ name: 'ssh', port: 2222, targetPort: 2222, protocol: 'TCP' }], env: { YIYUN_BASTION_SSH_PORT: '2222' } };
    case 'db-audit':
      return {
        listeners: [{ name: 'pg-proxy', port: 15432, targetPort: 15432, protocol: 'TCP' }],
        env: { YIYUN_DBAUDIT_PG_LISTEN: '0.0.0.0:15432', ...(site.auditedPostgres ? { YIYUN_DBAUDIT_PG_UPSTREAM: site.auditedPostgres } : {}) },
      };
    default:
      return { listeners: [], env: {} };
  }
}

export interface RoleWorkloadArgs {
  zone: string;
  stack: string;
  role: YiyunRole;
  image: string;
  replicas: number;
  databaseSecret: string;
  site: RoleSite;
  /** the StorageClass of persistent roles' volumes (the zone's encrypted volume type) */
  storageClass: string;
}

/** The pod template every role shares: non-root, read-only root, probes on /healthz and /readyz. */
export function rolePodSpec(a: RoleWorkloadArgs): k8s.types.input.core.v1.PodSpec {
  const { listeners, env: listenerEnv } = roleListeners(a.role, a.site);
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: 'PORT', value: String(HTTP_PORT) },
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'YIYUN_ZONE', value: a.stack },
    { name: 'YIYUN_DATA_DIR', value: DATA_DIR },
    // Every role builds every room (platform/server/context.ts), the crypto room included: all pods need the same KEK.
    { name: 'YIYUN_KMS_KEK_FILE', value: KEK_FILE },
    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: a.databaseSecret, key: 'url' } } },
    ...Object.entries(listenerEnv).map(([name, value]) => ({ name, value })),
  ];
  const tls = a.role === 'log-audit' && a.site.syslogTls;
  // Only `yiyun serve` builds the cloud room (platform/server/context.ts); the other roles never read YIYUN_ZONES.
  const zones = a.role === 'control-plane';
  if (zones) env.push({ name: 'YIYUN_ZONES', value: ZONES_FILE });
  const persistent = ROLES[a.role].state === 'persistent';
  return {
    serviceAccountName: a.role,
    automountServiceAccountToken: false,
    securityContext: POD_SECURITY_CONTEXT,
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': a.role } } }],
    containers: [{
      name: a.role,
      image: a.image,
      args: [...ROLES[a.role].args],
      ports: [{ name: 'http', containerPort: HTTP_PORT }, ...listeners.map((l) => ({ name: l.name, containerPort: l.targetPort, protocol: l.protocol }))],
      env,
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 10 },
      resources: { requests: { cpu: ROLES[a.role].cpu, memory: ROLES[a.role].memory }, limits: { memory: ROLES[a.role].memory } },
      securityContext: CONTAINER_SECURITY_CONTEXT,
      volumeMounts: [
        ...ROLE_BASE_MOUNTS,
        ...(tls ? [{ name: 'syslog-tls', mountPath: SYSLOG_TLS_DIR, readOnly: true }] : []),
        ...(zones ? [{ name: 'zones', mountPath: ZONES_DIR, readOnly: true }] : []),
      ],
    }],
    volumes: [
      TMP_VOLUME,
      ...(persistent ? [] : [scratchDataVolume('1Gi')]),
      ZONE_KEYS_VOLUME,
      ...(tls ? [{ name: 'syslog-tls', secret: { secretName: SYSLOG_TLS_SECRET, defaultMode: 0o440 } }] : []),
      ...(zones ? [{ name: 'zones', secret: { secretName: ZONES_SECRET, defaultMode: 0o440, items: [{ key: ZONES_SECRET_KEY, path: ZONES_SECRET_KEY }] } }] : []),
    ],
  };
}

/**
 * ServiceAccount, workload (Deployment or, for persistent roles, StatefulSet), Service and PDB of one role.
 * Names: `<zone>-<role>-*`; the workload itself is `<zone>-<role>`.
 */
export function roleWorkload(a: RoleWorkloadArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
  const spec = ROLES[a.role];
  const labels = { 'app.kubernetes.io/name': a.role, 'app.kubernetes.io/part-of': 'yiyun' };
  const meta = { name: a.role, namespace: spec.namespace, labels };
  new k8s.core.v1.ServiceAccount(`${a.zone}-${a.role}-sa`, { metadata: meta, automountServiceAccountToken: false }, opts);
  const template = {
    metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(HTTP_PORT), 'prometheus.io/path': '/metrics' } },
    spec: rolePodSpec(a),
  };
  const workload = spec.state === 'persistent'
    ? new k8s.apps.v1.StatefulSet(`${a.zone}-${a.role}`, {
      metadata: meta,
      spec: {
        serviceName: a.role,
        replicas: a.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate' },
        template,
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: a.storageClass, resources: { requests: { storage: spec.volume ?? '10Gi' } } },
        }],
      },
    }, opts)
    : new k8s.apps.v1.Deployment(`${a.zone}-${a.role}`, {
      metadata: meta,
      spec: {
        replicas: a.replicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template,
      },
    }, opts);
  const internal = spec.exposure === 'internal-lb';
  const { listeners } = roleListeners(a.role, a.site);
  new k8s.core.v1.Service(`${a.zone}-${a.role}-svc`, {
    metadata: {
      ...meta,
      annotations: internal
        ? { 'service.beta.kubernetes.io/openstack-internal-load-balancer': 'true', 'yiyun.io/behind-waf': 'true' }
        : {},
    },
    spec: {
      type: internal ? 'LoadBalancer' : 'ClusterIP',
      selector: labels,
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http' }, ...listeners.map((l) => ({ name: l.name, port: l.port, protocol: l.protocol, targetPort: l.name }))],
    },
  }, opts);
  new k8s.policy.v1.PodDisruptionBudget(`${a.zone}-${a.role}-pdb`, { metadata: meta, spec: { minAvailable: 1, selector: { matchLabels: labels } } }, opts);
  return workload;
}
