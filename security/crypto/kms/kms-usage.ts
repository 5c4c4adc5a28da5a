import type { Actor } from '../../../core/authz';
import type { AuditEntry, AuditTrail } from '../../../core/audit';
import type { Logger } from '../../../core/log';
import type { KeyUsageInsert, KmsDal } from './kms-dal';

// Every use of a key is recorded (who, which key and version, which operation, result): uses are buffered and, per
// batch, counted per (actor, key, version, operation, outcome, reason) into one crypto.key_usage row and one
// `key.used` audit record with the number of uses and the first and last moment. Uses are
// buffered and written after the operation so that the cryptographic path does not wait for a database round trip
// per call; `flush()` runs every `flushMs` and on stop. A crash can lose at most one interval of usage rows.

export type KeyUse = {
  actor: Pick<Actor, 'kind' | 'accountId' | 'loginId' | 'roles' | 'tenantId' | 'sourceIp'>;
  keyId: string | null;
  keyVersion?: number | null;
  tenantId: string | null;
  operation: 'encrypt' | 'decrypt' | 're_encrypt' | 'generate_data_key' | 'create_data_key' | 'unwrap_data_key' | 'sign' | 'verify';
  outcome: 'success' | 'denied' | 'failure';
  reason?: string;
};

export function createUsageRecorder(deps: { dal: Pick<KmsDal, 'insertUsage'>; audit: Pick<AuditTrail, 'record'>; db: { transaction(): { execute<T>(fn: (tx: any) => Promise<T>): Promise<T> } }; logger?: Pick<Logger, 'error'>; flushMs?: number; maxBuffered?: number }) {
  let buffer: Array<KeyUse & { at: Date }> = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const max = deps.maxBuffered ?? 2000;

  async function write(batch: Array<KeyUse & { at: Date }>): Promise<void> {
    const groups = new Map<string, { use: KeyUse; count: number; first: Date; last: Date }>();
    for (const u of batch) {
      const k = `${u.actor.loginId}|${u.actor.accountId}|${u.keyId}|${u.keyVersion ?? ''}|${u.operation}|${u.outcome}|${u.reason ?? ''}`;
      const g = groups.get(k);
      if (g) {
        g.count++;
        g.last = u.at;
      } else groups.set(k, { use: u, count: 1, first: u.at, last: u.at });
    }
    const rows: KeyUsageInsert[] = [...groups.values()].map((g) => ({
      occurred_at: g.first,
      last_at: g.last,
      uses: g.count,
      key_id: g.use.keyId,
      key_version: g.use.keyVersion ?? null,
      tenant_id: g.use.tenantId,
      actor_login: g.use.actor.loginId,
      actor_account: g.use.actor.accountId,
      operation: g.use.operation,
      outcome: g.use.outcome,
      reason: g.use.reason ?? null,
    }));
    await deps.db.transaction().execute(async (tx) => {
      await deps.dal.insertUsage(rows, tx);
      for (const g of groups.values()) {
        const entry: AuditEntry = {
          actor: g.use.actor,
          action: 'key.used',
          target: { type: 'kms_key', id: g.use.keyId },
          outcome: g.use.outcome,
          detail: { operation: g.use.operation, version: g.use.keyVersion ?? null, uses: g.count, first: g.first.toISOString(), last: g.last.toISOString(), reason: g.use.reason ?? null },
          tenantId: g.use.tenantId,
        };
        await deps.audit.record(entry, tx);
      }
    });
  }

  const recorder = {
    record(use: KeyUse): void {
      buffer.push({ ...use, at: new Date() });
      if (buffer.length >= max) void recorder.flush();
      else if (!timer && deps.flushMs !== 0) {
        timer = setTimeout(() => {
          timer = null;
          void recorder.flush();
        }, deps.flushMs ?? 250);
        timer.unref();
      }
    },
    /** Writes everything buffered so far (serialised: batches never interleave). */
    flush(): Promise<void> {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      const batch = buffer;
      buffer = [];
      flushing = flushing.then(async () => {
        if (batch.length === 0) return;
        try {
          await write(batch);
        } catch (err) {
          deps.logger?.error({ err, lost: batch.length }, 'writing KMS key-usage records failed');
        }
      });
      return flushing;
    },
    pending: () => buffer.length,
  };
  return recorder;
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
