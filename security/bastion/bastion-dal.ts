import { sql, type Generated, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { asRoom } from '../../core/db';

type AssetsTable = {
  id: Generated<string>; tenant_id: string | null; name: string; address: string; port: number; protocol: Generated<string>; os_type: string; folder: string;
  encoding: string; host_key_sha256: string | null; enabled: boolean; created_at: Generated<Date>; updated_at: Generated<Date>;
  /** Set on assets mirroring a tenant cloud VM (cloud-assets.ts); retired_at once the VM is gone. */
  cloud_vm_id: string | null; retired_at: Date | null;
};
type AccountsTable = {
  id: Generated<string>; asset_id: string; username: string; auth_kind: 'password' | 'key'; secret_sealed: string; rotate_every_days: number | null;
  last_rotated_at: Date | null; created_at: Generated<Date>; rotation_admin: Generated<boolean>;
};
type GrantsTable = {
  id: Generated<string>; operator_account_id: string; operator_login: string; asset_id: string | null; folder: string | null; account_username: string;
  protocols: string[]; valid_from: Generated<Date>; valid_until: Date; created_by: string; created_at: Generated<Date>;
};
type RulesTable = { id: Generated<string>; name: string; pattern: string; action: 'allow' | 'deny' | 'approve'; priority: number; enabled: boolean; created_at: Generated<Date> };
type ApprovalsTable = {
  id: Generated<string>; operator_account_id: string; operator_login: string; asset_id: string; command: string; rule_id: string | null;
  status: Generated<'pending' | 'approved' | 'rejected' | 'used'>; decided_by: string | null; decided_at: Date | null; created_at: Generated<Date>;
};
type SessionsTable = {
  id: Generated<string>; tenant_id: string | null; operator_account_id: string; operator_login: string; source_ip: string | null; asset_id: string; asset_name: string;
  account_username: string; kind: 'shell' | 'exec' | 'sftp'; command: string | null; started_at: Generated<Date>; ended_at: Date | null; end_reason: string | null;
  exit_code: number | null; recording_file: string | null; recording_bytes: Generated<number>; search_text: Generated<string>;
};
type CommandsTable = { id: Generated<number>; session_id: string; at: Generated<Date>; command: string; verdict: 'allowed' | 'denied' | 'approval_required'; rule_id: string | null };
type TransfersTable = { id: Generated<number>; session_id: string; at: Generated<Date>; direction: 'upload' | 'download'; path: string; size: number; sm3: string | null; protocol: string };

export type BastionTables = {
  'bastion.assets': AssetsTable;
  'bastion.asset_accounts': AccountsTable;
  'bastion.grants': GrantsTable;
  'bastion.command_rules': RulesTable;
  'bastion.approvals': ApprovalsTable;
  'bastion.sessions': SessionsTable;
  'bastion.session_commands': CommandsTable;
  'bastion.transfers': TransfersTable;
};
export type AssetRow = Selectable<AssetsTable>;
export type AssetAccountRow = Selectable<AccountsTable>;
export type GrantRow = Selectable<GrantsTable>;
export type RuleRow = Selectable<RulesTable>;
export type ApprovalRow = Selectable<ApprovalsTable>;
export type SessionRow = Selectable<SessionsTable>;

type Db = Kysely<any>;

export type SessionFilter = { operator?: string; asset?: string; text?: string; from?: Date; to?: Date; liveIds?: string[]; tenantId?: string | null; offset: number; limit: number };

/** Queries of the bastion schema; every method takes a trailing transaction. */
export function createBastionDal(db: Db) {
  const r = (tx: Db) => asRoom<BastionTables>(tx);
  return {
    insertAsset: (row: Insertable<AssetsTable>, tx: Db = db) => r(tx).insertInto('bastion.assets').values(row).returningAll().executeTakeFirstOrThrow(),
    updateAsset: (id: string, patch: Updateable<AssetsTable>, tx: Db = db) =>
      r(tx).updateTable('bastion.assets').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst(),
    deleteAsset: async (id: string, tx: Db = db) => (await r(tx).deleteFrom('bastion.assets').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
    findAsset: (id: string, tx: Db = db) => r(tx).selectFrom('bastion.assets').selectAll().where('id', '=', id).executeTakeFirst(),
    findAssetByName: (name: string, tx: Db = db) => r(tx).selectFrom('bastion.assets').selectAll().where('name', '=', name).executeTakeFirst(),
    cloudAssets: (tx: Db = db) => r(tx).selectFrom('bastion.assets').selectAll().where('cloud_vm_id', 'is not', null).execute(),
    async listAssets(q: { tenantId?: string | null; offset: number; limit: number }, tx: Db = db) {
      let base = r(tx).selectFrom('bastion.assets');
      if (q.tenantId) base = base.where('tenant_id', '=', q.tenantId);
      const rows = await base.selectAll().orderBy('folder').orderBy('name').offset(q.offset).limit(q.limit).execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    insertAccount: (row: Insertable<AccountsTable>, tx: Db = db) => r(tx).insertInto('bastion.asset_accounts').values(row).returningAll().executeTakeFirstOrThrow(),
    updateAccount: (id: string, patch: Updateable<AccountsTable>, tx: Db = db) => r(tx).updateTable('bastion.asset_accounts').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),
    deleteAccount: async (id: string, tx: Db = db) => (await r(tx).deleteFrom('bastion.asset_accounts').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
    listAccounts: (assetId: string, tx: Db = db) => r(tx).selectFrom('bastion.asset_accounts').selectAll().where('asset_id', '=', assetId).orderBy('username').execute(),
    findAccount: (assetId: string, username: string, tx: Db = db) =>
      r(tx).selectFrom('bastion.asset_accounts').selectAll().where('asset_id', '=', assetId).where('username', '=', username).executeTakeFirst(),
    findAccountById: (id: string, tx: Db = db) => r(tx).selectFrom('bastion.asset_accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    accountsDueForRotation: (at: Date, tx: Db = db) =>
      r(tx)
        .selectFrom('bastion.asset_accounts')
        .selectAll()
        .where('rotate_every_days', 'is not', null)
        .where(sql<boolean>`coalesce(last_rotated_at, created_at) + make_interval(days => rotate_every_days) <= ${at}`)
        .execute(),
    insertGrant: (row: Insertable<GrantsTable>, tx: Db = db) => r(tx).insertInto('bastion.grants').values(row).returningAll().executeTakeFirstOrThrow(),
    deleteGrant: async (id: string, tx: Db = db) => (await r(tx).deleteFrom('bastion.grants').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
    listGrants: (q: { operatorAccountId?: string }, tx: Db = db) => {
      let b = r(tx).selectFrom('bastion.grants').selectAll();
      if (q.operatorAccountId) b = b.where('operator_account_id', '=', q.operatorAccountId);
      return b.orderBy('created_at', 'desc').limit(1000).execute();
    },
    /** Grants of an operator for one account name that cover the asset directly or through a folder above it. */
    grantsCovering: (operatorAccountId: string, asset: AssetRow, username: string, tx: Db = db) =>
      r(tx)
        .selectFrom('bastion.grants')
        .selectAll()
        .where('operator_account_id', '=', operatorAccountId)
        .where('account_username', '=', username)
        .where((eb) => eb.or([eb('asset_id', '=', asset.id), eb(sql.lit(asset.folder), 'like', sql<string>`folder || '%'`)]))
        .orderBy('valid_until', 'desc')
        .execute(),
    insertRule: (row: Insertable<RulesTable>, tx: Db = db) => r(tx).insertInto('bastion.command_rules').values(row).returningAll().executeTakeFirstOrThrow(),
    updateRule: (id: string, patch: Updateable<RulesTable>, tx: Db = db) => r(tx).updateTable('bastion.command_rules').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),
    deleteRule: async (id: string, tx: Db = db) => (await r(tx).deleteFrom('bastion.command_rules').where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n,
    listRules: (tx: Db = db) => r(tx).selectFrom('bastion.command_rules').selectAll().orderBy('priority').orderBy('created_at').execute(),
    insertApproval: (row: Insertable<ApprovalsTable>, tx: Db = db) => r(tx).insertInto('bastion.approvals').values(row).returningAll().executeTakeFirstOrThrow(),
    listApprovals: (tx: Db = db) => r(tx).selectFrom('bastion.approvals').selectAll().orderBy('created_at', 'desc').limit(500).execute(),
    findApproval: (id: string, tx: Db = db) => r(tx).selectFrom('bastion.approvals').selectAll().where('id', '=', id).executeTakeFirst(),
    decideApproval: (id: string, status: 'approved' | 'rejected', by: string, tx: Db = db) =>
      r(tx).updateTable('bastion.approvals').set({ status, decided_by: by, decided_at: new Date() }).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst(),
    /** Claims an approved request for exactly this command (used once). */
    useApproval: async (operatorAccountId: string, assetId: string, command: string, tx: Db = db) =>
      !!(await r(tx)
        .updateTable('bastion.approvals')
        .set({ status: 'used' })
        .where('id', '=', (eb) =>
          eb.selectFrom('bastion.approvals').select('id').where('operator_account_id', '=', operatorAccountId).where('asset_id', '=', assetId).where('command', '=', command).where('status', '=', 'approved').limit(1),
        )
        .returning('id')
        .executeTakeFirst()),
    insertSession: (row: Insertable<SessionsTable>, tx: Db = db) => r(tx).insertInto('bastion.sessions').values(row).returningAll().executeTakeFirstOrThrow(),
    endSession: (id: string, patch: Updateable<SessionsTable>, tx: Db = db) => r(tx).updateTable('bastion.sessions').set(patch).where('id', '=', id).execute(),
    findSession: (id: string, tx: Db = db) => r(tx).selectFrom('bastion.sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    async listSessions(q: SessionFilter, tx: Db = db) {
      let b = r(tx).selectFrom('bastion.sessions as s');
      if (q.tenantId) b = b.where('s.tenant_id', '=', q.tenantId);
      if (q.operator) b = b.where('s.operator_login', '=', q.operator);
      if (q.asset) b = b.where('s.asset_name', '=', q.asset);
      if (q.from) b = b.where('s.started_at', '>=', q.from);
      if (q.to) b = b.where('s.started_at', '<', q.to);
      if (q.liveIds) b = q.liveIds.length ? b.where('s.id', 'in', q.liveIds) : b.where(sql<boolean>`false`);
      if (q.text) {
        const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        b = b.where((eb) =>
          eb.or([
            eb('s.search_text', 'ilike', like),
            eb('s.command', 'ilike', like),
            eb.exists(eb.selectFrom('bastion.session_commands as c').select('c.id').whereRef('c.session_id', '=', 's.id').where('c.command', 'ilike', like)),
          ]),
        );
      }
      const rows = await b.selectAll('s').orderBy('s.started_at', 'desc').offset(q.offset).limit(q.limit).execute();
      const { n } = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { rows, total: Number(n) };
    },
    insertCommand: (row: Insertable<CommandsTable>, tx: Db = db) => r(tx).insertInto('bastion.session_commands').values(row).execute(),
    listCommands: (sessionId: string, tx: Db = db) => r(tx).selectFrom('bastion.session_commands').selectAll().where('session_id', '=', sessionId).orderBy('id').execute(),
    insertTransfer: (row: Insertable<TransfersTable>, tx: Db = db) => r(tx).insertInto('bastion.transfers').values(row).returningAll().executeTakeFirstOrThrow(),
    listTransfers: (sessionId: string, tx: Db = db) => r(tx).selectFrom('bastion.transfers').selectAll().where('session_id', '=', sessionId).orderBy('id').execute(),
  };
}
export type BastionDal = ReturnType<typeof createBastionDal>;
