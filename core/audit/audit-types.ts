import type { Actor } from '../authz';

/** Actions are `noun.verb_past` (`tenant.created`, `account.locked`); each room declares its own union. */
export type AuditAction = `${string}.${string}`;

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** What a service hands the trail: who did what to which target, and how it ended. */
export type AuditEntry = {
  actor: Pick<Actor, 'kind' | 'accountId' | 'loginId' | 'roles' | 'tenantId' | 'sourceIp'> & { requestId?: string };
  action: AuditAction;
  target: { type: string; id?: string | null };
  outcome?: AuditOutcome;
  /** Short summaries, never secrets: the fields that changed, before and after. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  detail?: Record<string, unknown> | null;
  requestId?: string | null;
  /** Overrides the clock (tests, imports of foreign trails). */
  occurredAt?: Date;
  /** Overrides the actor's tenant (an admin acting on a tenant is recorded under that tenant). */
  tenantId?: string | null;
};

/** A stored record as read back. */
export type AuditRecord = {
  seq: number;
  id: string;
  occurredAt: Date;
  actorKind: string;
  actorAccount: string | null;
  actorLogin: string;
  actorRoles: string[];
  tenantId: string | null;
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: AuditOutcome;
  beforeSummary: unknown;
  afterSummary: unknown;
  detail: unknown;
  prevHash: string;
  hash: string;
};

/** The outcome of walking the chain. */
export type ChainVerification = {
  ok: boolean;
  records: number;
  checkpoints: number;
  lastSeq: number;
  firstBad?: { seq: number; reason: string };
};

/** What checking a detached signature envelope answers (the signing service's yiyun-sig/1, docs/crypto.md). */
export type EnvelopeCheck = { valid: boolean; reason: string | null; signer: string | null; publicKey: string | null };

/**
 * Signs checkpoints, archive manifests and the evidence pack's manifest. The bare key file (signing-key.ts) only has
 * `sign`/`verify`; platform/server swaps in the signing service, whose certificate (issued by the zone CA for the same
 * key pair) adds `envelope` (a detached signature carrying the chain) and `verifyEnvelope` (chain to the zone root).
 * core/ cannot import security/, hence the optional members instead of a dependency.
 */
export type CheckpointSigner = {
  keyId: string;
  publicKeyHex: string;
  sign(data: Buffer): Buffer;
  verify(data: Buffer, signature: Buffer, publicKeyHex?: string): boolean;
  envelope?: (data: Buffer, label: string) => Record<string, unknown>;
  verifyEnvelope?: (data: Buffer, envelope: unknown) => Promise<EnvelopeCheck>;
};
