import * as nodeCrypto from 'node:crypto';
import { InputError } from '../errors';
import { bigIntToBytes, bytesToBigInt, hexToBuffer, toBuffer } from './bytes';
import {
  CURVE_A,
  CURVE_B,
  CURVE_GX,
  CURVE_GY,
  CURVE_N,
  mulBaseSecret,
  pointFromBytes,
  pointToBytes,
  type Point,
} from './sm2-curve';

/** The user ID GM/T 0009 fixes as the default, and that OpenSSL, sm-crypto, BouncyCastle etc. sign with. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** An SM2 key pair as hex: private key 32 bytes (64 digits), public key uncompressed 04‖x‖y (130 digits). */
export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

/** Options shared by SM2 signing and verification. */
export interface Sm2SignOptions {
  /** The signer's distinguishing identifier (string as UTF-8); default '1234567812345678'. */
  userId?: string | Uint8Array;
}

function invalidKey(message: string, cause?: unknown): InputError {
  return new InputError(message, { code: 'crypto.invalid_key', cause });
}

/** A random scalar in [1, n-1] from the OS CSPRNG (rejection sampling, so unbiased). */
export function randomScalar(): bigint {
  for (;;) {
    const k = bytesToBigInt(nodeCrypto.randomBytes(32));
    if (k > 0n && k < CURVE_N) return k;
  }
}

/** Parses a private key (64 hex digits) into d, checking 1 ≤ d ≤ n-2 (SM2 signing inverts 1 + d). */
export function parsePrivateKey(privateKey: string): bigint {
  const d = bytesToBigInt(hexToBuffer(privateKey, 'SM2 private key', 32));
  if (d < 1n || d > CURVE_N - 2n) throw invalidKey('SM2 private key is out of range');
  return d;
}

/** Parses a public key (hex of 04‖x‖y, or compressed 02/03‖x) and checks that it is a point of the curve. */
export function parsePublicKey(publicKey: string): Point {
  const bytes = hexToBuffer(publicKey, 'SM2 public key');
  if (!(bytes.length === 65 && bytes[0] === 4) && !(bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3))) {
    throw invalidKey('SM2 public key must be 04‖x‖y (65 bytes) or compressed (33 bytes)');
  }
  try {
    return pointFromBytes(bytes);
  } catch (e) {
    throw invalidKey('SM2 public key is not a point of the SM2 curve', e);
  }
}

/** A new random SM2 key pair. */
export function generateSm2KeyPair(): Sm2KeyPair {
  let d = randomScalar();
  while (d > CURVE_N - 2n) d = randomScalar();
  return { privateKey: bigIntToBytes(d).toString('hex'), publicKey: pointToBytes(mulBaseSecret(d)).toString('hex') };
}

/** The public key (04‖x‖y hex) of a private key. */
export function sm2PublicKeyFromPrivate(privateKey: string): string {
  return pointToBytes(mulBaseSecret(parsePrivateKey(privateKey))).toString('hex');
}

/** The public key in canonical form (uncompressed lowercase hex), validated. */
export function normaliseSm2PublicKey(publicKey: string): string {
  return pointToBytes(parsePublicKey(publicKey)).toString('hex');
}

const CURVE_BYTES = Buffer.concat([CURVE_A, CURVE_B, CURVE_GX, CURVE_GY].map((v) => bigIntToBytes(v)));

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5), binding the signature to ID and key. */
export function zValue(publicKeyBytes: Uint8Array, userId: string | Uint8Array = SM2_DEFAULT_USER_ID): Buffer {
  const id = toBuffer(userId);
  // ENTL is the ID's length in bits as two bytes.
  if (id.length > 8191) throw new InputError('SM2 user ID is longer than 8191 bytes', { code: 'crypto.invalid_input' });
  const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
  return nodeCrypto
    .createHash('sm3')
    .update(entl)
    .update(id)
    .update(CURVE_BYTES)
    .update(publicKeyBytes.subarray(1))
    .digest();
}

/** The Z value of a public key (hex) and user ID — the prefix hashed before the message when signing. */
export function sm2ZValue(publicKey: string, userId?: string | Uint8Array): Buffer {
  return zValue(pointToBytes(parsePublicKey(publicKey)), userId);
}
