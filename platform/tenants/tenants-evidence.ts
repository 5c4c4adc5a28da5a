import { allPages, csvFile, defineEvidenceSource, type CheckResult, type EvidenceSource, type Verdict } from '../../compliance';
import { systemActor } from '../../core/authz';
import type { TenantsService } from './tenants-service';

/** The tenant cloud's usage against a tenant's quota, line by line (the cloud room's `quota`). */
export type QuotaUsage = (tenantId: string) => Promise<{ lines: { key: string; limit: number; used: number }[] }>;
/** A zone's compute capacity as its driver reports it; null when the zone cannot say (no admin view). */
export type ZoneCapacity = (zone: string) => Promise<{ vcpus: number; ramGb: number } | null>;

/**
 * Resources are handed out by policy (L3-SMC2-01): every active tenant has a quota, what it uses stays inside it,
 * and no single quota exceeds its pool (a quota larger than the pool limits nothing).
 */
export function tenantsEvidenceSource(deps: { tenants: Pick<TenantsService, 'list'>; usage: QuotaUsage; capacity: ZoneCapacity }): EvidenceSource {
  const actor = systemActor('compliance-tenants');
  return defineEvidenceSource({
    id: 'tenants',
    room: 'platform/tenants',
    checks: [
      {
        key: 'tenants.quotas',
        title: '租户资源配额与使用',
        itemIds: ['L3-SMC2-01'],
        kind: 'automated',
        async run(): Promise<CheckResult> {
          const active = await allPages(async (offset, limit) => ({ items: (await deps.tenants.list(actor, { offset, limit, sort: 'code', order: 'asc', status: 'active' })).items }));
          const caps = new Map<string, { vcpus: number; ramGb: number } | null>();
          const rows = [];
          for (const t of active) {
            if (!caps.has(t.zone)) caps.set(t.zone, await deps.capacity(t.zone));
            const cap = caps.get(t.zone) ?? null;
            const { lines } = await deps.usage(t.id);
            const over = lines.filter((l) => l.used > l.limit).map((l) => `${l.key} ${l.used}/${l.limit}`);
            const beyondPool = cap ? [...(t.quota.vcpu > cap.vcpus ? [`vcpu ${t.quota.vcpu} > ${cap.vcpus}`] : []), ...(t.quota.ramGb > cap.ramGb ? [`ramGb ${t.quota.ramGb} > ${cap.ramGb}`] : [])] : [];
            rows.push({ tenantId: t.id, code: t.code, zone: t.zone, quota: t.quota, usage: Object.fromEntries(lines.map((l) => [l.key, l.used])), overQuota: over, quotaBeyondPool: beyondPool });
          }
          const over = rows.filter((r) => r.overQuota.length);
          const beyond = rows.filter((r) => r.quotaBeyondPool.length);
          const verdict: Verdict = over.length ? 'fail' : beyond.length ? 'partial' : 'pass';
          return {
            verdict,
            summary: `在用租户 ${active.length} 个，均有配额且创建资源时按配额准入；超出配额使用 ${over.length} 个，配额大于资源池容量 ${beyond.length} 个（要求均为 0）`,
            evidence: { tenants: rows, poolCapacity: Object.fromEntries(caps), enforcement: 'a create or resize that would exceed the quota is refused under the tenant lock (cloud.quota_exceeded)' },
            files: [csvFile('tenant-quotas.csv', [['tenant', 'zone', 'line', 'limit', 'used'], ...rows.flatMap((r) => Object.entries(r.quota).map(([k, v]) => [r.code, r.zone, k, v, (r.usage as Record<string, number>)[k] ?? 0]))])],
          };
        },
      },
    ],
  });
}
