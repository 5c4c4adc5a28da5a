import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { zoneDashboards } from './dashboards';
import type { YiyunRole } from './workloads';

export interface MonitoringArgs {
  zone: string;
  prometheusImage: string;
  grafanaImage: string;
  roles: readonly YiyunRole[];
  grafanaAdminPassword: pulumi.Input<string>;
  /** the zone's StorageClass (its encrypted Cinder volume type) for Prometheus's volume */
  storageClass: string;
}

const NS = 'yiyun-monitoring';

/**
 * Prometheus's scrape configuration: the pods that ask for it (yiyun's roles, the clinical apps in tenant
 * namespaces). No job for the VMs: nothing the program declares installs a node exporter on them, and a
 * file_sd job over files nobody writes only shows an empty target list. Pure.
 */
export function prometheusConfig(zone: string): string {
  return [
    'global:',
    '  scrape_interval: 30s',
    `  external_labels: { zone: ${zone} }`,
    'scrape_configs:',
    '  - job_name: pods',
    '    kubernetes_sd_configs: [{ role: pod }]',
    '    relabel_configs:',
    '      - { source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: keep, regex: "true" }',
    '      - { source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port], action: replace, regex: "([^:]+)(?::\\\\d+)?;(\\\\d+)", replacement: "$1:$2", target_label: __address__ }',
    '      - { source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], action: replace, target_label: __metrics_path__, regex: "(.+)" }',
    '      - { action: labelmap, regex: __meta_kubernetes_pod_label_(.+) }',
    '      - { source_labels: [__meta_kubernetes_namespace], target_label: namespace }',
    '',
  ].join('\n');
}

/** Prometheus and Grafana in `yiyun-monitoring`, dashboards generated as code. Names: `<zone>-prometheus-*`, `<zone>-grafana-*`. */
export function monitoring(a: MonitoringArgs, opts: pulumi.CustomResourceOptions): void {
  const z = a.zone;
  const sec = {
    runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' },
  };
  const csec = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

  const promLabels = { 'app.kubernetes.io/name': 'prometheus' };
  new k8s.core.v1.ServiceAccount(`${z}-prometheus-sa`, { metadata: { name: 'prometheus', namespace: NS } }, opts);
  new k8s.rbac.v1.ClusterRole(`${z}-prometheus-role`, {
    metadata: { name: 'yiyun-prometheus' },
    rules: [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] }],
  }, opts);
  new k8s.rbac.v1.ClusterRoleBinding(`${z}-prometheus-binding`, {
    metadata: { name: 'yiyun-prometheus' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'yiyun-prometheus' },
    subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: NS }],
  }, opts);
  new k8s.core.v1.ConfigMap(`${z}-prometheus-config`, { metadata: { name: 'prometheus', namespace: NS }, data: { 'prometheus.yml': prometheusConfig(z) } }, opts);
  new k8s.apps.v1.StatefulSet(`${z}-prometheus`, {
    metadata: { name: 'prometheus', namespace: NS, labels: promLabels },
    spec: {
      serviceName: 'prometheus',
      replicas: 1,
      selector: { matchLabels: promLabels },
      template: {
        metadata: { labels: promLabels },
        spec: {
          serviceAccountName: 'prometheus',
          securityContext: sec,
          containers: [{
            name: 'prometheus',
            image: a.prometheusImage,
            args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=30d'],
            ports: [{ name: 'http', containerPort: 9090 }],
            readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
            livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' } },
            securityContext: csec,
            volumeMounts: [{ name: 'config', mountPath: '/etc/prometheus' }, { name: 'data', mountPath: '/prometheus' }],
          }],
          volumes: [{ name: 'config', configMap: { name: 'prometheus' } }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: a.storageClass, resources: { requests: { storage: '200Gi' } } } }],
    },
  }, opts);
  new k8s.core.v1.Service(`${z}-prometheus-svc`, { metadata: { name: 'prometheus', namespace: NS }, spec: { selector: promLabels, ports: [{ name: 'http', port: 9090, targetPort: 'http' }] } }, opts);

  const grafLabels = { 'app.kubernetes.io/name': 'grafana' };
  new k8s.core.v1.Secret(`${z}-grafana-admin`, { metadata: { name: 'grafana-admin', namespace: NS }, stringData: { password: a.grafanaAdminPassword } }, opts);
  new k8s.core.v1.ConfigMap(`${z}-grafana-provisioning`, {
    metadata: { name: 'grafana-provisioning', namespace: NS },
    data: {
      'datasources.yaml': 'apiVersion: 1\ndatasources:\n  - { name: Prometheus, type: prometheus, uid: prometheus, url: http://prometheus:9090, isDefault: true }\n',
      'dashboards.yaml': 'apiVersion: 1\nproviders:\n  - { name: yiyun, folder: yiyun, type: file, options: { path: /var/lib/grafana/dashboards } }\n',
    },
  }, opts);
  new k8s.core.v1.ConfigMap(`${z}-grafana-dashboards`, {
    metadata: { name: 'grafana-dashboards', namespace: NS, labels: { 'yiyun.io/kind': 'dashboards' } },
    data: Object.fromEntries(Object.entries(zoneDashboards(z, a.roles)).map(([file, d]) => [file, JSON.stringify(d)])),
  }, opts);
  new k8s.apps.v1.Deployment(`${z}-grafana`, {
    metadata: { name: 'grafana', namespace: NS, labels: grafLabels },
    spec: {
      replicas: 1,
      selector: { matchLabels: grafLabels },
      template: {
        metadata: { labels: grafLabels },
        spec: {
          securityContext: { ...sec, runAsUser: 472, fsGroup: 472 },
          containers: [{
            name: 'grafana',
            image: a.grafanaImage,
            ports: [{ name: 'http', containerPort: 3000 }],
            env: [
              { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'password' } } },
              { name: 'GF_AUTH_ANONYMOUS_ENABLED', value: 'false' },
              { name: 'GF_ANALYTICS_REPORTING_ENABLED', value: 'false' },
              { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
            ],
            readinessProbe: { httpGet: { path: '/api/health', port: 'http' } },
            securityContext: csec,
            volumeMounts: [
              { name: 'provisioning', mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml' },
              { name: 'provisioning', mountPath: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml' },
              { name: 'dashboards', mountPath: '/var/lib/grafana/dashboards' },
              { name: 'data', mountPath: '/var/lib/grafana' },
            ],
          }],
          volumes: [
            { name: 'provisioning', configMap: { name: 'grafana-provisioning' } },
            { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
            { name: 'data', emptyDir: {} },
          ],
        },
      },
    },
  }, opts);
  new k8s.core.v1.Service(`${z}-grafana-svc`, { metadata: { name: 'grafana', namespace: NS }, spec: { selector: grafLabels, ports: [{ name: 'http', port: 3000, targetPort: 'http' }] } }, opts);
}
