/** Pure readers of MySQL wire values (length-encoded integers, NUL strings, binary-protocol bind values). */

/** A length-encoded integer at `off`: its value and the offset after it. */
export function lenenc(b: Buffer, off: number): { v: number; next: number } {
  const f = b[off];
  if (f === undefined) return { v: 0, next: off };
  if (f < 0xfb) return { v: f, next: off + 1 };
  if (f === 0xfc) return { v: b.readUInt16LE(off + 1), next: off + 3 };
  if (f === 0xfd) return { v: b.readUIntLE(off + 1, 3), next: off + 4 };
  if (f === 0xfe) return { v: Number(b.readBigUInt64LE(off + 1)), next: off + 9 };
  return { v: 0, next: off + 1 }; // 0xfb: NULL in a row
}

/** A NUL-terminated string at `off` (to the end when there is no NUL). */
export function readNullStr(b: Buffer, off: number): { v: string; next: number } {
  let end = b.indexOf(0, off);
  if (end < 0) end = b.length;
  return { v: b.toString('utf8', off, end), next: end + 1 };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Bind values of a COM_STMT_EXECUTE, from the null bitmap at `off`. `known` are the types bound by an earlier
 * execute (a client sends them only when they change); returns the values as text and the types in force.
 */
export function decodeBinaryParams(b: Buffer, off: number, n: number, known: number[]): { values: unknown[]; types: number[] } {
  const bitmap = b.subarray(off, off + ((n + 7) >> 3));
  off += bitmap.length;
  let types = known;
  if (b[off++] === 1) {
    types = [];
    for (let i = 0; i < n; i++) types.push(b[off + 2 * i]! | (b[off + 2 * i + 1]! << 8));
    off += 2 * n;
  }
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (bitmap[i >> 3]! & (1 << (i & 7))) {
      values.push(null);
      continue;
    }
    const type = (types[i] ?? 0xfd) & 0xff;
    const unsigned = ((types[i] ?? 0) & 0x8000) !== 0;
    switch (type) {
      case 0x01: values.push(String(unsigned ? b.readUInt8(off) : b.readInt8(off))); off += 1; break;
      case 0x02: case 0x0d: values.push(String(unsigned ? b.readUInt16LE(off) : b.readInt16LE(off))); off += 2; break;
      case 0x03: case 0x09: values.push(String(unsigned ? b.readUInt32LE(off) : b.readInt32LE(off))); off += 4; break;
      case 0x08: values.push(String(unsigned ? b.readBigUInt64LE(off) : b.readBigInt64LE(off))); off += 8; break;
      case 0x04: values.push(String(b.readFloatLE(off))); off += 4; break;
      case 0x05: values.push(String(b.readDoubleLE(off))); off += 8; break;
      case 0x06: values.push(null); break;
      case 0x07: case 0x0a: case 0x0c: {
        const len = b[off]!;
        const p = off + 1;
        let s = '';
        if (len >= 4) s = `${b.readUInt16LE(p)}-${pad(b[p + 2]!)}-${pad(b[p + 3]!)}`;
        if (len >= 7) s += ` ${pad(b[p + 4]!)}:${pad(b[p + 5]!)}:${pad(b[p + 6]!)}`;
        if (len >= 11) s += `.${pad(b.readUInt32LE(p + 7), 6)}`;
        values.push(s);
        off = p + len;
        break;
      }
      case 0x0b: {
        const len = b[off]!;
        const p = off + 1;
        values.push(len >= 8 ? `${b[p] ? '-' : ''}${b.readUInt32LE(p + 1) * 24 + b[p + 5]!}:${pad(b[p + 6]!)}:${pad(b[p + 7]!)}` : '00:00:00');
        off = p + len;
        break;
      }
      default: {
        // Strings, decimals, blobs, JSON, …: length-encoded bytes.
        const l = lenenc(b, off);
        const bytes = b.subarray(l.next, l.next + l.v);
        values.push(type >= 0xf9 && type <= 0xfc && !isUtf8(bytes) ? `\\x${bytes.toString('hex')}` : bytes.toString('utf8'));
        off = l.next + l.v;
      }
    }
  }
  return { values, types };
}

function isUtf8(b: Buffer): boolean {
  return !b.toString('utf8').includes('\ufffd');
}
