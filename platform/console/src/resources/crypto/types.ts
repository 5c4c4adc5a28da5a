/** The API's shapes of security/crypto (kms-schemas.ts, ca-schemas.ts, ferry-routes.ts, inventory-service.ts). */

export const KEY_STATES = ['enabled', 'disabled', 'pending_import', 'pending_deletion', 'deleted'] as const;
export type KeyState = (typeof KEY_STATES)[number];

export type KmsKey = {
  id: string;
  zone: string;
  tenantId: string | null;
  alias: string;
  description: string | null;
  origin: 'kms' | 'external';
  state: KeyState;
  algorithm: 'SM4';
  currentVersion: number;
  rotationDays: number | null;
  nextRotationAt: string | null;
  deletionAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  versions: Array<{ version: number; origin: 'kms' | 'external'; createdAt: string; destroyed: boolean }>;
};

export type KeyUsage = {
  id: number;
  occurredAt: string;
  lastAt: string;
  uses: number;
  keyId: string | null;
  keyVersion: number | null;
  tenantId: string | null;
  actorLogin: string;
  operation: string;
  outcome: string;
  reason: string | null;
};

export const CERT_STATUSES = ['valid', 'revoked'] as const;
export const CERT_USAGES = ['signing', 'encryption'] as const;
export const CERT_PROFILES = ['service', 'user'] as const;
export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;

export type Certificate = {
  id: string;
  zone: string;
  tenantId: string | null;
  pairId: string;
  usage: 'signing' | 'encryption';
  profile: 'service' | 'user';
  subject: string;
  commonName: string;
  san: Array<{ type: string; value: string }>;
  serial: string;
  publicKey: string;
  certificatePem: string;
  notBefore: string;
  notAfter: string;
  status: 'valid' | 'revoked';
  revokedAt: string | null;
  revocationReason: string | null;
  createdBy: string;
  createdAt: string;
  escrowed: boolean;
};

export type IssueResult = {
  pairId: string;
  signing: Certificate;
  encryption: Certificate | null;
  chainPem: string;
  signingPrivateKeyPem: string | null;
  encryptionPrivateKeyPem: string | null;
  encryptionPrivateKeyEnvelope: string | null;
};

export type CaAuthority = { id: string; zone: string; kind: 'root' | 'intermediate'; subject: string; serial: string; notAfter: string; certificatePem: string; crlNumber: number };

export const TRANSFER_STATUSES = ['exported', 'imported', 'imported_with_gap', 'quarantined'] as const;
export const DIRECTIONS = ['out', 'in'] as const;

export type FerryTransfer = {
  id: string;
  flow: string;
  direction: 'out' | 'in';
  sequence: number | null;
  status: (typeof TRANSFER_STATUSES)[number];
  reason: string | null;
  warning: string | null;
  bundle: string;
  manifestSm3: string | null;
  files: Array<{ name: string; size: number; sm3: string }>;
  signer: string | null;
  createdAt: string;
};

export type FerryFlow = { id: string; from: string; to: string; payload: string; maxFileMb: number; description: string; direction?: string };

export type CryptoInventory = {
  zone: string;
  algorithms: Array<{ algorithm: string; standard: string; oid: string | null; use: string; where: string; implementation: string }>;
  keyHierarchy: { kek: { id: string; source: string; note: string }; rootKey: { zone: string; sealedBy: string; algorithm: string } };
  masterKeys: Array<{ state: string; origin: string; count: number }>;
  authorities: Array<{ zone: string; kind: string; subject: string; serial: string; notAfter: string; crlNumber: number }>;
  certificates: Array<{ usage: string; status: string; count: number }>;
  serviceIdentities: Array<{ zone: string; name: string; certificateId: string }>;
  ferryFlows: FerryFlow[];
};
