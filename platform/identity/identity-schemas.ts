import { z } from 'zod';
import { optionalText, pageQuery, text, timestamp } from '../../core/http';
import { ROLE_NAMES } from './identity-roles';

const USERNAME = /^[A-Za-z][A-Za-z0-9._-]{2,63}$/;
const PHONE = /^\+?\d{6,15}$/;

/** A login id is a user name, a phone number or an e-mail address. */
export const loginIdSchema = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .refine((v) => USERNAME.test(v) || PHONE.test(v) || z.email().safeParse(v).success, {
    message: 'use a user name (letters, digits, . _ -; starts with a letter), a phone number or an e-mail address',
  });

export const roleSchema = z.enum(ROLE_NAMES);

/** A daily time window (local time of the server, 24 h clock) on chosen weekdays (1 = Monday … 7 = Sunday). */
export const timeWindowSchema = z.strictObject({
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
});
export type TimeWindow = z.infer<typeof timeWindowSchema>;

export const cidrSchema = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]);

export const securityPolicySchema = z.strictObject({
  passwordMinLength: z.number().int().min(8).max(128).default(8),
  passwordMinClasses: z.number().int().min(2).max(4).default(3),
  passwordHistory: z.number().int().min(0).max(24).default(5),
  passwordMaxAgeDays: z.number().int().min(1).max(3650).default(90),
  lockoutThreshold: z.number().int().min(3).max(20).default(5),
  lockoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
  sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(15),
  sessionAbsoluteHours: z.number().int().min(1).max(7 * 24).default(12),
});
export type SecurityPolicy = z.infer<typeof securityPolicySchema>;
export const securityPolicyUpdateSchema = securityPolicySchema.partial();

export const accountSchema = z.object({
  id: z.uuid(),
  loginId: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  tenantId: z.uuid().nullable(),
  roles: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  locked: z.boolean(),
  lockedUntil: timestamp().nullable(),
  mustChangePassword: z.boolean(),
  passwordChangedAt: timestamp(),
  mfaEnrolled: z.boolean(),
  /** The serial of a registered GM/T 0021 SM3 hardware token, if any. */
  otpTokenSerial: z.string().nullable(),
  allowedCidrs: z.array(z.string()),
  allowedWindows: z.array(timeWindowSchema),
  lastLoginAt: timestamp().nullable(),
  lastLoginIp: z.string().nullable(),
  createdAt: timestamp(),
});
export type AccountView = z.infer<typeof accountSchema>;

export const createAccountSchema = z.strictObject({
  loginId: loginIdSchema,
  displayName: text(100),
  email: z.email().max(254).optional(),
  phone: z.string().trim().regex(PHONE).optional(),
  tenantId: z.uuid().optional(),
  roles: z.array(roleSchema).min(1).max(3),
  /** Omit to have a one-time password generated and returned once. */
  password: z.string().min(1).max(256).optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  displayName: text(100).optional(),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().trim().regex(PHONE).nullable().optional(),
  roles: z.array(roleSchema).min(1).max(3).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

export const restrictionsSchema = z.strictObject({
  allowedCidrs: z.array(cidrSchema).max(50),
  allowedWindows: z.array(timeWindowSchema).max(20),
});

export const listAccountsQuery = z.strictObject({
  ...pageQuery,
  q: optionalText(100),
  tenantId: z.uuid().optional(),
  role: roleSchema.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  sort: z.enum(['loginId', 'displayName', 'createdAt', 'lastLoginAt']).default('loginId'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ListAccountsQuery = z.infer<typeof listAccountsQuery>;

export const otpTokenSchema = z.strictObject({
  serial: z.string().trim().regex(/^[A-Za-z0-9-]{4,40}$/, 'the serial printed on the token (letters, digits, -)'),
  /** The token's seed as delivered by its issuer, hex (at least 128 bits). */
  seedHex: z.string().trim().regex(/^([0-9a-fA-F]{2}){16,64}$/, '32 to 128 hex digits'),
});

export const loginSchema = z.strictObject({
  loginId: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
});

export const mfaLoginSchema = z.strictObject({
  challengeId: z.uuid(),
  code: z.string().trim().min(6).max(32),
});

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export const totpConfirmSchema = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'a 6-digit code') });

export const createTokenSchema = z.strictObject({
  name: text(100),
  expiresInDays: z.number().int().min(1).max(365).default(90),
});

export const meSchema = z.object({
  account: accountSchema,
  permissions: z.array(z.string()),
  pending: z.enum(['password_change', 'mfa_enrolment']).nullable(),
  csrfToken: z.string().nullable(),
  passwordExpiresAt: timestamp(),
  mfaRequired: z.boolean(),
});

export const loginResultSchema = z.union([
  z.object({ status: z.literal('mfa_required'), challengeId: z.uuid() }),
  z.object({ status: z.literal('ok'), csrfToken: z.string(), pending: z.enum(['password_change', 'mfa_enrolment']).nullable() }),
]);
