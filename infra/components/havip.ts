import * as openstack from '@pulumi/openstack';
import * as pulumi from '@pulumi/pulumi';
import { BACKUP_POLICY_KEY, backupPolicyValue } from '../../policies';
import { renderKeepalived, renderMemberCloudInit } from './keepalived';

export interface HaVipArgs {
  readonly zone: string;
  /** what the pair runs: waf, ips, postgres */
  readonly role: string;
  readonly networkId: pulumi.Input<string>;
  readonly subnetId: pulumi.Input<string>;
  readonly prefixLength: number;
  /** the virtual IP and the members' fixed addresses, from zone-plan's havipAddresses */
  readonly addresses: { vip: string; a: string; b: string };
  readonly vrid: number;
  readonly flavor: string;
  readonly image: string;
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly backupPolicies: readonly string[];
  readonly dataVolumeGb?: number;
  readonly volumeType?: pulumi.Input<string>;
  readonly availabilityZone?: string;
  /** bind a floating IP from this pool (the external network's name) to the VIP */
  readonly floatingIpPool?: string;
}

/**
 * A highly-available virtual IP (HaVIP): a port that only holds the address, two VMs in a strong
 * anti-affinity server group whose ports may carry that address (allowed-address-pairs), and the
 * keepalived configuration that moves it. Children are `<zone>-<name>-*`; never rename them.
 */
export class HaVip extends pulumi.ComponentResource {
  readonly vipPort: openstack.networking.Port;
  readonly serverGroup: openstack.compute.ServerGroup;
  readonly members: openstack.compute.Instance[] = [];
  readonly memberPorts: openstack.networking.Port[] = [];
  readonly keepalived: string[] = [];
  readonly floatingIp?: openstack.networking.FloatingIp;

  constructor(name: string, args: HaVipArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('yiyun:compute:HaVip', name, {}, opts);
    const parent = { parent: this };
    const base = `${args.zone}-${name}`;
    const tags = [`yiyun:zone=${args.zone}`, `yiyun:havip=${name}`, `yiyun:role=${args.role}`];

    this.serverGroup = new openstack.compute.ServerGroup(`${base}-group`, { name: `${base}-anti-affinity`, policies: ['anti-affinity'] }, parent);
    // The VIP port is never bound to a VM: it reserves the address so Neutron hands it to no one else.
    this.vipPort = new openstack.networking.Port(`${base}-vip`, {
      name: `${base}-vip`,
      networkId: args.networkId,
      fixedIps: [{ subnetId: args.subnetId, ipAddress: args.addresses.vip }],
      securityGroupIds: args.securityGroupIds,
      tags: [...tags, 'yiyun:havip-vip=true'],
    }, parent);

    // VRRP between the two members only.
    const vrrp = new openstack.networking.SecGroup(`${base}-vrrp`, { name: `${base}-vrrp`, deleteDefaultRules: true, description: `VRRP of ${base}` }, parent);
    [args.addresses.a, args.addresses.b].forEach((ip, i) => {
      for (const direction of ['ingress', 'egress'] as const) {
        new openstack.networking.SecGroupRule(`${base}-vrrp-${direction}-${i}`, {
          securityGroupId: vrrp.id, direction, ethertype: 'IPv4', protocol: 'vrrp', remoteIpPrefix: `${ip}/32`,
          description: `VRRP ${direction} with member ${i === 0 ? 'a' : 'b'}`,
        }, parent);
      }
    });

    const members = [
      { key: 'a', self: args.addresses.a, peer: args.addresses.b, priority: 150 },
      { key: 'b', self: args.addresses.b, peer: args.addresses.a, priority: 100 },
    ];
    for (const m of members) {
      const port = new openstack.networking.Port(`${base}-${m.key}-port`, {
        name: `${base}-${m.key}`,
        networkId: args.networkId,
        fixedIps: [{ subnetId: args.subnetId, ipAddress: m.self }],
        allowedAddressPairs: [{ ipAddress: args.addresses.vip }],
        securityGroupIds: [...args.securityGroupIds, vrrp.id],
        tags: [...tags, `yiyun:havip-member=${m.key}`],
      }, parent);
      const conf = renderKeepalived({
        pair: base, role: args.role, vrid: args.vrid, vip: args.addresses.vip, prefixLength: args.prefixLength,
        self: m.self, peer: m.peer, priority: m.priority,
      });
      this.keepalived.push(conf);
      const vm = new openstack.compute.Instance(`${base}-${m.key}`, {
        name: `${base}-${m.key}`,
        flavorName: args.flavor,
        imageName: args.image,
        ...(args.availabilityZone ? { availabilityZone: args.availabilityZone } : {}),
        networks: [{ port: port.id }],
        schedulerHints: [{ group: this.serverGroup.id }],
        userData: renderMemberCloudInit(args.role, conf),
        metadata: {
          'yiyun.havip': name,
          'yiyun.role': args.role,
          [BACKUP_POLICY_KEY]: backupPolicyValue(args.backupPolicies),
        },
        tags: [`yiyun:zone=${args.zone}`, `yiyun:role=${args.role}`],
      }, parent);
      this.members.push(vm);
      this.memberPorts.push(port);
      if (args.dataVolumeGb && args.volumeType) {
        const vol = new openstack.blockstorage.Volume(`${base}-${m.key}-data`, {
          name: `${base}-${m.key}-data`,
          size: args.dataVolumeGb,
          volumeType: args.volumeType,
          ...(args.availabilityZone ? { availabilityZone: args.availabilityZone } : {}),
          metadata: { [BACKUP_POLICY_KEY]: backupPolicyValue(args.backupPolicies) },
        }, parent);
        new openstack.compute.VolumeAttach(`${base}-${m.key}-data-attach`, { instanceId: vm.id, volumeId: vol.id }, parent);
      }
    }
    if (args.floatingIpPool) {
      this.floatingIp = new openstack.networking.FloatingIp(`${base}-fip`, {
        pool: args.floatingIpPool,
        portId: this.vipPort.id,
        fixedIp: args.addresses.vip,
        description: `public address of ${base}`,
        tags: [...tags],
      }, parent);
    }
    this.registerOutputs({ vip: args.addresses.vip, vipPortId: this.vipPort.id, serverGroupId: this.serverGroup.id });
  }
}
