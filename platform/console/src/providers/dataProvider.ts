import type { DataProvider, GetListParams, RaRecord } from 'react-admin';
import { api, type QueryValue } from '../api/http';
import { fetchMe } from './authProvider';
import { CLOUD_RESOURCES, cloudActions } from '../cloud/config';
import { SECAUDIT_RESOURCES } from '../resources/bastion/config';
import { CRYPTO_RESOURCES, cryptoActions } from '../resources/crypto/config';
import type { Account, ApiToken, ChainVerification, CreatedApiToken, ListAnswer, Quota, SecurityPolicy, Tenant, TimeWindow } from '../api/types';

/**
 * react-admin's dataProvider over the yiyun API. Each resource declares its path and exactly which query
 * parameters its route accepts: the API rejects unknown parameters with 400, so nothing else is ever sent.
 */
type ResourceConfig = {
  path: string;
  /** The record's key; audit records are keyed by `seq` (their own uuid `id` is kept as `originalIdAs`). */
  idField?: string;
  originalIdAs?: string;
  /** Sort fields the route accepts (empty: the route sorts by itself). */
  sortable: readonly string[];
  /** Filter parameters the route accepts. */
  filters: readonly string[];
  /** False when the route answers everything at once (no offset/limit): paged in the browser. */
  paged: boolean;
  /** Fields a create / update may send (the API's bodies are strict). */
  creatable?: readonly string[];
  updatable?: readonly string[];
  deletable?: boolean;
};

const AUDIT: ResourceConfig = {
  path: '/api/audit/records',
  idField: 'seq',
  originalIdAs: 'recordId',
  sortable: [],
  filters: ['actor', 'action', 'targetType', 'targetId', 'tenantId', 'outcome', 'from', 'to'],
  paged: true,
};

export const RESOURCES: Record<string, ResourceConfig> = {
  accounts: {
    path: '/api/accounts',
    sortable: ['loginId', 'displayName', 'createdAt', 'lastLoginAt'],
    filters: ['q', 'tenantId', 'role', 'status'],
    paged: true,
    creatable: ['loginId', 'displayName', 'email', 'phone', 'tenantId', 'roles'],
    updatable: ['displayName', 'email', 'phone', 'roles', 'status'],
  },
  tenants: {
    path: '/api/tenants',
    sortable: ['code', 'name', 'createdAt'],
    filters: ['q', 'kind', 'status', 'zone'],
    paged: true,
    creatable: ['code', 'name', 'kind', 'zone', 'contactName', 'contactPhone', 'description', 'quota'],
    updatable: ['name', 'status', 'contactName', 'contactPhone', 'description'],
  },
  roles: { path: '/api/roles', sortable: [], filters: [], paged: false },
  audit: AUDIT,
  // The tenant administrator's view: the same records, always the caller's tenant (the API takes no tenantId here).
  'tenant-audit': { ...AUDIT, path: '/api/tenant-audit', filters: AUDIT.filters.filter((f) => f !== 'tenantId') },
  tokens: { path: '/api/auth/tokens', sortable: [], filters: [], paged: false, creatable: ['name', 'expiresInDays'], deletable: true },
  compliance: { path: '/api/compliance/items', sortable: [], filters: ['catalogue', 'category', 'verdict', 'responsibility', 'checkKind', 'q'], paged: true },
  // Log audit (security/audit/log-audit-routes.ts).
  'log-alerts': { path: '/api/log-audit/alerts', sortable: [], filters: ['status', 'severity', 'ruleId', 'from', 'to'], paged: true },
  'log-sources': { path: '/api/log-audit/sources', sortable: [], filters: ['q'], paged: true, creatable: ['name', 'kind', 'address', 'parser', 'tenantId', 'description'], updatable: ['name', 'address', 'parser', 'enabled', 'description'], deletable: true },
  'log-rules': { path: '/api/log-audit/rules', sortable: [], filters: ['kind'], paged: true, updatable: ['enabled'], deletable: true },
  // The parse editor's list answers everything at once; create, change and activate go through its own page.
  'log-parsers': { path: '/api/log-audit/parsers', sortable: [], filters: [], paged: false, deletable: true },
  ...CLOUD_RESOURCES,
  ...SECAUDIT_RESOURCES,
  ...CRYPTO_RESOURCES,
};

const MAX_LIMIT = 500;

function configOf(resource: string): ResourceConfig {
  const c = RESOURCES[resource];
  if (!c) throw new Error(`unknown resource ${resource}`);
  return c;
}

function withId<T extends Record<string, any>>(c: ResourceConfig, item: T): T & RaRecord {
  if (!c.idField) return item as T & RaRecord;
  return { ...item, ...(c.originalIdAs ? { [c.originalIdAs]: item.id } : {}), id: item[c.idField] };
}

/** Empty strings from cleared inputs mean "absent" on create. */
function pickForCreate(data: Record<string, any>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f];
    if (v === undefined || v === null || v === '') continue;
    out[f] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

/** Only what changed is sent; a cleared optional field becomes null (the API clears it). */
function pickChanged(data: Record<string, any>, previous: Record<string, any> | undefined, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in data)) continue;
    const v = data[f];
    if (previous && JSON.stringify(previous[f] ?? null) === JSON.stringify(v ?? null)) continue;
    out[f] = v === '' || v === undefined ? null : typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

function filterQuery(c: ResourceConfig, filter: Record<string, any> | undefined): Record<string, QueryValue> {
  const q: Record<string, QueryValue> = {};
  for (const [k, v] of Object.entries(filter ?? {})) {
    if (!c.filters.includes(k) || v === undefined || v === null || v === '') continue;
    if (k === 'from' || k === 'to') {
      const d = new Date(v as string);
      if (!Number.isNaN(d.getTime())) q[k] = d.toISOString();
      continue;
    }
    q[k] = Array.isArray(v) ? v[0] : (v as QueryValue);
  }
  return q;
}

// Records are untyped at this layer (RaRecord); each view narrows them to the API type it shows.
async function getList(resource: string, params: Partial<GetListParams>): Promise<{ data: any[]; total: number }> {
  const c = configOf(resource);
  const { page = 1, perPage = 25 } = params.pagination ?? {};
  if (!c.paged) {
    const { items, total } = await api<ListAnswer<Record<string, any>>>('GET', c.path, { signal: params.signal });
    let rows = items.map((i) => withId(c, i));
    const field = params.sort?.field;
    if (field && field !== 'id') {
      const dir = params.sort?.order === 'DESC' ? -1 : 1;
      rows = [...rows].sort((a, b) => (String(a[field] ?? '') < String(b[field] ?? '') ? -dir : String(a[field] ?? '') > String(b[field] ?? '') ? dir : 0));
    }
    return { data: rows.slice((page - 1) * perPage, page * perPage), total };
  }
  const query: Record<string, QueryValue> = {
    ...filterQuery(c, params.filter),
    offset: (page - 1) * perPage,
    limit: Math.min(perPage, MAX_LIMIT),
  };
  if (params.sort && c.sortable.includes(params.sort.field)) {
    query.sort = params.sort.field;
    query.order = params.sort.order === 'DESC' ? 'desc' : 'asc';
  }
  const { items, total } = await api<ListAnswer<Record<string, any>>>('GET', c.path, { query, signal: params.signal });
  return { data: items.map((i) => withId(c, i)), total };
}

async function getOne(resource: string, id: string | number, signal?: AbortSignal): Promise<any> {
  const c = configOf(resource);
  if (!c.paged) {
    const { data } = await getList(resource, { pagination: { page: 1, perPage: MAX_LIMIT }, signal });
    const found = data.find((r) => String(r.id) === String(id));
    if (!found) throw new Error('ra.notification.item_doesnt_exist');
    return found;
  }
  return withId(c, await api<Record<string, any>>('GET', `${c.path}/${encodeURIComponent(String(id))}`, { signal }));
}

/** A tenant administrator (no account.manage) adds accounts through its own route, scoped to its tenant. */
async function createPathOf(resource: string, c: ResourceConfig): Promise<string> {
  if (resource !== 'accounts') return c.path;
  const me = await fetchMe();
  return me && !me.permissions.includes('account.manage') && me.permissions.includes('tenant.member_manage') ? '/api/tenant-members' : c.path;
}

/** The console's dataProvider: react-admin's methods plus the API's actions that are not CRUD. */
export const dataProvider = {
  getList: (resource, params) => getList(resource, params),

  getOne: async (resource, params) => ({ data: await getOne(resource, params.id, params.signal) }),

  // No route takes a list of ids: fetch each (lists here are small: a page of references).
  getMany: async (resource, params) => {
    const ids = [...new Set(params.ids.map(String))];
    const settled = await Promise.allSettled(ids.map((id) => getOne(resource, id, params.signal)));
    return { data: settled.flatMap((s): any[] => (s.status === 'fulfilled' ? [s.value] : [])) };
  },

  getManyReference: (resource, params) => {
    const c = configOf(resource);
    if (!c.filters.includes(params.target)) throw new Error(`${resource} cannot be filtered by ${params.target}`);
    return getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } });
  },

  create: async (resource, params) => {
    const c = configOf(resource);
    if (!c.creatable) throw new Error(`${resource} cannot be created here`);
    const body = pickForCreate(params.data, c.creatable);
    const created = await api<Record<string, any>>('POST', await createPathOf(resource, c), { body });
    // Accounts answer { account, initialPassword }: the one-time password travels with the record to the
    // create view, which shows it once.
    const record = resource === 'accounts' ? { ...created.account, initialPassword: created.initialPassword } : created;
    return { data: withId(c, record) as any };
  },

  update: async (resource, params) => {
    const c = configOf(resource);
    if (!c.updatable) throw new Error(`${resource} cannot be updated here`);
    const body = pickChanged(params.data, params.previousData, c.updatable);
    if (Object.keys(body).length === 0) return { data: params.previousData as any };
    return { data: withId(c, await api<Record<string, any>>('PATCH', `${c.path}/${encodeURIComponent(String(params.id))}`, { body })) as any };
  },

  updateMany: async () => {
    throw new Error('ra.notification.http_error');
  },

  delete: async (resource, params) => {
    const c = configOf(resource);
    if (!c.deletable) throw new Error(`${resource} cannot be deleted`);
    await api('DELETE', `${c.path}/${encodeURIComponent(String(params.id))}`);
    return { data: params.previousData as any };
  },

  deleteMany: async (resource, params) => {
    const c = configOf(resource);
    if (!c.deletable) throw new Error(`${resource} cannot be deleted`);
    for (const id of params.ids) await api('DELETE', `${c.path}/${encodeURIComponent(String(id))}`);
    return { data: params.ids };
  },

  // Actions beyond CRUD (each needs the permission noted; the buttons check it first).
  /** account.unlock */
  unlockAccount: (id: string) => api<Account>('POST', `/api/accounts/${id}/unlock`),
  /** account.reset_password: the new one-time password, shown once. */
  resetAccountPassword: (id: string) => api<{ initialPassword: string }>('POST', `/api/accounts/${id}/reset-password`),
  /** account.reset_mfa */
  resetAccountMfa: (id: string) => api<Account>('POST', `/api/accounts/${id}/reset-mfa`),
  /** account.restrict */
  setAccountRestrictions: (id: string, body: { allowedCidrs: string[]; allowedWindows: TimeWindow[] }) =>
    api<Account>('PUT', `/api/accounts/${id}/restrictions`, { body }),
  /** tenant.quota_update: all ten numbers. */
  setTenantQuota: (id: string, quota: Quota) => api<Tenant>('PUT', `/api/tenants/${id}/quota`, { body: quota }),
  /** audit.verify */
  verifyAuditChain: () => api<ChainVerification>('POST', '/api/audit/verify'),
  /** security_policy.read */
  getSecurityPolicy: () => api<SecurityPolicy>('GET', '/api/security-policy'),
  /** security_policy.update */
  updateSecurityPolicy: (patch: Partial<SecurityPolicy>) => api<SecurityPolicy>('PATCH', '/api/security-policy', { body: patch }),
  /** Any account: its own tokens. */
  listTokens: () => api<ListAnswer<ApiToken>>('GET', '/api/auth/tokens'),
  createToken: (body: { name: string; expiresInDays: number }) => api<CreatedApiToken>('POST', '/api/auth/tokens', { body }),
  revokeToken: (id: string) => api<void>('DELETE', `/api/auth/tokens/${id}`),
  changePassword: (body: { currentPassword: string; newPassword: string }) => api<void>('POST', '/api/auth/password', { body }),
  startTotpEnrolment: () => api<{ secret: string; otpauthUri: string; qrDataUrl: string }>('POST', '/api/auth/mfa/totp/setup'),
  confirmTotpEnrolment: (code: string) => api<{ recoveryCodes: string[] }>('POST', '/api/auth/mfa/totp/confirm', { body: { code } }),
  /** The tenant cloud's actions beyond CRUD (cloud/config.ts). */
  ...cloudActions,
  /** The 国密 services' actions (resources/crypto/config.ts). */
  ...cryptoActions,
} satisfies DataProvider;

export type YiyunDataProvider = typeof dataProvider;
