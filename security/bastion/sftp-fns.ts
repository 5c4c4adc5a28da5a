import { createSm3, type Sm3Hasher } from '../../core/crypto';

/**
 * Watches an SFTP (v3) conversation passing through the gateway byte for byte, to log each file transfer: name,
 * size, direction and the SM3 digest of the bytes moved. The bytes themselves are relayed untouched.
 */
export type TransferLog = { direction: 'upload' | 'download'; path: string; size: number; sm3: string | null };

const FXP = { OPEN: 3, CLOSE: 4, READ: 5, WRITE: 6, STATUS: 101, HANDLE: 102, DATA: 103 } as const;
const FXF_WRITE = 0x02;

/** Splits a byte stream into SFTP packets (uint32 length, then the body). */
export function createSftpFramer(onPacket: (body: Buffer) => void) {
  let pending: Buffer | null = null;
  return (chunk: Buffer) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (buf.length - off - 4 < len) break;
      onPacket(buf.subarray(off + 4, off + 4 + len));
      off += 4 + len;
    }
    pending = off < buf.length ? Buffer.from(buf.subarray(off)) : null;
    buf = Buffer.alloc(0);
  };
}

type FileState = { path: string; write: boolean; hasher: Sm3Hasher; next: number; size: number; sequential: boolean; moved: number; held: Map<number, Buffer> };

/** Follows OPEN/READ/WRITE/CLOSE across both directions; calls `onTransfer` when a file that moved data is closed. */
export function createSftpWatcher(onTransfer: (t: TransferLog) => void) {
  const opens = new Map<number, { path: string; write: boolean }>();
  const reads = new Map<number, { handle: string; offset: number }>();
  const files = new Map<string, FileState>();

  function feed(f: FileState, offset: number, data: Buffer) {
    f.moved += data.length;
    f.size = Math.max(f.size, offset + data.length);
    if (!f.sequential) return;
    if (offset === f.next) {
      f.hasher.update(data);
      f.next += data.length;
      // Replies may arrive out of order when a client keeps several reads in flight: hold and drain.
      for (let h = f.held.get(f.next); h; h = f.held.get(f.next)) {
        f.held.delete(f.next);
        f.hasher.update(h);
        f.next += h.length;
      }
    } else if (offset > f.next && f.held.size < 256) f.held.set(offset, Buffer.from(data));
    else f.sequential = false;
  }
  function close(handle: string) {
    const f = files.get(handle);
    files.delete(handle);
    if (!f || f.moved === 0) return;
    const complete = f.sequential && f.held.size === 0 && f.next === f.size;
    onTransfer({ direction: f.write ? 'upload' : 'download', path: f.path, size: f.size, sm3: complete ? f.hasher.digest().toString('hex') : null });
  }

  const str = (b: Buffer, off: number) => {
    const len = b.readUInt32BE(off);
    return { value: b.subarray(off + 4, off + 4 + len), end: off + 4 + len };
  };

  return {
    /** A packet from the client to the server. */
    fromClient(p: Buffer) {
      if (p.length < 5) return;
      const type = p[0]!;
      const id = p.readUInt32BE(1);
      if (type === FXP.OPEN) {
        const name = str(p, 5);
        const pflags = p.readUInt32BE(name.end);
        opens.set(id, { path: name.value.toString('utf8'), write: (pflags & FXF_WRITE) !== 0 });
      } else if (type === FXP.READ) {
        const h = str(p, 5);
        reads.set(id, { handle: h.value.toString('hex'), offset: Number(p.readBigUInt64BE(h.end)) });
      } else if (type === FXP.WRITE) {
        const h = str(p, 5);
        const f = files.get(h.value.toString('hex'));
        const offset = Number(p.readBigUInt64BE(h.end));
        if (f) feed(f, offset, str(p, h.end + 8).value);
      } else if (type === FXP.CLOSE) {
        close(str(p, 5).value.toString('hex'));
      }
    },
    /** A packet from the server to the client. */
    fromServer(p: Buffer) {
      if (p.length < 5) return;
      const type = p[0]!;
      const id = p.readUInt32BE(1);
      if (type === FXP.HANDLE) {
        const o = opens.get(id);
        opens.delete(id);
        if (o) files.set(str(p, 5).value.toString('hex'), { ...o, hasher: createSm3(), next: 0, size: 0, sequential: true, moved: 0, held: new Map() });
      } else if (type === FXP.DATA) {
        const r = reads.get(id);
        reads.delete(id);
        const f = r && files.get(r.handle);
        if (f && r) feed(f, r.offset, str(p, 5).value);
      } else if (type === FXP.STATUS) {
        opens.delete(id);
        reads.delete(id);
      }
    },
    /** Logs files still open when the channel ends. */
    flush() {
      for (const h of [...files.keys()]) close(h);
    },
  };
}
