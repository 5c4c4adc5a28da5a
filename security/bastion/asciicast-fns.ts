import { createWriteStream, type WriteStream } from 'node:fs';
import { stripAnsi } from './command-filter-fns';

/**
 * Session recordings in asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then
 * one `[seconds, code, data]` line per event — "o" output, "i" input, "r" resize — which asciinema-player plays.
 * Output is decoded with the asset's text encoding (GB18030, Big5, …) so recordings and search are UTF-8.
 */
export type CastHeader = { version: 2; width: number; height: number; timestamp: number; title?: string; env?: Record<string, string> };

export type Recorder = {
  output(data: Buffer): void;
  input(data: Buffer): void;
  resize(cols: number, rows: number): void;
  /** Closes the file; returns its size and the searchable text (input and output, escapes removed). */
  close(): Promise<{ bytes: number; searchText: string }>;
};

const SEARCH_CAP = 512 * 1024;

/** Starts a recording file; past `maxBytes` only a marker is written (the session goes on, flagged truncated). */
export function createRecorder(file: string, header: Omit<CastHeader, 'version'>, encoding: string, maxBytes = 64 * 1024 * 1024): Recorder {
  const out: WriteStream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const start = process.hrtime.bigint();
  let bytes = 0;
  let truncated = false;
  let search = '';
  const decOut = new TextDecoder(encoding, { fatal: false });
  const decIn = new TextDecoder(encoding, { fatal: false });
  const write = (line: string) => {
    if (truncated) return;
    if (bytes + line.length > maxBytes) {
      truncated = true;
      line = `${JSON.stringify([elapsed(), 'm', 'recording truncated: size limit reached'])}\n`;
    }
    bytes += Buffer.byteLength(line);
    out.write(line);
  };
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - start) / 1000) / 1e6;
  const addSearch = (s: string) => {
    if (search.length < SEARCH_CAP) search += stripAnsi(s).slice(0, SEARCH_CAP - search.length);
  };
  write(`${JSON.stringify({ version: 2, ...header })}\n`);
  return {
    output(data) {
      if (truncated) return;
      const s = decOut.decode(data, { stream: true });
      if (s) {
        write(`${JSON.stringify([elapsed(), 'o', s])}\n`);
        addSearch(s);
      }
    },
    input(data) {
      if (truncated) return;
      const s = decIn.decode(data, { stream: true });
      if (s) write(`${JSON.stringify([elapsed(), 'i', s])}\n`);
    },
    resize(cols, rows) {
      write(`${JSON.stringify([elapsed(), 'r', `${cols}x${rows}`])}\n`);
    },
    close() {
      return new Promise((resolve) => out.end(() => resolve({ bytes, searchText: search })));
    },
  };
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
