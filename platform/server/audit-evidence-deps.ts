import { sql } from 'kysely';
import { auditRoutes } from '../../core/audit';
import { systemActor } from '../../core/authz';
import { ROLES } from '../identity/identity-roles';
import type { LogAudit } from '../../security/audit';
import type { AuditEvidenceDeps } from './audit-evidence';
import type { BaseServices } from './room';
import { estateFlows, shortZoneOf } from './estate-flows';

/**
 * The facts the audit checks need, read where they live: the route declarations and the role table
 * (audit.privileged-commands, audit.tenant-visibility); the trail's own guards (core/audit's schema), the log audit
 * through its service (looked up when the check runs, since rooms are built in order), the archive target and the
 * estate's gatekeeper flows from the settings.
 */
export function auditEvidenceDeps(base: Pick<BaseServices, 'db' | 'audit' | 'settings' | 'rooms'>): AuditEvidenceDeps {
  return {
    trail: base.audit,
    // The trail's own routes (mounted by context.ts beside the rooms') and every room's, read when the check runs:
    // rooms are built in order, so the compliance room sees the others only then.
    routes: () => [...auditRoutes(base.audit), ...[...base.rooms.values()].flatMap((r) => r.routes ?? [])],
    roles: () => ROLES,
    async appendOnlyGuards() {
      const r = await sql<{ name: string }>`select t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'audit' and c.relname in ('records', 'checkpoints') and not t.tgisinternal and t.tgenabled <> 'D'`.execute(base.db);
      return r.rows.map((x) => x.name);
    },
    async copies() {
      const la = base.rooms.get('log-audit')?.exports?.logAudit as LogAudit | undefined;
      const actor = systemActor('compliance');
      let logAudit: { retentionDays: number; lastIngestAt: Date | null } | null = null;
      if (la) {
        const [ret, src] = await Promise.all([la.retention.get(actor), la.sources.list(actor, { offset: 0, limit: 10, q: 'yiyun audit trail' })]);
        const internal = src.items.find((s) => s.kind === 'yiyun');
        logAudit = { retentionDays: ret.retentionDays, lastIngestAt: internal?.lastSeenAt ?? null };
      }
      const short = shortZoneOf(base.settings.YIYUN_ZONE);
      const ferry = estateFlows().flows.list().find((f) => f.from === short && /audit/.test(f.id));
      return { logAudit, archive: base.settings.YIYUN_LOG_ARCHIVE_SFTP ? 'sftp' : 'directory', ferryFlow: ferry?.id ?? null };
    },
  };
}
