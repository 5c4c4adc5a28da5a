import type { ResourceDescription } from './types';

/** Pulumi type tokens the rules look at (the vocabulary both the pack and the control plane use). */
export const T = {
  secGroup: 'openstack:networking/secGroup:SecGroup',
  secGroupRule: 'openstack:networking/secGroupRule:SecGroupRule',
  fwRule: 'openstack:firewall/ruleV2:RuleV2',
  fwPolicy: 'openstack:firewall/policyV2:PolicyV2',
  fwGroup: 'openstack:firewall/groupV2:GroupV2',
  network: 'openstack:networking/network:Network',
  subnet: 'openstack:networking/subnet:Subnet',
  port: 'openstack:networking/port:Port',
  router: 'openstack:networking/router:Router',
  routerInterface: 'openstack:networking/routerInterface:RouterInterface',
  routerRoute: 'openstack:networking/routerRoute:RouterRoute',
  subnetRoute: 'openstack:networking/subnetRoute:SubnetRoute',
  floatingIp: 'openstack:networking/floatingIp:FloatingIp',
  floatingIpAssociate: 'openstack:networking/floatingIpAssociate:FloatingIpAssociate',
  computeFloatingIpAssociate: 'openstack:compute/floatingIpAssociate:FloatingIpAssociate',
  computeFloatingIp: 'openstack:compute/floatingIp:FloatingIp',
  loadBalancer: 'openstack:loadbalancer/loadBalancer:LoadBalancer',
  vpnSiteConnection: 'openstack:vpnaas/siteConnection:SiteConnection',
  vpnEndpointGroup: 'openstack:vpnaas/endpointGroup:EndpointGroup',
  instance: 'openstack:compute/instance:Instance',
  serverGroup: 'openstack:compute/serverGroup:ServerGroup',
  flavor: 'openstack:compute/flavor:Flavor',
  aggregate: 'openstack:compute/aggregateV2:AggregateV2',
  volume: 'openstack:blockstorage/volume:Volume',
  volumeType: 'openstack:blockstorage/volumeTypeV3:VolumeTypeV3',
  container: 'openstack:objectstorage/container:Container',
  clusterTemplate: 'openstack:containerinfra/clusterTemplate:ClusterTemplate',
  cluster: 'openstack:containerinfra/cluster:Cluster',
  nodeGroup: 'openstack:containerinfra/nodeGroup:NodeGroup',
  k8sNamespace: 'kubernetes:core/v1:Namespace',
  k8sService: 'kubernetes:core/v1:Service',
  k8sConfigMap: 'kubernetes:core/v1:ConfigMap',
  k8sSecret: 'kubernetes:core/v1:Secret',
  k8sPod: 'kubernetes:core/v1:Pod',
  k8sDeployment: 'kubernetes:apps/v1:Deployment',
  k8sStatefulSet: 'kubernetes:apps/v1:StatefulSet',
  k8sDaemonSet: 'kubernetes:apps/v1:DaemonSet',
  k8sJob: 'kubernetes:batch/v1:Job',
  k8sCronJob: 'kubernetes:batch/v1:CronJob',
  k8sNetworkPolicy: 'kubernetes:networking.k8s.io/v1:NetworkPolicy',
  /** a clinical system of the catalogue (apps/), as the control plane describes one on admission */
  clinicalApp: 'yiyun:apps:ClinicalApp',
} as const;

/** Kubernetes kinds that carry a pod template. */
export const WORKLOAD_TYPES: readonly string[] = [
  T.k8sDeployment,
  T.k8sStatefulSet,
  T.k8sDaemonSet,
  T.k8sJob,
  T.k8sCronJob,
  T.k8sPod,
];

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** OpenStack tags "key=value" as a map; bare tags map to "". */
export function tagMap(r: ResourceDescription): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of arr(r.props.tags)) {
    const s = str(t);
    if (!s) continue;
    const i = s.indexOf('=');
    if (i < 0) out.set(s, '');
    else out.set(s.slice(0, i), s.slice(i + 1));
  }
  return out;
}

/** The value of tag or metadata key `key` (tags first, then compute metadata / container metadata). */
export function label(r: ResourceDescription, key: string): string | undefined {
  const t = tagMap(r).get(key);
  if (t !== undefined) return t;
  return str(rec(r.props.metadata)[key]);
}

/** True when `ref` (an id or logical name from a property) points at `target`. */
export function refersTo(ref: unknown, target: ResourceDescription): boolean {
  const s = str(ref);
  return s !== undefined && (s === target.id || s === target.name);
}

/** Finds the resource a reference points at. */
export function resolve(
  ref: unknown,
  rs: readonly ResourceDescription[],
  type?: string,
): ResourceDescription | undefined {
  return rs.find((r) => (type === undefined || r.type === type) && refersTo(ref, r));
}

/** Kubernetes object metadata and the pod spec of a workload (Deployment, CronJob, Pod …). */
export function podSpec(r: ResourceDescription): Record<string, unknown> | undefined {
  const spec = rec(r.props.spec);
  if (r.type === T.k8sPod) return spec;
  if (r.type === T.k8sCronJob) return rec(rec(rec(rec(spec.jobTemplate).spec).template).spec);
  if (WORKLOAD_TYPES.includes(r.type)) return rec(rec(spec.template).spec);
  return undefined;
}

export function k8sMeta(r: ResourceDescription): { labels: Record<string, unknown>; annotations: Record<string, unknown> } {
  const m = rec(r.props.metadata);
  return { labels: rec(m.labels), annotations: rec(m.annotations) };
}
