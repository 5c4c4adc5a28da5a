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
};

export const CRYPTO_INVENTORY_PATH = '/crypto-inventory';

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
  /** crypto.read */
  cryptoInventory: () => api<CryptoInventory>('GET', '/api/crypto/inventory'),
};

/** Where a certificate's PEM (with its chain) downloads from; a plain GET with the session cookie. */
export const certificateDownloadUrl = (id: string) => `/api/ca/certificates/${encodeURIComponent(id)}/download`;
/** The zone's CRL (public). */
export const CRL_URL = '/api/ca/crl';
