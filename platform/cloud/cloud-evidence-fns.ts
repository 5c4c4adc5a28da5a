import type { ListedRow } from './cloud-dal';

/** A reference from one tenant's row to a row of another tenant: the isolation the cloud promises is broken. */
export type CrossTenantRef = { kind: string; id: string; tenantId: string; field: string; refId: string; refTenantId: string };

/** An ingress rule that opens a tenant's security group to the whole internet. */
export type OpenRule = { tenantId: string; groupId: string; ruleId: string; rule: string; why: string };

/** The string ids in a spec field: a list of them, or a single one. */
export const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * Every reference between tenant rows whose target belongs to another tenant. Pure. Allowed exceptions: the region's
 * catalogue images (not rows at all) and images the owner made public or shared with the referring tenant.
 */
export function crossTenantRefs(rows: readonly ListedRow[], sharedWith: (imageId: string, tenantId: string) => boolean): CrossTenantRef[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: CrossTenantRef[] = [];
  const check = (r: ListedRow, field: string, refIds: string[]) => {
    for (const refId of refIds) {
      const target = byId.get(refId);
      if (!target || target.tenant_id === r.tenant_id) continue;
      if (target.kind === 'image' && (target.spec.visibility === 'public' || sharedWith(target.id, r.tenant_id))) continue;
      out.push({ kind: r.kind, id: r.id, tenantId: r.tenant_id, field, refId, refTenantId: target.tenant_id });
    }
  };
  for (const r of rows) {
    check(r, 'parent', ids(r.parent_id));
    const s = r.spec;
    if (r.kind === 'vm') {
      check(r, 'securityGroupIds', ids(s.securityGroupIds));
      check(r, 'subnetIds', ids(s.subnetIds));
      check(r, 'imageId', ids(s.imageId));
      check(r, 'keypairId', ids(s.keypairId));
      check(r, 'serverGroupId', ids(s.serverGroupId));
    }
    if (r.kind === 'nic') {
      check(r, 'securityGroupIds', ids(s.securityGroupIds));
      check(r, 'vmId', ids(s.vmId));
    }
    if (r.kind === 'disk') check(r, 'vmId', ids(s.vmId));
    if (r.kind === 'havip') check(r, 'vmIds', ids(s.vmIds));
    if (r.kind === 'eip') check(r, 'boundTo', ids((s.boundTo as { id?: unknown } | null)?.id));
    if (r.kind === 'acl') check(r, 'subnetIds', ids(s.subnetIds));
  }
  return out;
}

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/**
 * Ingress rules open to any address on every port (no port range, or protocol `any`). Pure. Admin ports open to the
 * world are judged by the 等保 admission rule itself (the caller evaluates it); this catches the broader hole.
 */
export function allPortsOpen(rules: readonly ListedRow[]): OpenRule[] {
  const out: OpenRule[] = [];
  for (const r of rules) {
    const s = r.spec as { direction?: string; protocol?: string; portMin?: number | null; remoteIpPrefix?: string | null };
    if (s.direction !== 'ingress') continue;
    const world = s.remoteIpPrefix === null || s.remoteIpPrefix === undefined || WORLD.has(s.remoteIpPrefix);
    const everyPort = s.protocol === 'any' || ((s.protocol === 'tcp' || s.protocol === 'udp') && (s.portMin === null || s.portMin === undefined));
    if (world && everyPort) out.push({ tenantId: r.tenant_id, groupId: r.parent_id ?? '', ruleId: r.id, rule: ruleText(r), why: '所有端口对任意地址开放 (every port open to any address)' });
  }
  return out;
}

/** `ingress tcp 22-22 from 0.0.0.0/0`, for evidence lists. */
export function ruleText(r: Pick<ListedRow, 'spec'>): string {
  const s = r.spec as { direction?: string; protocol?: string; portMin?: number | null; portMax?: number | null; remoteIpPrefix?: string | null };
  const ports = s.portMin === null || s.portMin === undefined ? 'all' : `${s.portMin}-${s.portMax ?? s.portMin}`;
  return `${s.direction ?? '?'} ${s.protocol ?? 'any'} ${ports} from ${s.remoteIpPrefix ?? 'any'}`;
}
