import { hmacSm3, sm3, SM4_CTR_HMAC_KEY_LENGTH } from '../../../core/crypto';
import { InputError } from '../../../core/errors';

// The KMS ciphertext format, version 1 (documented in docs/crypto.md):
//
//   offset  length  field
//   0       1       format version = 0x01
//   1       1       algorithm = 0x01 (SM4-CTR + HMAC-SM3, encrypt-then-MAC)
//   2       16      master key id (UUID bytes)
//   18      4       master key version (uint32 big-endian)
//   22      16      IV
//   38      n       SM4-CTR ciphertext
//   38+n    32      tag = HMAC-SM3 over AAD ‖ IV ‖ ciphertext ‖ bitlen(AAD)
//
// AAD = bytes 0..21 (the header) ‖ SM3(canonical encryption context), so the header cannot be swapped and a
// ciphertext only opens with the context it was made with.

export const CIPHERTEXT_VERSION = 1;
export const ALG_SM4_CTR_HMAC_SM3 = 1;
export const HEADER_LENGTH = 22;
const MIN_LENGTH = HEADER_LENGTH + 16 + 32;

export type EncryptionContext = Record<string, string>;
export type ParsedCiphertext = { keyId: string; version: number; header: Buffer; sealed: Buffer };

export function uuidToBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

export function bytesToUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The 22-byte header of a ciphertext under (key id, version). */
export function encodeHeader(keyId: string, version: number): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  h[0] = CIPHERTEXT_VERSION;
  h[1] = ALG_SM4_CTR_HMAC_SM3;
  uuidToBytes(keyId).copy(h, 2);
  h.writeUInt32BE(version, 18);
  return h;
}

/** Splits a ciphertext into header fields and the sealed body; throws an InputError for anything malformed. */
export function parseCiphertext(ct: Uint8Array): ParsedCiphertext {
  const b = Buffer.from(ct);
  if (b.length < MIN_LENGTH) throw new InputError('not a KMS ciphertext (too short)', { code: 'kms.invalid_ciphertext' });
  if (b[0] !== CIPHERTEXT_VERSION) throw new InputError(`unknown KMS ciphertext format version ${b[0]}`, { code: 'kms.invalid_ciphertext' });
  if (b[1] !== ALG_SM4_CTR_HMAC_SM3) throw new InputError(`unknown KMS ciphertext algorithm ${b[1]}`, { code: 'kms.invalid_ciphertext' });
  return { keyId: bytesToUuid(b.subarray(2, 18)), version: b.readUInt32BE(18), header: b.subarray(0, HEADER_LENGTH), sealed: b.subarray(HEADER_LENGTH) };
}

/** Canonical form of an encryption context: keys sorted, JSON. */
export function canonicalContext(ctx: EncryptionContext | undefined): string {
  const entries = Object.entries(ctx ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/** The AAD of a ciphertext: its header ‖ SM3(canonical context). */
export function aadOf(header: Buffer, ctx: EncryptionContext | undefined): Buffer {
  return Buffer.concat([header, sm3(canonicalContext(ctx))]);
}

/**
 * The 32-byte SM4-CTR-HMAC key derived from a master key version's 16-byte SM4 material (HMAC-SM3 as a KDF, label
 * bound): an imported BYOK key is a plain SM4 key, and the MAC half never equals the cipher half.
 */
export function sealKeyOf(material: Uint8Array): Buffer {
  const k = hmacSm3(material, 'yiyun-kms v1 seal key');
  if (k.length !== SM4_CTR_HMAC_KEY_LENGTH) throw new Error('unexpected derived key length');
  return k;
}

/** Data key sizes GenerateDataKey offers. */
export const DATA_KEY_SPECS = { SM4_128: 16, SM4_CTR_HMAC_256: 32 } as const;
export type DataKeySpec = keyof typeof DATA_KEY_SPECS;

/** The next rotation time from a period in days. */
export function nextRotation(from: Date, days: number | null): Date | null {
  return days ? new Date(from.getTime() + days * 86_400_000) : null;
}
