/** A syslog message split into its header and its free-text body (RFC 3164, RFC 5424, or a bare file line). */
export type SyslogMessage = {
  format: 'rfc5424' | 'rfc3164' | 'none';
  facility: number | null;
  severity: number | null;
  timestamp: Date | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: Record<string, Record<string, string>> | null;
  message: string;
};

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

const PRI = /^<(\d{1,3})>/;
const RFC5424 = /^1 (\S+) (\S+) (\S+) (\S+) (\S+) /;
// "Mmm dd hh:mm:ss" with an optional year some daemons add, then HOST and TAG.
const RFC3164_TS = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?: (\d{4}))? /;
// TAG: program name, optionally "(pam_unix)" style sub-tag and "[pid]", then ":".
const TAG = /^([^\s:[(]+)(\([^)]*\))?(?:\[(\d+)\])?:? ?/;

/**
 * RFC 3164 timestamps have no year and no zone: take the year that puts the time closest to `now` (at most one
 * day ahead), in the collector's zone. A December line read in January belongs to last year.
 */
export function inferYear(month: number, day: number, h: number, m: number, s: number, now: Date): Date {
  let d = new Date(now.getFullYear(), month, day, h, m, s);
  if (d.getTime() - now.getTime() > 86_400_000) d = new Date(now.getFullYear() - 1, month, day, h, m, s);
  return d;
}

function parseStructuredData(text: string): { sd: Record<string, Record<string, string>> | null; rest: string } {
  if (text.startsWith('- ')) return { sd: null, rest: text.slice(2) };
  if (text === '-') return { sd: null, rest: '' };
  const sd: Record<string, Record<string, string>> = {};
  let i = 0;
  while (text[i] === '[') {
    const idEnd = text.slice(i).search(/[ \]]/);
    if (idEnd < 0) break;
    const id = text.slice(i + 1, i + idEnd);
    const params: Record<string, string> = {};
    i += idEnd;
    while (text[i] === ' ') {
      const eq = text.indexOf('="', i);
      if (eq < 0) break;
      const name = text.slice(i + 1, eq);
      let j = eq + 2;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j += 1;
        value += text[j];
        j += 1;
      }
      params[name] = value;
      i = j + 1;
    }
    if (text[i] !== ']') break;
    sd[id] = params;
    i += 1;
  }
  const rest = text.slice(i).replace(/^ /, '');
  return { sd: Object.keys(sd).length ? sd : null, rest };
}

/** Splits one syslog line. Never throws: what cannot be read stays in `message`. */
export function parseSyslog(line: string, now: Date = new Date()): SyslogMessage {
  const out: SyslogMessage = { format: 'none', facility: null, severity: null, timestamp: null, hostname: null, appName: null, procId: null, msgId: null, structuredData: null, message: line };
  let rest = line.replace(/[\r\n]+$/, '');
  const pri = PRI.exec(rest);
  if (pri) {
    const p = Number(pri[1]);
    if (p <= 191) {
      out.facility = p >> 3;
      out.severity = p & 7;
      rest = rest.slice(pri[0].length);
    }
  }
  const v1 = pri ? RFC5424.exec(rest) : null;
  if (v1) {
    out.format = 'rfc5424';
    const nil = (s: string) => (s === '-' ? null : s);
    const ts = v1[1]!;
    out.timestamp = ts === '-' ? null : new Date(ts);
    if (out.timestamp && Number.isNaN(out.timestamp.getTime())) out.timestamp = null;
    out.hostname = nil(v1[2]!);
    out.appName = nil(v1[3]!);
    out.procId = nil(v1[4]!);
    out.msgId = nil(v1[5]!);
    const { sd, rest: msg } = parseStructuredData(rest.slice(v1[0].length));
    out.structuredData = sd;
    // A UTF-8 BOM may open the MSG part.
    out.message = msg.replace(/^\uFEFF/, '');
    return out;
  }
  const ts = RFC3164_TS.exec(rest);
  if (ts && MONTHS[ts[1]!] !== undefined) {
    out.format = 'rfc3164';
    const [mo, d, h, mi, s] = [MONTHS[ts[1]!]!, Number(ts[2]), Number(ts[3]), Number(ts[4]), Number(ts[5])];
    out.timestamp = ts[6] ? new Date(Number(ts[6]), mo, d, h, mi, s) : inferYear(mo, d, h, mi, s, now);
    rest = rest.slice(ts[0].length);
    // HOSTNAME is present unless the next token is already the tag ("sshd[12]:").
    const sp = rest.indexOf(' ');
    const first = sp > 0 ? rest.slice(0, sp) : rest;
    if (sp > 0 && !/[:[]/.test(first)) {
      out.hostname = first;
      rest = rest.slice(sp + 1);
    }
  } else if (pri) {
    out.format = 'rfc3164';
  } else {
    out.message = rest;
    return out;
  }
  const tag = TAG.exec(rest);
  if (tag && (rest.slice(0, tag[0].length).includes(':') || tag[3])) {
    out.appName = tag[1]! + (tag[2] ?? '');
    out.procId = tag[3] ?? null;
    rest = rest.slice(tag[0].length);
  }
  out.message = rest;
  return out;
}

/** The syslog severity (0 emerg .. 7 debug) on our 0–4 scale (0 unknown, 1 low .. 4 critical). */
export function severityScale(syslogSeverity: number | null): number {
  if (syslogSeverity === null) return 0;
  if (syslogSeverity <= 2) return 4;
  if (syslogSeverity === 3) return 3;
  if (syslogSeverity === 4) return 2;
  return 1;
}

/**
 * Splits a TCP byte stream into syslog frames (RFC 6587): octet counting ("123 <34>1 ...") or newline
 * framing, decided per frame by its first byte. Holds an incomplete frame until more bytes arrive.
 */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly maxFrame = 64 * 1024) {}

  push(chunk: Buffer): string[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: string[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      const c = this.buf[0]!;
      if (c >= 0x31 && c <= 0x39) {
        const sp = this.buf.indexOf(0x20);
        if (sp > 0 && sp <= 7) {
          const len = Number(this.buf.subarray(0, sp).toString('latin1'));
          if (Number.isInteger(len) && len > 0 && /^\d+$/.test(this.buf.subarray(0, sp).toString('latin1'))) {
            if (this.buf.length < sp + 1 + len) break;
            frames.push(this.buf.subarray(sp + 1, sp + 1 + len).toString('utf8').replace(/\n$/, ''));
            this.buf = this.buf.subarray(sp + 1 + len);
            continue;
          }
        } else if (sp < 0 && this.buf.length <= 7) break;
      }
      if (c === 0x0a || c === 0x0d) {
        this.buf = this.buf.subarray(1);
        continue;
      }
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > this.maxFrame) {
          frames.push(this.buf.toString('utf8'));
          this.buf = Buffer.alloc(0);
        }
        break;
      }
      frames.push(this.buf.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      this.buf = this.buf.subarray(nl + 1);
    }
    return frames;
  }

  /** What is left when the connection closes (a last frame without a newline). */
  flush(): string[] {
    const rest = this.buf.toString('utf8').trim();
    this.buf = Buffer.alloc(0);
    return rest ? [rest] : [];
  }
}
