import { api, type QueryValue } from '../api/http';

/**
 * The tenant cloud's part of the dataProvider's resource map and of the console's permission table
 * (spread into providers/dataProvider.ts and providers/access.ts). The API enforces `cloud.read` to look and
 * `cloud.operate` to change (platform/cloud/cloud-routes.ts); the buttons check the same.
 */

const LIST = { sortable: ['name', 'createdAt', 'status'] as const, filters: ['q', 'status', 'tag', 'parentId'] as const, paged: true, deletable: true };

const cloud = (path: string, creatable: readonly string[] = [], updatable?: readonly string[]) => ({ ...LIST, path: `/api/cloud/${path}`, creatable, ...(updatable ? { updatable } : {}) });

export const CLOUD_RESOURCES = {
  vpcs: cloud('vpcs', ['name', 'cidr', 'description', 'tags']),
  subnets: cloud('subnets', ['vpcId', 'name', 'stack', 'cidr', 'cidr6', 'gateway', 'dhcp', 'dns', 'leaseHours', 'purpose', 'az', 'description'], ['name', 'description', 'routeTable', 'dns', 'leaseHours']),
  'security-groups': cloud('security-groups', ['name', 'description']),
  acls: cloud('acls', ['name', 'description'], ['name', 'description', 'enabled']),
  eips: cloud('eips', ['name', 'bandwidthMbps', 'chargeMode']),
  havips: cloud('havips', ['name', 'subnetId', 'ip', 'description']),
  nics: cloud('nics', ['name', 'subnetId', 'ip', 'securityGroupIds', 'description']),
  keypairs: cloud('keypairs', ['name', 'publicKey']),
  vms: cloud('vms', ['name', 'description', 'templateId', 'count', 'tags', 'spec']),
  'server-groups': cloud('server-groups', ['name', 'policy']),
  templates: cloud('templates', ['name', 'description', 'spec']),
  images: cloud('images', ['name', 'format', 'osType', 'osVersion', 'sizeGb', 'sourceUrl', 'minDiskGb']),
  disks: cloud('disks', ['name', 'sizeGb', 'volumeType', 'snapshotId', 'backupId', 'description', 'tags']),
  snapshots: cloud('snapshots', ['diskId', 'name', 'description']),
  backups: cloud('backups', ['sourceType', 'sourceId', 'name', 'mode']),
  'backup-policies': cloud('backup-policies', ['name', 'mode', 'intervalHours', 'retentionDays', 'targets', 'enabled']),
  // Deleting from the recycle bin purges the disk now.
  'recycle-bin': { ...LIST, path: '/api/cloud/recycle-bin' },
  orders: { path: '/api/cloud/orders', sortable: [], filters: ['status', 'kind'], paged: true },
};

export const CLOUD_RESOURCE_NAMES = Object.keys(CLOUD_RESOURCES);

const READ = 'cloud.read';
const OPERATE = 'cloud.operate';
const crud = { list: READ, show: READ, export: READ, create: OPERATE, edit: OPERATE, delete: OPERATE, operate: OPERATE };

export const CLOUD_ACCESS: Record<string, Record<string, string>> = {
  ...Object.fromEntries(CLOUD_RESOURCE_NAMES.map((r) => [r, crud])),
  'recycle-bin': { list: READ, delete: OPERATE, operate: OPERATE },
  orders: { list: READ, show: READ },
  quota: { list: READ },
  topology: { list: READ },
  overview: { list: READ, layout: READ },
};

/** The cloud routes beyond CRUD (actions, details, region, overview), relative to /api/cloud/. */
export const cloudActions = {
  cloudGet: <T = any>(path: string, query?: Record<string, QueryValue>) => api<T>('GET', `/api/cloud/${path}`, { query }),
  cloudPost: <T = any>(path: string, body: unknown = {}) => api<T>('POST', `/api/cloud/${path}`, { body }),
  cloudPut: <T = any>(path: string, body: unknown) => api<T>('PUT', `/api/cloud/${path}`, { body }),
  cloudPatch: <T = any>(path: string, body: unknown) => api<T>('PATCH', `/api/cloud/${path}`, { body }),
  cloudDelete: (path: string) => api<void>('DELETE', `/api/cloud/${path}`),
};
