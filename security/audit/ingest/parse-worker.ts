/**
 * Body of the parse worker thread: normalises a batch of lines and encodes each row for COPY, so that the main
 * thread is left with the Sigma rules and the database (two cores, both used). Pure work: no database, no state but
 * the operator's active parsers, which the main thread sends when they change.
 */
import { parentPort } from 'node:worker_threads';
import { encodeCopyTail } from '../events/copy-fns';
import type { EventRow } from '../events/events-dal';
import { normalise, type CustomParser } from '../parsers/normalise-fns';
import type { ParseRequest, ParseResponse } from './normaliser';

let custom: readonly CustomParser[] = [];

parentPort?.on('message', (req: ParseRequest) => {
  let res: ParseResponse;
  try {
    if (req.custom) custom = req.custom;
    const rows: EventRow[] = new Array<EventRow>(req.items.length);
    const encoded: string[] = new Array<string>(req.items.length);
    for (let i = 0; i < req.items.length; i++) {
      const it = req.items[i]!;
      const receivedAt = new Date(it.receivedAt);
      const ev = it.event ?? normalise(it.line, { now: receivedAt, peerIp: it.peerIp, parser: it.parser, custom });
      const row: EventRow = { ...ev, receivedAt, tenantId: it.tenantId, sourceId: it.sourceId };
      rows[i] = row;
      encoded[i] = encodeCopyTail(row);
    }
    res = { id: req.id, rows, encoded };
  } catch (err) {
    res = { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(res);
});
