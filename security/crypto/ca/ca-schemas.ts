import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../../core/http';

const dns = z.string().trim().regex(/^(\*\.)?([a-zA-Z0-9-]{1,63}\.)*[a-zA-Z0-9-]{1,63}$/, 'a DNS name').max(253);
const ip = z.union([z.ipv4(), z.ipv6()]);

export const issueSchema = z.strictObject({
  profile: z.enum(['service', 'user']),
  commonName: text(64),
  organization: optionalText(64),
  organizationalUnit: optionalText(64),
  dnsNames: z.array(dns).max(20).optional(),
  ipAddresses: z.array(ip).max(20).optional(),
  emails: z.array(z.email()).max(5).optional(),
  validityDays: z.number().int().min(1).max(3650).default(365),
  /** The subject's own SM2 signing public key (PEM); omitted = generated here and returned once. */
  signingPublicKeyPem: z.string().max(1000).optional(),
  /** Also issue the encryption certificate (双证书). */
  dual: z.boolean().default(true),
  /** Platform callers may issue for a tenant. */
  tenantId: z.uuid().optional(),
});
export type IssueInput = z.infer<typeof issueSchema>;

export const certificateSchema = z.object({
  id: z.uuid(), zone: z.string(), tenantId: z.uuid().nullable(), pairId: z.uuid(), usage: z.enum(['signing', 'encryption']), profile: z.enum(['service', 'user']),
  subject: z.string(), commonName: z.string(), san: z.array(z.object({ type: z.string(), value: z.string() })), serial: z.string(), publicKey: z.string(), certificatePem: z.string(),
  notBefore: timestamp(), notAfter: timestamp(), status: z.enum(['valid', 'revoked']), revokedAt: timestamp().nullable(), revocationReason: z.string().nullable(),
  createdBy: z.string(), createdAt: timestamp(), escrowed: z.boolean(),
});
export const issueResultSchema = z.object({
  pairId: z.uuid(), signing: certificateSchema, encryption: certificateSchema.nullable(), chainPem: z.string(),
  signingPrivateKeyPem: z.string().nullable(), encryptionPrivateKeyPem: z.string().nullable(), encryptionPrivateKeyEnvelope: z.string().nullable(),
});
export const listCertificatesQuery = z.strictObject({ ...pageQuery, status: z.enum(['valid', 'revoked']).optional(), usage: z.enum(['signing', 'encryption']).optional(), q: optionalText(64) });
export const revokeSchema = z.strictObject({ reason: z.enum(['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation']).default('unspecified') });
export const authoritySchema = z.object({ id: z.uuid(), zone: z.string(), kind: z.enum(['root', 'intermediate']), subject: z.string(), serial: z.string(), notAfter: timestamp(), certificatePem: z.string(), crlNumber: z.number().int() });
export const verifyChainSchema = z.strictObject({ chainPem: z.string().min(1).max(64_000) });
export const chainResultSchema = z.object({ valid: z.boolean(), reason: z.string().nullable(), chain: z.array(z.object({ subject: z.string(), serial: z.string(), notAfter: timestamp() })) });
export const trustRootSchema = z.strictObject({ certificatePem: z.string().min(1).max(8000), zone: text(64) });
