import { sql, type Generated, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { asRoom } from '../../core/db';
import type { ListAccountsQuery, TimeWindow } from './identity-schemas';

export type AccountsTable = {
  id: Generated<string>;
  login_id: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  tenant_id: string | null;
  roles: string[];
  status: Generated<'active' | 'disabled'>;
  password_hash: string;
  password_changed_at: Generated<Date>;
  must_change_password: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  totp_secret_sealed: string | null;
  totp_pending_sealed: string | null;
  totp_last_step: number | null;
  mfa_enrolled_at: Date | null;
  otp_token_serial: Generated<string | null>;
  otp_token_seed_sealed: Generated<string | null>;
  otp_token_last_step: Generated<number | null>;
  allowed_cidrs: Generated<string[]>;
  allowed_windows: Generated<TimeWindow[]>;
  last_login_at: Date | null;
  last_login_ip: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
};
export type AccountRow = Selectable<AccountsTable>;

type SessionsTable = {
  id: Generated<string>;
  token_hash: string;
  account_id: string;
  csrf_token: string;
  source_ip: string | null;
  user_agent: string | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
};
export type SessionRow = Selectable<SessionsTable>;

type TokensTable = {
  id: Generated<string>;
  account_id: string;
  name: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};
export type TokenRow = Selectable<TokensTable>;

export type IdentityTables = {
  'identity.accounts': AccountsTable;
  'identity.password_history': { account_id: string; password_hash: string; created_at: Date };
  'identity.recovery_codes': { account_id: string; code_hash: string; used_at: Date | null };
  'identity.login_challenges': { id: Generated<string>; account_id: string; source_ip: string | null; created_at: Generated<Date>; expires_at: Date };
  'identity.sessions': SessionsTable;
  'identity.api_tokens': TokensTable;
  'identity.settings': { key: string; value: unknown; updated_at: Date };
};

type Db = Kysely<any>;
const room = (tx: Db) => asRoom<IdentityTables>(tx);
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Queries of the identity schema. Every method takes a trailing `tx` so it joins the caller's transaction. */
export function createIdentityDal(db: Db) {
  return {
    async findAccountById(id: string, tx: Db = db): Promise<AccountRow | undefined> {
      return room(tx).selectFrom('identity.accounts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Matches the login id, the e-mail or the phone number. */
    async findAccountByLogin(login: string, tx: Db = db): Promise<AccountRow | undefined> {
      const l = login.toLowerCase();
      return room(tx)
        .selectFrom('identity.accounts')
        .selectAll()
        .where((eb) => eb.or([eb(eb.fn('lower', ['login_id']), '=', l), eb(eb.fn('lower', ['email']), '=', l), eb('phone', '=', login)]))
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
    },

    async lockAccount(id: string, tx: Db): Promise<AccountRow | undefined> {
      return room(tx).selectFrom('identity.accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async countAccounts(tx: Db = db): Promise<number> {
      const r = await room(tx).selectFrom('identity.accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async listAccounts(q: ListAccountsQuery & { scopeTenantId?: string | null }, tx: Db = db): Promise<{ rows: AccountRow[]; total: number }> {
      let query = room(tx).selectFrom('identity.accounts');
      const tenant = q.scopeTenantId ?? q.tenantId;
      if (tenant) query = query.where('tenant_id', '=', tenant);
      if (q.role) query = query.where(sql<boolean>`${q.role} = any(roles)`);
      if (q.status) query = query.where('status', '=', q.status);
      if (q.q) {
        const like = `%${escapeLike(q.q)}%`;
        query = query.where((eb) => eb.or([eb('login_id', 'ilike', like), eb('display_name', 'ilike', like), eb('email', 'ilike', like), eb('phone', 'like', like)]));
      }
      const sortCol = ({ loginId: 'login_id', displayName: 'display_name', createdAt: 'created_at', lastLoginAt: 'last_login_at' } as const)[q.sort];
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy(sortCol, q.order).orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },

    async insertAccount(row: Insertable<AccountsTable>, tx: Db = db): Promise<AccountRow> {
      return room(tx)
        .insertInto('identity.accounts')
        .values({ ...row, allowed_windows: JSON.stringify(row.allowed_windows ?? []) as unknown as TimeWindow[] })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateAccount(id: string, patch: Updateable<AccountsTable>, tx: Db = db): Promise<AccountRow> {
      const values: Record<string, unknown> = { ...patch, updated_at: new Date() };
      if (patch.allowed_windows) values.allowed_windows = JSON.stringify(patch.allowed_windows);
      return room(tx).updateTable('identity.accounts').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },

    async recentPasswordHashes(accountId: string, n: number, tx: Db = db): Promise<string[]> {
      if (n <= 0) return [];
      const rows = await room(tx).selectFrom('identity.password_history').select('password_hash').where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(n).execute();
      return rows.map((r) => r.password_hash);
    },

    async addPasswordHistory(accountId: string, hash: string, tx: Db = db): Promise<void> {
      await room(tx).insertInto('identity.password_history').values({ account_id: accountId, password_hash: hash, created_at: new Date() }).execute();
    },

    async replaceRecoveryCodes(accountId: string, hashes: string[], tx: Db = db): Promise<void> {
      await room(tx).deleteFrom('identity.recovery_codes').where('account_id', '=', accountId).execute();
      if (hashes.length) await room(tx).insertInto('identity.recovery_codes').values(hashes.map((h) => ({ account_id: accountId, code_hash: h, used_at: null }))).execute();
    },

    /** Marks a recovery code used; true only the first time. */
    async useRecoveryCode(accountId: string, hash: string, tx: Db = db): Promise<boolean> {
      const r = await room(tx)
        .updateTable('identity.recovery_codes')
        .set({ used_at: new Date() })
        .where('account_id', '=', accountId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async insertChallenge(accountId: string, sourceIp: string | null, expiresAt: Date, tx: Db = db): Promise<string> {
      const r = await room(tx).insertInto('identity.login_challenges').values({ account_id: accountId, source_ip: sourceIp, expires_at: expiresAt }).returning('id').executeTakeFirstOrThrow();
      return r.id;
    },

    async findChallenge(id: string, tx: Db = db) {
      return room(tx).selectFrom('identity.login_challenges').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async deleteChallenge(id: string, tx: Db = db): Promise<boolean> {
      const r = await room(tx).deleteFrom('identity.login_challenges').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },

    async insertSession(row: Insertable<SessionsTable>, tx: Db = db): Promise<SessionRow> {
      return room(tx).insertInto('identity.sessions').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async findSessionByHash(hash: string, tx: Db = db): Promise<SessionRow | undefined> {
      return room(tx).selectFrom('identity.sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    },

    async touchSession(id: string, at: Date, tx: Db = db): Promise<void> {
      await room(tx).updateTable('identity.sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },

    async revokeSession(id: string, tx: Db = db): Promise<void> {
      await room(tx).updateTable('identity.sessions').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },

    async revokeAccountSessions(accountId: string, exceptId: string | null, tx: Db = db): Promise<void> {
      let q = room(tx).updateTable('identity.sessions').set({ revoked_at: new Date() }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
      if (exceptId) q = q.where('id', '!=', exceptId);
      await q.execute();
    },

    async insertToken(row: Insertable<TokensTable>, tx: Db = db): Promise<TokenRow> {
      return room(tx).insertInto('identity.api_tokens').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async findTokenByHash(hash: string, tx: Db = db): Promise<TokenRow | undefined> {
      return room(tx).selectFrom('identity.api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    },

    async listTokens(accountId: string, tx: Db = db): Promise<TokenRow[]> {
      return room(tx).selectFrom('identity.api_tokens').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').execute();
    },

    async revokeToken(accountId: string, id: string, tx: Db = db): Promise<boolean> {
      const r = await room(tx).updateTable('identity.api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async touchToken(id: string, at: Date, tx: Db = db): Promise<void> {
      await room(tx).updateTable('identity.api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async getSetting(key: string, tx: Db = db): Promise<unknown | undefined> {
      const r = await room(tx).selectFrom('identity.settings').select('value').where('key', '=', key).executeTakeFirst();
      return r?.value;
    },

    async putSetting(key: string, value: unknown, tx: Db = db): Promise<void> {
      await room(tx)
        .insertInto('identity.settings')
        .values({ key, value: JSON.stringify(value), updated_at: new Date() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }))
        .execute();
    },
  };
}

export type IdentityDal = ReturnType<typeof createIdentityDal>;
