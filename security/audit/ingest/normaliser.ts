import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodedBatch, EventRow } from '../events/events-dal';
import { normalise, type CustomParser, type LogEvent } from '../parsers/normalise-fns';
import type { EventMatch } from '../sigma/sigma-engine';
import type { IngestItem } from './ingest-pipeline';

/**
 * A batch ready to write. Inline: the rows (the main thread's engine evaluates them after the commit). From the
 * worker: the COPY text and times of the rows, and the detection matches it already made with the rules it was last
 * sent; the main thread's engine applies them (alerts, correlation windows) after the commit.
 */
export type Normalised = { kind: 'rows'; rows: EventRow[] } | ({ kind: 'encoded'; matches: EventMatch[] } & EncodedBatch);

/** Turns queued lines into rows: inline, or on a worker thread. */
export type Normaliser = {
  run(items: readonly IngestItem[], custom: readonly CustomParser[]): Promise<Normalised>;
  /** The enabled Sigma rules as YAML (compiled rules hold functions and cannot be posted); the next batch uses them. */
  setRules(sources: readonly string[]): void;
  close(): Promise<void>;
};

/** A batch for the worker, by column (index i of each array is line i). */
export type ParseRequest = {
  id: number;
  lines: string[];
  peerIps: Array<string | null>;
  parsers: string[];
  receivedAt: Float64Array;
  tenantIds: Array<string | null>;
  sourceIds: Array<string | null>;
  /** Lines that arrived already normalised (yiyun's own events), by index; absent when none did. */
  events?: Array<LogEvent | undefined>;
  /** The active operator parsers, sent only when they changed since the last request. */
  custom?: readonly CustomParser[];
  /** The enabled Sigma rules (YAML), sent only when they changed since the last request. */
  rules?: readonly string[];
};
/** `ts` holds each row's time in ms; `tails`/`ends` are the rows' COPY text (see `EncodedBatch`). */
export type ParseResponse = { id: number; ts: Float64Array; tails: string; ends: Uint32Array; matches: EventMatch[] } | { id: number; error: string };

function normaliseInline(items: readonly IngestItem[], custom: readonly CustomParser[]): EventRow[] {
  return items.map((item) => {
    const ev = item.event ?? normalise(item.line, { now: item.receivedAt, peerIp: item.peerIp, parser: item.parser, custom });
    return { ...ev, receivedAt: item.receivedAt, tenantId: item.tenantId, sourceId: item.sourceId };
  });
}

/** Normalises on the calling thread (PGlite, tests, and the fallback when the worker is gone). */
export function inlineNormaliser(): Normaliser {
  return {
    run: async (items, custom) => ({ kind: 'rows', rows: normaliseInline(items, custom) }),
    setRules: () => {},
    close: async () => {},
  };
}

/**
 * Normalises, COPY-encodes and matches the detection rules on worker threads (one unless `threads` says more). A
 * batch goes to the thread with the fewest batches in flight and queues there in order; the main thread meanwhile
 * writes earlier batches and applies their matches (correlation state stays on the main thread). Rules and operator
 * parsers travel to each thread in front of its first batch after they changed (messages keep their order), so no
 * batch is matched with a set older than the one loaded when it was handed over. A thread that fails or exits
 * rejects what it held (those batches fail and are not acknowledged, as a failed write would be); when none is
 * left, later batches run inline.
 */
export function workerNormaliser(logger?: { error(obj: unknown, msg?: string): void }, opts: { threads?: number; started?(worker: Worker): void } = {}): Normaliser {
  type Thread = { w: Worker | null; pending: Map<number, { resolve(v: Normalised): void; reject(e: unknown): void }>; sentCustom: readonly CustomParser[] | null; sentRules: readonly string[] | null };
  let nextId = 1;
  let rules: readonly string[] = [];
  const threads: Thread[] = [];
  const fallback = inlineNormaliser();
  const fail = (th: Thread, err: unknown) => {
    th.w = null;
    for (const p of th.pending.values()) p.reject(err);
    th.pending.clear();
  };
  // Under tsx (how yiyun runs, `bin/yiyun.js`) the worker needs the TypeScript hook too; a compiled build loads
  // the .js beside this file directly.
  const body = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
  // A batch's rows live for the whole batch: with the default young generation many survive two scavenges and are
  // promoted; 64 MB let them die young (measured ~4 µs less CPU per event, docs/log-audit.md).
  const limits = { resourceLimits: { maxYoungGenerationSizeMb: 64 } };
  for (let n = 0; n < Math.max(1, opts.threads ?? 1); n++) {
    const th: Thread = { w: null, pending: new Map(), sentCustom: null, sentRules: null };
    try {
      const w = body.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(body)});`, { eval: true, ...limits }) : new Worker(body, limits);
      th.w = w;
      w.unref();
      opts.started?.(w);
      w.on('message', (res: ParseResponse) => {
        const p = th.pending.get(res.id);
        if (!p) return;
        th.pending.delete(res.id);
        if ('error' in res) p.reject(new Error(`parse worker: ${res.error}`));
        else p.resolve({ kind: 'encoded', ts: Array.from(res.ts, (t) => new Date(t)), tails: res.tails, ends: res.ends, matches: res.matches });
      });
      w.on('error', (err) => {
        logger?.error({ err }, 'log parse worker failed; its batches failed, later ones go to the other workers or the main thread');
        fail(th, err);
      });
      w.on('exit', (code) => {
        if (th.w) fail(th, new Error(`log parse worker exited (${code})`));
      });
    } catch (err) {
      logger?.error({ err }, 'log parse worker could not start; parsing on the main thread');
    }
    threads.push(th);
  }
  return {
    run(items, custom) {
      let th: Thread | null = null;
      for (const x of threads) if (x.w && (!th || x.pending.size < th.pending.size)) th = x;
      const w = th?.w;
      if (!th || !w) return fallback.run(items, custom);
      const id = nextId++;
      // Columns rather than one object per line: the structured clone writes every object's keys again.
      const n = items.length;
      const req: ParseRequest = { id, lines: new Array<string>(n), peerIps: new Array<string | null>(n), parsers: new Array<string>(n), receivedAt: new Float64Array(n), tenantIds: new Array<string | null>(n), sourceIds: new Array<string | null>(n) };
      for (let i = 0; i < n; i++) {
        const it = items[i]!;
        req.lines[i] = it.line;
        req.peerIps[i] = it.peerIp;
        req.parsers[i] = it.parser;
        req.receivedAt[i] = it.receivedAt.getTime();
        req.tenantIds[i] = it.tenantId;
        req.sourceIds[i] = it.sourceId;
        if (it.event) (req.events ??= [])[i] = it.event;
      }
      if (custom !== th.sentCustom) {
        req.custom = custom;
        th.sentCustom = custom;
      }
      if (rules !== th.sentRules) {
        req.rules = rules;
        th.sentRules = rules;
      }
      const target = th;
      return new Promise<Normalised>((resolve, reject) => {
        target.pending.set(id, { resolve, reject });
        w.postMessage(req, [req.receivedAt.buffer as ArrayBuffer]);
      });
    },
    setRules(sources) {
      rules = sources;
    },
    async close() {
      for (const th of threads) {
        const w = th.w;
        th.w = null;
        if (w) await w.terminate();
        fail(th, new Error('the parse worker is closed'));
      }
    },
  };
}
