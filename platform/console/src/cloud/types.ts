/**
 * Shapes of the tenant cloud API (platform/cloud/cloud-schemas.ts) as the console sees them: every object is
 * one `CloudResource` row whose `spec` holds the kind's own fields. Mirrored by hand: the console shares no
 * code with the server.
 */

export type CloudResource<S = Record<string, any>> = {
  id: string;
  tenantId: string;
  zone: string;
  kind: string;
  name: string;
  description: string | null;
  status: string;
  parentId: string | null;
  spec: S;
  tags: Record<string, string>;
  vcpus: number;
  ramGb: number;
  sizeGb: number;
  deletedAt: string | null;
  purgeAfter: string | null;
  createdAt: string;
  updatedAt: string;
};

export type Flavor = { name: string; vcpus: number; ramGb: number; diskGb: number; purpose: string };
export type PublicImage = { id: string; name: string; osType: string; format: string; minDiskGb: number };
export type Region = {
  zone: string;
  title: string;
  region: string;
  azs: string[];
  flavors: Flavor[];
  images: PublicImage[];
  volumeTypes: { name: string; backend: string; encryption: string; replicas: number }[];
  externalNetworks: { name: string; floatingCidr: string }[];
  driver: string;
  capacity: { vcpus: number; ramGb: number; usedVcpus: number; usedRamGb: number; hosts: number };
};

export type Order = { id: string; tenantId: string; zone: string; kind: string; action: string; resourceId: string | null; status: 'submitted' | 'running' | 'processing' | 'completed' | 'failed'; detail: Record<string, unknown>; createdBy: string; createdAt: string; updatedAt: string };
export type QuotaLine = { key: string; limit: number; used: number };
export type QuotaUsage = { tenantId: string; zone: string; lines: QuotaLine[] };

export const WIDGETS = ['quota', 'resources', 'orders', 'operations', 'users', 'capacity', 'recycle'] as const;
export type WidgetType = (typeof WIDGETS)[number];
export type Widget = { type: WidgetType; w: number };
export type Overview = {
  layout: Widget[];
  resources: Record<string, number>;
  orders: Record<string, number>;
  quota: QuotaLine[];
  operations: { at: string; actor: string; action: string; targetType: string; targetId: string | null; outcome: string }[];
};

export type TopologyNode = { id: string; kind: 'vpc' | 'router' | 'subnet' | 'vm' | 'havip' | 'security_group' | 'eip'; name: string; status: string };
export type Topology = { nodes: TopologyNode[]; edges: { from: string; to: string; kind: string }[] };

export type SubnetDetails = {
  subnet: CloudResource;
  gateway: string | null;
  dns: string[];
  dhcp: boolean;
  leaseHours: number;
  totalIps: number;
  availableIps: number;
  routeTable: string;
  acl: { id: string; name: string } | null;
  attached: { kind: string; id: string; name: string; ip: string | null }[];
};

export type BatchAnswer = { items: CloudResource[]; total: number; errors: { name: string; code: string; message: string }[] };

/** Which console resource shows an object of each API kind. */
export const KIND_RESOURCE: Record<string, string> = {
  vpc: 'vpcs',
  subnet: 'subnets',
  security_group: 'security-groups',
  acl: 'acls',
  eip: 'eips',
  havip: 'havips',
  nic: 'nics',
  keypair: 'keypairs',
  vm: 'vms',
  server_group: 'server-groups',
  template: 'templates',
  image: 'images',
  disk: 'disks',
  snapshot: 'snapshots',
  backup: 'backups',
  backup_policy: 'backup-policies',
};
