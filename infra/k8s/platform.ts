import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { GatekeeperFlow } from '../../policies';
import type { EstateConfig, TierKind } from '../config/config-schema';
import type { Cidrs } from '../components/acl-plan';
import { SYSTEM_NAMESPACES, fromCidr, fromNamespace, namespaceWithPolicies, tcp, tenantNamespace, type Allow } from './namespaces';
import { BACKUP_JOB_NAME, backupJobs } from './backup-jobs';
import { BACKUP_POLICIES_CONFIGMAP, BACKUP_POLICIES_KEY } from './backup-policies-file';
import { monitoring } from './monitoring';
import { HTTP_PORT, ROLES, SYSLOG_TLS_SECRET, roleListeners, roleWorkload, type RoleSite, type YiyunRole } from './workloads';
import { zoneKeys } from './zone-keys';

export interface PlatformArgs {
  readonly cfg: EstateConfig;
  readonly cidrs: Map<TierKind, Cidrs>;
  readonly gatekeeperAddress: string;
  readonly gatekeeperFlows: readonly GatekeeperFlow[];
  readonly gatekeeperWhitelist: string;
  readonly databaseUrl: pulumi.Input<string>;
  readonly grafanaAdminPassword: pulumi.Input<string>;
  /** the zone's encrypted Cinder volume type: the StorageClass of every PersistentVolumeClaim */
  readonly volumeType: string;
  /** host:port of the zone's PostgreSQL (HaVIP), which the DB-audit proxy fronts */
  readonly auditedPostgres?: string;
  /** syslog-over-TLS server certificate and key (PEM); without them the log audit listens on UDP only */
  readonly syslogTls?: { cert: pulumi.Input<string>; key: pulumi.Input<string> };
}

const v4 = (c: Cidrs | undefined) => c?.v4 ?? [];
/** The pods of `yiyun-system` that call the OpenStack APIs (`app.kubernetes.io/name`). */
export const OPENSTACK_API_CLIENTS: readonly string[] = ['control-plane' satisfies YiyunRole, BACKUP_JOB_NAME];
const TENANT_NAMESPACES = { namespaceSelector: { matchLabels: { 'yiyun.io/kind': 'tenant' } } };

/**
 * Everything yiyun runs on the zone's cluster: namespaces per system and per tenant with default-deny
 * policies, the roles from one image, Prometheus and Grafana, and the ConfigMaps that carry the
 * declared policies (backup, log retention, gatekeeper flows) to the control plane.
 */
export class Platform extends pulumi.ComponentResource {
  /** the StorageClass over the zone's encrypted volume type: every PersistentVolumeClaim on the cluster names it */
  readonly storageClass: string;

  constructor(name: string, args: PlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:k8s:Platform', name, {}, opts);
    const { cfg } = args;
    const z = cfg.zone;
    const o: pulumi.CustomResourceOptions = { parent: this };
    const services = v4(args.cidrs.get('services'));
    const management = v4(args.cidrs.get('management'));
    const tenant = v4(args.cidrs.get('tenant'));
    const peers = (cidrs: string[]) => cidrs.map(fromCidr);
    const flowPorts = [...new Set(args.gatekeeperFlows.map((f) => f.port))];
    const site: RoleSite = { syslogTls: !!args.syslogTls, ...(args.auditedPostgres ? { auditedPostgres: args.auditedPostgres } : {}) };
    // NetworkPolicies see the pod's port (after the Service's port mapping): allow what the process opens.
    const podPorts = (role: YiyunRole) => roleListeners(role, site).listeners.map((l) => ({ protocol: l.protocol, port: l.targetPort }));
    const storageClass = `yiyun-${args.volumeType}`;
    this.storageClass = storageClass;

    const allows: Record<(typeof SYSTEM_NAMESPACES)[number], Allow[]> = {
      'yiyun-system': [
        { name: 'allow-scrape', direction: 'ingress', peers: [fromNamespace('yiyun-monitoring')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-from-services-tier', direction: 'ingress', peers: peers(services), ports: [tcp(HTTP_PORT)] },
        { name: 'allow-to-database', direction: 'egress', peers: peers(services), ports: [tcp(5432)] },
        // An empty port list would allow every port: no flow, no rule.
        ...(flowPorts.length
          ? [{ name: 'allow-to-gatekeeper', direction: 'egress' as const, peers: [fromCidr(`${args.gatekeeperAddress}/32`)], ports: flowPorts.map(tcp) }]
          : []),
        { name: 'allow-to-security', direction: 'egress', peers: [fromNamespace('yiyun-security')], ports: [tcp(HTTP_PORT)] },
        // The control plane's OpenStack driver (YIYUN_ZONES) and the backup jobs call the zone's APIs; KMS never does.
        {
          name: 'allow-to-openstack-api',
          direction: 'egress',
          peers: peers([...cfg.openstackApi.cidrs]),
          ports: [...new Set(cfg.openstackApi.ports)].map(tcp),
          podNames: OPENSTACK_API_CLIENTS,
        },
      ],
      'yiyun-security': [
        { name: 'allow-scrape', direction: 'ingress', peers: [fromNamespace('yiyun-monitoring')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-from-control-plane', direction: 'ingress', peers: [fromNamespace('yiyun-system')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-syslog', direction: 'ingress', peers: peers([...services, ...management, ...tenant]), ports: podPorts('log-audit'), podSelector: { 'app.kubernetes.io/name': 'log-audit' } },
        { name: 'allow-bastion-in', direction: 'ingress', peers: peers([...services, ...management]), ports: podPorts('bastion'), podSelector: { 'app.kubernetes.io/name': 'bastion' } },
        { name: 'allow-bastion-out', direction: 'egress', peers: peers([...management, ...tenant]), ports: [tcp(22), tcp(3389)], podSelector: { 'app.kubernetes.io/name': 'bastion' } },
        { name: 'allow-db-audit-in', direction: 'ingress', peers: peers(tenant), ports: podPorts('db-audit'), podSelector: { 'app.kubernetes.io/name': 'db-audit' } },
        { name: 'allow-db-audit-out', direction: 'egress', peers: peers(tenant), ports: [tcp(5432), tcp(3306)], podSelector: { 'app.kubernetes.io/name': 'db-audit' } },
        { name: 'allow-to-database', direction: 'egress', peers: peers(services), ports: [tcp(5432)] },
      ],
      'yiyun-monitoring': [
        { name: 'allow-scrape-out', direction: 'egress', peers: [fromNamespace('yiyun-system'), fromNamespace('yiyun-security')], ports: [tcp(HTTP_PORT)] },
        // Tenant namespaces let the scrape in (allow-scrape below); without this egress it would never leave.
        { name: 'allow-scrape-tenants', direction: 'egress', peers: [TENANT_NAMESPACES], ports: [tcp(HTTP_PORT)], podSelector: { 'app.kubernetes.io/name': 'prometheus' } },
        { name: 'allow-grafana-in', direction: 'ingress', peers: peers(services), ports: [tcp(3000)], podSelector: { 'app.kubernetes.io/name': 'grafana' } },
        { name: 'allow-kube-api', direction: 'egress', peers: peers(services), ports: [tcp(6443), tcp(443)], podSelector: { 'app.kubernetes.io/name': 'prometheus' } },
      ],
    };
    const nsResources = new Map<string, k8s.core.v1.Namespace>();
    for (const ns of SYSTEM_NAMESPACES) {
      nsResources.set(ns, namespaceWithPolicies(z, ns, { 'yiyun.io/kind': 'system' }, allows[ns], o));
    }
    for (const t of cfg.tenants) {
      const ns = tenantNamespace(t.name);
      namespaceWithPolicies(z, ns, { 'yiyun.io/kind': 'tenant', 'yiyun.io/tenant': t.name }, [
        { name: 'allow-scrape', direction: 'ingress', peers: [fromNamespace('yiyun-monitoring')], ports: [tcp(HTTP_PORT)] },
      ], o);
    }
    const after = (ns: string): pulumi.CustomResourceOptions => ({ ...o, dependsOn: [nsResources.get(ns)!] });

    // Cinder CSI volumes of the zone's encrypted type. Retain: a deleted claim must not take audit evidence with it.
    const sc = new k8s.storage.v1.StorageClass(`${z}-storage-class`, {
      metadata: { name: storageClass, labels: { 'yiyun.io/kind': 'storage-class' } },
      provisioner: 'cinder.csi.openstack.org',
      parameters: { type: args.volumeType },
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    }, o);
    const roleNamespaces = [...new Set(Object.values(ROLES).map((r) => r.namespace))];
    zoneKeys(z, cfg.stack, roleNamespaces, after, this);
    if (args.syslogTls) {
      new k8s.core.v1.Secret(`${z}-syslog-tls`, {
        metadata: { name: SYSLOG_TLS_SECRET, namespace: 'yiyun-security' },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': args.syslogTls.cert, 'tls.key': pulumi.secret(args.syslogTls.key) },
      }, after('yiyun-security'));
    }

    for (const ns of ['yiyun-system', 'yiyun-security'] as const) {
      new k8s.core.v1.Secret(`${z}-database-${ns}`, {
        metadata: { name: 'yiyun-database', namespace: ns },
        type: 'Opaque',
        stringData: { url: pulumi.secret(args.databaseUrl) },
      }, after(ns));
    }
    new k8s.core.v1.ConfigMap(`${z}-log-retention`, {
      metadata: { name: 'log-retention', namespace: 'yiyun-security', labels: { 'yiyun.io/kind': 'log-retention' } },
      data: { retentionDays: String(cfg.logRetentionDays), capacityAlertPercent: '80' },
    }, after('yiyun-security'));
    new k8s.core.v1.ConfigMap(`${z}-backup-policies`, {
      metadata: { name: BACKUP_POLICIES_CONFIGMAP, namespace: 'yiyun-system', labels: { 'yiyun.io/kind': 'backup-policies' } },
      data: { [BACKUP_POLICIES_KEY]: JSON.stringify(cfg.backupPolicies, null, 2) },
    }, after('yiyun-system'));
    new k8s.core.v1.ConfigMap(`${z}-gatekeeper-flows`, {
      metadata: { name: 'gatekeeper-flows', namespace: 'yiyun-system', labels: { 'yiyun.io/kind': 'gatekeeper' } },
      data: {
        'flows.json': JSON.stringify({ gatekeeper: args.gatekeeperAddress, flows: args.gatekeeperFlows }, null, 2),
        'whitelist.tsv': args.gatekeeperWhitelist,
      },
    }, after('yiyun-system'));

    const roles = Object.keys(ROLES) as YiyunRole[];
    for (const role of roles) {
      roleWorkload({
        zone: z,
        stack: cfg.stack,
        role,
        image: cfg.images.yiyun,
        replicas: cfg.replicas,
        databaseSecret: 'yiyun-database',
        site,
        storageClass,
      }, { ...o, dependsOn: [nsResources.get(ROLES[role].namespace)!, sc] });
    }
    monitoring({
      zone: z,
      prometheusImage: cfg.images.prometheus,
      grafanaImage: cfg.images.grafana,
      roles,
      grafanaAdminPassword: args.grafanaAdminPassword,
      storageClass,
    }, { ...o, dependsOn: [nsResources.get('yiyun-monitoring')!, sc] });
    backupJobs({ zone: z, stack: cfg.stack, image: cfg.images.yiyun, policies: cfg.backupPolicies, databaseSecret: 'yiyun-database' }, after('yiyun-system'));
    this.registerOutputs({});
  }
}
