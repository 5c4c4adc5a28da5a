import { z } from 'zod';
import { optionalText, pageQuery, text } from '../../core/http/schemas';

export const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'gb2312', 'big5', 'euc-jp', 'euc-kr', 'iso-8859-2', 'koi8-r', 'shift_jis', 'windows-874'] as const;

export const assetInput = z.strictObject({
  name: text(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
  address: text(253),
  port: z.coerce.number().int().min(1).max(65535).default(22),
  osType: z.enum(['linux', 'unix', 'windows', 'network']).default('linux'),
  folder: text(300).regex(/^\/([^/]+\/)*$/, 'a folder path like /dmz/his/').default('/'),
  encoding: z.enum(ENCODINGS).default('utf-8'),
  tenantId: z.uuid().nullable().optional(),
  hostKeySha256: optionalText(100),
  enabled: z.boolean().default(true),
});
export type AssetInput = z.infer<typeof assetInput>;
export const assetPatch = assetInput.partial();

export const assetView = z.object({
  id: z.string(), name: z.string(), address: z.string(), port: z.number(), protocol: z.string(), osType: z.string(), folder: z.string(),
  encoding: z.string(), tenantId: z.string().nullable(), hostKeySha256: z.string().nullable(), enabled: z.boolean(), cloudVmId: z.string().nullable(), retiredAt: z.date().nullable(), createdAt: z.date(),
});

export const accountInput = z.strictObject({
  username: text(64).regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'a system user name'),
  authKind: z.enum(['password', 'key']),
  // Write-only: never returned by any route.
  secret: z.string().min(1).max(16_384),
  rotateEveryDays: z.coerce.number().int().min(1).max(365).nullable().optional(),
  // The account password-change jobs log in with (root, or a user allowed `sudo -n chpasswd`).
  rotationAdmin: z.boolean().optional(),
});
export const accountView = z.object({ id: z.string(), assetId: z.string(), username: z.string(), authKind: z.string(), rotateEveryDays: z.number().nullable(), lastRotatedAt: z.date().nullable(), rotationAdmin: z.boolean(), createdAt: z.date() });
export const passwordJobView = z.object({
  id: z.string(), accountId: z.string(), assetId: z.string(), username: z.string(), osType: z.string(), trigger: z.enum(['schedule', 'manual']), requestedBy: z.string(),
  script: z.string(), status: z.enum(['running', 'succeeded', 'failed', 'declared']), error: z.string().nullable(), startedAt: z.date(), finishedAt: z.date().nullable(),
});

export const PROTOCOLS = ['shell', 'exec', 'sftp'] as const;
export const grantInput = z
  .strictObject({
    operatorLogin: text(254),
    assetId: z.uuid().optional(),
    folder: text(300).regex(/^\/([^/]+\/)*$/).optional(),
    accountUsername: text(64),
    protocols: z.array(z.enum(PROTOCOLS)).min(1).default(['shell', 'exec', 'sftp']),
    validFrom: z.coerce.date().optional(),
    validUntil: z.coerce.date(),
  })
  .refine((g) => !!g.assetId !== !!g.folder, { message: 'give either assetId or folder' });
export type GrantInput = z.infer<typeof grantInput>;
export const grantView = z.object({
  id: z.string(), operatorAccountId: z.string(), operatorLogin: z.string(), assetId: z.string().nullable(), folder: z.string().nullable(), accountUsername: z.string(),
  protocols: z.array(z.string()), validFrom: z.date(), validUntil: z.date(), createdBy: z.string(), createdAt: z.date(), expired: z.boolean(),
});

export const ruleInput = z.strictObject({
  name: text(100),
  pattern: text(500),
  action: z.enum(['allow', 'deny', 'approve']),
  priority: z.coerce.number().int().min(0).max(10_000).default(100),
  enabled: z.boolean().default(true),
});
export const ruleView = z.object({ id: z.string(), name: z.string(), pattern: z.string(), action: z.string(), priority: z.number(), enabled: z.boolean(), createdAt: z.date() });

export const approvalView = z.object({ id: z.string(), operatorLogin: z.string(), assetId: z.string(), command: z.string(), ruleId: z.string().nullable(), status: z.string(), decidedBy: z.string().nullable(), decidedAt: z.date().nullable(), createdAt: z.date() });
export const approvalDecision = z.strictObject({ approve: z.boolean() });

export const sessionQuery = z.strictObject({
  ...pageQuery,
  operator: optionalText(254),
  asset: optionalText(100),
  text: optionalText(200),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  live: z.enum(['true', 'false']).optional(),
});
export type SessionQuery = z.infer<typeof sessionQuery>;
export const sessionView = z.object({
  id: z.string(), operatorLogin: z.string(), sourceIp: z.string().nullable(), assetId: z.string(), assetName: z.string(), accountUsername: z.string(), kind: z.string(),
  command: z.string().nullable(), startedAt: z.date(), endedAt: z.date().nullable(), endReason: z.string().nullable(), exitCode: z.number().nullable(),
  recordingBytes: z.number(), live: z.boolean(),
});
export const commandView = z.object({ id: z.number(), at: z.date(), command: z.string(), verdict: z.string(), ruleId: z.string().nullable() });
export const transferView = z.object({ id: z.number(), at: z.date(), direction: z.string(), path: z.string(), size: z.number(), sm3: z.string().nullable(), protocol: z.string() });
