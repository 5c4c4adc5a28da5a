import * as k8s from '@pulumi/kubernetes';
import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import type { EstateConfig } from '../config/config-schema';

export interface ClusterArgs {
  readonly zone: string;
  readonly spec: EstateConfig['cluster'];
  readonly externalNetworkId: string;
  readonly networkId: pulumi.Input<string>;
  readonly subnetId: pulumi.Input<string>;
  readonly volumeType: string;
  readonly dns: string;
}

/**
 * The zone's Kubernetes cluster through Magnum: one `pulumi up` creates it and hands its kubeconfig
 * to the Kubernetes provider (docs/infra.md says why Magnum rather than hand-made VMs). Nodes sit on
 * the services tier without floating IPs; the API is reached through an internal load balancer.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: openstack.containerinfra.Cluster;
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:k8s:Cluster', name, {}, opts);
    const parent = { parent: this };
    const z = args.zone;
    const s = args.spec;
    const template = new openstack.containerinfra.ClusterTemplate(`${z}-k8s-template`, {
      name: `${z}-k8s-${s.kubeTag}`,
      coe: 'kubernetes',
      image: s.image,
      externalNetworkId: args.externalNetworkId,
      fixedNetwork: args.networkId,
      fixedSubnet: args.subnetId,
      dnsNameserver: args.dns,
      masterLbEnabled: true,
      floatingIpEnabled: false,
      networkDriver: 'calico',
      volumeDriver: 'cinder',
      dockerStorageDriver: 'overlay2',
      dockerVolumeSize: s.dockerVolumeGb,
      serverType: 'vm',
      public: false,
      tlsDisabled: false,
      labels: {
        kube_tag: s.kubeTag,
        boot_volume_type: args.volumeType,
        docker_volume_type: args.volumeType,
        etcd_volume_type: args.volumeType,
        master_lb_floating_ip_enabled: 'false',
        auto_healing_enabled: 'true',
        cloud_provider_enabled: 'true',
      },
    }, parent);
    this.cluster = new openstack.containerinfra.Cluster(`${z}-k8s`, {
      name: `${z}-k8s`,
      clusterTemplateId: template.id,
      masterCount: s.masterCount,
      masterFlavor: s.masterFlavor,
      nodeCount: s.nodeCount,
      flavor: s.nodeFlavor,
      dockerVolumeSize: s.dockerVolumeGb,
      fixedNetwork: args.networkId,
      fixedSubnet: args.subnetId,
      floatingIpEnabled: false,
      mergeLabels: true,
      labels: { 'yiyun.zone': z },
    }, parent);
    // The provider is named after the zone: the policy pack reads the zone from it.
    this.provider = new k8s.Provider(`${z}-k8s`, {
      kubeconfig: this.cluster.kubeconfig.apply((k) => k?.rawConfig ?? ''),
      enableServerSideApply: true,
    }, parent);
    this.registerOutputs({ clusterId: this.cluster.id });
  }
}
