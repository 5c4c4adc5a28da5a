import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import { systemActor, type Actor } from '../../../core/authz';
import { ForbiddenError, InputError } from '../../../core/errors';
import type { EventsDal } from '../events/events-dal';
import type { UpdateRetentionInput } from '../log-audit-schemas';
import type { RaisedAlert } from '../sigma/sigma-engine';

/** 等保 2.0 level 3 (and the procurement) ask for at least 180 days of logs. */
export const MIN_RETENTION_DAYS = 180;

type SettingsRow = { retention_days: number; capacity_bytes: number; capacity_warn_pct: number; delete_mode: 'drop_partition' | 'archive_then_drop'; updated_at: Date };

/** Archives a closed day before it is dropped (the archive service); absent when archiving is not configured. */
export type DayArchiver = { archiveDay(day: string): Promise<unknown>; isArchived(day: string): Promise<boolean> };

/** Retention, capacity and partition upkeep of the events table. */
export function createRetentionService(deps: {
  db: Kysely<any>;
  audit: Pick<AuditTrail, 'record'>;
  events: Pick<EventsDal, 'createAhead' | 'forgetDay' | 'indexDays'>;
  /** Whether today's partition gets the full-text index too (YIYUN_LOG_FULLTEXT_INDEX=all-days). */
  fullTextOpenDay?: boolean;
  raise(alerts: RaisedAlert[]): Promise<void>;
  archiver?: DayArchiver;
}) {
  const { db, audit } = deps;
  let cached: SettingsRow | null = null;

  async function settings(): Promise<SettingsRow> {
    const r = await sql<SettingsRow>`select retention_days, capacity_bytes, capacity_warn_pct, delete_mode, updated_at from logaudit.settings`.execute(db);
    cached = r.rows[0]!;
    return cached;
  }

  async function partitions(): Promise<Array<{ day: string; bytes: number; name: string }>> {
    const r = await sql<{ name: string; bytes: number }>`select c.relname as name, pg_total_relation_size(c.oid)::bigint as bytes
      from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'logaudit.events'::regclass order by c.relname`.execute(db);
    return r.rows
      .filter((x) => /^events_\d{8}$/.test(x.name))
      .map((x) => ({ name: x.name, day: `${x.name.slice(7, 11)}-${x.name.slice(11, 13)}-${x.name.slice(13, 15)}`, bytes: Number(x.bytes) }));
  }

  async function usedBytes(): Promise<number> {
    const r = await sql<{ n: number }>`select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint as n from pg_inherits i where i.inhparent = 'logaudit.events'::regclass`.execute(db);
    return Number(r.rows[0]?.n ?? 0);
  }

  return {
    /** Days kept (cached; the ingest asks on every batch). */
    retentionDays: (): number => cached?.retention_days ?? MIN_RETENTION_DAYS,

    /** Reads the settings into the cache the ingest uses. */
    async load(): Promise<void> {
      await settings();
    },

    async get(_actor: Actor) {
      const s = await settings();
      const parts = await partitions();
      const used = await usedBytes();
      const usedPct = s.capacity_bytes > 0 ? Math.round((used / Number(s.capacity_bytes)) * 1000) / 10 : 0;
      return {
        retentionDays: s.retention_days,
        capacityBytes: Number(s.capacity_bytes),
        capacityWarnPct: s.capacity_warn_pct,
        deleteMode: s.delete_mode,
        usedBytes: used,
        usedPct,
        capacityAlert: usedPct >= s.capacity_warn_pct,
        partitions: parts.map(({ day, bytes }) => ({ day, bytes })),
        oldestDay: parts[0]?.day ?? null,
      };
    },

    /**
     * Changes retention and capacity settings. Below 180 days needs the security administrator (secadmin) to
     * confirm explicitly; nobody else can shorten it.
     */
    async update(actor: Actor, input: UpdateRetentionInput) {
      const before = await settings();
      if (input.retentionDays !== undefined && input.retentionDays < MIN_RETENTION_DAYS) {
        if (!actor.roles.includes('secadmin')) throw new ForbiddenError(`keeping logs for less than ${MIN_RETENTION_DAYS} days needs the security administrator`, { code: 'log_retention.below_minimum' });
        if (input.confirmBelowMinimum !== true) throw new InputError(`keeping logs for less than ${MIN_RETENTION_DAYS} days must be confirmed (confirmBelowMinimum)`, { code: 'log_retention.confirmation_required' });
      }
      await db.transaction().execute(async (tx) => {
        await sql`update logaudit.settings set
          retention_days = coalesce(${input.retentionDays ?? null}, retention_days),
          capacity_bytes = coalesce(${input.capacityBytes ?? null}, capacity_bytes),
          capacity_warn_pct = coalesce(${input.capacityWarnPct ?? null}, capacity_warn_pct),
          delete_mode = coalesce(${input.deleteMode ?? null}, delete_mode),
          updated_at = now()`.execute(tx);
        await audit.record(
          {
            actor,
            action: 'log_retention.updated',
            target: { type: 'log_retention', id: 'settings' },
            before: { retentionDays: before.retention_days, capacityBytes: Number(before.capacity_bytes), capacityWarnPct: before.capacity_warn_pct, deleteMode: before.delete_mode },
            after: { ...input },
          },
          tx,
        );
      });
      return this.get(actor);
    },

    /**
     * The daily upkeep: partitions ahead, expired days dropped (archived first when so configured), expired rows
     * of the default partition deleted, closed days given their full-text index, and a capacity alert when usage passes the threshold.
     */
    async maintain(now = new Date()): Promise<{ dropped: string[]; deletedDefault: number; capacityAlert: boolean; indexed: string[] }> {
      const s = await settings();
      await deps.events.createAhead(now, 3);
      const cutoff = new Date(now.getTime() - s.retention_days * 86_400_000);
      const cutoffDay = cutoff.toISOString().slice(0, 10);
      const dropped: string[] = [];
      for (const p of await partitions()) {
        if (p.day >= cutoffDay) continue;
        if (s.delete_mode === 'archive_then_drop') {
          if (!deps.archiver) continue; // never drop what was meant to be archived first
          if (!(await deps.archiver.isArchived(p.day))) await deps.archiver.archiveDay(p.day);
        }
        await db.transaction().execute(async (tx) => {
          await sql.raw(`drop table logaudit.${p.name}`).execute(tx);
          await audit.record({ actor: systemActor('log-retention'), action: 'log_partition.dropped', target: { type: 'log_partition', id: p.day }, detail: { bytes: p.bytes, retentionDays: s.retention_days } }, tx);
        });
        deps.events.forgetDay(p.day);
        dropped.push(p.day);
      }
      const del = await sql`delete from logaudit.events_default where ts < ${new Date(cutoffDay)}`.execute(db);
      // Full-text index of the days that closed since the last run, and of the days created ahead unless the open day
      // is left without it for ingest speed.
      const indexed = await deps.events.indexDays(now, { closed: true, open: deps.fullTextOpenDay ?? true });
      const used = await usedBytes();
      const capacityAlert = Number(s.capacity_bytes) > 0 && (used / Number(s.capacity_bytes)) * 100 >= s.capacity_warn_pct;
      if (capacityAlert) {
        await deps.raise([
          { ruleId: 'yiyun.log_capacity', title: `日志存储容量告警 log storage above ${s.capacity_warn_pct}%`, level: 'high', tags: ['yiyun.capacity'], tenantId: null, groupKey: { usedBytes: String(used) }, eventIds: [], firstSeen: now, lastSeen: now },
        ]);
      }
      return { dropped, deletedDefault: Number(del.numAffectedRows ?? 0), capacityAlert, indexed };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
