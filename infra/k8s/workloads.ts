import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** yiyun's own roles, each a Deployment of the same image (`node bin/yiyun.js <args>`). */
export type YiyunRole = 'control-plane' | 'log-audit' | 'bastion' | 'db-audit' | 'kms';

export interface RoleSpec {
  args: readonly string[];
  namespace: 'yiyun-system' | 'yiyun-security';
  /** extra listening ports besides http 8080 */
  ports: readonly { name: string; port: number; protocol: 'TCP' | 'UDP' }[];
  /** internal-lb: an OpenStack load balancer on the services subnet, no floating IP (the WAF fronts it) */
  exposure: 'internal-lb' | 'cluster';
  cpu: string;
  memory: string;
}

export const ROLES: Readonly<Record<YiyunRole, RoleSpec>> = {
  'control-plane': { args: ['serve'], namespace: 'yiyun-system', ports: [], exposure: 'internal-lb', cpu: '1', memory: '1Gi' },
  'log-audit': {
    args: ['run', 'log-audit'],
    namespace: 'yiyun-security',
    ports: [{ name: 'syslog', port: 514, protocol: 'UDP' }, { name: 'syslog-tls', port: 6514, protocol: 'TCP' }],
    exposure: 'internal-lb',
    cpu: '2',
    memory: '2Gi',
  },
  bastion: { args: ['run', 'bastion'], namespace: 'yiyun-security', ports: [{ name: 'ssh', port: 2222, protocol: 'TCP' }], exposure: 'internal-lb', cpu: '1', memory: '1Gi' },
  'db-audit': { args: ['run', 'db-audit'], namespace: 'yiyun-security', ports: [{ name: 'pg-proxy', port: 15432, protocol: 'TCP' }], exposure: 'internal-lb', cpu: '1', memory: '1Gi' },
  kms: { args: ['run', 'kms'], namespace: 'yiyun-system', ports: [], exposure: 'cluster', cpu: '500m', memory: '512Mi' },
};

export const HTTP_PORT = 8080;

export interface RoleWorkloadArgs {
  zone: string;
  stack: string;
  role: YiyunRole;
  image: string;
  replicas: number;
  databaseSecret: string;
  extraEnv?: Record<string, string>;
}

/** The pod template every role shares: non-root, read-only root, probes on /healthz and /readyz. */
export function rolePodSpec(a: RoleWorkloadArgs): k8s.types.input.core.v1.PodSpec {
  const spec = ROLES[a.role];
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: 'PORT', value: String(HTTP_PORT) },
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'YIYUN_ZONE', value: a.stack },
    { name: 'YIYUN_ROLE', value: a.role },
    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: a.databaseSecret, key: 'url' } } },
    ...Object.entries(a.extraEnv ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    serviceAccountName: a.role,
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': a.role } } }],
    containers: [{
      name: a.role,
      image: a.image,
      args: [...spec.args],
      ports: [{ name: 'http', containerPort: HTTP_PORT }, ...spec.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }))],
      env,
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 10 },
      resources: { requests: { cpu: spec.cpu, memory: spec.memory }, limits: { memory: spec.memory } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
  };
}

/** ServiceAccount, Deployment and Service of one role. Names: `<zone>-<role>-*`. */
export function roleWorkload(a: RoleWorkloadArgs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.Deployment {
  const spec = ROLES[a.role];
  const labels = { 'app.kubernetes.io/name': a.role, 'app.kubernetes.io/part-of': 'yiyun' };
  const meta = { name: a.role, namespace: spec.namespace, labels };
  new k8s.core.v1.ServiceAccount(`${a.zone}-${a.role}-sa`, { metadata: meta, automountServiceAccountToken: false }, opts);
  const deployment = new k8s.apps.v1.Deployment(`${a.zone}-${a.role}`, {
    metadata: meta,
    spec: {
      replicas: a.replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(HTTP_PORT), 'prometheus.io/path': '/metrics' } },
        spec: rolePodSpec(a),
      },
    },
  }, opts);
  const internal = spec.exposure === 'internal-lb';
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
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http' }, ...spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, targetPort: p.name }))],
    },
  }, opts);
  new k8s.policy.v1.PodDisruptionBudget(`${a.zone}-${a.role}-pdb`, { metadata: meta, spec: { minAvailable: 1, selector: { matchLabels: labels } } }, opts);
  return deployment;
}
