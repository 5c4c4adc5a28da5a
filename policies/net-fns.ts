import ipaddr from 'ipaddr.js';

/** A parsed prefix: family, the address as a bigint, prefix length. */
export interface Prefix {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

function toBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Parses "10.0.0.0/8", "fd00::/48" or a bare address (taken as /32 or /128); undefined if not an address. */
export function parsePrefix(text: string): Prefix | undefined {
  const trimmed = text.trim();
  const [addr, len] = trimmed.split('/');
  if (!addr || !ipaddr.isValid(addr)) return undefined;
  const parsed = ipaddr.parse(addr);
  const family: 4 | 6 = parsed.kind() === 'ipv4' ? 4 : 6;
  const width = family === 4 ? 32 : 128;
  const bits = len === undefined ? width : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return undefined;
  const value = toBigInt(parsed.toByteArray());
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { family, base: value & mask, bits };
}

function width(p: Prefix): number {
  return p.family === 4 ? 32 : 128;
}

/** True when two prefixes share at least one address. */
export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  const bits = Math.min(a.bits, b.bits);
  const shift = BigInt(width(a) - bits);
  return a.base >> shift === b.base >> shift;
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Prefix, inner: Prefix): boolean {
  return outer.family === inner.family && outer.bits <= inner.bits && overlaps(outer, inner);
}

/** 0.0.0.0/0, ::/0 and anything shorter than /8 count as "the world". */
export function isWorld(text: string | undefined): boolean {
  if (text === undefined || text === '') return true; // Neutron: an absent remote means any address
  const p = parsePrefix(text);
  if (!p) return false;
  return p.family === 4 ? p.bits < 8 : p.bits < 16;
}

/** Every string in `text` or the CIDR-looking strings inside an array/object value. */
export function prefixesIn(value: unknown): string[] {
  if (typeof value === 'string') return parsePrefix(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(prefixesIn);
  return [];
}

/** Number of addresses in a prefix (bigint, for IPv6). */
export function size(p: Prefix): bigint {
  return 1n << BigInt(width(p) - p.bits);
}

/** Formats a prefix back to text ("10.20.0.0/20", "fd00:20::/64"). */
export function formatPrefix(p: Prefix): string {
  const bytes: number[] = [];
  const n = width(p) / 8;
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((p.base >> BigInt(i * 8)) & 0xffn));
  const addr = ipaddr.fromByteArray(bytes).toString();
  return `${addr}/${p.bits}`;
}

/** The n-th address of a prefix as text (n = 1 is the usual gateway). */
export function nthAddress(p: Prefix, n: number): string {
  const bytes: number[] = [];
  const v = p.base + BigInt(n);
  const count = width(p) / 8;
  for (let i = count - 1; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}
