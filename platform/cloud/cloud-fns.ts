import ipaddr from 'ipaddr.js';

/** A parsed prefix: family, first address as a bigint, prefix length. */
export type Prefix = { v: 4 | 6; base: bigint; len: number };

const bits = (v: 4 | 6) => (v === 4 ? 32 : 128);

function toBig(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBig(n: bigint, v: 4 | 6): string {
  const bytes: number[] = [];
  for (let i = 0; i < bits(v) / 8; i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Parses `10.0.0.0/24` or `fd00::/64`; undefined when invalid or when host bits are set. */
export function parseCidr(cidr: string): Prefix | undefined {
  try {
    const [addr, len] = ipaddr.parseCIDR(cidr);
    const v = addr.kind() === 'ipv4' ? 4 : 6;
    const base = toBig(addr);
    const hostBits = BigInt(bits(v) - len);
    if (base & ((1n << hostBits) - 1n)) return undefined;
    return { v, base, len };
  } catch {
    return undefined;
  }
}

export function formatCidr(p: Prefix): string {
  return `${fromBig(p.base, p.v)}/${p.len}`;
}

export const prefixSize = (p: Prefix): bigint => 1n << BigInt(bits(p.v) - p.len);

/** True when `inner` lies inside `outer`. */
export function cidrContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.v !== inner.v || inner.len < outer.len) return false;
  return inner.base >= outer.base && inner.base + prefixSize(inner) <= outer.base + prefixSize(outer);
}

export function cidrOverlaps(a: Prefix, b: Prefix): boolean {
  if (a.v !== b.v) return false;
  return a.base < b.base + prefixSize(b) && b.base < a.base + prefixSize(a);
}

/** True when `ip` is an address inside `p`. */
export function ipIn(p: Prefix, ip: string): boolean {
  try {
    const a = ipaddr.parse(ip);
    if ((a.kind() === 'ipv4' ? 4 : 6) !== p.v) return false;
    const n = toBig(a);
    return n >= p.base && n < p.base + prefixSize(p);
  } catch {
    return false;
  }
}

/** The n-th address of a prefix (0 = the network address). */
export function nthIp(p: Prefix, n: bigint | number): string {
  return fromBig(p.base + BigInt(n), p.v);
}

/** Addresses a subnet can hand out: IPv4 keeps network, gateway (first host) and broadcast; IPv6 keeps the first 16. */
export function usableRange(p: Prefix): { first: bigint; last: bigint; count: bigint } {
  if (p.v === 4) {
    const size = prefixSize(p);
    if (size < 4n) return { first: 1n, last: 0n, count: 0n };
    return { first: 2n, last: size - 2n, count: size - 3n };
  }
  const size = prefixSize(p);
  const last = size > 1n << 20n ? (1n << 20n) - 1n : size - 1n; // we never enumerate a /64 to its end
  return { first: 16n, last, count: size - 16n };
}

/** The first free address of `p`, skipping `used`; undefined when the subnet is exhausted. */
export function firstFreeIp(p: Prefix, used: ReadonlySet<string>): string | undefined {
  const { first, last } = usableRange(p);
  for (let i = first; i <= last; i++) {
    const ip = nthIp(p, i);
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

/** Normalises an address to its canonical text (so `fd00::0010` and `fd00::10` collide as they should). */
export function canonicalIp(ip: string): string | undefined {
  try {
    return ipaddr.parse(ip).toString();
  } catch {
    return undefined;
  }
}

/**
 * Expands a batch name pattern: `{n}` is the sequence number, `{n:3}` zero-pads to 3 digits; a pattern
 * without a placeholder gets `-{n}` appended. Numbering starts at `start`.
 */
export function expandNamePattern(pattern: string, count: number, start = 1): string[] {
  const re = /\{n(?::(\d))?\}/g;
  const p = re.test(pattern) ? pattern : `${pattern}-{n}`;
  return Array.from({ length: count }, (_, i) =>
    p.replace(/\{n(?::(\d))?\}/g, (_m, pad: string | undefined) => String(start + i).padStart(pad ? Number(pad) : 0, '0')),
  );
}

export type VmStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'REBOOT' | 'RESIZE' | 'ERROR' | 'DELETED';
export type VmAction = 'start' | 'stop' | 'reboot' | 'resize' | 'delete';
export type Timings = { buildMs: number; rebootMs: number; resizeMs: number; stopMs: number; startMs: number; importMs: number };

/**
 * The VM lifecycle: which action is allowed in which state, the transient state it enters and the state it
 * settles in after the timed delay (Nova's vm_state/task_state reduced to what a tenant sees).
 */
export function vmTransition(status: VmStatus, action: VmAction): { via: VmStatus; to: VmStatus; delay: keyof Timings } | { refused: string } {
  const table: Record<VmAction, { from: VmStatus[]; via: VmStatus; to: VmStatus; delay: keyof Timings }> = {
    start: { from: ['SHUTOFF'], via: 'BUILD', to: 'ACTIVE', delay: 'startMs' },
    stop: { from: ['ACTIVE'], via: 'ACTIVE', to: 'SHUTOFF', delay: 'stopMs' },
    reboot: { from: ['ACTIVE'], via: 'REBOOT', to: 'ACTIVE', delay: 'rebootMs' },
    resize: { from: ['ACTIVE', 'SHUTOFF'], via: 'RESIZE', to: 'ACTIVE', delay: 'resizeMs' },
    delete: { from: ['ACTIVE', 'SHUTOFF', 'ERROR', 'BUILD', 'REBOOT', 'RESIZE'], via: 'DELETED', to: 'DELETED', delay: 'stopMs' },
  };
  const t = table[action];
  if (!t.from.includes(status)) return { refused: `a VM in state ${status} cannot ${action} (allowed from ${t.from.join(', ')})` };
  return { via: t.via, to: t.to, delay: t.delay };
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A leading = + - @ would be run as a formula by a spreadsheet: neutralise it (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** RFC 4180 CSV with a header row (UTF-8 BOM so spreadsheet programs read Chinese correctly). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return `\ufeff${[columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\r\n')}\r\n`;
}

/** Parses RFC 4180 CSV into records keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const src = text.replace(/^\ufeff/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  const [head, ...body] = rows.filter((r) => r.some((x) => x.trim() !== ''));
  if (!head) return [];
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

/** `key=value` filter strings into a tag object (`env=prod` → {env: 'prod'}; a bare key matches any value). */
export function parseTagFilter(s: string): { key: string; value?: string } {
  const i = s.indexOf('=');
  return i < 0 ? { key: s } : { key: s.slice(0, i), value: s.slice(i + 1) };
}
