import type { Kysely } from 'kysely';
import type { Actor } from '../../../core/authz';
import type { AuditTrail } from '../../../core/audit';
import { generateSm2KeyPair, randomBytes, sm2Decrypt, sm2PublicKeyToPem, sm4CtrHmacOpen, sm4CtrHmacSeal, type Sm2CiphertextFormat } from '../../../core/crypto';
import { ConflictError, InputError, NotFoundError, YiyunError } from '../../../core/errors';
import type { DataKeyRow, KeyRow, KmsDal } from './kms-dal';
import { aadOf, DATA_KEY_SPECS, encodeHeader, nextRotation, parseCiphertext, sealKeyOf, type DataKeySpec, type EncryptionContext } from './kms-fns';
import type { Keyring } from './kms-keyring';
import type { KeyUse, UsageRecorder } from './kms-usage';
import type { CreateKeyInput, KeyView, ListKeysQuery, UpdateKeyInput } from './kms-schemas';

/** The port to check that a tenant exists (platform/tenants implements it). */
export type TenantDirectory = { exists(id: string): Promise<boolean> };

export type KmsServiceDeps = {
  db: Kysely<any>;
  dal: KmsDal;
  audit: Pick<AuditTrail, 'record'>;
  keyring: Keyring;
  usage: Pick<UsageRecorder, 'record'>;
  tenants: TenantDirectory;
  /** How long a cached key stays valid without a re-read (other replicas' state changes); default 2 s. */
  cacheMs?: number;
  now?: () => Date;
};

const MAX_DIRECT_BYTES = 64 * 1024;
const IMPORT_TOKEN_HOURS = 24;

type CachedKey = { row: KeyRow; at: number; versions: Map<number, Buffer> };

const versionAad = (keyId: string, version: number) => `kms:key:${keyId}:v${version}`;
const dataKeyAad = (id: string) => `kms:data-key:${id}`;
const notFound = () => new NotFoundError('no such key', { code: 'kms.key_not_found' });
const summary = (k: KeyRow) => ({ alias: k.alias, state: k.state, currentVersion: k.current_version, tenantId: k.tenant_id, rotationDays: k.rotation_days, deletionAt: k.deletion_at });

/** Key management: master keys per tenant and per system, envelope encryption, BYOK, crypto-erase of data keys. */
export function createKmsService(deps: KmsServiceDeps) {
  const { db, dal, audit, keyring, usage } = deps;
  const now = deps.now ?? (() => new Date());
  const cacheMs = deps.cacheMs ?? 2000;
  const cache = new Map<string, CachedKey>();

  const visible = (actor: Actor, row: { tenant_id: string | null }) => actor.tenantId === null || actor.tenantId === row.tenant_id;

  async function load(actor: Actor, id: string): Promise<KeyRow> {
    const row = await dal.findKey(id);
    if (!row || !visible(actor, row)) throw notFound();
    return row;
  }

  async function view(row: KeyRow): Promise<KeyView> {
    const versions = await dal.versions(row.id);
    return {
      id: row.id,
      zone: row.zone,
      tenantId: row.tenant_id,
      alias: row.alias,
      description: row.description,
      origin: row.origin,
      state: row.state,
      algorithm: 'SM4',
      currentVersion: row.current_version,
      rotationDays: row.rotation_days,
      nextRotationAt: row.next_rotation_at,
      deletionAt: row.deletion_at,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      versions: versions.map((v) => ({ version: v.version, origin: v.origin, createdAt: v.created_at, destroyed: v.sealed === null })),
    };
  }

  /** Runs a state change with its audit record in one transaction, and drops the key from the cache. */
  async function change(actor: Actor, id: string, action: `key.${string}`, fn: (row: KeyRow, tx: Kysely<any>) => Promise<KeyRow>): Promise<KeyView> {
    const row = await db.transaction().execute(async (tx) => {
      const before = await dal.lockKey(id, tx);
      if (!before || !visible(actor, before)) throw notFound();
      const after = await fn(before, tx);
      await audit.record({ actor, action, target: { type: 'kms_key', id }, before: summary(before), after: summary(after), tenantId: after.tenant_id }, tx);
      return after;
    });
    cache.delete(id);
    return view(row);
  }

  function requireState(row: KeyRow, allowed: KeyRow['state'][], what: string): void {
    if (!allowed.includes(row.state)) throw new ConflictError(`cannot ${what} a key that is ${row.state}`, { code: 'kms.invalid_state', extra: { state: row.state } });
  }

  async function addVersion(row: KeyRow, material: Buffer, origin: 'kms' | 'external', tx: Kysely<any>): Promise<KeyRow> {
    const version = row.current_version + 1;
    await dal.insertVersion({ key_id: row.id, version, origin, sealed: keyring.seal(material, versionAad(row.id, version)), destroyed_at: null }, tx);
    material.fill(0);
    return dal.updateKey(row.id, { current_version: version, next_rotation_at: nextRotation(now(), row.rotation_days) }, tx);
  }

  // ---- the data path: cached, audited per use ----

  async function cachedKey(id: string): Promise<CachedKey | undefined> {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < cacheMs) return hit;
    const row = await dal.findKey(id);
    if (!row) {
      cache.delete(id);
      return undefined;
    }
    const entry: CachedKey = { row, at: Date.now(), versions: hit && hit.row.current_version === row.current_version && hit.row.state === row.state ? hit.versions : new Map() };
    cache.set(id, entry);
    return entry;
  }

  async function sealKey(entry: CachedKey, version: number): Promise<Buffer> {
    let k = entry.versions.get(version);
    if (k) return k;
    const v = await dal.findVersion(entry.row.id, version);
    if (!v) throw new InputError('the ciphertext names a key version that does not exist', { code: 'kms.invalid_ciphertext' });
    if (!v.sealed) throw new ConflictError('the key material was deleted', { code: 'kms.key_deleted' });
    const material = keyring.open(v.sealed, versionAad(entry.row.id, version));
    k = sealKeyOf(material);
    material.fill(0);
    entry.versions.set(version, k);
    return k;
  }

  /** Resolves a key for a use: visible to the actor and enabled, or the use is recorded as refused. */
  async function keyForUse(actor: Actor, id: string, operation: KeyUse['operation']): Promise<CachedKey> {
    const entry = await cachedKey(id);
    if (!entry || !visible(actor, entry.row)) {
      usage.record({ actor, keyId: id, tenantId: actor.tenantId, operation, outcome: 'denied', reason: 'not_found' });
      throw notFound();
    }
    if (entry.row.state !== 'enabled') {
      usage.record({ actor, keyId: id, tenantId: entry.row.tenant_id, operation, outcome: 'denied', reason: `key_${entry.row.state}` });
      const code = entry.row.state === 'deleted' ? 'kms.key_deleted' : entry.row.state === 'pending_deletion' ? 'kms.key_pending_deletion' : 'kms.key_disabled';
      throw new ConflictError(`the key is ${entry.row.state.replace('_', ' ')} and cannot be used`, { code });
    }
    return entry;
  }

  async function encryptWith(actor: Actor, keyId: string, plaintext: Uint8Array, ctx: EncryptionContext | undefined, operation: KeyUse['operation']) {
    const entry = await keyForUse(actor, keyId, operation);
    const version = entry.row.current_version;
    const header = encodeHeader(keyId, version);
    const sealed = sm4CtrHmacSeal(await sealKey(entry, version), plaintext, aadOf(header, ctx));
    usage.record({ actor, keyId, keyVersion: version, tenantId: entry.row.tenant_id, operation, outcome: 'success' });
    return { ciphertext: Buffer.concat([header, sealed]), keyId, keyVersion: version };
  }

  async function decryptWith(actor: Actor, ciphertext: Uint8Array, ctx: EncryptionContext | undefined, operation: KeyUse['operation']) {
    const parsed = parseCiphertext(ciphertext);
    const entry = await keyForUse(actor, parsed.keyId, operation);
    try {
      const plaintext = sm4CtrHmacOpen(await sealKey(entry, parsed.version), parsed.sealed, aadOf(parsed.header, ctx));
      usage.record({ actor, keyId: parsed.keyId, keyVersion: parsed.version, tenantId: entry.row.tenant_id, operation, outcome: 'success' });
      return { plaintext, keyId: parsed.keyId, keyVersion: parsed.version };
    } catch (e) {
      usage.record({ actor, keyId: parsed.keyId, keyVersion: parsed.version, tenantId: entry.row.tenant_id, operation, outcome: 'failure', reason: e instanceof YiyunError ? e.code : 'error' });
      if (e instanceof YiyunError && e.code === 'crypto.decrypt_failed') {
        throw new InputError('the ciphertext does not authenticate: altered, or the wrong encryption context', { code: 'kms.decrypt_failed' });
      }
      throw e;
    }
  }

  function requireSize(data: Uint8Array): void {
    if (data.length === 0) throw new InputError('nothing to encrypt', { code: 'kms.empty_plaintext' });
    if (data.length > MAX_DIRECT_BYTES) throw new InputError(`Encrypt takes at most ${MAX_DIRECT_BYTES} bytes; encrypt larger data with a data key`, { code: 'kms.plaintext_too_large' });
  }

  async function loadDataKey(actor: Actor, id: string, tx: Kysely<any> = db): Promise<DataKeyRow> {
    const row = await dal.findDataKey(id, tx);
    if (!row || !(actor.tenantId === null || actor.tenantId === row.tenant_id)) throw new NotFoundError('no such data key', { code: 'kms.data_key_not_found' });
    return row;
  }

  const dataKeyView = (r: DataKeyRow) => ({ id: r.id, tenantId: r.tenant_id, keyId: r.key_id, resource: r.resource, keySpec: r.key_spec, state: r.state, createdAt: r.created_at, destroyedAt: r.destroyed_at, destroyedBy: r.destroyed_by });

  return {
    async list(actor: Actor, q: ListKeysQuery) {
      const tenantId = actor.tenantId ?? (q.tenantId === 'system' ? null : q.tenantId);
      const { rows, total } = await dal.listKeys({ ...q, tenantId });
      return { items: await Promise.all(rows.map(view)), total };
    },

    async get(actor: Actor, id: string): Promise<KeyView> {
      return view(await load(actor, id));
    },

    async create(actor: Actor, input: CreateKeyInput): Promise<KeyView> {
      let tenantId: string | null = input.tenantId ?? null;
      if (actor.tenantId) {
        if (tenantId && tenantId !== actor.tenantId) throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
        tenantId = actor.tenantId;
      } else if (tenantId && !(await deps.tenants.exists(tenantId))) {
        throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
      }
      if (await dal.findKeyByAlias(tenantId, input.alias)) throw new ConflictError(`the alias ${input.alias} is taken`, { code: 'kms.alias_taken' });
      const row = await db.transaction().execute(async (tx) => {
        let k = await dal.insertKey(
          {
            zone: keyring.zone,
            tenant_id: tenantId,
            alias: input.alias,
            description: input.description ?? null,
            origin: input.origin,
            state: input.origin === 'external' ? 'pending_import' : 'enabled',
            rotation_days: input.origin === 'kms' ? (input.rotationDays ?? null) : null,
            next_rotation_at: null,
            deletion_at: null,
            created_by: actor.loginId,
          },
          tx,
        );
        if (input.origin === 'kms') k = await addVersion(k, randomBytes(16), 'kms', tx);
        await audit.record({ actor, action: 'key.created', target: { type: 'kms_key', id: k.id }, after: summary(k), tenantId: k.tenant_id }, tx);
        return k;
      });
      return view(row);
    },

    update: (actor: Actor, id: string, input: UpdateKeyInput) =>
      change(actor, id, 'key.updated', async (row, tx) => {
        const patch: Record<string, unknown> = {};
        if (input.description !== undefined) patch.description = input.description;
        if (input.rotationDays !== undefined) {
          if (row.origin === 'external' && input.rotationDays !== null) throw new ConflictError('imported keys are rotated by importing new material', { code: 'kms.rotation_unsupported' });
          patch.rotation_days = input.rotationDays;
          patch.next_rotation_at = nextRotation(now(), input.rotationDays);
        }
        return dal.updateKey(id, patch, tx);
      }),

    /** A new version becomes current; old versions stay, so older ciphertexts still decrypt. */
    rotate: (actor: Actor, id: string) =>
      change(actor, id, 'key.rotated', async (row, tx) => {
        requireState(row, ['enabled'], 'rotate');
        if (row.origin === 'external') throw new ConflictError('an imported key rotates by importing new material', { code: 'kms.rotation_unsupported' });
        return addVersion(row, randomBytes(16), 'kms', tx);
      }),

    disable: (actor: Actor, id: string) =>
      change(actor, id, 'key.disabled', async (row, tx) => {
        requireState(row, ['enabled'], 'disable');
        return dal.updateKey(id, { state: 'disabled' }, tx);
      }),

    enable: (actor: Actor, id: string) =>
      change(actor, id, 'key.enabled', async (row, tx) => {
        requireState(row, ['disabled'], 'enable');
        return dal.updateKey(id, { state: 'enabled' }, tx);
      }),

    scheduleDeletion: (actor: Actor, id: string, pendingDays: number) =>
      change(actor, id, 'key.deletion_scheduled', async (row, tx) => {
        requireState(row, ['enabled', 'disabled', 'pending_import'], 'schedule the deletion of');
        if (!Number.isInteger(pendingDays) || pendingDays < 7 || pendingDays > 30) throw new InputError('the waiting period is 7 to 30 days', { code: 'kms.invalid_waiting_period' });
        return dal.updateKey(id, { state: 'pending_deletion', deletion_at: new Date(now().getTime() + pendingDays * 86_400_000) }, tx);
      }),

    cancelDeletion: (actor: Actor, id: string) =>
      change(actor, id, 'key.deletion_cancelled', async (row, tx) => {
        requireState(row, ['pending_deletion'], 'cancel the deletion of');
        return dal.updateKey(id, { state: row.current_version > 0 ? 'disabled' : 'pending_import', deletion_at: null }, tx);
      }),

    /** Job: rotates keys whose period has elapsed. */
    async rotateDue(actor: Actor, at = now()): Promise<number> {
      const due = await dal.dueForRotation(at);
      for (const k of due) await change(actor, k.id, 'key.rotated', async (row, tx) => (row.state === 'enabled' ? addVersion(row, randomBytes(16), 'kms', tx) : row));
      return due.length;
    },

    /** Job: deletes keys whose waiting period has ended — their material is destroyed for good. */
    async purgeDue(actor: Actor, at = now()): Promise<number> {
      const due = await dal.dueForDeletion(at);
      for (const k of due) {
        await change(actor, k.id, 'key.deleted', async (row, tx) => {
          if (row.state !== 'pending_deletion' || !row.deletion_at || row.deletion_at > at) return row;
          await dal.destroyVersions(row.id, at, tx);
          return dal.updateKey(row.id, { state: 'deleted' }, tx);
        });
      }
      return due.length;
    },

    /** BYOK step 1: a one-time SM2 public key to wrap the tenant's 16-byte SM4 key material with (valid 24 h). */
    async importParameters(actor: Actor, id: string) {
      const row = await load(actor, id);
      if (row.origin !== 'external') throw new ConflictError('only keys created with origin "external" take imported material', { code: 'kms.not_external' });
      requireState(row, ['pending_import', 'enabled', 'disabled'], 'import into');
      const pair = generateSm2KeyPair();
      const expiresAt = new Date(now().getTime() + IMPORT_TOKEN_HOURS * 3_600_000);
      const token = await db.transaction().execute(async (tx) => {
        const t = await dal.insertImportToken({ key_id: id, public_key: pair.publicKey, sealed_private: Buffer.alloc(0), expires_at: expiresAt, used_at: null }, tx);
        await tx.updateTable('crypto.import_tokens').set({ sealed_private: keyring.seal(Buffer.from(pair.privateKey, 'hex'), `kms:import:${t.id}`) }).where('id', '=', t.id).execute();
        await audit.record({ actor, action: 'key.import_prepared', target: { type: 'kms_key', id }, detail: { importToken: t.id, expiresAt: expiresAt.toISOString() }, tenantId: row.tenant_id }, tx);
        return t;
      });
      return { keyId: id, importToken: token.id, wrappingAlgorithm: 'SM2-encrypt (GB/T 32918.4, SM3, C1C3C2)' as const, publicKeyHex: pair.publicKey, publicKeyPem: sm2PublicKeyToPem(pair.publicKey), expiresAt };
    },

    /** BYOK step 2: the material, SM2-encrypted to the import key, becomes the key's next version. */
    async importMaterial(actor: Actor, id: string, input: { importToken: string; encryptedKeyMaterial: Buffer; format: Sm2CiphertextFormat }): Promise<KeyView> {
      const row = await db.transaction().execute(async (tx) => {
        const before = await dal.lockKey(id, tx);
        if (!before || !visible(actor, before)) throw notFound();
        if (before.origin !== 'external') throw new ConflictError('only keys created with origin "external" take imported material', { code: 'kms.not_external' });
        requireState(before, ['pending_import', 'enabled', 'disabled'], 'import into');
        const token = await dal.lockImportToken(input.importToken, tx);
        if (!token || token.key_id !== id) throw new InputError('unknown import token', { code: 'kms.import_token_invalid' });
        if (token.used_at) throw new ConflictError('the import token was used already', { code: 'kms.import_token_used' });
        if (token.expires_at <= now()) throw new ConflictError('the import token has expired', { code: 'kms.import_token_expired' });
        const priv = keyring.open(token.sealed_private, `kms:import:${token.id}`).toString('hex');
        let material: Buffer;
        try {
          material = sm2Decrypt(priv, input.encryptedKeyMaterial, { format: input.format });
        } catch {
          throw new InputError('the key material does not decrypt under the import key', { code: 'kms.import_unwrap_failed' });
        }
        if (material.length !== 16) throw new InputError(`SM4 key material is 16 bytes, got ${material.length}`, { code: 'kms.import_bad_length' });
        await dal.useImportToken(token.id, now(), tx);
        let after = await addVersion(before, material, 'external', tx);
        if (after.state === 'pending_import') after = await dal.updateKey(id, { state: 'enabled' }, tx);
        await audit.record({ actor, action: 'key.material_imported', target: { type: 'kms_key', id }, before: summary(before), after: summary(after), tenantId: after.tenant_id }, tx);
        return after;
      });
      cache.delete(id);
      return view(row);
    },

    /** Encrypt (≤ 64 KiB) under the key's current version; see kms-fns.ts for the format. */
    async encrypt(actor: Actor, input: { keyId: string; plaintext: Uint8Array; context?: EncryptionContext }) {
      requireSize(input.plaintext);
      return encryptWith(actor, input.keyId, input.plaintext, input.context, 'encrypt');
    },

    /** Decrypt: the key and version come from the ciphertext header. */
    async decrypt(actor: Actor, input: { ciphertext: Uint8Array; context?: EncryptionContext }) {
      return decryptWith(actor, input.ciphertext, input.context, 'decrypt');
    },

    /** Decrypts and re-encrypts under another key (or the current version of the same key) without revealing it. */
    async reEncrypt(actor: Actor, input: { ciphertext: Uint8Array; destinationKeyId: string; sourceContext?: EncryptionContext; destinationContext?: EncryptionContext }) {
      const { plaintext, keyId, keyVersion } = await decryptWith(actor, input.ciphertext, input.sourceContext, 're_encrypt');
      try {
        const out = await encryptWith(actor, input.destinationKeyId, plaintext, input.destinationContext, 're_encrypt');
        return { ...out, sourceKeyId: keyId, sourceKeyVersion: keyVersion };
      } finally {
        plaintext.fill(0);
      }
    },

    /** A fresh data key, returned in the clear and wrapped under the master key (the caller keeps the wrapped one). */
    async generateDataKey(actor: Actor, input: { keyId: string; keySpec: DataKeySpec; context?: EncryptionContext }) {
      const plaintext = randomBytes(DATA_KEY_SPECS[input.keySpec]);
      const out = await encryptWith(actor, input.keyId, plaintext, input.context, 'generate_data_key');
      return { plaintext, ciphertext: out.ciphertext, keyId: out.keyId, keyVersion: out.keyVersion, keySpec: input.keySpec };
    },

    /** A data key the KMS keeps (a disk's key): destroying it later is the crypto-erase of everything it encrypted. */
    async createDataKey(actor: Actor, input: { keyId: string; resource: string; keySpec: DataKeySpec }) {
      const plaintext = randomBytes(DATA_KEY_SPECS[input.keySpec]);
      const entry = await keyForUse(actor, input.keyId, 'create_data_key');
      const row = await db.transaction().execute(async (tx) => {
        const r = await dal.insertDataKey({ tenant_id: entry.row.tenant_id, key_id: input.keyId, resource: input.resource, key_spec: input.keySpec, wrapped: null, state: 'active', destroyed_at: null, destroyed_by: null }, tx);
        const version = entry.row.current_version;
        const header = encodeHeader(input.keyId, version);
        const wrapped = Buffer.concat([header, sm4CtrHmacSeal(await sealKey(entry, version), plaintext, aadOf(header, { dataKey: r.id }))]);
        const done = await tx.updateTable('crypto.data_keys').set({ wrapped }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
        await audit.record({ actor, action: 'data_key.created', target: { type: 'data_key', id: r.id }, after: { resource: input.resource, keyId: input.keyId, keySpec: input.keySpec }, tenantId: r.tenant_id }, tx);
        return done as DataKeyRow;
      });
      usage.record({ actor, keyId: input.keyId, keyVersion: entry.row.current_version, tenantId: entry.row.tenant_id, operation: 'create_data_key', outcome: 'success' });
      return { ...dataKeyView(row), plaintext };
    },

    /** The plaintext of a managed data key (for the disk driver that unlocks the volume). */
    async unwrapDataKey(actor: Actor, id: string) {
      const row = await loadDataKey(actor, id);
      if (row.state === 'destroyed' || !row.wrapped) {
        usage.record({ actor, keyId: row.key_id, tenantId: row.tenant_id, operation: 'unwrap_data_key', outcome: 'denied', reason: 'data_key_destroyed' });
        throw new ConflictError('the data key was destroyed (crypto-erased); the data it protected is unrecoverable', { code: 'kms.data_key_destroyed' });
      }
      const { plaintext } = await decryptWith(actor, row.wrapped, { dataKey: row.id }, 'unwrap_data_key');
      return { ...dataKeyView(row), plaintext };
    },

    async listDataKeys(actor: Actor, q: { resource?: string; offset: number; limit: number }) {
      const { rows, total } = await dal.listDataKeys({ ...q, tenantId: actor.tenantId ?? undefined });
      return { items: rows.map(dataKeyView), total };
    },

    async getDataKey(actor: Actor, id: string) {
      return dataKeyView(await loadDataKey(actor, id));
    },

    /**
     * Crypto-erase: the wrapped data key is overwritten in the same transaction as its audit record. Nothing else holds
     * it, so whatever it encrypted (a disk purged from the recycle bin) can never be decrypted again.
     */
    async destroyDataKey(actor: Actor, id: string) {
      const row = await db.transaction().execute(async (tx) => {
        const before = await dal.lockDataKey(id, tx);
        if (!before || !(actor.tenantId === null || actor.tenantId === before.tenant_id)) throw new NotFoundError('no such data key', { code: 'kms.data_key_not_found' });
        if (before.state === 'destroyed') return before;
        const after = await dal.destroyDataKey(id, actor.loginId, now(), tx);
        await audit.record({ actor, action: 'data_key.destroyed', target: { type: 'data_key', id }, before: { state: before.state, resource: before.resource }, after: { state: 'destroyed' }, tenantId: before.tenant_id }, tx);
        return after;
      });
      return dataKeyView(row);
    },

    async listUsage(actor: Actor, q: { keyId?: string; offset: number; limit: number }) {
      if (q.keyId) await load(actor, q.keyId);
      const { rows, total } = await dal.listUsage({ ...q, tenantId: actor.tenantId ?? undefined });
      return {
        items: rows.map((r) => ({ id: Number(r.id), occurredAt: r.occurred_at, lastAt: r.last_at, uses: r.uses, keyId: r.key_id, keyVersion: r.key_version, tenantId: r.tenant_id, actorLogin: r.actor_login, operation: r.operation, outcome: r.outcome, reason: r.reason })),
        total,
      };
    },

    /** For the crypto inventory. */
    stateCounts: () => dal.stateCounts(),
  };
}

export type KmsService = ReturnType<typeof createKmsService>;
