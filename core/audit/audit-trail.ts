import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../log';
import { chainHash, checkpointPayload, GENESIS_HASH } from './audit-chain';
import { createAuditDal, type AuditSearch } from './audit-dal';
import type { AuditEntry, AuditRecord, ChainVerification, CheckpointSigner } from './audit-types';

export type AuditTrailDeps = {
  db: Kysely<any>;
  signer: CheckpointSigner;
  /** A signed checkpoint after every N records. */
  checkpointEvery: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
};

const VERIFY_PAGE = 2000;

/** The append-only, SM3-chained, SM2-checkpointed record of every state change. */
export function createAuditTrail(deps: AuditTrailDeps) {
  const dal = createAuditDal(deps.db);

  async function appendIn(tx: Kysely<any>, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
    const tail = await dal.lockTail(tx);
    const seq = (tail?.seq ?? 0) + 1;
    const prevHash = tail?.hash ?? GENESIS_HASH;
    // Millisecond precision survives the round trip through timestamptz, so the hash recomputes exactly.
    const occurredAt = new Date((entry.occurredAt ?? new Date()).getTime());
    const fields = {
      seq,
      id: randomUUID(),
      occurredAt,
      actorKind: entry.actor.kind,
      actorAccount: entry.actor.accountId,
      actorLogin: entry.actor.loginId,
      actorRoles: [...entry.actor.roles],
      tenantId: entry.tenantId !== undefined ? entry.tenantId : entry.actor.tenantId,
      sourceIp: entry.actor.sourceIp,
      requestId: entry.requestId ?? entry.actor.requestId ?? null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      outcome: entry.outcome ?? 'success',
      beforeSummary: entry.before ?? null,
      afterSummary: entry.after ?? null,
      detail: entry.detail ?? null,
      prevHash,
    };
    const hash = chainHash(fields);
    await dal.insert(
      {
        seq,
        id: fields.id,
        occurred_at: occurredAt,
        actor_kind: fields.actorKind,
        actor_account: fields.actorAccount,
        actor_login: fields.actorLogin,
        actor_roles: fields.actorRoles,
        tenant_id: fields.tenantId,
        source_ip: fields.sourceIp,
        request_id: fields.requestId,
        action: fields.action,
        target_type: fields.targetType,
        target_id: fields.targetId,
        outcome: fields.outcome,
        before_summary: fields.beforeSummary,
        after_summary: fields.afterSummary,
        detail: fields.detail,
        prev_hash: prevHash,
        hash,
      },
      tx,
    );
    if (seq % deps.checkpointEvery === 0) await writeCheckpoint(tx, seq, hash, 'interval');
    return { seq, hash };
  }

  async function writeCheckpoint(tx: Kysely<any>, seq: number, hash: string, reason: string): Promise<void> {
    const payload = checkpointPayload(seq, hash);
    const signature = deps.signer.sign(payload);
    // The raw signature stays (same bytes as before the signing service); the envelope adds the certificate chain.
    const envelope = deps.signer.envelope?.(payload, `audit-checkpoint:${seq}`) ?? null;
    await dal.insertCheckpoint(
      {
        seq,
        hash,
        signed_at: new Date(),
        key_id: deps.signer.keyId,
        public_key: deps.signer.publicKeyHex,
        signature: signature.toString('base64'),
        reason,
        envelope,
      },
      tx,
    );
  }

  return {
    /**
     * Appends one record. Pass the transaction of the change it describes, so both commit or neither;
     * without one it commits on its own (denials, logins).
     */
    async record(entry: AuditEntry, tx?: Kysely<any>): Promise<{ seq: number; hash: string }> {
      return tx ? appendIn(tx, entry) : deps.db.transaction().execute((t) => appendIn(t, entry));
    },

    /** Signs the current tail (on shutdown and on demand) unless it is already signed. */
    async checkpoint(reason = 'manual'): Promise<{ seq: number } | null> {
      return deps.db.transaction().execute(async (tx) => {
        const tail = await dal.lockTail(tx);
        if (!tail) return null;
        const last = await dal.lastCheckpoint(tx);
        if (last && Number(last.seq) === tail.seq) return { seq: tail.seq };
        await writeCheckpoint(tx, tail.seq, tail.hash, reason);
        return { seq: tail.seq };
      });
    },

    /**
     * Walks the whole chain and every checkpoint; names the first record that does not fit. A checkpoint with an
     * envelope is trusted through its certificate chain (to the zone root); one without (written by the bare key file)
     * through the trusted key, or a legacy key listed in `legacyPublicKeys`.
     */
    async verify(opts: { trustedPublicKeyHex?: string; legacyPublicKeys?: readonly string[] } = {}): Promise<ChainVerification> {
      const trusted = opts.trustedPublicKeyHex ?? deps.signer.publicKeyHex;
      const trustedKeys = new Set([trusted, ...(opts.legacyPublicKeys ?? [])]);
      const hashes = new Map<number, string>();
      let prev = GENESIS_HASH;
      let expected = 1;
      let count = 0;
      let after = 0;
      const checkpoints = await dal.checkpoints();
      const wanted = new Set(checkpoints.map((c) => Number(c.seq)));
      for (;;) {
        const page = await dal.page(after, VERIFY_PAGE);
        if (page.length === 0) break;
        for (const r of page) {
          if (r.seq !== expected) {
            return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq: expected, reason: `record ${expected} is missing (next present is ${r.seq})` } };
          }
          if (r.prevHash !== prev) {
            return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: r.seq, firstBad: { seq: r.seq, reason: `record ${r.seq} does not link to record ${r.seq - 1} (previous hash differs)` } };
          }
          if (chainHash(r) !== r.hash) {
            return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: r.seq, firstBad: { seq: r.seq, reason: `record ${r.seq} was altered (its SM3 hash does not match its content)` } };
          }
          if (wanted.has(r.seq)) hashes.set(r.seq, r.hash);
          prev = r.hash;
          expected += 1;
          count += 1;
          after = r.seq;
        }
      }
      for (const c of checkpoints) {
        const seq = Number(c.seq);
        const payload = checkpointPayload(seq, c.hash);
        let certified = false;
        if (c.envelope != null && deps.signer.verifyEnvelope) {
          const e = await deps.signer.verifyEnvelope(payload, c.envelope);
          if (!e.valid || e.publicKey !== c.public_key) {
            return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq, reason: `checkpoint at record ${seq}: its signature envelope does not verify (${e.reason ?? 'signed by another key than the recorded one'})` } };
          }
          certified = true;
        }
        if (!certified && !trustedKeys.has(c.public_key)) {
          return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq, reason: `checkpoint at record ${seq} is signed by an unknown key (${c.key_id})` } };
        }
        if (!deps.signer.verify(payload, Buffer.from(c.signature, 'base64'), c.public_key)) {
          return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq, reason: `checkpoint at record ${seq} has an invalid SM2 signature` } };
        }
        const seen = hashes.get(seq);
        if (seen === undefined) {
          return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq, reason: `records up to ${seq} were signed but record ${seq} is gone (deleted from the tail)` } };
        }
        if (seen !== c.hash) {
          return { ok: false, records: count, checkpoints: checkpoints.length, lastSeq: after, firstBad: { seq, reason: `record ${seq} differs from what checkpoint ${seq} signed (chain rewritten)` } };
        }
      }
      return { ok: true, records: count, checkpoints: checkpoints.length, lastSeq: after };
    },

    search(q: AuditSearch): Promise<{ items: AuditRecord[]; total: number }> {
      return dal.search(q);
    },

    get(seq: number): Promise<AuditRecord | undefined> {
      return dal.get(seq);
    },

    /**
     * Committed records after a sequence number, in order. Consumers (the log audit, the ferry) keep a cursor
     * and poll: a callback would fire before the caller's transaction commits.
     */
    readAfter(seq: number, limit = 500): Promise<AuditRecord[]> {
      return dal.page(seq, limit);
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
