import { sm3Hex } from '../crypto';

/** The hash that precedes record 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with keys sorted at every depth, so PostgreSQL's jsonb re-ordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The fields of a record that the chain protects (everything but the hash itself). */
export type ChainedFields = {
  seq: number;
  id: string;
  occurredAt: Date;
  actorKind: string;
  actorAccount: string | null;
  actorLogin: string;
  actorRoles: readonly string[];
  tenantId: string | null;
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  beforeSummary: unknown;
  afterSummary: unknown;
  detail: unknown;
  prevHash: string;
};

/** SM3 over the previous hash and the canonical record: any edit, deletion or reordering breaks the chain. */
export function chainHash(f: ChainedFields): string {
  return sm3Hex(
    canonicalJson({
      seq: f.seq,
      id: f.id,
      occurredAt: f.occurredAt.toISOString(),
      actorKind: f.actorKind,
      actorAccount: f.actorAccount,
      actorLogin: f.actorLogin,
      actorRoles: [...f.actorRoles],
      tenantId: f.tenantId,
      sourceIp: f.sourceIp,
      requestId: f.requestId,
      action: f.action,
      targetType: f.targetType,
      targetId: f.targetId,
      outcome: f.outcome,
      before: f.beforeSummary ?? null,
      after: f.afterSummary ?? null,
      detail: f.detail ?? null,
      prevHash: f.prevHash,
    }),
  );
}

/** The bytes a checkpoint signature covers. */
export function checkpointPayload(seq: number, hash: string): Buffer {
  return Buffer.from(`yiyun-audit-checkpoint:v1:${seq}:${hash}`, 'utf8');
}
