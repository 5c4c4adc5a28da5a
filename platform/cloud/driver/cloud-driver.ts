import type { Timings } from '../cloud-fns';

/** A hypervisor host of a region (what the embedded driver accounts capacity on). */
export type HostSeed = { name: string; az: string; aggregate: string; purpose: 'general' | 'large-memory'; vcpus: number; ramGb: number };
export type FlavorSeed = { name: string; vcpus: number; ramGb: number; diskGb: number; purpose: 'general' | 'large-memory' };
export type ImageVisibility = 'private' | 'shared' | 'public';
export type ImageSeed = { id: string; name: string; osType: 'linux' | 'windows'; format: 'raw' | 'qcow2' | 'vhd'; minDiskGb: number };
export type VolumeTypeSeed = { name: string; backend: string; encryption: string; replicas: number };

/**
 * What a region is made of, small and typed: the embedded driver is bootstrapped from it, and it is built
 * from the estate's plan (`yiyun plan`) so the console shows the zones, networks and capacity the stacks declare.
 */
export type RegionSeed = {
  /** the tenant-facing zone id (`liangcheng-dmz`) */
  zone: string;
  /** the zone's key in the project's address plan (`dmz`), used by the policies */
  policyZone: string;
  title: string;
  region: string;
  azs: string[];
  hosts: HostSeed[];
  flavors: FlavorSeed[];
  images: ImageSeed[];
  externalNetworks: { name: string; floatingCidr: string }[];
  volumeTypes: VolumeTypeSeed[];
  storageNodes: string[];
  addressSpace: { ipv4: string[]; ipv6: string[] };
};

/** What a tenant (and the console) sees of its zone. */
export type RegionView = Omit<RegionSeed, 'hosts' | 'storageNodes'> & {
  driver: 'embedded' | 'openstack';
  capacity: { vcpus: number; ramGb: number; usedVcpus: number; usedRamGb: number; hosts: number };
};

export type HostView = HostSeed & { id: string; usedVcpus: number; usedRamGb: number; servers: number };

export type ServerGroupPolicy = 'anti-affinity' | 'soft-anti-affinity';

export type CreateServerRequest = {
  name: string;
  tenantId: string;
  flavor: FlavorSeed;
  imageRef: string;
  portRefs: string[];
  serverGroup?: { ref: string; policy: ServerGroupPolicy } | null;
  keyName?: string | null;
  /** never logged, never stored by the control plane */
  adminPass?: string | null;
  userData?: string | null;
  az?: string | null;
  /** the key pair's public key, for drivers that must register it under keyName first (OpenStack) */
  publicKey?: string | null;
  /** the VM's volumes (system disk first): a driver that attaches them at boot says so with volumesAttached */
  volumes?: { ref: string; boot: boolean }[];
};

export type ServerState = { status: string; fault: string | null };

/** A network ACL as the control plane holds it: rules in priority order per direction, the subnets it guards. */
export type AclDesired = {
  name: string;
  tenantId: string;
  /** a disabled ACL keeps its rules but guards no port */
  enabled: boolean;
  rules: { direction: 'ingress' | 'egress'; priority: number; action: 'allow' | 'deny'; protocol: string; source: string | null; destination: string | null; destinationPort: string | null }[];
  subnetRefs: string[];
};
/** What a driver made of an ACL (stored by the control plane, handed back on the next sync); opaque to it. */
export type AclProviderState = { ref: string; [k: string]: unknown };

/** A driver's answer when a VM lands: where, and how long the region needs to boot it. */
export type CreatedServer = { ref: string; host: string; az: string; /** true when createServer attached `volumes` itself (boot from volume) */ volumesAttached?: boolean };

/**
 * One zone's cloud. The control plane keeps its own records (tenants, tags, recycle bin, orders) and asks
 * the driver only for what the infrastructure does. Errors are our typed errors: no valid host → ConflictError
 * `cloud.no_valid_host`, exhausted subnet → ConflictError `cloud.ip_exhausted`, provider failures → UpstreamError.
 */
export interface CloudDriver {
  readonly kind: 'embedded' | 'openstack';
  readonly zone: string;
  readonly timings: Timings;
  describe(): Promise<RegionView>;
  hosts(): Promise<HostView[]>;

  createNetwork(input: { name: string; tenantId: string }): Promise<{ ref: string }>;
  deleteNetwork(ref: string): Promise<void>;
  createSubnet(input: { networkRef: string; name: string; cidr: string; gateway: string | null; dhcp: boolean; dns: string[] }): Promise<{ ref: string }>;
  deleteSubnet(ref: string): Promise<void>;
  /** A port with one address on the subnet (the requested one, or the first free one). */
  createPort(input: { subnetRef: string; ip?: string | null; name: string; securityGroupRefs?: string[] }): Promise<{ ref: string; ip: string }>;
  deletePort(ref: string): Promise<void>;
  /** Allowed-address-pairs: the HaVIP's address may move between the ports of its members. */
  setAllowedAddressPairs(portRef: string, ips: string[]): Promise<void>;
  allocateFloatingIp(input: { tenantId: string; network?: string }): Promise<{ ref: string; ip: string }>;
  releaseFloatingIp(ref: string): Promise<void>;

  createSecurityGroup(input: { name: string; tenantId: string }): Promise<{ ref: string }>;
  deleteSecurityGroup(ref: string): Promise<void>;
  createSecurityGroupRule(input: { groupRef: string; direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null; portMin: number | null; portMax: number | null; remoteIpPrefix: string | null }): Promise<{ ref: string }>;
  deleteSecurityGroupRule(ref: string): Promise<void>;
  /**
   * Makes the region enforce the ACL as given (OpenStack: an FWaaS v2 firewall group with ingress/egress
   * policies bound to the subnets' router ports). `state` is the previous sync's answer, null the first time.
   */
  syncAcl(input: AclDesired, state: AclProviderState | null): Promise<AclProviderState>;
  deleteAcl(state: AclProviderState): Promise<void>;

  createServerGroup(input: { name: string; policy: ServerGroupPolicy }): Promise<{ ref: string }>;
  deleteServerGroup(ref: string): Promise<void>;
  createServer(input: CreateServerRequest): Promise<CreatedServer>;
  serverAction(ref: string, action: 'start' | 'stop' | 'reboot'): Promise<void>;
  resizeServer(ref: string, flavor: FlavorSeed): Promise<void>;
  /**
   * The server's state as the infrastructure reports it (Nova's `status`: BUILD, ACTIVE, SHUTOFF, RESIZE,
   * VERIFY_RESIZE, ERROR; `DELETED` when it is gone), with the fault when it failed. Orders wait on it.
   */
  serverStatus(ref: string): Promise<ServerState>;
  deleteServer(ref: string): Promise<void>;
  consoleUrl(ref: string): Promise<{ url: string; type: 'novnc' }>;

  /** A volume ready to attach; `imageRef` makes it a boot volume holding the image. */
  createVolume(input: { name: string; sizeGb: number; volumeType: string; fromSnapshotRef?: string | null; fromBackupRef?: string | null; imageRef?: string | null }): Promise<{ ref: string; replicas: string[] }>;
  extendVolume(ref: string, sizeGb: number): Promise<void>;
  deleteVolume(ref: string): Promise<void>;
  attachVolume(serverRef: string, volumeRef: string): Promise<void>;
  detachVolume(serverRef: string, volumeRef: string): Promise<void>;
  createSnapshot(volumeRef: string, name: string): Promise<{ ref: string }>;
  deleteSnapshot(ref: string): Promise<void>;
  revertToSnapshot(volumeRef: string, snapshotRef: string): Promise<void>;
  createBackup(input: { volumeRef: string; name: string; incremental: boolean }): Promise<{ ref: string }>;
  restoreBackup(backupRef: string, volumeRef: string): Promise<void>;
  deleteBackup(ref: string): Promise<void>;
  importImage(input: { name: string; format: 'raw' | 'qcow2' | 'vhd'; sourceUrl: string | null }): Promise<{ ref: string; steps: string[] }>;
  deleteImage(ref: string): Promise<void>;
  /** Who may boot the image: only its owner (private), its members too (shared), or every project (public). */
  setImageVisibility(ref: string, visibility: ImageVisibility): Promise<void>;
  /** Shares an image with a tenant (the driver maps our tenant id to its member: OpenStack, the tenant's project). */
  addImageMember(ref: string, member: string): Promise<void>;
  removeImageMember(ref: string, member: string): Promise<void>;
  /** The member tenant accepts or rejects a share (Glance: only the member's own project may). */
  setImageMemberStatus(ref: string, member: string, status: ImageMemberStatus): Promise<void>;
  /**
   * The driver acting in one tenant's own space (OpenStack `project-per-tenant`: that tenant's project and token).
   * Absent, or returning the driver itself, when every tenant of the zone shares one space.
   */
  forTenant?(tenantId: string): CloudDriver;
}

/** A share as the receiving tenant answers it (Glance's member status). */
export type ImageMemberStatus = 'pending' | 'accepted' | 'rejected';

export const DEFAULT_TIMINGS: Timings = { buildMs: 15_000, rebootMs: 5_000, resizeMs: 10_000, stopMs: 3_000, startMs: 5_000, importMs: 20_000 };
