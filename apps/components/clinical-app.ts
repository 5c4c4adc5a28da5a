import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError } from '../../core/errors';
import type { AppEntry } from '../catalogue/catalogue-schema';
import { planClinicalApp, type AppDeployChoices, type AppPlan, type ComponentPlan } from './clinical-app-plan';

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** Where an app's logs go: the log-audit role's syslog-over-TLS listener. */
export interface LogAuditTarget {
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
}

/** Where an app lands in the zone, whichever way its plan is given. */
export interface ClinicalAppSite {
  /** the zone's name, prefix of every child's logical name */
  readonly zone: string;
  /**
   * Addresses of the WAF pair (VIP and members). Published ports accept connections from these only: the
   * Service's `loadBalancerSourceRanges` on the internal load balancer and the NetworkPolicy's ipBlocks.
   */
  readonly wafAddresses: readonly string[];
  /** the zone's HA database VIP per engine the app's databases need */
  readonly databaseHosts: Readonly<Partial<Record<'postgres' | 'mariadb', string>>>;
  /** the zone's encrypted (SM4) StorageClass for the data volume */
  readonly storageClass: string;
  /** an existing namespace to deploy into (its owner keeps its default-deny); default: `app-<id>`, created here */
  readonly namespace?: string;
  /** default: log-audit.yiyun-security:6514 */
  readonly logAudit?: LogAuditTarget;
  /** the CA that issues the app's certificate into `<id>-tls`; default: the platform CA */
  readonly tlsIssuer?: string;
}

/** A catalogue entry and the stack's choices, planned here. */
export interface ClinicalAppChoices extends AppDeployChoices {
  /** the catalogue entry to deploy */
  readonly entry: AppEntry;
  /** the declared backup policies this app's class maps to */
  readonly backupPolicies: readonly string[];
}

/**
 * Either the entry and choices, or a plan already made (`planClinicalApp`), so that a caller that checked the
 * plan (capacity, say) deploys exactly that plan. A plan for an existing namespace must name the same one.
 */
export type ClinicalAppArgs = ClinicalAppSite & (ClinicalAppChoices | { readonly plan: AppPlan });

const DB_PORTS = { postgres: 5432, mariadb: 3306 } as const;
/** The label carrying an app's filed 等保 grade on its namespace and Deployments. */
export const GRADE_LABEL = 'yiyun.io/grade';
const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
const tcp = (port: number | string) => ({ protocol: 'TCP', port });
const byName = (ns: string): Peer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
const CLINICAL_APPS: Peer = { namespaceSelector: { matchLabels: { 'yiyun.io/kind': 'clinical-app' } } };
const hostCidr = (ip: string) => (ip.includes('/') ? ip : ip.includes(':') ? `${ip}/128` : `${ip}/32`);

/**
 * One clinical system of the catalogue on the zone's cluster: its namespace (Pod Security "restricted",
 * default-deny both ways), per component a non-root Deployment with probes and a Service, ingress only from
 * the WAF pair (and from the zone's other clinical apps on ports the catalogue opens to them), its data volume
 * on the SM4 storage class, its database claims on the zone's HA pair, its certificate by Secret reference,
 * backup labels naming the declared policies and log shipping to log audit. Children are
 * `<zone>-app-<id>-*`; renaming one replaces it (and a volume's data with it).
 */
export class ClinicalApp extends pulumi.ComponentResource {
  readonly plan: AppPlan;
  readonly namespace: string;
  readonly deployments: k8s.apps.v1.Deployment[] = [];
  readonly services: k8s.core.v1.Service[] = [];
  readonly volume?: k8s.core.v1.PersistentVolumeClaim;

  constructor(name: string, args: ClinicalAppArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:apps:ClinicalApp', name, {}, opts);
    // Defaults and validation first: nothing is declared for an app whose inputs do not hold together.
    const plan = 'plan' in args ? args.plan : planClinicalApp(args.entry, args, args.backupPolicies, args.namespace);
    const e = plan.entry;
    if (args.namespace && args.namespace !== plan.namespace) {
      throw new ConfigError(`app ${e.id}: planned for namespace ${plan.namespace}, deployed into ${args.namespace}`);
    }
    const ns = plan.namespace;
    const logAudit = args.logAudit ?? { namespace: 'yiyun-security', service: 'log-audit', port: 6514 };
    const issuer = args.tlsIssuer ?? 'yiyun-platform-ca';
    if (plan.components.some((c) => c.wafPorts.length) && args.wafAddresses.length === 0) {
      throw new ConfigError(`app ${e.id}: published ports but no WAF address to accept them from`);
    }
    for (const d of plan.databases) {
      if (!args.databaseHosts[d.engine]) throw new ConfigError(`app ${e.id}: database ${d.database} needs a ${d.engine} pair, and the zone declares none`);
    }
    const base = `${args.zone}-app-${e.id}`;
    const parent = { parent: this };
    const appLabels = { 'yiyun.io/app': e.id, 'yiyun.io/item': String(e.item), ...plan.backupLabels };
    // The filed 等保 grade, read by the policy hosted-grade-within-platform (L3-CNS2-01). Never in a selector:
    // a re-filed grade must not replace the Deployment.
    const gradeLabel = { [GRADE_LABEL]: String(plan.grade) };
    const annotations = {
      'yiyun.io/backup-class': e.backup,
      'yiyun.io/backup-policies': plan.backupPolicies.join(','),
      // Node-level log shippers read these: stdout/stderr of every pod go to log audit, RFC 5424 over TLS.
      'yiyun.io/log-shipping': `syslog+tls://${logAudit.service}.${logAudit.namespace}.svc:${logAudit.port}`,
      'yiyun.io/log-format': 'rfc5424',
      'yiyun.io/audit-source': `clinical-app/${e.id}`,
    };

    let nsResource: k8s.core.v1.Namespace | undefined;
    if (!args.namespace) {
      nsResource = new k8s.core.v1.Namespace(`${base}-ns`, {
        metadata: {
          name: ns,
          labels: {
            ...appLabels,
            ...gradeLabel,
            'yiyun.io/kind': 'clinical-app',
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
          annotations: { 'yiyun.io/title': `${e.name.zh} ${e.name.en}`, 'yiyun.io/vendor-image': String(e.vendorImage) },
        },
      }, parent);
    }
    const inNs: pulumi.CustomResourceOptions = { parent: this, ...(nsResource ? { dependsOn: [nsResource] } : {}) };
    const policy = (suffix: string, spec: PolicySpec) =>
      new k8s.networking.v1.NetworkPolicy(`${base}-np-${suffix}`, { metadata: { name: suffix, namespace: ns, labels: appLabels }, spec }, inNs);

    if (nsResource) {
      policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      policy('allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ...byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }],
      });
      policy('allow-same-namespace', {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }
    const waf: Peer[] = args.wafAddresses.map((a) => ({ ipBlock: { cidr: hostCidr(a) } }));
    for (const c of plan.components) {
      const podSelector = { matchLabels: { 'app.kubernetes.io/name': c.spec.name } };
      if (c.wafPorts.length) {
        policy(`${c.spec.name}-from-waf`, { podSelector, policyTypes: ['Ingress'], ingress: [{ from: waf, ports: c.wafPorts.map((p) => tcp(p.port)) }] });
      }
      if (c.appPorts.length) {
        policy(`${c.spec.name}-from-apps`, { podSelector, policyTypes: ['Ingress'], ingress: [{ from: [CLINICAL_APPS], ports: c.appPorts.map((p) => tcp(p.port)) }] });
      }
    }
    const engines = [...new Set(plan.databases.map((d) => d.engine))];
    if (engines.length) {
      policy('to-database', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: engines.map((en) => ({ to: [{ ipBlock: { cidr: hostCidr(args.databaseHosts[en]!) } }], ports: [tcp(DB_PORTS[en])] })),
      });
    }
    policy('to-log-audit', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ...byName(logAudit.namespace), podSelector: { matchLabels: { 'app.kubernetes.io/name': logAudit.service } } }], ports: [tcp(logAudit.port)] }],
    });
    // SSO back-channel and the FHIR API: the receiving app's ingress policy decides which ports are open.
    policy('to-clinical-apps', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [CLINICAL_APPS] }] });
    if (e.internetEgress) {
      policy('to-internet', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_V4 } }, { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } }], ports: [tcp(443)] }],
      });
    }

    new k8s.core.v1.ServiceAccount(`${base}-sa`, { metadata: { name: e.id, namespace: ns, labels: appLabels }, automountServiceAccountToken: false }, inNs);
    new k8s.core.v1.ConfigMap(`${base}-database-claims`, {
      metadata: { name: 'database-claims', namespace: ns, labels: { ...appLabels, 'yiyun.io/kind': 'database-claim' } },
      data: {
        'claims.json': JSON.stringify(plan.databases.map((d) => ({
          ...d,
          host: args.databaseHosts[d.engine],
          port: DB_PORTS[d.engine],
          owner: d.database,
          sslmode: 'verify-full',
        })), null, 2),
      },
    }, inNs);

    if (e.storage && plan.storageGb) {
      this.volume = new k8s.core.v1.PersistentVolumeClaim(`${base}-data`, {
        metadata: { name: `${e.id}-data`, namespace: ns, labels: appLabels, annotations: { 'yiyun.io/backup-class': e.backup, 'yiyun.io/backup-policies': plan.backupPolicies.join(',') } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: args.storageClass,
          resources: { requests: { storage: `${plan.storageGb}Gi` } },
        },
      }, { ...inNs, protect: true });
    }

    for (const c of plan.components) {
      const labels = { ...c.labels, ...plan.backupLabels };
      const meta = { name: c.spec.name, namespace: ns, labels };
      const deployment = new k8s.apps.v1.Deployment(`${base}-${c.spec.name}`, {
        metadata: { ...meta, labels: { ...labels, ...gradeLabel } },
        spec: {
          replicas: c.replicas,
          selector: { matchLabels: c.labels },
          strategy: c.spec.singleton ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: { metadata: { labels, annotations }, spec: podSpec(plan, c, e.id) },
        },
      }, inNs);
      this.deployments.push(deployment);
      const published = c.wafPorts.length > 0;
      this.services.push(new k8s.core.v1.Service(`${base}-${c.spec.name}-svc`, {
        metadata: {
          ...meta,
          annotations: {
            'yiyun.io/tls-secret': plan.tlsSecret,
            'yiyun.io/tls-issuer': issuer,
            'yiyun.io/protocols': c.spec.ports.map((p) => `${p.name}=${p.protocol}`).join(','),
            // An internal load balancer on the services subnet, no floating IP: only the WAF pair reaches it.
            ...(published ? { 'service.beta.kubernetes.io/openstack-internal-load-balancer': 'true', 'yiyun.io/behind-waf': 'true' } : {}),
          },
        },
        spec: {
          type: published ? 'LoadBalancer' : 'ClusterIP',
          selector: c.labels,
          ports: c.spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' })),
          ...(published ? { loadBalancerSourceRanges: args.wafAddresses.map(hostCidr), externalTrafficPolicy: 'Local' } : {}),
        },
      }, inNs));
      if (c.replicas > 1) {
        new k8s.policy.v1.PodDisruptionBudget(`${base}-${c.spec.name}-pdb`, { metadata: meta, spec: { minAvailable: 1, selector: { matchLabels: c.labels } } }, inNs);
      }
    }

    this.plan = plan;
    this.namespace = ns;
    this.registerOutputs({ namespace: ns, deployments: this.deployments.map((d) => d.metadata.name), services: this.services.map((s) => s.metadata.name) });
  }
}

/** The pod of one component: non-root, no privilege, probes on its health endpoint, secrets only by reference. */
function podSpec(plan: AppPlan, c: ComponentPlan, appId: string): k8s.types.input.core.v1.PodSpec {
  const e = plan.entry;
  const s = c.spec;
  const uid = s.runAsUser;
  const env: EnvVar[] = Object.entries(c.env).map(([name, value]) => ({ name, value }));
  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    ...s.writablePaths.map((_, i) => ({ name: `writable-${i}`, emptyDir: { sizeLimit: '1Gi' } })),
    // The certificate is issued into this Secret by the platform CA; the pod waits until it exists.
    { name: 'tls', secret: { secretName: plan.tlsSecret, defaultMode: 0o440 } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [
    { name: 'tmp', mountPath: '/tmp' },
    ...s.writablePaths.map((p, i) => ({ name: `writable-${i}`, mountPath: p })),
    { name: 'tls', mountPath: e.tls.mountPath, readOnly: true },
  ];
  for (const d of e.databases.filter((x) => x.component === s.name)) {
    const secret = plan.databases.find((x) => x.database === d.name)!.secret;
    for (const key of d.secretKeys) env.push({ name: key, valueFrom: { secretKeyRef: { name: secret, key } } });
    if (d.file) {
      const vol = `db-${d.name.replace(/_/g, '-')}`;
      volumes.push({ name: vol, secret: { secretName: secret, items: [{ key: d.file.key, path: d.file.key }], defaultMode: 0o440 } });
      mounts.push({ name: vol, mountPath: d.file.path, subPath: d.file.key, readOnly: true });
    }
  }
  for (const sec of e.secrets.filter((x) => x.component === s.name)) {
    for (const key of sec.keys) env.push({ name: key, valueFrom: { secretKeyRef: { name: `${appId}-${sec.name}`, key } } });
  }
  if (e.storage?.component === s.name) {
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: `${appId}-data` } });
    mounts.push({ name: 'data', mountPath: e.storage.mountPath });
  }
  const probe = s.health.kind === 'http' ? { httpGet: { path: s.health.path, port: s.health.port } } : { tcpSocket: { port: s.health.port } };
  const securityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: s.readOnlyRoot, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
  const resources = { requests: { cpu: c.requests.cpu, memory: c.requests.memory }, limits: { memory: c.requests.memory } };
  return {
    serviceAccountName: appId,
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
    ...(c.replicas > 1
      ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: c.labels } }] }
      : {}),
    ...(s.init
      ? { initContainers: [{ name: `${s.name}-init`, image: c.image, command: s.init, env, resources, securityContext, volumeMounts: mounts }] }
      : {}),
    containers: [{
      name: s.name,
      image: c.image,
      ...(s.args ? { args: s.args } : {}),
      ports: s.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
      env,
      // Java servers (HAPI, Keycloak, DHIS2) take minutes on first start: the startup probe holds the others off.
      startupProbe: { ...probe, periodSeconds: 10, failureThreshold: 60 },
      readinessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
      livenessProbe: { ...probe, periodSeconds: 20, failureThreshold: 3 },
      resources,
      securityContext,
      volumeMounts: mounts,
    }],
    volumes,
  };
}
