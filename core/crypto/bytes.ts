import { InputError } from '../errors';

/** Bytes, or a string taken as its UTF-8 encoding (never as hex). */
export type Bytes = Uint8Array | string;

/** The bytes of `data` as a Buffer; strings are UTF-8. Shares memory with a Buffer/Uint8Array input. */
export function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InputError('expected bytes or a string', { code: 'crypto.invalid_input' });
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes strict hex (even length, no prefix); `Buffer.from(s, 'hex')` would silently stop at the first bad digit. */
export function hexToBuffer(hex: string, what: string, byteLength?: number): Buffer {
  if (typeof hex !== 'string' || !HEX.test(hex)) {
    throw new InputError(`${what} must be a hex string`, { code: 'crypto.invalid_key' });
  }
  if (byteLength !== undefined && hex.length !== byteLength * 2) {
    throw new InputError(`${what} must be ${byteLength} bytes (${byteLength * 2} hex digits)`, {
      code: 'crypto.invalid_key',
    });
  }
  return Buffer.from(hex, 'hex');
}

/** Throws an InputError unless `value` has exactly `length` bytes. */
export function requireLength(value: Uint8Array, length: number, what: string): void {
  if (value.length !== length) {
    throw new InputError(`${what} must be ${length} bytes, got ${value.length}`, { code: 'crypto.invalid_key' });
  }
}

/** Big-endian unsigned integer from bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

/** Fixed-width big-endian encoding of a non-negative integer below 2^(8·length). */
export function bigIntToBytes(value: bigint, length = 32): Buffer {
  const hex = value.toString(16);
  if (value < 0n || hex.length > length * 2) throw new RangeError('integer does not fit');
  return Buffer.from(hex.padStart(length * 2, '0'), 'hex');
}
