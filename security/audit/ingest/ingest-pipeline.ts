import { sql, type Kysely } from 'kysely';
import type { BatchRunner, EventsDal } from '../events/events-dal';
import type { CustomParser, LogEvent } from '../parsers/normalise-fns';
import type { RaisedAlert, SigmaEngine } from '../sigma/sigma-engine';
import { inlineNormaliser, type Normaliser } from './normaliser';

/** One line as a listener received it, with the source it was resolved to. */
export type IngestItem = {
  line: string;
  sourceId: string | null;
  tenantId: string | null;
  parser: string;
  peerIp: string | null;
  receivedAt: Date;
  /** Already normalised (yiyun's own events arrive as fields, not lines). */
  event?: LogEvent;
};

export type PipelineStats = {
  accepted: number;
  committed: number;
  shed: number;
  failedBatches: number;
  queued: number;
  alerts: number;
  /** Batches parsed, encoded and matched on the parse worker (the rest ran inline). */
  offThread: number;
};

export type IngestPipelineDeps = {
  db: Kysely<any>;
  events: EventsDal;
  engine: Pick<SigmaEngine, 'evaluate' | 'apply'>;
  /** Stores the alerts a batch raised (after the batch committed). */
  onAlerts(alerts: RaisedAlert[]): Promise<void>;
  /** Operator-defined parsers that are active. */
  customParsers(): readonly CustomParser[];
  /** Days kept: partitions are created for event days inside [now - retention, now + 2 days]. */
  retentionDays(): number;
  logger?: { error(obj: unknown, msg?: string): void };
  batchSize?: number;
  flushMs?: number;
  /** Queue length past which submit() waits (back-pressure) and offer() sheds. */
  highWater?: number;
  /** Batches written at the same time (1 on PGlite, which has one connection). */
  writers?: number;
  /** Where lines are normalised (the optional parse worker); inline when absent. */
  normaliser?: Normaliser;
};

type Pending = { items: IngestItem[]; resolve(): void; reject(err: unknown): void; left: number };

/**
 * The write path: lines queue here, are normalised and written in batches (one transaction each), then
 * acknowledged; only then does the Sigma engine see them. Callers that can wait (TCP, HTTP) await `submit`,
 * which is the acknowledgement and the back-pressure; UDP calls `offer`, which sheds and counts when full.
 */
export function createIngestPipeline(deps: IngestPipelineDeps) {
  const batchSize = deps.batchSize ?? 2000;
  const flushMs = deps.flushMs ?? 50;
  const highWater = deps.highWater ?? 20_000;
  const writers = deps.writers ?? 2;
  const normaliser = deps.normaliser ?? inlineNormaliser();
  const queue: Array<{ item: IngestItem; owner: Pending | null }> = [];
  const waiters: Array<() => void> = [];
  const stats: PipelineStats = { accepted: 0, committed: 0, shed: 0, failedBatches: 0, queued: 0, alerts: 0, offThread: 0 };
  let active = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let idle: Array<() => void> = [];
  // Per-source counts of the last minutes, for the sources list's rate.
  const perSource = new Map<string, { total: number; last: Date; window: number[] }>();

  function schedule(): void {
    if (stopped) return;
    while (active < writers && queue.length >= batchSize) void flush();
    if (queue.length > 0 && active < writers && !timer) {
      timer = setTimeout(() => {
        timer = null;
        if (queue.length > 0 && active < writers) void flush();
      }, flushMs);
    }
  }

  function releaseWaiters(): void {
    while (queue.length < highWater && waiters.length) waiters.shift()!();
  }

  async function flush(): Promise<void> {
    const take = queue.splice(0, batchSize);
    if (take.length === 0) return;
    active += 1;
    stats.queued = queue.length;
    releaseWaiters();
    try {
      const items = take.map((t) => t.item);
      const batch = await normaliser.run(items, deps.customParsers());
      const now = new Date();
      const days = deps.retentionDays();
      const ids = await deps.events.writeBatch(batch.kind === 'rows' ? batch.rows : batch, { from: new Date(now.getTime() - days * 86_400_000), to: new Date(now.getTime() + 2 * 86_400_000) }, (run) => touchSources(items, run));
      stats.committed += items.length;
      if (batch.kind === 'encoded') stats.offThread += 1;
      // Acknowledge: every owner whose last item is in this committed batch is done.
      for (const { owner } of take) {
        if (owner && --owner.left === 0) owner.resolve();
      }
      // A worker matched the detection rules already; the stateful half (alerts, correlation windows) runs here.
      const alerts =
        batch.kind === 'rows'
          ? deps.engine.evaluate(batch.rows.map((r, i) => ({ id: ids[i]!, ts: r.ts, tenantId: r.tenantId, parser: r.parser, raw: r.raw, fields: r.fields })))
          : deps.engine.apply(batch.matches, ids);
      if (alerts.length) {
        stats.alerts += alerts.length;
        await deps.onAlerts(alerts).catch((err: unknown) => deps.logger?.error({ err }, 'storing alerts failed'));
      }
    } catch (err) {
      stats.failedBatches += 1;
      deps.logger?.error({ err }, 'ingest batch failed');
      const failed = new Set<Pending>();
      for (const { owner } of take) if (owner && !failed.has(owner)) failed.add(owner);
      for (const o of failed) o.reject(err);
    } finally {
      active -= 1;
      if (active === 0 && queue.length === 0) {
        const w = idle;
        idle = [];
        for (const f of w) f();
      }
      schedule();
    }
  }

  async function touchSources(rows: readonly IngestItem[], run: BatchRunner): Promise<void> {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.sourceId) counts.set(r.sourceId, (counts.get(r.sourceId) ?? 0) + 1);
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    for (const [id, n] of counts) {
      let s = perSource.get(id);
      if (!s) perSource.set(id, (s = { total: 0, last: now, window: [] }));
      s.total += n;
      s.last = now;
      for (let i = 0; i < n; i++) s.window.push(minute);
      // Keep five minutes of per-event minute stamps, bounded.
      s.window = s.window.filter((m) => m > minute - 5).slice(-100_000);
      const rate = s.window.length / Math.min(5, Math.max(1, minute - (s.window[0] ?? minute) + 1));
      await run(sql`update logaudit.sources set last_seen_at = ${now}, events_total = events_total + ${n}, rate_per_min = ${rate} where id = ${id}`);
    }
  }

  return {
    stats: (): PipelineStats => ({ ...stats, queued: queue.length }),

    /**
     * Queues lines and resolves once all of them are committed (the acknowledgement). Waits first while the queue
     * is over its high-water mark, so a fast sender is slowed down instead of growing memory.
     */
    async submit(items: IngestItem[]): Promise<void> {
      if (items.length === 0) return;
      if (stopped) throw new Error('the ingest pipeline is stopped');
      while (queue.length >= highWater) await new Promise<void>((r) => waiters.push(r));
      const done = new Promise<void>((resolve, reject) => {
        const owner: Pending = { items, resolve, reject, left: items.length };
        for (const item of items) queue.push({ item, owner });
      });
      stats.accepted += items.length;
      schedule();
      return done;
    },

    /** Queues one line without waiting (UDP): false and counted as shed when the queue is full. */
    offer(item: IngestItem): boolean {
      if (stopped || queue.length >= highWater) {
        stats.shed += 1;
        return false;
      }
      queue.push({ item, owner: null });
      stats.accepted += 1;
      schedule();
      return true;
    },

    /** Resolves when everything queued so far is written. */
    async drain(): Promise<void> {
      if (queue.length === 0 && active === 0) return;
      await new Promise<void>((r) => {
        idle.push(r);
        schedule();
      });
    },

    async stop(): Promise<void> {
      await this.drain();
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const w of waiters.splice(0)) w();
      await normaliser.close();
    },
  };
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;
