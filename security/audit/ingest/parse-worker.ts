/**
 * Body of the parse worker thread: normalises a batch of lines, encodes each row for COPY and matches the detection
 * rules, so that the main thread is left with the correlation state and the database (two cores, both used). No
 * database and no state but the operator's active parsers and the enabled rules, which the main thread sends (as
 * YAML, compiled here) when they change; only the COPY text, the times and the matches go back.
 */
import { parentPort } from 'node:worker_threads';
import { encodeCopyTail } from '../events/copy-fns';
import type { EventRow } from '../events/events-dal';
import { normalise, type CustomParser } from '../parsers/normalise-fns';
import { createSigmaEngine } from '../sigma/sigma-engine';
import { parseSigmaYaml, type SigmaRule } from '../sigma/sigma-fns';
import type { ParseRequest, ParseResponse } from './normaliser';

let custom: readonly CustomParser[] = [];
const engine = createSigmaEngine();

parentPort?.on('message', (req: ParseRequest) => {
  let res: ParseResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    if (req.custom) custom = req.custom;
    if (req.rules) {
      const compiled: SigmaRule[] = [];
      for (const y of req.rules) {
        try {
          compiled.push(...parseSigmaYaml(y));
        } catch {
          // The main thread compiled these already; one that fails here is skipped there too.
        }
      }
      engine.load(compiled);
    }
    const n = req.lines.length;
    const rows: EventRow[] = new Array<EventRow>(n);
    const ts = new Float64Array(n);
    const ends = new Uint32Array(n);
    let tails = '';
    for (let i = 0; i < n; i++) {
      const receivedAt = new Date(req.receivedAt[i]!);
      const ev = req.events?.[i] ?? normalise(req.lines[i]!, { now: receivedAt, peerIp: req.peerIps[i]!, parser: req.parsers[i]!, custom });
      const row: EventRow = { ...ev, receivedAt, tenantId: req.tenantIds[i]!, sourceId: req.sourceIds[i]! };
      rows[i] = row;
      tails += encodeCopyTail(row);
      ends[i] = tails.length;
      ts[i] = row.ts.getTime();
    }
    res = { id: req.id, ts, tails, ends, matches: engine.match(rows, true) };
    transfer.push(ts.buffer, ends.buffer);
  } catch (err) {
    res = { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(res, transfer);
});
