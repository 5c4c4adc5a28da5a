import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { asRoom } from '../../../core/db';

type RootKeysTable = { zone: string; kek_id: string; sealed: Buffer; created_at: Generated<Date> };
type KeysTable = {
  id: Generated<string>;
  zone: string;
  tenant_id: string | null;
  alias: string;
  description: string | null;
  origin: 'kms' | 'external';
  state: 'enabled' | 'disabled' | 'pending_import' | 'pending_deletion' | 'deleted';
  current_version: Generated<number>;
  rotation_days: number | null;
  next_rotation_at: Date | null;
  deletion_at: Date | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
};
type KeyVersionsTable = { key_id: string; version: number; sealed: Buffer | null; origin: 'kms' | 'external'; created_at: Generated<Date>; destroyed_at: Date | null };
type ImportTokensTable = { id: Generated<string>; key_id: string; public_key: string; sealed_private: Buffer; expires_at: Date; used_at: Date | null; created_at: Generated<Date> };
type DataKeysTable = {
  id: Generated<string>;
  tenant_id: string | null;
  key_id: string;
  resource: string;
  key_spec: string;
  wrapped: Buffer | null;
  state: 'active' | 'destroyed';
  created_at: Generated<Date>;
  destroyed_at: Date | null;
  destroyed_by: string | null;
};
type KeyUsageTable = {
  id: Generated<number>;
  occurred_at: Date;
  last_at: Date;
  uses: number;
  key_id: string | null;
  key_version: number | null;
  tenant_id: string | null;
  actor_login: string;
  actor_account: string | null;
  operation: string;
  outcome: 'success' | 'denied' | 'failure';
  reason: string | null;
};
type Tables = {
  'crypto.root_keys': RootKeysTable;
  'crypto.keys': KeysTable;
  'crypto.key_versions': KeyVersionsTable;
  'crypto.import_tokens': ImportTokensTable;
  'crypto.data_keys': DataKeysTable;
  'crypto.key_usage': KeyUsageTable;
};
export type KeyRow = Selectable<KeysTable>;
export type KeyVersionRow = Selectable<KeyVersionsTable>;
export type DataKeyRow = Selectable<DataKeysTable>;
export type KeyUsageRow = Selectable<KeyUsageTable>;
export type ImportTokenRow = Selectable<ImportTokensTable>;
export type KeyUsageInsert = Insertable<KeyUsageTable>;
export type KeyState = KeysTable['state'];

type Db = Kysely<any>;
const room = (tx: Db) => asRoom<Tables>(tx);
const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Queries of the KMS tables. */
export function createKmsDal(db: Db) {
  return {
    findRootKey: (zone: string, tx: Db = db) => room(tx).selectFrom('crypto.root_keys').selectAll().where('zone', '=', zone).executeTakeFirst(),
    async insertRootKey(row: Insertable<RootKeysTable>, tx: Db = db): Promise<void> {
      await room(tx).insertInto('crypto.root_keys').values(row).onConflict((oc) => oc.column('zone').doNothing()).execute();
    },
    countRootKeys: async (tx: Db = db) => Number((await room(tx).selectFrom('crypto.root_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0),

    findKey: (id: string, tx: Db = db) => room(tx).selectFrom('crypto.keys').selectAll().where('id', '=', id).executeTakeFirst(),
    lockKey: (id: string, tx: Db) => room(tx).selectFrom('crypto.keys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    findKeyByAlias: (tenantId: string | null, alias: string, tx: Db = db) =>
      room(tx)
        .selectFrom('crypto.keys')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['alias']), '=', alias.toLowerCase()))
        .where('state', '<>', 'deleted')
        .where('tenant_id', tenantId === null ? 'is' : '=', tenantId)
        .executeTakeFirst(),
    async listKeys(q: { tenantId?: string | null; state?: string; q?: string; offset: number; limit: number }, tx: Db = db) {
      let query = room(tx).selectFrom('crypto.keys');
      if (q.tenantId !== undefined) query = query.where('tenant_id', q.tenantId === null ? 'is' : '=', q.tenantId);
      if (q.state) query = query.where('state', '=', q.state as KeyState);
      if (q.q) query = query.where((eb) => eb.or([eb('alias', 'ilike', like(q.q!)), eb('description', 'ilike', like(q.q!))]));
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },
    insertKey: (row: Insertable<KeysTable>, tx: Db = db) => room(tx).insertInto('crypto.keys').values(row).returningAll().executeTakeFirstOrThrow(),
    updateKey: (id: string, patch: Updateable<KeysTable>, tx: Db = db) =>
      room(tx).updateTable('crypto.keys').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    dueForRotation: (now: Date, tx: Db = db) =>
      room(tx).selectFrom('crypto.keys').selectAll().where('state', '=', 'enabled').where('origin', '=', 'kms').where('next_rotation_at', '<=', now).execute(),
    dueForDeletion: (now: Date, tx: Db = db) => room(tx).selectFrom('crypto.keys').selectAll().where('state', '=', 'pending_deletion').where('deletion_at', '<=', now).execute(),
    stateCounts: (tx: Db = db) =>
      room(tx).selectFrom('crypto.keys').select(['state', 'origin']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['state', 'origin']).execute(),

    versions: (keyId: string, tx: Db = db) => room(tx).selectFrom('crypto.key_versions').selectAll().where('key_id', '=', keyId).orderBy('version').execute(),
    findVersion: (keyId: string, version: number, tx: Db = db) =>
      room(tx).selectFrom('crypto.key_versions').selectAll().where('key_id', '=', keyId).where('version', '=', version).executeTakeFirst(),
    async insertVersion(row: Insertable<KeyVersionsTable>, tx: Db = db): Promise<void> {
      await room(tx).insertInto('crypto.key_versions').values(row).execute();
    },
    async destroyVersions(keyId: string, at: Date, tx: Db = db): Promise<number> {
      const r = await room(tx).updateTable('crypto.key_versions').set({ sealed: null, destroyed_at: at }).where('key_id', '=', keyId).where('sealed', 'is not', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    insertImportToken: (row: Insertable<ImportTokensTable>, tx: Db = db) => room(tx).insertInto('crypto.import_tokens').values(row).returningAll().executeTakeFirstOrThrow(),
    lockImportToken: (id: string, tx: Db) => room(tx).selectFrom('crypto.import_tokens').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    async useImportToken(id: string, at: Date, tx: Db): Promise<void> {
      await room(tx).updateTable('crypto.import_tokens').set({ used_at: at }).where('id', '=', id).execute();
    },

    insertDataKey: (row: Insertable<DataKeysTable>, tx: Db = db) => room(tx).insertInto('crypto.data_keys').values(row).returningAll().executeTakeFirstOrThrow(),
    findDataKey: (id: string, tx: Db = db) => room(tx).selectFrom('crypto.data_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    lockDataKey: (id: string, tx: Db) => room(tx).selectFrom('crypto.data_keys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    destroyDataKey: (id: string, by: string, at: Date, tx: Db) =>
      room(tx).updateTable('crypto.data_keys').set({ wrapped: null, state: 'destroyed', destroyed_at: at, destroyed_by: by }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    async listDataKeys(q: { tenantId?: string | null; resource?: string; offset: number; limit: number }, tx: Db = db) {
      let query = room(tx).selectFrom('crypto.data_keys');
      if (q.tenantId !== undefined) query = query.where('tenant_id', q.tenantId === null ? 'is' : '=', q.tenantId);
      if (q.resource) query = query.where('resource', '=', q.resource);
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },

    async insertUsage(rows: KeyUsageInsert[], tx: Db = db): Promise<void> {
      if (rows.length) await room(tx).insertInto('crypto.key_usage').values(rows).execute();
    },
    async listUsage(q: { tenantId?: string | null; keyId?: string; offset: number; limit: number }, tx: Db = db) {
      let query = room(tx).selectFrom('crypto.key_usage');
      if (q.tenantId !== undefined) query = query.where('tenant_id', q.tenantId === null ? 'is' : '=', q.tenantId);
      if (q.keyId) query = query.where('key_id', '=', q.keyId);
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('id', 'desc').offset(q.offset).limit(q.limit).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      ]);
      return { rows, total: Number(count?.n ?? 0) };
    },
  };
}

export type KmsDal = ReturnType<typeof createKmsDal>;
