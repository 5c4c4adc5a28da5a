import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { stripAnsi } from './command-filter-fns';

/**
 * Session recordings in asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then
 * one `[seconds, code, data]` line per event — "o" output, "i" input, "r" resize — which asciinema-player plays.
 * Output is decoded with the asset's text encoding (GB18030, Big5, …) so recordings and search are UTF-8.
 */
export type CastHeader = { version: 2; width: number; height: number; timestamp: number; title?: string; env?: Record<string, string> };

export type Recorder = {
  /** Records output; false when the file is behind (its buffer is past the high-water mark): wait for `drained`. */
  output(data: Buffer): boolean;
  input(data: Buffer): void;
  resize(cols: number, rows: number): void;
  /** Resolves once the file has caught up (at once when it is not behind, truncated or failed). */
  drained(): Promise<void>;
  /** A Writable that records what is piped into it as output, with back-pressure from the file. */
  outputStream(): Writable;
  /** Closes the file; returns its size and the searchable text (input and output, escapes removed). */
  close(): Promise<{ bytes: number; searchText: string }>;
};

const SEARCH_CAP = 512 * 1024;
// A bulk transfer (`cat` of a large file) writes one event per 32 KiB SSH packet: let 4 MiB queue before the
// session is paused, so the relay does not wait on every file write.
const FILE_HIGH_WATER = 4 * 1024 * 1024;

/** A streaming decoder for one direction: node's StringDecoder for UTF-8 (several times faster than TextDecoder), else TextDecoder. */
function textDecoder(encoding: string): (data: Buffer) => string {
  if (/^utf-?8$/i.test(encoding)) {
    const d = new StringDecoder('utf8');
    return (data) => d.write(data);
  }
  const d = new TextDecoder(encoding, { fatal: false });
  return (data) => d.decode(data, { stream: true });
}

/** Starts a recording file; past `maxBytes` only a marker is written (the session goes on, flagged truncated). */
export function createRecorder(file: string, header: Omit<CastHeader, 'version'>, encoding: string, maxBytes = 64 * 1024 * 1024): Recorder {
  const out: WriteStream = createWriteStream(file, { flags: 'wx', mode: 0o600, highWaterMark: FILE_HIGH_WATER });
  const start = process.hrtime.bigint();
  let bytes = 0;
  let truncated = false;
  // A failed file (disk full, …) ends the recording like the size limit does; the session is never held up by it.
  let failed = false;
  let search = '';
  const decOut = textDecoder(encoding);
  const decIn = textDecoder(encoding);
  out.on('error', () => {
    failed = true;
    out.emit('drain');
  });
  /** Writes one line; false when the file is behind. Each line is encoded once (its byte count comes with it). */
  const write = (line: string): boolean => {
    if (truncated || failed) return true;
    let buf = Buffer.from(line, 'utf8');
    if (bytes + buf.length > maxBytes) {
      truncated = true;
      buf = Buffer.from(`${JSON.stringify([elapsed(), 'm', 'recording truncated: size limit reached'])}\n`, 'utf8');
    }
    bytes += buf.length;
    return out.write(buf);
  };
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - start) / 1000) / 1e6;
  const addSearch = (s: string) => {
    if (search.length < SEARCH_CAP) search += stripAnsi(s.length > SEARCH_CAP ? s.slice(0, SEARCH_CAP) : s).slice(0, SEARCH_CAP - search.length);
  };
  const drained = () => (truncated || failed || !out.writableNeedDrain ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  write(`${JSON.stringify({ version: 2, ...header })}\n`);
  let sink: Writable | null = null;
  const recorder: Recorder = {
    output(data) {
      if (truncated || failed) return true;
      const s = decOut(data);
      if (!s) return true;
      addSearch(s);
      return write(`${JSON.stringify([elapsed(), 'o', s])}\n`);
    },
    input(data) {
      if (truncated || failed) return;
      const s = decIn(data);
      if (s) write(`${JSON.stringify([elapsed(), 'i', s])}\n`);
    },
    resize(cols, rows) {
      write(`${JSON.stringify([elapsed(), 'r', `${cols}x${rows}`])}\n`);
    },
    drained,
    outputStream() {
      sink ??= new Writable({
        // Not 0: with no room at all every chunk would pause the target's channel until the next tick.
        highWaterMark: 1024 * 1024,
        write(chunk: Buffer, _enc, cb) {
          if (recorder.output(chunk)) cb();
          else void drained().then(() => cb());
        },
      }).on('error', () => {
        /* written after close (a killed session): nothing more to record */
      });
      return sink;
    },
    async close() {
      // Output still queued in the stream (the file was behind when the session ended) goes in before the end.
      const s = sink;
      if (s && !s.writableFinished) await new Promise<void>((resolve) => s.once('finish', resolve).once('error', () => resolve()).end());
      return new Promise((resolve) => {
        if (out.destroyed) return resolve({ bytes, searchText: search });
        out.once('error', () => resolve({ bytes, searchText: search }));
        out.end(() => resolve({ bytes, searchText: search }));
      });
    },
  };
  return recorder;
}

/** Checks a recording against the asciicast v2 format; returns the problems (empty when valid) and the events. */
export function validateAsciicast(text: string): { problems: string[]; header: CastHeader | null; events: Array<[number, string, string]> } {
  const problems: string[] = [];
  const lines = text.split('\n').filter((l) => l.length > 0);
  let header: CastHeader | null = null;
  try {
    const h = JSON.parse(lines[0] ?? '') as CastHeader;
    if (h.version !== 2) problems.push('header.version must be 2');
    if (!Number.isInteger(h.width) || h.width <= 0) problems.push('header.width must be a positive integer');
    if (!Number.isInteger(h.height) || h.height <= 0) problems.push('header.height must be a positive integer');
    if (h.timestamp !== undefined && !Number.isInteger(h.timestamp)) problems.push('header.timestamp must be an integer');
    header = h;
  } catch {
    problems.push('line 1 is not a JSON header');
  }
  const events: Array<[number, string, string]> = [];
  let last = 0;
  lines.slice(1).forEach((l, i) => {
    try {
      const e = JSON.parse(l) as unknown;
      if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'number' || typeof e[1] !== 'string' || typeof e[2] !== 'string') {
        problems.push(`line ${i + 2}: an event is [time, code, data]`);
        return;
      }
      if (!['o', 'i', 'r', 'm'].includes(e[1])) problems.push(`line ${i + 2}: unknown event code ${e[1]}`);
      if (e[0] < last) problems.push(`line ${i + 2}: time goes backwards`);
      if (e[1] === 'r' && !/^\d+x\d+$/.test(e[2])) problems.push(`line ${i + 2}: resize data is COLSxROWS`);
      last = e[0];
      events.push(e as [number, string, string]);
    } catch {
      problems.push(`line ${i + 2}: not JSON`);
    }
  });
  return { problems, header, events };
}
