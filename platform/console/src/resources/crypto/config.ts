import { api } from '../../api/http';
import type { CaAuthority, Certificate, CryptoInventory, FerryFlow, IssueResult, KmsKey } from './types';

/**
 * The 国密 services' part of the dataProvider's resource map and of the console's permission table (spread into
 * providers/dataProvider.ts and providers/access.ts). Paths, filters and bodies follow security/crypto/*-routes.ts
 * exactly (the API rejects anything else with 400); permissions are the routes' `access`.
 */
export const CRYPTO_RESOURCES = {
  'kms-keys': { path: '/api/kms/keys', sortable: [] as string[], filters: ['state', 'q', 'tenantId'], paged: true, creatable: ['alias', 'description', 'tenantId', 'origin', 'rotationDays'], updatable: ['description', 'rotationDays'] },
  'kms-usage': { path: '/api/kms/usage', sortable: [] as string[], filters: ['keyId'], paged: true },
  certificates: { path: '/api/ca/certificates', sortable: [] as string[], filters: ['status', 'usage', 'q'], paged: true },
  'ferry-transfers': { path: '/api/ferry/transfers', sortable: [] as string[], filters: ['flow', 'status', 'direction'], paged: true },
};

export const CRYPTO_ACCESS = {
  'kms-keys': { list: 'kms.read', show: 'kms.read', create: 'kms.manage', edit: 'kms.manage', manage: 'kms.manage' },
  'kms-usage': { list: 'kms.read', show: 'kms.read' },
  certificates: { list: 'ca.read', show: 'ca.read', create: 'ca.issue', issue: 'ca.issue', revoke: 'ca.revoke', download: 'ca.read' },
  'ferry-transfers': { list: 'ferry.read', show: 'ferry.read' },
  'crypto-inventory': { read: 'crypto.read' },
  'kms-tools': { use: 'kms.use', import: 'kms.manage' },
  signing: { use: 'signing.use' },
};

export const CRYPTO_INVENTORY_PATH = '/crypto-inventory';
export const KMS_TOOLS_PATH = '/kms-tools';
export const SIGNING_PATH = '/signing';

/** What the signing service answers for a verification (security/crypto/signing/signing-routes.ts). */
export type SignatureCheck = { valid: boolean; reason: string | null; signer: string | null; serial: string | null; signedAt: string | null; label: string | null; chain: string[] };
export type ImportParameters = { keyId: string; importToken: string; wrappingAlgorithm: string; publicKeyHex: string; publicKeyPem: string; expiresAt: string };

/** The key's and certificate's actions beyond CRUD (each button checks the permission noted first). */
export const cryptoActions = {
  /** kms.manage */
  rotateKey: (id: string) => api<KmsKey>('POST', `/api/kms/keys/${id}/rotate`),
  disableKey: (id: string) => api<KmsKey>('POST', `/api/kms/keys/${id}/disable`),
  enableKey: (id: string) => api<KmsKey>('POST', `/api/kms/keys/${id}/enable`),
  scheduleKeyDeletion: (id: string, pendingDays: number) => api<KmsKey>('POST', `/api/kms/keys/${id}/schedule-deletion`, { body: { pendingDays } }),
  cancelKeyDeletion: (id: string) => api<KmsKey>('POST', `/api/kms/keys/${id}/cancel-deletion`),
  /** ca.issue: the signing (+ encryption) certificate, with any generated private keys shown once. */
  issueCertificate: (body: Record<string, unknown>) => api<IssueResult>('POST', '/api/ca/certificates', { body }),
  /** ca.revoke */
  revokeCertificate: (id: string, reason: string) => api<Certificate>('POST', `/api/ca/certificates/${id}/revoke`, { body: { reason } }),
  /** ca.read */
  listAuthorities: () => api<{ items: CaAuthority[] }>('GET', '/api/ca/authorities'),
  /** ferry.read */
  listFerryFlows: () => api<{ items: FerryFlow[] }>('GET', '/api/ferry/flows'),
  /** kms.use: the test tools (base64 in and out, as the API). */
  encrypt: (keyId: string, plaintext: string) => api<{ ciphertext: string; keyId: string; keyVersion: number }>('POST', '/api/kms/encrypt', { body: { keyId, plaintext } }),
  decrypt: (ciphertext: string) => api<{ plaintext: string; keyId: string; keyVersion: number }>('POST', '/api/kms/decrypt', { body: { ciphertext } }),
  generateDataKey: (keyId: string, keySpec: string) => api<{ plaintext: string; ciphertext: string; keyId: string; keyVersion: number; keySpec: string }>('POST', '/api/kms/generate-data-key', { body: { keyId, keySpec } }),
  /** kms.manage: BYOK */
  importParameters: (id: string) => api<ImportParameters>('POST', `/api/kms/keys/${id}/import-parameters`),
  importMaterial: (id: string, body: { importToken: string; encryptedKeyMaterial: string; format: 'c1c3c2' | 'asn1' }) => api<KmsKey>('POST', `/api/kms/keys/${id}/import`, { body }),
  /** signing.use */
  sign: (payload: string, label?: string) => api<{ envelope: Record<string, unknown> }>('POST', '/api/signing/sign', { body: { payload, ...(label ? { label } : {}) } }),
  verifySignature: (payload: string, envelope: Record<string, unknown>) => api<SignatureCheck>('POST', '/api/signing/verify', { body: { payload, envelope } }),
  /** crypto.read */
  cryptoInventory: () => api<CryptoInventory>('GET', '/api/crypto/inventory'),
};

/** Where a certificate's PEM (with its chain) downloads from; a plain GET with the session cookie. */
export const certificateDownloadUrl = (id: string) => `/api/ca/certificates/${encodeURIComponent(id)}/download`;
/** The zone's CRL (public). */
export const CRL_URL = '/api/ca/crl';
