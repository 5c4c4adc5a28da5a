import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../core/audit';
import { systemActor } from '../../core/authz';
import { ConfigError } from '../../core/errors';
import type { ZoneConfig } from './zones-config';

/** What a zone's resources depend on to be found again: the driver and, for OpenStack, where and in which projects. */
export type ZoneBackend =
  | { driver: 'embedded' }
  | { driver: 'openstack'; authUrl: string; region: string; tenancy: 'shared' | 'project-per-tenant' };

/** The backend a zone's configuration points at (no credentials: they may rotate without moving anything). */
export function zoneBackendOf(zc: ZoneConfig): ZoneBackend {
  if (zc.driver === 'embedded') return { driver: 'embedded' };
  return { driver: 'openstack', authUrl: zc.authUrl.replace(/\/+$/, ''), region: zc.region, tenancy: zc.tenancy.mode };
}

const describe = (b: ZoneBackend) => (b.driver === 'embedded' ? 'the embedded driver' : `OpenStack ${b.authUrl} region ${b.region}, tenancy ${b.tenancy}`);
const same = (a: ZoneBackend, b: ZoneBackend) => describe(a) === describe(b);

/**
 * Records the zone's backend on its first start, and refuses to start when the configuration now points elsewhere
 * while the zone still holds resources (any row, the recycle bin included): their provider ids would be looked up
 * on a backend that never had them, and a delete that finds nothing there would drop the record of a server or
 * volume that still runs. An empty zone may move; the move is audited.
 */
export async function checkZoneBackend(db: Kysely<any>, audit: AuditTrail, zone: string, backend: ZoneBackend): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = (await sql<{ backend: ZoneBackend }>`select backend from cloud.zone_backends where zone = ${zone} for update`.execute(tx)).rows[0];
    if (row && same(row.backend, backend)) return;
    const actor = systemActor('cloud-zone-backend');
    if (!row) {
      // A zone that already holds rows without a record predates it: those rows were made on the backend configured now.
      // Two processes starting together: only the one whose insert lands records it.
      const inserted = await sql`insert into cloud.zone_backends (zone, backend) values (${zone}, ${JSON.stringify(backend)}::jsonb) on conflict (zone) do nothing returning zone`.execute(tx);
      if (inserted.rows.length) await audit.record({ actor, action: 'cloud.zone_backend_recorded', target: { type: 'zone', id: zone }, after: backend }, tx);
      return;
    }
    const held = (await sql<{ n: string }>`select count(*) as n from cloud.resources where zone = ${zone}`.execute(tx)).rows[0]!;
    if (Number(held.n) > 0) {
      throw new ConfigError(
        `YIYUN_ZONES: zone ${zone} holds ${held.n} resources created on ${describe(row.backend)}, but now points at ${describe(backend)}. ` +
          `Their provider ids do not exist there; set the zone back, or delete (and purge) its resources before moving it.`,
      );
    }
    await sql`update cloud.zone_backends set backend = ${JSON.stringify(backend)}::jsonb, recorded_at = now() where zone = ${zone}`.execute(tx);
    await audit.record({ actor, action: 'cloud.zone_backend_changed', target: { type: 'zone', id: zone }, before: row.backend, after: backend }, tx);
  });
}
