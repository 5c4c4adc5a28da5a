import * as nodeCrypto from 'node:crypto';
import { sm4 as smV2 } from 'sm-crypto-v2';
import { InputError } from '../errors';
import { requireLength, toBuffer, type Bytes } from './bytes';

// SM4 (GB/T 32907). ECB/CBC/CTR run natively in node:crypto's OpenSSL 3.0; this OpenSSL has no SM4-GCM, so GCM
// comes from sm-crypto-v2 (pure JS, much slower — prefer sm4CtrHmacSeal for bulk data).

/** SM4 key length in bytes. */
export const SM4_KEY_LENGTH = 16;
/** SM4 block length, and the IV length of CBC and CTR. */
export const SM4_BLOCK_LENGTH = 16;
/** SM4-GCM IV length (96 bits, the only length RFC 8998 uses). */
export const SM4_GCM_IV_LENGTH = 12;
/** SM4-GCM authentication tag length. */
export const SM4_GCM_TAG_LENGTH = 16;

/** A streaming SM4 cipher: feed chunks of any size, collect the output, then `final()` once. */
export interface Sm4Stream {
  update(chunk: Bytes): Buffer;
  final(): Buffer;
}

function keyAndIv(key: Uint8Array, iv: Uint8Array | null, ivLength: number): void {
  requireLength(key, SM4_KEY_LENGTH, 'SM4 key');
  if (iv !== null) requireLength(iv, ivLength, 'SM4 IV');
}

function decryptFailed(cause: unknown): InputError {
  return new InputError('SM4 decryption failed: wrong key or IV, or damaged ciphertext', {
    code: 'crypto.decrypt_failed',
    cause,
  });
}

/** Encrypts one 16-byte block with the raw cipher (ECB): for known-answer tests and key check values only. */
export function sm4EncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  keyAndIv(key, null, 0);
  requireLength(block, SM4_BLOCK_LENGTH, 'SM4 block');
  const cipher = nodeCrypto.createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/**
 * A streaming SM4-CBC (PKCS#7 padding) or SM4-CTR cipher, for files and other large data. CTR counts the whole
 * 16-byte IV as one big-endian counter (OpenSSL's behaviour). Never reuse a (key, IV) pair for CTR.
 */
export function createSm4Cipher(
  mode: 'cbc' | 'ctr',
  direction: 'encrypt' | 'decrypt',
  key: Uint8Array,
  iv: Uint8Array,
): Sm4Stream {
  keyAndIv(key, iv, SM4_BLOCK_LENGTH);
  const algorithm = mode === 'cbc' ? 'sm4-cbc' : 'sm4-ctr';
  const cipher =
    direction === 'encrypt' ? nodeCrypto.createCipheriv(algorithm, key, iv) : nodeCrypto.createDecipheriv(algorithm, key, iv);
  return {
    update: (chunk) => cipher.update(toBuffer(chunk)),
    final: () => {
      try {
        return cipher.final();
      } catch (e) {
        throw decryptFailed(e);
      }
    },
  };
}

function oneShot(mode: 'cbc' | 'ctr', direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Bytes) {
  const stream = createSm4Cipher(mode, direction, key, iv);
  const head = stream.update(data);
  const tail = stream.final();
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}

/**
 * SM4-CBC with PKCS#7 padding. Not authenticated: use it only for formats that demand CBC, and MAC the result
 * (or use sm4CtrHmacSeal / sm4GcmEncrypt).
 */
export function sm4CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Bytes): Buffer {
  return oneShot('cbc', 'encrypt', key, iv, plaintext);
}

/** Decrypts SM4-CBC with PKCS#7 padding; throws an InputError on bad padding or length. */
export function sm4CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % SM4_BLOCK_LENGTH !== 0) {
    throw new InputError('SM4-CBC ciphertext must be a non-empty multiple of 16 bytes', { code: 'crypto.decrypt_failed' });
  }
  return oneShot('cbc', 'decrypt', key, iv, ciphertext);
}

/** SM4-CTR keystream XOR (encryption and decryption are the same operation). Not authenticated. */
export function sm4CtrEncrypt(key: Uint8Array, iv: Uint8Array, data: Bytes): Buffer {
  return oneShot('ctr', 'encrypt', key, iv, data);
}

/** SM4-CTR decryption (the same XOR as encryption). */
export function sm4CtrDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  return oneShot('ctr', 'decrypt', key, iv, data);
}

/**
 * SM4-GCM encryption (RFC 8998): returns ciphertext ‖ 16-byte tag. The 12-byte IV must never repeat under one
 * key — a repeat reveals the XOR of the plaintexts and lets anyone forge tags.
 */
export function sm4GcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Bytes, aad: Bytes = ''): Buffer {
  keyAndIv(key, iv, SM4_GCM_IV_LENGTH);
  const { output, tag } = smV2.encrypt(toBuffer(plaintext), key, {
    mode: 'gcm',
    iv,
    associatedData: toBuffer(aad),
    output: 'array',
    outputTag: true,
  });
  if (!tag) throw new Error('sm-crypto-v2 returned no GCM tag');
  return Buffer.concat([output, tag]);
}

/** SM4-GCM decryption of ciphertext ‖ tag; throws an InputError unless the tag authenticates data and AAD. */
export function sm4GcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Bytes = ''): Buffer {
  keyAndIv(key, iv, SM4_GCM_IV_LENGTH);
  if (sealed.length < SM4_GCM_TAG_LENGTH) throw decryptFailed(new Error('shorter than the tag'));
  const body = sealed.subarray(0, sealed.length - SM4_GCM_TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - SM4_GCM_TAG_LENGTH);
  try {
    // sm-crypto-v2 checks the tag (in constant time) before it decrypts anything.
    const plain = smV2.decrypt(body, key, { mode: 'gcm', iv, associatedData: toBuffer(aad), tag, output: 'array' });
    return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch (e) {
    throw decryptFailed(e);
  }
}

/** SM4-GCM with a fresh random IV: returns IV(12) ‖ ciphertext ‖ tag(16). Safe for up to 2^32 messages per key. */
export function sm4GcmSeal(key: Uint8Array, plaintext: Bytes, aad: Bytes = ''): Buffer {
  const iv = nodeCrypto.randomBytes(SM4_GCM_IV_LENGTH);
  return Buffer.concat([iv, sm4GcmEncrypt(key, iv, plaintext, aad)]);
}

/** Opens the output of sm4GcmSeal; throws an InputError if it was altered or the key/AAD is wrong. */
export function sm4GcmOpen(key: Uint8Array, sealed: Uint8Array, aad: Bytes = ''): Buffer {
  if (sealed.length < SM4_GCM_IV_LENGTH + SM4_GCM_TAG_LENGTH) throw decryptFailed(new Error('too short'));
  return sm4GcmDecrypt(key, sealed.subarray(0, SM4_GCM_IV_LENGTH), sealed.subarray(SM4_GCM_IV_LENGTH), aad);
}
