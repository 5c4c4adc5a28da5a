import * as nodeCrypto from 'node:crypto';
import { InputError } from '../errors';
import { requireLength, toBuffer, type Bytes } from './bytes';
import { SM4_BLOCK_LENGTH } from './sm4';

// SM4-CTR + HMAC-SM3, encrypt-then-MAC, shaped after RFC 7518 §5.2 (AES_CBC_HMAC_SHA2): both halves run natively,
// so this is the fast authenticated encryption on this machine (SM4-GCM is pure JS here).
//
// Format: IV(16) ‖ ciphertext ‖ tag(32), tag = HMAC-SM3(macKey, AAD ‖ IV ‖ ciphertext ‖ bitlen(AAD) as u64be).
// The AAD length closes the boundary between AAD and IV, so bytes cannot be moved from one to the other.

/** Key length of sm4CtrHmacSeal: 16-byte HMAC key ‖ 16-byte SM4 key, as in RFC 7518. */
export const SM4_CTR_HMAC_KEY_LENGTH = 32;
const TAG_LENGTH = 32;

function splitKey(key: Uint8Array): { macKey: Buffer; encKey: Buffer } {
  requireLength(key, SM4_CTR_HMAC_KEY_LENGTH, 'SM4-CTR-HMAC key');
  const k = toBuffer(key);
  return { macKey: k.subarray(0, 16), encKey: k.subarray(16, 32) };
}

function tagOf(macKey: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const bits = Buffer.alloc(8);
  bits.writeBigUInt64BE(BigInt(aad.length) * 8n);
  return nodeCrypto.createHmac('sm3', macKey).update(aad).update(iv).update(ciphertext).update(bits).digest();
}

/** Authenticated encryption (SM4-CTR then HMAC-SM3) with a random IV: returns IV ‖ ciphertext ‖ 32-byte tag. */
export function sm4CtrHmacSeal(key: Uint8Array, plaintext: Bytes, aad: Bytes = ''): Buffer {
  const { macKey, encKey } = splitKey(key);
  const iv = nodeCrypto.randomBytes(SM4_BLOCK_LENGTH);
  const cipher = nodeCrypto.createCipheriv('sm4-ctr', encKey, iv);
  // CTR is a stream mode: final() adds nothing, so update's output is the whole ciphertext (no extra copy).
  const ciphertext = cipher.update(toBuffer(plaintext));
  cipher.final();
  return Buffer.concat([iv, ciphertext, tagOf(macKey, toBuffer(aad), iv, ciphertext)]);
}

/** Opens sm4CtrHmacSeal output; checks the tag in constant time before decrypting, throws an InputError if bad. */
export function sm4CtrHmacOpen(key: Uint8Array, sealed: Uint8Array, aad: Bytes = ''): Buffer {
  const { macKey, encKey } = splitKey(key);
  if (sealed.length < SM4_BLOCK_LENGTH + TAG_LENGTH) {
    throw new InputError('sealed data is too short', { code: 'crypto.decrypt_failed' });
  }
  const sealedBuf = toBuffer(sealed);
  const iv = sealedBuf.subarray(0, SM4_BLOCK_LENGTH);
  const ciphertext = sealedBuf.subarray(SM4_BLOCK_LENGTH, sealedBuf.length - TAG_LENGTH);
  const tag = sealedBuf.subarray(sealedBuf.length - TAG_LENGTH);
  if (!nodeCrypto.timingSafeEqual(tag, tagOf(macKey, toBuffer(aad), iv, ciphertext))) {
    throw new InputError('sealed data failed authentication: wrong key or AAD, or altered data', {
      code: 'crypto.decrypt_failed',
    });
  }
  const decipher = nodeCrypto.createDecipheriv('sm4-ctr', encKey, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
