import type { OpenStackCalls } from './openstack-client';

/*
 * Typed calls of the four services the tenant cloud uses, each a one-liner over the client. Only the fields we
 * read are typed; OpenStack answers carry many more. Paths follow the API references (Nova 2.1 with
 * microversions, Neutron v2.0, Cinder v3, Glance v2).
 */

export type NovaServer = { id: string; name?: string; status?: string; hostId?: string; metadata?: Record<string, string>; 'os-extended-volumes:volumes_attached'?: { id: string }[]; 'OS-EXT-SRV-ATTR:host'?: string | null; 'OS-EXT-AZ:availability_zone'?: string; fault?: { message?: string; code?: number } };
export type NovaFlavor = { id: string; name: string; vcpus: number; ram: number; disk: number; extra_specs?: Record<string, string> };
export type NovaHypervisor = { id: string | number; hypervisor_hostname: string; vcpus?: number; vcpus_used?: number; memory_mb?: number; memory_mb_used?: number; running_vms?: number; state?: string; status?: string };
export type BlockDevice = { uuid: string; source_type: 'volume' | 'image'; destination_type: 'volume' | 'local'; boot_index: number | null; delete_on_termination: boolean; volume_size?: number };
export type NewServer = {
  name: string;
  flavorRef: string;
  imageRef?: string;
  networks: { port: string }[];
  key_name?: string;
  adminPass?: string;
  user_data?: string;
  availability_zone?: string;
  metadata?: Record<string, string>;
  block_device_mapping_v2?: BlockDevice[];
};

export type NeutronNetwork = { id: string; name: string; 'router:external'?: boolean; subnets?: string[] };
export type NeutronSubnet = { id: string; network_id: string; cidr: string; ip_version: 4 | 6; gateway_ip: string | null };
export type NeutronPort = { id: string; network_id: string; fixed_ips: { ip_address: string; subnet_id: string }[]; allowed_address_pairs?: { ip_address: string; mac_address?: string }[] };
export type NeutronRule = { id: string; direction: string; ethertype: string; protocol: string | null; port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null };
export type NeutronSecurityGroup = { id: string; name: string; security_group_rules?: NeutronRule[] };
export type NeutronFloatingIp = { id: string; floating_ip_address: string; floating_network_id: string; port_id: string | null };
export type FirewallRule = { id: string; name?: string; action: 'allow' | 'deny' | 'reject'; protocol: string | null; source_ip_address: string | null; destination_ip_address: string | null; destination_port: string | null; ip_version: 4 | 6; enabled: boolean };
export type FirewallPolicy = { id: string; name: string; firewall_rules: string[] };
export type FirewallGroup = { id: string; name: string; ingress_firewall_policy_id: string | null; egress_firewall_policy_id: string | null; ports: string[]; status?: string };

export type CinderVolume = { id: string; status: string; size: number; name?: string | null; volume_type?: string | null; metadata?: Record<string, string>; attachments?: { server_id: string }[] };
export type CinderType = { id: string; name: string; extra_specs?: Record<string, string> };
export type CinderSnapshot = { id: string; status: string; volume_id: string };
export type CinderBackup = { id: string; status?: string; is_incremental?: boolean; name?: string | null; volume_id?: string; created_at?: string; has_dependent_backups?: boolean; fail_reason?: string | null; metadata?: Record<string, string> };
export type GlanceImage = { id: string; name: string; status: string; visibility?: string; disk_format?: string; min_disk?: number; os_type?: string; [k: string]: unknown };

const q = encodeURIComponent;

/** Nova: servers, actions, server groups, key pairs, consoles, volume attachments, flavors, hypervisors. */
export const nova = (c: OpenStackCalls) => ({
  createServer: (server: NewServer, hints?: Record<string, string>) =>
    c.post<{ server: { id: string; adminPass?: string } }>('compute', '/servers', { server, ...(hints ? { 'os:scheduler_hints': hints } : {}) }).then((r) => r.server),
  getServer: (id: string) => c.get<{ server: NovaServer }>('compute', `/servers/${q(id)}`).then((r) => r.server),
  deleteServer: (id: string) => c.del('compute', `/servers/${q(id)}`),
  action: (id: string, body: Record<string, unknown>) => c.post<unknown>('compute', `/servers/${q(id)}/action`, body),
  start: (id: string) => c.post('compute', `/servers/${q(id)}/action`, { 'os-start': null }),
  stop: (id: string) => c.post('compute', `/servers/${q(id)}/action`, { 'os-stop': null }),
  reboot: (id: string, type: 'SOFT' | 'HARD' = 'SOFT') => c.post('compute', `/servers/${q(id)}/action`, { reboot: { type } }),
  resize: (id: string, flavorRef: string) => c.post('compute', `/servers/${q(id)}/action`, { resize: { flavorRef } }),
  confirmResize: (id: string) => c.post('compute', `/servers/${q(id)}/action`, { confirmResize: null }),
  remoteConsole: (id: string) =>
    c.post<{ remote_console: { protocol: string; type: string; url: string } }>('compute', `/servers/${q(id)}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'novnc' } }).then((r) => r.remote_console),
  /** `policy` (2.64+) or `policies` (older microversions). */
  createServerGroup: (name: string, policy: string, newStyle: boolean) =>
    c.post<{ server_group: { id: string; policy?: string; policies?: string[] } }>('compute', '/os-server-groups', { server_group: newStyle ? { name, policy } : { name, policies: [policy] } }).then((r) => r.server_group),
  deleteServerGroup: (id: string) => c.del('compute', `/os-server-groups/${q(id)}`),
  importKeypair: (name: string, publicKey: string) => c.post<{ keypair: { name: string; fingerprint: string } }>('compute', '/os-keypairs', { keypair: { name, public_key: publicKey, type: 'ssh' } }).then((r) => r.keypair),
  attachVolume: (serverId: string, volumeId: string) =>
    c.post<{ volumeAttachment: { id: string; device?: string } }>('compute', `/servers/${q(serverId)}/os-volume_attachments`, { volumeAttachment: { volumeId } }).then((r) => r.volumeAttachment),
  detachVolume: (serverId: string, volumeId: string) => c.del('compute', `/servers/${q(serverId)}/os-volume_attachments/${q(volumeId)}`),
  flavors: () => c.get<{ flavors: NovaFlavor[] }>('compute', '/flavors/detail').then((r) => r.flavors),
  /** One page of the project's servers, with metadata and attached volumes (`limit`/`marker` paging). */
  serversPage: (query: Record<string, string | number>) => c.get<{ servers: NovaServer[] }>('compute', '/servers/detail', { query }).then((r) => r.servers),
  hypervisors: () => c.get<{ hypervisors: NovaHypervisor[] }>('compute', '/os-hypervisors/detail').then((r) => r.hypervisors),
  availabilityZones: () => c.get<{ availabilityZoneInfo: { zoneName: string; zoneState: { available: boolean } }[] }>('compute', '/os-availability-zone').then((r) => r.availabilityZoneInfo),
});

/** Neutron: networks, subnets (IPv6 modes), ports (allowed-address-pairs), security groups, floating IPs, FWaaS v2. */
export const neutron = (c: OpenStackCalls) => ({
  createNetwork: (name: string, description: string) => c.post<{ network: NeutronNetwork }>('network', '/networks', { network: { name, description, admin_state_up: true } }).then((r) => r.network),
  deleteNetwork: (id: string) => c.del('network', `/networks/${q(id)}`),
  externalNetworks: () => c.get<{ networks: NeutronNetwork[] }>('network', '/networks', { query: { 'router:external': true } }).then((r) => r.networks),
  createSubnet: (subnet: Record<string, unknown>) => c.post<{ subnet: NeutronSubnet }>('network', '/subnets', { subnet }).then((r) => r.subnet),
  getSubnet: (id: string) => c.get<{ subnet: NeutronSubnet }>('network', `/subnets/${q(id)}`).then((r) => r.subnet),
  deleteSubnet: (id: string) => c.del('network', `/subnets/${q(id)}`),
  createPort: (port: Record<string, unknown>) => c.post<{ port: NeutronPort }>('network', '/ports', { port }).then((r) => r.port),
  updatePort: (id: string, port: Record<string, unknown>) => c.put<{ port: NeutronPort }>('network', `/ports/${q(id)}`, { port }).then((r) => r.port),
  deletePort: (id: string) => c.del('network', `/ports/${q(id)}`),
  createSecurityGroup: (name: string, description: string) => c.post<{ security_group: NeutronSecurityGroup }>('network', '/security-groups', { security_group: { name, description } }).then((r) => r.security_group),
  deleteSecurityGroup: (id: string) => c.del('network', `/security-groups/${q(id)}`),
  createRule: (rule: Record<string, unknown>) => c.post<{ security_group_rule: NeutronRule }>('network', '/security-group-rules', { security_group_rule: rule }).then((r) => r.security_group_rule),
  deleteRule: (id: string) => c.del('network', `/security-group-rules/${q(id)}`),
  createFloatingIp: (floatingNetworkId: string, description: string) =>
    c.post<{ floatingip: NeutronFloatingIp }>('network', '/floatingips', { floatingip: { floating_network_id: floatingNetworkId, description } }).then((r) => r.floatingip),
  deleteFloatingIp: (id: string) => c.del('network', `/floatingips/${q(id)}`),
  // FWaaS v2: a network ACL is a firewall group whose ingress/egress policies hold ordered rules.
  createFirewallRule: (rule: Omit<FirewallRule, 'id'>) => c.post<{ firewall_rule: FirewallRule }>('network', '/fwaas/firewall_rules', { firewall_rule: rule }).then((r) => r.firewall_rule),
  deleteFirewallRule: (id: string) => c.del('network', `/fwaas/firewall_rules/${q(id)}`),
  createFirewallPolicy: (name: string, ruleIds: string[]) =>
    c.post<{ firewall_policy: FirewallPolicy }>('network', '/fwaas/firewall_policies', { firewall_policy: { name, firewall_rules: ruleIds, audited: false } }).then((r) => r.firewall_policy),
  updateFirewallPolicy: (id: string, ruleIds: string[]) => c.put<{ firewall_policy: FirewallPolicy }>('network', `/fwaas/firewall_policies/${q(id)}`, { firewall_policy: { firewall_rules: ruleIds } }).then((r) => r.firewall_policy),
  insertFirewallRule: (policyId: string, ruleId: string, after?: string) =>
    c.put<FirewallPolicy>('network', `/fwaas/firewall_policies/${q(policyId)}/insert_rule`, { firewall_rule_id: ruleId, insert_after: after ?? '', insert_before: '' }),
  removeFirewallRule: (policyId: string, ruleId: string) => c.put<FirewallPolicy>('network', `/fwaas/firewall_policies/${q(policyId)}/remove_rule`, { firewall_rule_id: ruleId }),
  deleteFirewallPolicy: (id: string) => c.del('network', `/fwaas/firewall_policies/${q(id)}`),
  createFirewallGroup: (g: { name: string; ingress_firewall_policy_id: string | null; egress_firewall_policy_id: string | null; ports: string[] }) =>
    c.post<{ firewall_group: FirewallGroup }>('network', '/fwaas/firewall_groups', { firewall_group: { ...g, admin_state_up: true } }).then((r) => r.firewall_group),
  updateFirewallGroupPorts: (id: string, ports: string[]) => c.put<{ firewall_group: FirewallGroup }>('network', `/fwaas/firewall_groups/${q(id)}`, { firewall_group: { ports } }).then((r) => r.firewall_group),
  /** The router interface ports on a subnet: where a firewall group guards the subnet's traffic. */
  routerPortsOfSubnet: (subnetId: string) =>
    c.get<{ ports: { id: string }[] }>('network', '/ports', { query: { device_owner: 'network:router_interface', fixed_ips: `subnet_id=${subnetId}`, fields: 'id' } }).then((r) => r.ports.map((p) => p.id)),
  deleteFirewallGroup: (id: string) => c.del('network', `/fwaas/firewall_groups/${q(id)}`),
});

/** Cinder v3: volumes and their actions, snapshots, revert-to-snapshot (3.40), backups (incremental), restore. */
export const cinder = (c: OpenStackCalls) => ({
  createVolume: (volume: Record<string, unknown>) => c.post<{ volume: CinderVolume }>('volume', '/volumes', { volume }).then((r) => r.volume),
  getVolume: (id: string) => c.get<{ volume: CinderVolume } | undefined>('volume', `/volumes/${q(id)}`, { allow404: true }).then((r) => r?.volume),
  deleteVolume: (id: string) => c.del('volume', `/volumes/${q(id)}`),
  extend: (id: string, newSize: number) => c.post('volume', `/volumes/${q(id)}/action`, { 'os-extend': { new_size: newSize } }),
  revert: (id: string, snapshotId: string) => c.post('volume', `/volumes/${q(id)}/action`, { revert: { snapshot_id: snapshotId } }),
  types: () => c.get<{ volume_types: CinderType[] }>('volume', '/types').then((r) => r.volume_types),
  createSnapshot: (volumeId: string, name: string) => c.post<{ snapshot: CinderSnapshot }>('volume', '/snapshots', { snapshot: { volume_id: volumeId, name, force: true } }).then((r) => r.snapshot),
  deleteSnapshot: (id: string) => c.del('volume', `/snapshots/${q(id)}`),
  /** `metadata` needs microversion 3.43 or later. */
  createBackup: (volumeId: string, name: string, incremental: boolean, metadata?: Record<string, string>) =>
    c.post<{ backup: CinderBackup }>('volume', '/backups', { backup: { volume_id: volumeId, name, incremental, force: true, ...(metadata ? { metadata } : {}) } }).then((r) => r.backup),
  getBackup: (id: string) => c.get<{ backup: CinderBackup } | undefined>('volume', `/backups/${q(id)}`, { allow404: true }).then((r) => r?.backup),
  /** One page of the project's volumes or backups, with details (`limit`/`marker` paging). */
  volumesPage: (query: Record<string, string | number>) => c.get<{ volumes: CinderVolume[] }>('volume', '/volumes/detail', { query }).then((r) => r.volumes),
  backupsPage: (query: Record<string, string | number>) => c.get<{ backups: CinderBackup[] }>('volume', '/backups/detail', { query }).then((r) => r.backups),
  restoreBackup: (id: string, volumeId: string) => c.post<{ restore: { backup_id: string; volume_id: string } }>('volume', `/backups/${q(id)}/restore`, { restore: { volume_id: volumeId } }).then((r) => r.restore),
  deleteBackup: (id: string) => c.del('volume', `/backups/${q(id)}`),
});

/** Glance v2: create an image record, then let Glance import it (web-download; conversion by the import plugin). */
export const glance = (c: OpenStackCalls) => ({
  createImage: (image: Record<string, unknown>) => c.post<GlanceImage>('image', '/images', image),
  importImage: (id: string, uri: string) => c.post('image', `/images/${q(id)}/import`, { method: { name: 'web-download', uri } }),
  publicImages: () => c.get<{ images: GlanceImage[] }>('image', '/images', { query: { visibility: 'public', status: 'active', limit: 200 } }).then((r) => r.images),
  deleteImage: (id: string) => c.del('image', `/images/${q(id)}`),
  /** Glance changes an image by JSON patch, in its own media type. */
  setVisibility: (id: string, visibility: string) =>
    c.patch<GlanceImage>('image', `/images/${q(id)}`, [{ op: 'replace', path: '/visibility', value: visibility }], { headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' } }),
  addMember: (id: string, member: string) => c.post('image', `/images/${q(id)}/members`, { member }),
  removeMember: (id: string, member: string) => c.del('image', `/images/${q(id)}/members/${q(member)}`),
  /** Only the member project itself may accept or reject a share: call with the member's token. */
  setMemberStatus: (id: string, member: string, status: 'pending' | 'accepted' | 'rejected') =>
    c.put<{ member_id: string; status: string }>('image', `/images/${q(id)}/members/${q(member)}`, { status }),
});

export type KeystoneProject = { id: string; name: string; domain_id: string; enabled?: boolean };

/** Keystone v3: the tenant projects (looked up by name, created when configured so) and the role granted on them. */
export const keystone = (c: OpenStackCalls) => ({
  projectsNamed: (name: string, domainId: string) =>
    c.get<{ projects: KeystoneProject[] }>('identity', '/projects', { query: { name, domain_id: domainId } }).then((r) => r.projects.filter((p) => p.name === name && p.domain_id === domainId)),
  createProject: (project: { name: string; domain_id: string; description: string }) =>
    c.post<{ project: KeystoneProject }>('identity', '/projects', { project: { ...project, enabled: true } }).then((r) => r.project),
  rolesNamed: (name: string) => c.get<{ roles: { id: string; name: string }[] }>('identity', '/roles', { query: { name } }).then((r) => r.roles.filter((x) => x.name.toLowerCase() === name.toLowerCase())),
  grantProjectRole: (projectId: string, userId: string, roleId: string) => c.put('identity', `/projects/${q(projectId)}/users/${q(userId)}/roles/${q(roleId)}`),
});
