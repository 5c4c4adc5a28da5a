import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../../core/http';

const alias = z.string().trim().regex(/^[a-zA-Z0-9][a-zA-Z0-9/_.-]{1,63}$/, '2–64 letters, digits, / _ . -');
const b64 = (max: number) => z.base64().max(max);
/** An encryption context: a few short string pairs bound into the ciphertext as AAD. */
export const contextSchema = z.record(z.string().min(1).max(64), z.string().max(256)).refine((o) => Object.keys(o).length <= 16, 'at most 16 entries').optional();

export const createKeySchema = z.strictObject({
  alias,
  description: optionalText(500),
  /** Platform callers may create a key for a tenant; tenant callers always create their own. Omit for a system key. */
  tenantId: z.uuid().optional(),
  origin: z.enum(['kms', 'external']).default('kms'),
  rotationDays: z.number().int().min(30).max(3650).optional(),
});
export type CreateKeyInput = z.infer<typeof createKeySchema>;

export const updateKeySchema = z.strictObject({
  description: optionalText(500),
  rotationDays: z.number().int().min(30).max(3650).nullable().optional(),
});
export type UpdateKeyInput = z.infer<typeof updateKeySchema>;

export const listKeysQuery = z.strictObject({
  ...pageQuery,
  state: z.enum(['enabled', 'disabled', 'pending_import', 'pending_deletion', 'deleted']).optional(),
  q: optionalText(100),
  /** A tenant's id, or `system` for platform keys (platform callers only; ignored for tenant callers). */
  tenantId: z.union([z.uuid(), z.literal('system')]).optional(),
});
export type ListKeysQuery = z.infer<typeof listKeysQuery>;

export const keySchema = z.object({
  id: z.uuid(),
  zone: z.string(),
  tenantId: z.uuid().nullable(),
  alias: z.string(),
  description: z.string().nullable(),
  origin: z.enum(['kms', 'external']),
  state: z.enum(['enabled', 'disabled', 'pending_import', 'pending_deletion', 'deleted']),
  algorithm: z.literal('SM4'),
  currentVersion: z.number().int(),
  rotationDays: z.number().int().nullable(),
  nextRotationAt: timestamp().nullable(),
  deletionAt: timestamp().nullable(),
  createdBy: z.string(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
  versions: z.array(z.object({ version: z.number().int(), origin: z.enum(['kms', 'external']), createdAt: timestamp(), destroyed: z.boolean() })),
});
export type KeyView = z.infer<typeof keySchema>;

export const scheduleDeletionSchema = z.strictObject({ pendingDays: z.number().int().min(7).max(30).default(30) });

export const importParametersSchema = z.object({
  keyId: z.uuid(),
  importToken: z.uuid(),
  wrappingAlgorithm: z.string(),
  publicKeyHex: z.string(),
  publicKeyPem: z.string(),
  expiresAt: timestamp(),
});
export const importMaterialSchema = z.strictObject({
  importToken: z.uuid(),
  /** base64 of the 16-byte SM4 key SM2-encrypted to the import public key. */
  encryptedKeyMaterial: b64(4096),
  /** c1c3c2 (04‖x‖y‖C3‖C2, sm-crypto style with 04) or asn1 (what `openssl pkeyutl -encrypt` writes). */
  format: z.enum(['c1c3c2', 'asn1']).default('c1c3c2'),
});

export const encryptSchema = z.strictObject({ keyId: z.uuid(), plaintext: b64(90_000), context: contextSchema });
export const decryptSchema = z.strictObject({ ciphertext: b64(90_000), context: contextSchema });
export const reEncryptSchema = z.strictObject({ ciphertext: b64(90_000), destinationKeyId: z.uuid(), sourceContext: contextSchema, destinationContext: contextSchema });
export const generateDataKeySchema = z.strictObject({ keyId: z.uuid(), keySpec: z.enum(['SM4_128', 'SM4_CTR_HMAC_256']).default('SM4_128'), context: contextSchema });
export const cipherResultSchema = z.object({ ciphertext: z.string(), keyId: z.uuid(), keyVersion: z.number().int() });
export const plainResultSchema = z.object({ plaintext: z.string(), keyId: z.uuid(), keyVersion: z.number().int() });
export const reEncryptResultSchema = cipherResultSchema.extend({ sourceKeyId: z.uuid(), sourceKeyVersion: z.number().int() });
export const dataKeyResultSchema = z.object({ plaintext: z.string(), ciphertext: z.string(), keyId: z.uuid(), keyVersion: z.number().int(), keySpec: z.string() });

export const createDataKeySchema = z.strictObject({ keyId: z.uuid(), resource: text(200), keySpec: z.enum(['SM4_128', 'SM4_CTR_HMAC_256']).default('SM4_CTR_HMAC_256') });
export const managedDataKeySchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid().nullable(),
  keyId: z.uuid(),
  resource: z.string(),
  keySpec: z.string(),
  state: z.enum(['active', 'destroyed']),
  createdAt: timestamp(),
  destroyedAt: timestamp().nullable(),
  destroyedBy: z.string().nullable(),
});
export const managedDataKeyWithPlainSchema = managedDataKeySchema.extend({ plaintext: z.string() });
export const listDataKeysQuery = z.strictObject({ ...pageQuery, resource: optionalText(200) });
export const listUsageQuery = z.strictObject({ ...pageQuery, keyId: z.uuid().optional() });
export const usageSchema = z.object({
  id: z.number().int(),
  occurredAt: timestamp(),
  lastAt: timestamp(),
  uses: z.number().int(),
  keyId: z.uuid().nullable(),
  keyVersion: z.number().int().nullable(),
  tenantId: z.uuid().nullable(),
  actorLogin: z.string(),
  operation: z.string(),
  outcome: z.string(),
  reason: z.string().nullable(),
});
