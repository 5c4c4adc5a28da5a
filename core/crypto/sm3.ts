import * as nodeCrypto from 'node:crypto';
import { InputError } from '../errors';
import { toBuffer, type Bytes } from './bytes';

// SM3 (GB/T 32905) runs natively in node:crypto's OpenSSL 3.0; strings are hashed as UTF-8 throughout.

/** An incremental SM3 hash: feed it chunks (a file, a chain of records), then take the digest once. */
export interface Sm3Hasher {
  update(data: Bytes): Sm3Hasher;
  /** The 32-byte digest; the hasher cannot be used afterwards. */
  digest(): Buffer;
  /** An independent hasher with the same state (for running digests over a growing chain). */
  copy(): Sm3Hasher;
}

/** SM3 digest (32 bytes). */
export function sm3(data: Bytes): Buffer {
  // crypto.hash skips the Hash object and is measurably faster for small inputs.
  return nodeCrypto.hash('sm3', typeof data === 'string' ? data : toBuffer(data), 'buffer');
}

/** SM3 digest as lowercase hex. */
export function sm3Hex(data: Bytes): string {
  return nodeCrypto.hash('sm3', typeof data === 'string' ? data : toBuffer(data), 'hex');
}

/** A new incremental SM3 hasher. */
export function createSm3(): Sm3Hasher {
  return wrapHash(nodeCrypto.createHash('sm3'));
}

function wrapHash(hash: nodeCrypto.Hash): Sm3Hasher {
  const hasher: Sm3Hasher = {
    update(data) {
      hash.update(toBuffer(data));
      return hasher;
    },
    digest: () => hash.digest(),
    copy: () => wrapHash(hash.copy()),
  };
  return hasher;
}

/** HMAC-SM3 (32 bytes); a string key is its UTF-8 bytes, not hex. */
export function hmacSm3(key: Bytes, data: Bytes): Buffer {
  return nodeCrypto.createHmac('sm3', toBuffer(key)).update(toBuffer(data)).digest();
}

/** An incremental HMAC-SM3 over data fed in chunks. */
export function createHmacSm3(key: Bytes): { update(data: Bytes): void; digest(): Buffer } {
  const hmac = nodeCrypto.createHmac('sm3', toBuffer(key));
  return {
    update: (data) => void hmac.update(toBuffer(data)),
    digest: () => hmac.digest(),
  };
}

function checkPbkdf2Args(iterations: number, keyLen: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new InputError('PBKDF2 iterations must be a positive integer', { code: 'crypto.invalid_input' });
  }
  if (!Number.isSafeInteger(keyLen) || keyLen < 1) {
    throw new InputError('PBKDF2 key length must be a positive integer', { code: 'crypto.invalid_input' });
  }
}

/** PBKDF2 with HMAC-SM3 (RFC 8018), run on libuv's thread pool so it does not block the event loop. */
export function pbkdf2Sm3(password: Bytes, salt: Bytes, iterations: number, keyLen: number): Promise<Buffer> {
  checkPbkdf2Args(iterations, keyLen);
  return new Promise((resolve, reject) => {
    nodeCrypto.pbkdf2(toBuffer(password), toBuffer(salt), iterations, keyLen, 'sm3', (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** PBKDF2-HMAC-SM3, synchronous: blocks the event loop for the whole derivation — CLI and tests only. */
export function pbkdf2Sm3Sync(password: Bytes, salt: Bytes, iterations: number, keyLen: number): Buffer {
  checkPbkdf2Args(iterations, keyLen);
  return nodeCrypto.pbkdf2Sync(toBuffer(password), toBuffer(salt), iterations, keyLen, 'sm3');
}
