import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';

export const SYSTEM_NAMESPACES = ['yiyun-system', 'yiyun-security', 'yiyun-monitoring'] as const;
export type SystemNamespace = (typeof SYSTEM_NAMESPACES)[number];

export const tenantNamespace = (tenant: string): string => `t-${tenant}`;

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

/** One extra allow rule on top of a namespace's default deny. */
export interface Allow {
  name: string;
  direction: 'ingress' | 'egress';
  peers: Peer[];
  ports: Port[];
  podSelector?: Record<string, string>;
  /** select the pods whose `app.kubernetes.io/name` is one of these (instead of `podSelector`) */
  podNames?: readonly string[];
}

export const fromNamespace = (ns: string): Peer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
export const fromCidr = (cidr: string): Peer => ({ ipBlock: { cidr } });
export const tcp = (port: number): Port => ({ protocol: 'TCP', port });
export const udp = (port: number): Port => ({ protocol: 'UDP', port });

/**
 * A namespace with Pod Security "restricted", a default-deny NetworkPolicy for both directions,
 * DNS, traffic inside the namespace, and the given extra allows. Names: `<zone>-ns-<ns>-*`.
 */
export function namespaceWithPolicies(
  z: string,
  ns: string,
  labels: Record<string, string>,
  allows: readonly Allow[],
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  const namespace = new k8s.core.v1.Namespace(`${z}-ns-${ns}`, {
    metadata: {
      name: ns,
      labels: {
        ...labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  }, opts);
  const o = { ...opts, dependsOn: [namespace] };
  const np = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(`${z}-ns-${ns}-${suffix}`, { metadata: { name: suffix, namespace: ns }, spec }, o);
  np('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  np('allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [udp(53), tcp(53)],
    }],
  });
  np('allow-same-namespace', {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: {} }] }],
    egress: [{ to: [{ podSelector: {} }] }],
  });
  for (const a of allows) {
    const podSelector = a.podNames
      ? { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [...a.podNames] }] }
      : a.podSelector ? { matchLabels: a.podSelector } : {};
    np(a.name, a.direction === 'ingress'
      ? { podSelector, policyTypes: ['Ingress'], ingress: [{ from: a.peers, ports: a.ports }] }
      : { podSelector, policyTypes: ['Egress'], egress: [{ to: a.peers, ports: a.ports }] });
  }
  return namespace;
}
