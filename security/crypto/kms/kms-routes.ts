import { defineRoute, idParams, listOf, type RouteDef } from '../../../core/http';
import type { KmsService } from './kms-service';
import {
  cipherResultSchema,
  createDataKeySchema,
  createKeySchema,
  dataKeyResultSchema,
  decryptSchema,
  encryptSchema,
  generateDataKeySchema,
  importMaterialSchema,
  importParametersSchema,
  keySchema,
  listDataKeysQuery,
  listKeysQuery,
  listUsageQuery,
  managedDataKeySchema,
  managedDataKeyWithPlainSchema,
  plainResultSchema,
  reEncryptResultSchema,
  reEncryptSchema,
  scheduleDeletionSchema,
  updateKeySchema,
  usageSchema,
} from './kms-schemas';

const b = (s: string) => Buffer.from(s, 'base64');
const s = (x: Uint8Array) => Buffer.from(x).toString('base64');

/** Routes of the KMS: key management (kms.read / kms.manage) and the data path (kms.use). */
export function kmsRoutes(kms: KmsService): RouteDef[] {
  const tag = 'kms';
  return [
    defineRoute({ method: 'get', path: '/api/kms/keys', tag, summary: 'List master keys (a tenant sees its own)', access: 'kms.read', query: listKeysQuery, response: listOf(keySchema), handler: ({ actor, query }) => kms.list(actor, query) }),
    defineRoute({ method: 'get', path: '/api/kms/keys/:id', tag, summary: 'One master key with its versions', access: 'kms.read', params: idParams, response: keySchema, handler: ({ actor, params }) => kms.get(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/kms/keys', tag, summary: 'Create an SM4 master key (origin kms, or external for BYOK)', access: 'kms.manage', audit: 'key.created', status: 201, body: createKeySchema, response: keySchema, handler: ({ actor, body }) => kms.create(actor, body) }),
    defineRoute({ method: 'patch', path: '/api/kms/keys/:id', tag, summary: 'Change a key’s description or rotation period', access: 'kms.manage', audit: 'key.updated', params: idParams, body: updateKeySchema, response: keySchema, handler: ({ actor, params, body }) => kms.update(actor, params.id, body) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/rotate', tag, summary: 'Rotate: a new version becomes current', access: 'kms.manage', audit: 'key.rotated', params: idParams, response: keySchema, handler: ({ actor, params }) => kms.rotate(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/disable', tag, summary: 'Disable a key (every use is refused)', access: 'kms.manage', audit: 'key.disabled', params: idParams, response: keySchema, handler: ({ actor, params }) => kms.disable(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/enable', tag, summary: 'Enable a disabled key', access: 'kms.manage', audit: 'key.enabled', params: idParams, response: keySchema, handler: ({ actor, params }) => kms.enable(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/schedule-deletion', tag, summary: 'Schedule deletion after a 7–30 day waiting period', access: 'kms.manage', audit: 'key.deletion_scheduled', params: idParams, body: scheduleDeletionSchema, response: keySchema, handler: ({ actor, params, body }) => kms.scheduleDeletion(actor, params.id, body.pendingDays) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/cancel-deletion', tag, summary: 'Cancel a scheduled deletion (the key comes back disabled)', access: 'kms.manage', audit: 'key.deletion_cancelled', params: idParams, response: keySchema, handler: ({ actor, params }) => kms.cancelDeletion(actor, params.id) }),
    defineRoute({ method: 'post', path: '/api/kms/keys/:id/import-parameters', tag, summary: 'BYOK: get a one-time SM2 public key to wrap key material with', access: 'kms.manage', audit: 'key.import_prepared', params: idParams, response: importParametersSchema, handler: ({ actor, params }) => kms.importParameters(actor, params.id) }),
    defineRoute({
      method: 'post', path: '/api/kms/keys/:id/import', tag, summary: 'BYOK: import SM2-wrapped SM4 key material as the next version', access: 'kms.manage', audit: 'key.material_imported', params: idParams, body: importMaterialSchema, response: keySchema,
      handler: ({ actor, params, body }) => kms.importMaterial(actor, params.id, { importToken: body.importToken, encryptedKeyMaterial: b(body.encryptedKeyMaterial), format: body.format }),
    }),
    defineRoute({
      method: 'post', path: '/api/kms/encrypt', tag, summary: 'Encrypt up to 64 KiB under a master key', access: 'kms.use', body: encryptSchema, response: cipherResultSchema,
      handler: async ({ actor, body }) => { const r = await kms.encrypt(actor, { keyId: body.keyId, plaintext: b(body.plaintext), context: body.context }); return { ...r, ciphertext: s(r.ciphertext) }; },
    }),
    defineRoute({
      method: 'post', path: '/api/kms/decrypt', tag, summary: 'Decrypt a KMS ciphertext', access: 'kms.use', body: decryptSchema, response: plainResultSchema,
      handler: async ({ actor, body }) => { const r = await kms.decrypt(actor, { ciphertext: b(body.ciphertext), context: body.context }); return { ...r, plaintext: s(r.plaintext) }; },
    }),
    defineRoute({
      method: 'post', path: '/api/kms/re-encrypt', tag, summary: 'Re-encrypt under another key without revealing the plaintext', access: 'kms.use', body: reEncryptSchema, response: reEncryptResultSchema,
      handler: async ({ actor, body }) => { const r = await kms.reEncrypt(actor, { ...body, ciphertext: b(body.ciphertext) }); return { ...r, ciphertext: s(r.ciphertext) }; },
    }),
    defineRoute({
      method: 'post', path: '/api/kms/generate-data-key', tag, summary: 'A fresh data key, in the clear and wrapped', access: 'kms.use', body: generateDataKeySchema, response: dataKeyResultSchema,
      handler: async ({ actor, body }) => { const r = await kms.generateDataKey(actor, body); return { ...r, plaintext: s(r.plaintext), ciphertext: s(r.ciphertext) }; },
    }),
    defineRoute({ method: 'get', path: '/api/kms/data-keys', tag, summary: 'Managed data keys (disks’ keys)', access: 'kms.read', query: listDataKeysQuery, response: listOf(managedDataKeySchema), handler: ({ actor, query }) => kms.listDataKeys(actor, query) }),
    defineRoute({ method: 'get', path: '/api/kms/data-keys/:id', tag, summary: 'One managed data key (metadata only)', access: 'kms.read', params: idParams, response: managedDataKeySchema, handler: ({ actor, params }) => kms.getDataKey(actor, params.id) }),
    defineRoute({
      method: 'post', path: '/api/kms/data-keys', tag, summary: 'Create a managed data key for a resource (returns its plaintext once)', access: 'kms.use', audit: 'data_key.created', status: 201, body: createDataKeySchema, response: managedDataKeyWithPlainSchema,
      handler: async ({ actor, body }) => { const r = await kms.createDataKey(actor, body); return { ...r, plaintext: s(r.plaintext) }; },
    }),
    defineRoute({
      method: 'post', path: '/api/kms/data-keys/:id/unwrap', tag, summary: 'The plaintext of a managed data key', access: 'kms.use', params: idParams, response: managedDataKeyWithPlainSchema,
      handler: async ({ actor, params }) => { const r = await kms.unwrapDataKey(actor, params.id); return { ...r, plaintext: s(r.plaintext) }; },
    }),
    defineRoute({ method: 'post', path: '/api/kms/data-keys/:id/destroy', tag, summary: 'Crypto-erase: destroy a data key for good', access: 'kms.manage', audit: 'data_key.destroyed', params: idParams, response: managedDataKeySchema, handler: ({ actor, params }) => kms.destroyDataKey(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/kms/usage', tag, summary: 'Key-usage log (who used which key, how, with what result)', access: 'kms.read', query: listUsageQuery, response: listOf(usageSchema), handler: ({ actor, query }) => kms.listUsage(actor, query) }),
  ];
}
