import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, sm4CtrHmacOpen, sm4CtrHmacSeal } from '../../core/crypto';
import type { SecretSealer } from '../identity';

/**
 * Seals small secrets (TOTP seeds, asset passwords) with a key kept in a file beside the data, readable
 * by its owner only, so a database dump alone does not reveal them. The KMS replaces it when present.
 */
export function createLocalSealer(dataDir: string, name = 'secrets'): SecretSealer {
  const dir = path.resolve(dataDir, 'keys');
  const file = path.join(dir, `${name}.key`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new Error(`${file} must hold 32 bytes in hex`);
  return {
    seal: (plain) => sm4CtrHmacSeal(key, plain).toString('base64'),
    open: (sealed) => sm4CtrHmacOpen(key, Buffer.from(sealed, 'base64')),
  };
}
