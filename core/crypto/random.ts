import * as nodeCrypto from 'node:crypto';
import { toBuffer, type Bytes } from './bytes';

/** `length` bytes from the operating system's CSPRNG. */
export function randomBytes(length: number): Buffer {
  return nodeCrypto.randomBytes(length);
}

/** An unguessable token: `bytes` random bytes (default 32), base64url without padding. */
export function randomToken(bytes = 32): string {
  // Fewer than 16 bytes (128 bits) is guessable at scale; refuse rather than hand out weak tokens.
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('a token needs at least 16 random bytes');
  return nodeCrypto.randomBytes(bytes).toString('base64url');
}

/**
 * Constant-time comparison of two byte strings. Unlike node:crypto's, unequal lengths answer false instead of
 * throwing; only the length can leak, and tags/MACs compared here have public, fixed lengths.
 */
export function timingSafeEqual(a: Bytes, b: Bytes): boolean {
  const x = toBuffer(a);
  const y = toBuffer(b);
  return x.length === y.length && nodeCrypto.timingSafeEqual(x, y);
}
