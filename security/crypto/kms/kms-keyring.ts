import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { randomBytes, sm3Hex, sm4CtrHmacOpen, sm4CtrHmacSeal } from '../../../core/crypto';
import { ConfigError } from '../../../core/errors';
import { createKmsDal, type KmsDal } from './kms-dal';

// The top of the key hierarchy:  KEK (outside the database) → zone root key (sealed by the KEK, in the database)
// → everything else (master key versions, CA and service private keys, BYOK wrapping keys), sealed by the root key.
// A database dump alone therefore reveals no key; the KEK alone reveals nothing without the dump.

/** The key-encryption key and where it came from (for the crypto inventory). */
export type Kek = { id: string; key: Buffer; source: 'env' | 'file' | 'generated'; file?: string };

/**
 * The KEK: YIYUN_KMS_KEK (hex) wins, then YIYUN_KMS_KEK_FILE; otherwise (embedded default only) one generated into
 * <data dir>/keys/kms-kek.key with mode 0600 on first start. Production supplies it from outside (mounted secret,
 * HSM export) so that the database and the KEK never sit on the same disk.
 */
export function loadKek(opts: { env?: string; file?: string; dataDir: string }): Kek {
  const fromHex = (hex: string, where: string): Buffer => {
    const key = Buffer.from(hex.trim(), 'hex');
    if (!/^[0-9a-fA-F]{64}$/.test(hex.trim())) throw new ConfigError(`${where}: the KMS KEK must be 64 hex digits (32 bytes)`);
    return key;
  };
  const idOf = (key: Buffer) => `kek-${sm3Hex(key).slice(0, 16)}`;
  if (opts.env) {
    const key = fromHex(opts.env, 'YIYUN_KMS_KEK');
    return { id: idOf(key), key, source: 'env' };
  }
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new ConfigError(`YIYUN_KMS_KEK_FILE: cannot read ${opts.file} (${(e as Error).message})`);
    }
    const key = fromHex(text, `YIYUN_KMS_KEK_FILE ${opts.file}`);
    return { id: idOf(key), key, source: 'file', file: opts.file };
  }
  const dir = path.resolve(opts.dataDir, 'keys');
  const file = path.join(dir, 'kms-kek.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const key = fromHex(readFileSync(file, 'utf8'), file);
  return { id: idOf(key), key, source: 'generated', file };
}

/** Seals and opens data under the zone root key; AAD binds each sealed blob to its place (key id, version…). */
export type Keyring = {
  zone: string;
  kek: Pick<Kek, 'id' | 'source' | 'file'>;
  seal(plain: Uint8Array, aad: string): Buffer;
  open(sealed: Uint8Array, aad: string): Buffer;
};

/** Loads the zone's root key (creating it on first start) and returns the keyring over it. */
export async function openKeyring(deps: { db: Kysely<any>; kek: Kek; zone: string; dal?: KmsDal }): Promise<Keyring> {
  const dal = deps.dal ?? createKmsDal(deps.db);
  let row = await dal.findRootKey(deps.zone);
  if (!row) {
    const root = randomBytes(32);
    await dal.insertRootKey({ zone: deps.zone, kek_id: deps.kek.id, sealed: sm4CtrHmacSeal(deps.kek.key, root, `root:${deps.zone}`) });
    row = (await dal.findRootKey(deps.zone))!;
  }
  if (row.kek_id !== deps.kek.id) {
    throw new ConfigError(`the KMS root key of zone ${deps.zone} is sealed by ${row.kek_id}, but the configured KEK is ${deps.kek.id}: supply the right YIYUN_KMS_KEK_FILE`);
  }
  const root = sm4CtrHmacOpen(deps.kek.key, row.sealed, `root:${deps.zone}`);
  return {
    zone: deps.zone,
    kek: { id: deps.kek.id, source: deps.kek.source, file: deps.kek.file },
    seal: (plain, aad) => sm4CtrHmacSeal(root, plain, aad),
    open: (sealed, aad) => sm4CtrHmacOpen(root, sealed, aad),
  };
}
