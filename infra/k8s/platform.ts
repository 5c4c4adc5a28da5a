import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { GatekeeperFlow } from '../../policies';
import type { EstateConfig, TierKind } from '../config/config-schema';
import type { Cidrs } from '../components/acl-plan';
import { SYSTEM_NAMESPACES, fromCidr, fromNamespace, namespaceWithPolicies, tcp, tenantNamespace, udp, type Allow } from './namespaces';
import { monitoring } from './monitoring';
import { HTTP_PORT, ROLES, roleWorkload, type YiyunRole } from './workloads';

export interface PlatformArgs {
  readonly cfg: EstateConfig;
  readonly cidrs: Map<TierKind, Cidrs>;
  readonly gatekeeperAddress: string;
  readonly gatekeeperFlows: readonly GatekeeperFlow[];
  readonly gatekeeperWhitelist: string;
  readonly databaseUrl: pulumi.Input<string>;
  readonly grafanaAdminPassword: pulumi.Input<string>;
}

const v4 = (c: Cidrs | undefined) => c?.v4 ?? [];

/**
 * Everything yiyun runs on the zone's cluster: namespaces per system and per tenant with default-deny
 * policies, the roles from one image, Prometheus and Grafana, and the ConfigMaps that carry the
 * declared policies (backup, log retention, gatekeeper flows) to the control plane.
 */
export class Platform extends pulumi.ComponentResource {
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
      ],
      'yiyun-security': [
        { name: 'allow-scrape', direction: 'ingress', peers: [fromNamespace('yiyun-monitoring')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-from-control-plane', direction: 'ingress', peers: [fromNamespace('yiyun-system')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-syslog', direction: 'ingress', peers: peers([...services, ...management, ...tenant]), ports: [udp(514), tcp(6514)], podSelector: { 'app.kubernetes.io/name': 'log-audit' } },
        { name: 'allow-bastion-in', direction: 'ingress', peers: peers([...services, ...management]), ports: [tcp(2222)], podSelector: { 'app.kubernetes.io/name': 'bastion' } },
        { name: 'allow-bastion-out', direction: 'egress', peers: peers([...management, ...tenant]), ports: [tcp(22), tcp(3389)], podSelector: { 'app.kubernetes.io/name': 'bastion' } },
        { name: 'allow-db-audit-in', direction: 'ingress', peers: peers(tenant), ports: [tcp(15432)], podSelector: { 'app.kubernetes.io/name': 'db-audit' } },
        { name: 'allow-db-audit-out', direction: 'egress', peers: peers(tenant), ports: [tcp(5432), tcp(3306)], podSelector: { 'app.kubernetes.io/name': 'db-audit' } },
        { name: 'allow-to-database', direction: 'egress', peers: peers(services), ports: [tcp(5432)] },
      ],
      'yiyun-monitoring': [
        { name: 'allow-scrape-out', direction: 'egress', peers: [fromNamespace('yiyun-system'), fromNamespace('yiyun-security')], ports: [tcp(HTTP_PORT)] },
        { name: 'allow-node-exporter', direction: 'egress', peers: peers(management), ports: [tcp(9100)] },
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
      metadata: { name: 'backup-policies', namespace: 'yiyun-system', labels: { 'yiyun.io/kind': 'backup-policies' } },
      data: { 'policies.json': JSON.stringify(cfg.backupPolicies, null, 2) },
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
        ...(role === 'log-audit' ? { extraEnv: { YIYUN_LOG_RETENTION_DAYS: String(cfg.logRetentionDays) } } : {}),
      }, after(ROLES[role].namespace));
    }
    monitoring({
      zone: z,
      prometheusImage: cfg.images.prometheus,
      grafanaImage: cfg.images.grafana,
      roles,
      grafanaAdminPassword: args.grafanaAdminPassword,
    }, after('yiyun-monitoring'), management[0]);
    this.registerOutputs({});
  }
}
