import { sql, type Generated, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { asRoom } from '../../core/db';

type JobsTable = {
  id: Generated<string>; account_id: string; asset_id: string; tenant_id: string | null; username: string; os_type: string; trigger: 'schedule' | 'manual';
  requested_by: string; script: string; status: 'running' | 'succeeded' | 'failed' | 'declared'; error: string | null; started_at: Generated<Date>; finished_at: Date | null;
};
export type PasswordJobRow = Selectable<JobsTable>;
type Db = Kysely<any>;

/** Queries of bastion.password_jobs and the accounts due for rotation; every method takes a trailing transaction. */
export function createPasswordRotationDal(db: Db) {
  const r = (tx: Db) => asRoom<{ 'bastion.password_jobs': JobsTable }>(tx);
  return {
    insertJob: (row: Insertable<JobsTable>, tx: Db = db) => r(tx).insertInto('bastion.password_jobs').values(row).returningAll().executeTakeFirstOrThrow(),
    updateJob: (id: string, patch: Updateable<JobsTable>, tx: Db = db) => r(tx).updateTable('bastion.password_jobs').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    async listJobs(q: { tenantId?: string | null; accountId?: string; offset: number; limit: number }, tx: Db = db) {
      let base = r(tx).selectFrom('bastion.password_jobs');
      if (q.tenantId) base = base.where('tenant_id', '=', q.tenantId);
      if (q.accountId) base = base.where('account_id', '=', q.accountId);
      const rows = await base.selectAll().orderBy('started_at', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    /** Password accounts whose period has run out: no succeeded, declared or running job within rotate_every_days. */
    async dueAccountIds(tx: Db = db): Promise<string[]> {
      const res = await sql<{ id: string }>`select a.id from bastion.asset_accounts a
        where a.rotate_every_days is not null and a.auth_kind = 'password' and not a.rotation_admin
          and not exists (select 1 from bastion.password_jobs j where j.account_id = a.id and j.status in ('succeeded', 'declared', 'running')
                          and j.started_at > now() - make_interval(days => a.rotate_every_days))
        order by a.last_rotated_at nulls first limit 100`.execute(tx);
      return res.rows.map((x) => x.id);
    },
  };
}
export type PasswordRotationDal = ReturnType<typeof createPasswordRotationDal>;
