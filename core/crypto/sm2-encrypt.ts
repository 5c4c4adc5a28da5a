import * as nodeCrypto from 'node:crypto';
import { InputError } from '../errors';
import { bigIntToBytes, toBuffer, type Bytes } from './bytes';
import {
  DerError,
  encodeElement,
  encodeInteger,
  integerValue,
  readChildren,
  readOnly,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
} from './der';
import { mulBaseSecret, mulSecret, pointFromBytes, pointToBytes, type Point } from './sm2-curve';
import { parsePrivateKey, parsePublicKey, randomScalar } from './sm2-keys';

// SM2 public-key encryption (GB/T 32918.4) with SM3, in the C1C3C2 order of the 2016 standard.
//
// Byte formats (`format` option):
//   'c1c3c2' (default)  C1 ‖ C3 ‖ C2 = 04 ‖ x1(32) ‖ y1(32) ‖ SM3 hash(32) ‖ ciphertext(len M). C1 keeps its 04
//                       prefix (97 bytes of overhead). sm-crypto / sm-crypto-v2 hex output (cipherMode 1) omits
//                       the 04: prepend '04' to theirs, strip ours.
//   'asn1'              DER SEQUENCE { x1 INTEGER, y1 INTEGER, hash OCTET STRING, ciphertext OCTET STRING }
//                       (GM/T 0009): what `openssl pkeyutl -encrypt` writes and `-decrypt` reads.

/** Serialisation of an SM2 ciphertext. */
export type Sm2CiphertextFormat = 'c1c3c2' | 'asn1';

/** Options of sm2Encrypt / sm2Decrypt. */
export interface Sm2EncryptOptions {
  /** Default 'c1c3c2' (raw, C1 with its 04 prefix); 'asn1' interoperates with openssl pkeyutl. */
  format?: Sm2CiphertextFormat;
}

interface Parts {
  c1: Point;
  c3: Buffer;
  c2: Buffer;
}

function decryptFailed(message = 'SM2 decryption failed: wrong key, or damaged ciphertext', cause?: unknown) {
  return new InputError(message, { code: 'crypto.decrypt_failed', cause });
}

// KDF of GB/T 32918.4 §5.4.3: SM3(x2 ‖ y2 ‖ counter) for counter = 1, 2, …, concatenated and cut to `length`.
function kdf(x2y2: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  const input = Buffer.alloc(x2y2.length + 4);
  x2y2.copy(input);
  for (let counter = 1, offset = 0; offset < length; counter++, offset += 32) {
    input.writeUInt32BE(counter, x2y2.length);
    nodeCrypto.hash('sm3', input, 'buffer').copy(out, offset);
  }
  return out;
}

function shared(point: Point): { x2: Buffer; y2: Buffer } {
  const { x, y } = point.toAffine();
  return { x2: bigIntToBytes(x), y2: bigIntToBytes(y) };
}

function hashC3(x2: Buffer, message: Buffer, y2: Buffer): Buffer {
  return nodeCrypto.createHash('sm3').update(x2).update(message).update(y2).digest();
}

function serialise({ c1, c3, c2 }: Parts, format: Sm2CiphertextFormat): Buffer {
  if (format === 'c1c3c2') return Buffer.concat([pointToBytes(c1), c3, c2]);
  const { x, y } = c1.toAffine();
  return encodeElement(
    TAG_SEQUENCE,
    encodeInteger(x),
    encodeInteger(y),
    encodeElement(TAG_OCTET_STRING, c3),
    encodeElement(TAG_OCTET_STRING, c2),
  );
}

function parse(ciphertext: Buffer, format: Sm2CiphertextFormat): Parts {
  try {
    if (format === 'c1c3c2') {
      if (ciphertext.length < 65 + 32 + 1 || ciphertext[0] !== 4) throw new DerError('not 04 ‖ x ‖ y ‖ C3 ‖ C2');
      return { c1: pointFromBytes(ciphertext.subarray(0, 65)), c3: ciphertext.subarray(65, 97), c2: ciphertext.subarray(97) };
    }
    const parts = readChildren(readOnly(ciphertext, TAG_SEQUENCE).content);
    const [xEl, yEl, c3El, c2El] = parts;
    if (parts.length !== 4 || !xEl || !yEl || !c3El || !c2El) throw new DerError('expected 4 fields');
    if (c3El.tag !== TAG_OCTET_STRING || c2El.tag !== TAG_OCTET_STRING) throw new DerError('expected OCTET STRINGs');
    if (c3El.content.length !== 32 || c2El.content.length === 0) throw new DerError('bad field lengths');
    const c1Bytes = Buffer.concat([Buffer.from([4]), bigIntToBytes(integerValue(xEl)), bigIntToBytes(integerValue(yEl))]);
    return { c1: pointFromBytes(c1Bytes), c3: c3El.content, c2: c2El.content };
  } catch (e) {
    // Malformed structure, an off-curve C1, or coordinates that do not fit 32 bytes.
    throw decryptFailed(`not an SM2 ciphertext in ${format} format`, e);
  }
}

/** @internal Encryption with a caller-chosen nonce source, for known-answer tests only. */
export function encryptWithNonce(publicKey: Point, message: Buffer, format: Sm2CiphertextFormat, nextK: () => bigint) {
  for (;;) {
    const k = nextK();
    const { x2, y2 } = shared(mulSecret(publicKey, k));
    const t = kdf(Buffer.concat([x2, y2]), message.length);
    if (t.every((b) => b === 0)) continue; // the standard's rule: an all-zero key stream means pick another k
    const c2 = Buffer.alloc(message.length);
    for (let i = 0; i < message.length; i++) c2[i] = message[i]! ^ t[i]!;
    return serialise({ c1: mulBaseSecret(k), c3: hashC3(x2, message, y2), c2 }, format);
  }
}

/** SM2-encrypts `data` (non-empty) to a public key (hex); see the format notes at the top of this file. */
export function sm2Encrypt(publicKey: string, data: Bytes, opts: Sm2EncryptOptions = {}): Buffer {
  const message = toBuffer(data);
  if (message.length === 0) throw new InputError('nothing to encrypt', { code: 'crypto.invalid_input' });
  return encryptWithNonce(parsePublicKey(publicKey), message, opts.format ?? 'c1c3c2', randomScalar);
}

/** Decrypts an SM2 ciphertext with the private key (hex); throws an InputError if it does not authenticate. */
export function sm2Decrypt(privateKey: string, ciphertext: Uint8Array, opts: Sm2EncryptOptions = {}): Buffer {
  const d = parsePrivateKey(privateKey);
  const { c1, c3, c2 } = parse(toBuffer(ciphertext), opts.format ?? 'c1c3c2');
  const { x2, y2 } = shared(mulSecret(c1, d));
  const t = kdf(Buffer.concat([x2, y2]), c2.length);
  if (t.every((b) => b === 0)) throw decryptFailed();
  const message = Buffer.alloc(c2.length);
  for (let i = 0; i < c2.length; i++) message[i] = c2[i]! ^ t[i]!;
  if (!nodeCrypto.timingSafeEqual(hashC3(x2, message, y2), c3)) throw decryptFailed();
  return message;
}
