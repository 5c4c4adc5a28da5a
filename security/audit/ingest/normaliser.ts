import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventRow } from '../events/events-dal';
import { normalise, type CustomParser, type LogEvent } from '../parsers/normalise-fns';
import type { IngestItem } from './ingest-pipeline';

/** A batch normalised: the rows, and (from the worker) each row in COPY text without its id. */
export type Normalised = { rows: EventRow[]; encoded: string[] | null };

/** Turns queued lines into rows: inline, or on a worker thread. */
export type Normaliser = {
  run(items: readonly IngestItem[], custom: readonly CustomParser[]): Promise<Normalised>;
  close(): Promise<void>;
};

export type ParseRequest = {
  id: number;
  items: Array<{ line: string; peerIp: string | null; parser: string; receivedAt: number; tenantId: string | null; sourceId: string | null; event?: LogEvent }>;
  /** The active operator parsers, sent only when they changed since the last request. */
  custom?: readonly CustomParser[];
};
export type ParseResponse = { id: number; rows: EventRow[]; encoded: string[] } | { id: number; error: string };

function normaliseInline(items: readonly IngestItem[], custom: readonly CustomParser[]): EventRow[] {
  return items.map((item) => {
    const ev = item.event ?? normalise(item.line, { now: item.receivedAt, peerIp: item.peerIp, parser: item.parser, custom });
    return { ...ev, receivedAt: item.receivedAt, tenantId: item.tenantId, sourceId: item.sourceId };
  });
}

/** Normalises on the calling thread (PGlite, tests, and the fallback when the worker is gone). */
export function inlineNormaliser(): Normaliser {
  return {
    run: async (items, custom) => ({ rows: normaliseInline(items, custom), encoded: null }),
    close: async () => {},
  };
}

/**
 * Normalises and COPY-encodes on one worker thread. Batches in flight queue on the worker in order; the main thread
 * meanwhile evaluates rules and writes earlier batches. A worker that fails or exits rejects what it held (those
 * batches fail and are not acknowledged, as a failed write would be) and later batches run inline.
 */
export function workerNormaliser(logger?: { error(obj: unknown, msg?: string): void }): Normaliser {
  const pending = new Map<number, { resolve(v: Normalised): void; reject(e: unknown): void }>();
  let nextId = 1;
  let sentCustom: readonly CustomParser[] | null = null;
  let worker: Worker | null = null;
  const fallback = inlineNormaliser();
  const fail = (err: unknown) => {
    worker = null;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  try {
    // Under tsx (how yiyun runs, `bin/yiyun.js`) the worker needs the TypeScript hook too; a compiled build loads
    // the .js beside this file directly.
    const body = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
    worker = body.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(body)});`, { eval: true })
      : new Worker(body);
    worker.unref();
    worker.on('message', (res: ParseResponse) => {
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if ('error' in res) p.reject(new Error(`parse worker: ${res.error}`));
      else p.resolve({ rows: res.rows, encoded: res.encoded });
    });
    worker.on('error', (err) => {
      logger?.error({ err }, 'log parse worker failed; parsing on the main thread from now on');
      fail(err);
    });
    worker.on('exit', (code) => {
      if (worker) fail(new Error(`log parse worker exited (${code})`));
    });
  } catch (err) {
    logger?.error({ err }, 'log parse worker could not start; parsing on the main thread');
    worker = null;
  }
  return {
    run(items, custom) {
      const w = worker;
      if (!w) return fallback.run(items, custom);
      const id = nextId++;
      const req: ParseRequest = {
        id,
        items: items.map((it) => ({ line: it.line, peerIp: it.peerIp, parser: it.parser, receivedAt: it.receivedAt.getTime(), tenantId: it.tenantId, sourceId: it.sourceId, event: it.event })),
      };
      if (custom !== sentCustom) {
        req.custom = custom;
        sentCustom = custom;
      }
      return new Promise<Normalised>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage(req);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
      fail(new Error('the parse worker is closed'));
    },
  };
}

