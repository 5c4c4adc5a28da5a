import { sql, type Kysely } from 'kysely';
import type { AuditTrail } from '../../../core/audit';
import type { Actor } from '../../../core/authz';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import type { AlertView } from '../log-audit-schemas';
import type { RaisedAlert } from '../sigma/sigma-engine';

type AlertRow = {
  id: string;
  tenant_id: string | null;
  rule_id: string;
  rule_title: string;
  severity: AlertView['severity'];
  tags: string[];
  group_key: Record<string, string>;
  event_ids: Array<number | string>;
  first_seen: Date;
  last_seen: Date;
  status: AlertView['status'];
  note: string | null;
  status_by: string | null;
  status_at: Date | null;
  created_at: Date;
};

const view = (r: AlertRow): AlertView => ({
  id: r.id,
  tenantId: r.tenant_id,
  ruleId: r.rule_id,
  ruleTitle: r.rule_title,
  severity: r.severity,
  tags: r.tags,
  groupKey: r.group_key,
  eventIds: r.event_ids.map(Number),
  eventCount: r.event_ids.length,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  status: r.status,
  note: r.note,
  statusBy: r.status_by,
  statusAt: r.status_at,
  createdAt: r.created_at,
});

/** Allowed moves of the alert workflow: new → acknowledged → closed (or new → closed); closed is final. */
export const ALERT_TRANSITIONS: Record<AlertView['status'], AlertView['status'][]> = { new: ['acknowledged', 'closed'], acknowledged: ['closed'], closed: [] };

/** Alerts raised by the Sigma engine and their workflow; every status change is audited in its transaction. */
export function createAlertsService(deps: { db: Kysely<any>; audit: Pick<AuditTrail, 'record'> }) {
  const { db, audit } = deps;

  async function load(actor: Actor, id: string): Promise<AlertRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('no such alert', { code: 'log_alert.not_found' });
    const r = await sql<AlertRow>`select * from logaudit.alerts where id = ${id}`.execute(db);
    const row = r.rows[0];
    if (!row || (actor.tenantId && row.tenant_id !== actor.tenantId)) throw new NotFoundError('no such alert', { code: 'log_alert.not_found' });
    return row;
  }

  return {
    /** Stores what the engine raised (system work, no actor: the trail records the rule changes, not each alert). */
    async store(alerts: RaisedAlert[]): Promise<void> {
      if (alerts.length === 0) return;
      // One statement per batch: a burst of alerts must not cost one round trip each.
      const rows = alerts.map((a) => ({
        tenant_id: a.tenantId, rule_id: a.ruleId, rule_title: a.title, severity: a.level, tags: a.tags, group_key: a.groupKey,
        event_ids: a.eventIds, first_seen: a.firstSeen.toISOString(), last_seen: a.lastSeen.toISOString(),
      }));
      await sql`insert into logaudit.alerts (tenant_id, rule_id, rule_title, severity, tags, group_key, event_ids, first_seen, last_seen)
        select tenant_id, rule_id, rule_title, severity, tags, group_key, event_ids, first_seen, last_seen
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(tenant_id uuid, rule_id text, rule_title text, severity text, tags text[], group_key jsonb, event_ids bigint[], first_seen timestamptz, last_seen timestamptz)`.execute(db);
    },

    async list(actor: Actor, q: { status?: string; severity?: string; ruleId?: string; from?: Date; to?: Date; offset: number; limit: number }) {
      const t = actor.tenantId;
      const where = sql`where (${t}::uuid is null or tenant_id = ${t}::uuid)
        and (${q.status ?? null}::text is null or status = ${q.status ?? null})
        and (${q.severity ?? null}::text is null or severity = ${q.severity ?? null})
        and (${q.ruleId ?? null}::text is null or rule_id = ${q.ruleId ?? null})
        and (${q.from ?? null}::timestamptz is null or created_at >= ${q.from ?? null})
        and (${q.to ?? null}::timestamptz is null or created_at < ${q.to ?? null})`;
      const [rows, count] = await Promise.all([
        sql<AlertRow>`select * from logaudit.alerts ${where} order by created_at desc, id limit ${q.limit} offset ${q.offset}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from logaudit.alerts ${where}`.execute(db),
      ]);
      return { items: rows.rows.map(view), total: Number(count.rows[0]?.n ?? 0) };
    },

    async get(actor: Actor, id: string): Promise<AlertView> {
      return view(await load(actor, id));
    },

    /** Acknowledges or closes an alert; closing needs a note. */
    async transition(actor: Actor, id: string, input: { status: 'acknowledged' | 'closed'; note?: string }): Promise<AlertView> {
      const before = await load(actor, id);
      if (!ALERT_TRANSITIONS[before.status].includes(input.status)) {
        throw new ConflictError(`an alert that is ${before.status} cannot become ${input.status}`, { code: 'log_alert.invalid_transition' });
      }
      if (input.status === 'closed' && !input.note) throw new InputError('closing an alert needs a note', { code: 'log_alert.note_required', fields: [{ path: 'note', message: 'required to close' }] });
      const row = await db.transaction().execute(async (tx) => {
        // The status in the WHERE makes two concurrent moves of one alert conflict instead of both succeeding.
        const r = await sql<AlertRow>`update logaudit.alerts set status = ${input.status}, note = coalesce(${input.note ?? null}, note), status_by = ${actor.loginId}, status_at = now()
          where id = ${id} and status = ${before.status} returning *`.execute(tx);
        const after = r.rows[0];
        if (!after) throw new ConflictError('the alert changed meanwhile; reload it', { code: 'log_alert.changed' });
        await audit.record(
          { actor, action: input.status === 'closed' ? 'log_alert.closed' : 'log_alert.acknowledged', target: { type: 'log_alert', id }, before: { status: before.status }, after: { status: after.status, note: after.note }, tenantId: after.tenant_id },
          tx,
        );
        return after;
      });
      return view(row);
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
