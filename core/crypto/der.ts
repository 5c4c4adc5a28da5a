// A minimal strict DER reader and writer for the few structures SM2 needs (signatures, SM2 ciphertext, PKCS#8,
// SPKI, SEC1). Strict on purpose: a verifier that accepts several encodings of one signature is malleable.

/** Universal tags used by the SM2 structures. */
export const TAG_INTEGER = 0x02;
/** BIT STRING (public keys). */
export const TAG_BIT_STRING = 0x03;
/** OCTET STRING (private keys, SM2 ciphertext fields). */
export const TAG_OCTET_STRING = 0x04;
/** OBJECT IDENTIFIER. */
export const TAG_OID = 0x06;
/** SEQUENCE (constructed). */
export const TAG_SEQUENCE = 0x30;

/** One decoded element: `content` is a view into the input; `end` is the offset just after the element. */
export interface DerElement {
  tag: number;
  content: Buffer;
  end: number;
}

/** Thrown for any malformed DER; callers turn it into their own error or `false`. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Reads the element at `offset` (single-byte tags, definite minimal lengths only). */
export function readElement(input: Buffer, offset = 0): DerElement {
  if (offset + 2 > input.length) throw new DerError('truncated element');
  const tag = input[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = input[offset + 1]!;
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (pos + count > input.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[pos + i]!;
    pos += count;
    if (length < 0x80 || input[pos - count] === 0) throw new DerError('non-minimal length');
  }
  if (pos + length > input.length) throw new DerError('truncated content');
  return { tag, content: input.subarray(pos, pos + length), end: pos + length };
}

/** Reads the element at `offset` and checks its tag. */
export function expectElement(input: Buffer, offset: number, tag: number): DerElement {
  const el = readElement(input, offset);
  if (el.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${el.tag.toString(16)}`);
  return el;
}

/** The children of a constructed element's content, all of it consumed. */
export function readChildren(content: Buffer): DerElement[] {
  const out: DerElement[] = [];
  for (let pos = 0; pos < content.length; ) {
    const el = readElement(content, pos);
    out.push(el);
    pos = el.end;
  }
  return out;
}

/** Decodes a whole buffer that must be exactly one element with `tag`. */
export function readOnly(input: Buffer, tag: number): DerElement {
  const el = expectElement(input, 0, tag);
  if (el.end !== input.length) throw new DerError('trailing bytes after DER element');
  return el;
}

/** A non-negative INTEGER's value, insisting on minimal encoding. */
export function integerValue(el: DerElement): bigint {
  if (el.tag !== TAG_INTEGER) throw new DerError('expected INTEGER');
  const c = el.content;
  if (c.length === 0) throw new DerError('empty INTEGER');
  if (c[0]! & 0x80) throw new DerError('negative INTEGER');
  if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) throw new DerError('non-minimal INTEGER');
  return BigInt(`0x${c.toString('hex')}`);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes tag ‖ length ‖ content. */
export function encodeElement(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

/** Encodes a non-negative INTEGER minimally. */
export function encodeInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('negative INTEGER');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  // A leading 1-bit would read as negative: prefix a zero byte.
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return encodeElement(TAG_INTEGER, Buffer.from(hex, 'hex'));
}
