import { sql, type Kysely, type Selectable } from 'kysely';
import { asRoom } from '../db';
import type { AuditRecord } from './audit-types';

type RecordsTable = {
  seq: number;
  id: string;
  occurred_at: Date;
  actor_kind: string;
  actor_account: string | null;
  actor_login: string;
  actor_roles: string[];
  tenant_id: string | null;
  source_ip: string | null;
  request_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: 'success' | 'denied' | 'failure';
  before_summary: unknown;
  after_summary: unknown;
  detail: unknown;
  prev_hash: string;
  hash: string;
};

type CheckpointsTable = {
  seq: number;
  hash: string;
  signed_at: Date;
  key_id: string;
  public_key: string;
  signature: string;
  reason: string;
  /** The signing service's yiyun-sig/1 envelope (with the chain); null for checkpoints of the bare key file. */
  envelope: unknown;
};

export type AuditTables = { 'audit.records': RecordsTable; 'audit.checkpoints': CheckpointsTable };

export type AuditSearch = {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  tenantId?: string;
  outcome?: 'success' | 'denied' | 'failure';
  from?: Date;
  to?: Date;
  offset: number;
  limit: number;
};

// Locks the chain's tail for the rest of the transaction: records are numbered one at a time.
const CHAIN_LOCK = 0x61756474;

function toRecord(r: Selectable<RecordsTable>): AuditRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    occurredAt: r.occurred_at,
    actorKind: r.actor_kind,
    actorAccount: r.actor_account,
    actorLogin: r.actor_login,
    actorRoles: r.actor_roles,
    tenantId: r.tenant_id,
    sourceIp: r.source_ip,
    requestId: r.request_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    outcome: r.outcome,
    beforeSummary: r.before_summary,
    afterSummary: r.after_summary,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type Checkpoint = Selectable<CheckpointsTable>;

/** Queries of the audit schema; every method runs inside the caller's transaction when given one. */
export function createAuditDal(raw: Kysely<any>) {
  const db = asRoom<AuditTables>(raw);
  return {
    async lockTail(tx: Kysely<any>): Promise<{ seq: number; hash: string } | null> {
      await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
      const last = await asRoom<AuditTables>(tx)
        .selectFrom('audit.records')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return last ? { seq: Number(last.seq), hash: last.hash } : null;
    },

    async insert(row: RecordsTable, tx: Kysely<any> = db): Promise<void> {
      await asRoom<AuditTables>(tx)
        .insertInto('audit.records')
        .values({
          ...row,
          before_summary: row.before_summary === null ? null : JSON.stringify(row.before_summary),
          after_summary: row.after_summary === null ? null : JSON.stringify(row.after_summary),
          detail: row.detail === null ? null : JSON.stringify(row.detail),
        })
        .execute();
    },

    async insertCheckpoint(row: CheckpointsTable, tx: Kysely<any> = db): Promise<void> {
      await asRoom<AuditTables>(tx)
        .insertInto('audit.checkpoints')
        .values({ ...row, envelope: row.envelope == null ? null : JSON.stringify(row.envelope) })
        .onConflict((oc) => oc.column('seq').doNothing())
        .execute();
    },

    async lastCheckpoint(tx: Kysely<any> = db): Promise<Checkpoint | undefined> {
      return asRoom<AuditTables>(tx).selectFrom('audit.checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    },

    async checkpoints(tx: Kysely<any> = db): Promise<Checkpoint[]> {
      return asRoom<AuditTables>(tx).selectFrom('audit.checkpoints').selectAll().orderBy('seq').execute();
    },

    /** Records in chain order from `afterSeq`, a page at a time (verification walks the whole chain). */
    async page(afterSeq: number, limit: number, tx: Kysely<any> = db): Promise<AuditRecord[]> {
      const rows = await asRoom<AuditTables>(tx)
        .selectFrom('audit.records')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },

    async search(q: AuditSearch, tx: Kysely<any> = db): Promise<{ items: AuditRecord[]; total: number }> {
      let query = asRoom<AuditTables>(tx).selectFrom('audit.records');
      if (q.actor) query = query.where('actor_login', 'ilike', `%${q.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (q.action) query = query.where('action', 'like', `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      if (q.targetType) query = query.where('target_type', '=', q.targetType);
      if (q.targetId) query = query.where('target_id', '=', q.targetId);
      if (q.tenantId) query = query.where('tenant_id', '=', q.tenantId);
      if (q.outcome) query = query.where('outcome', '=', q.outcome);
      if (q.from) query = query.where('occurred_at', '>=', q.from);
      if (q.to) query = query.where('occurred_at', '<', q.to);
      const [items, count] = await Promise.all([
        query.selectAll().orderBy('seq', 'desc').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { items: items.map(toRecord), total: Number(count?.n ?? 0) };
    },

    async get(seq: number, tx: Kysely<any> = db): Promise<AuditRecord | undefined> {
      const r = await asRoom<AuditTables>(tx).selectFrom('audit.records').selectAll().where('seq', '=', seq).executeTakeFirst();
      return r ? toRecord(r) : undefined;
    },
  };
}

export type AuditDal = ReturnType<typeof createAuditDal>;
