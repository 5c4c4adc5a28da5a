import { createSm3, type Sm3Hasher } from '../../core/crypto';

/**
 * Watches an SFTP (v3) conversation passing through the gateway byte for byte, to log each file transfer: name,
 * size, direction and the SM3 digest of the bytes moved. The bytes themselves are relayed untouched.
 */
export type TransferLog = { direction: 'upload' | 'download'; path: string; size: number; sm3: string | null };

const FXP = { OPEN: 3, CLOSE: 4, READ: 5, WRITE: 6, STATUS: 101, HANDLE: 102, DATA: 103 } as const;
const FXF_WRITE = 0x02;

/**
 * What the framer hands on: most packets whole; a READ's DATA reply and a WRITE request as their fixed fields
 * (`bulkStart`, the body up to and including the data length), then the data in the pieces it arrived in.
 */
export type SftpSink = {
  packet(body: Buffer): void;
  bulkStart(head: Buffer): void;
  bulkData(piece: Buffer): void;
  bulkEnd(): void;
};

// Non-bulk packets are small (OpenSSH caps any SFTP message at 256 KiB); a larger one is passed over unparsed
// rather than buffered, so a client cannot make the gateway hold an arbitrary amount.
const MAX_WHOLE_PACKET = 1024 * 1024;

/**
 * Splits a byte stream into SFTP packets (uint32 length, then the body). File data is never copied or reassembled:
 * a 32 KiB DATA reply straddles two SSH packets, and joining them again for every packet of a 100 MB transfer cost
 * more than the relay itself.
 */
export function createSftpFramer(sink: SftpSink) {
  let parts: Buffer[] = [];
  let have = 0; // bytes of the current packet gathered in `parts`, length field included
  let need = 5; // bytes to gather before the next step
  let pktLen = 0;
  // 0: length and type; 1: a whole packet; 2: a bulk packet's fixed fields; 3: bulk data; 4: bytes to pass over.
  let stage = 0;
  let dataLeft = 0;
  let skipLeft = 0;
  let bulkWithHandle = false;

  const gathered = () => (parts.length === 1 ? parts[0]! : Buffer.concat(parts, have));
  const reset = () => {
    parts = [];
    have = 0;
    need = 5;
    stage = 0;
  };
  const skip = (n: number) => {
    parts = [];
    skipLeft = n;
    stage = 4;
  };

  return (chunk: Buffer) => {
    let off = 0;
    while (off < chunk.length) {
      if (stage === 3) {
        const n = Math.min(dataLeft, chunk.length - off);
        sink.bulkData(chunk.subarray(off, off + n));
        off += n;
        dataLeft -= n;
        if (dataLeft > 0) return;
        sink.bulkEnd();
        if (skipLeft > 0) stage = 4;
        else reset();
        continue;
      }
      if (stage === 4) {
        const n = Math.min(skipLeft, chunk.length - off);
        off += n;
        skipLeft -= n;
        if (skipLeft === 0) reset();
        continue;
      }
      const n = Math.min(need - have, chunk.length - off);
      parts.push(chunk.subarray(off, off + n));
      have += n;
      off += n;
      if (have < need) return;
      const b = gathered();
      parts = [b];
      if (stage === 0) {
        pktLen = b.readUInt32BE(0);
        const type = b[4]!;
        if (pktLen < 1) {
          reset();
        } else if ((type === FXP.DATA || type === FXP.WRITE) && pktLen >= 9) {
          // DATA: type, id, data length. WRITE: type, id, handle length — then the handle, offset and data length.
          bulkWithHandle = type === FXP.WRITE;
          stage = 2;
          need = 4 + 9;
        } else if (pktLen > MAX_WHOLE_PACKET) {
          skip(pktLen - 1);
        } else {
          stage = 1;
          need = 4 + pktLen;
        }
      } else if (stage === 1) {
        sink.packet(b.subarray(4));
        reset();
      } else if (stage === 2) {
        if (bulkWithHandle) {
          const handleLen = b.readUInt32BE(9);
          bulkWithHandle = false;
          if (9 + handleLen + 12 > pktLen || handleLen > 256) skip(pktLen - 9);
          else need = 4 + 9 + handleLen + 12;
          continue;
        }
        const dataLen = b.readUInt32BE(need - 4);
        const after = pktLen - (need - 4) - dataLen;
        if (after < 0) {
          skip(pktLen - (need - 4));
          continue;
        }
        sink.bulkStart(b.subarray(4));
        parts = [];
        dataLeft = dataLen;
        skipLeft = after;
        stage = 3;
        if (dataLen === 0) {
          sink.bulkEnd();
          if (skipLeft > 0) stage = 4;
          else reset();
        }
      }
    }
  };
}

type FileState = { path: string; write: boolean; hasher: Sm3Hasher; next: number; size: number; sequential: boolean; moved: number; held: Map<number, Buffer> };

/**
 * Follows OPEN/READ/WRITE/CLOSE across both directions; calls `onTransfer` when a file that moved data is closed.
 * `fromClient` and `fromServer` take what a framer hands on for each direction.
 */
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
    } else if (offset > f.next && f.held.size < 512) f.held.set(offset, Buffer.from(data));
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
  // The file and offset the data of the bulk packet now passing belongs to (null: not a tracked file).
  let clientBulk: { f: FileState; offset: number } | null = null;
  let serverBulk: { f: FileState; offset: number } | null = null;

  const fromClient: SftpSink = {
    packet(p) {
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
      } else if (type === FXP.CLOSE) {
        close(str(p, 5).value.toString('hex'));
      }
    },
    bulkStart(head) {
      // WRITE: type, id, handle, offset, data length.
      const h = str(head, 5);
      const f = files.get(h.value.toString('hex'));
      clientBulk = f ? { f, offset: Number(head.readBigUInt64BE(h.end)) } : null;
    },
    bulkData(piece) {
      if (!clientBulk) return;
      feed(clientBulk.f, clientBulk.offset, piece);
      clientBulk.offset += piece.length;
    },
    bulkEnd() {
      clientBulk = null;
    },
  };
  const fromServer: SftpSink = {
    packet(p) {
      if (p.length < 5) return;
      const type = p[0]!;
      const id = p.readUInt32BE(1);
      if (type === FXP.HANDLE) {
        const o = opens.get(id);
        opens.delete(id);
        if (o) files.set(str(p, 5).value.toString('hex'), { ...o, hasher: createSm3(), next: 0, size: 0, sequential: true, moved: 0, held: new Map() });
      } else if (type === FXP.STATUS) {
        opens.delete(id);
        reads.delete(id);
      }
    },
    bulkStart(head) {
      // DATA: type, id, data length.
      const id = head.readUInt32BE(1);
      const r = reads.get(id);
      reads.delete(id);
      const f = r && files.get(r.handle);
      serverBulk = f && r ? { f, offset: r.offset } : null;
    },
    bulkData(piece) {
      if (!serverBulk) return;
      feed(serverBulk.f, serverBulk.offset, piece);
      serverBulk.offset += piece.length;
    },
    bulkEnd() {
      serverBulk = null;
    },
  };

  return {
    fromClient,
    fromServer,
    /** Logs files still open when the channel ends. */
    flush() {
      for (const h of [...files.keys()]) close(h);
    },
  };
}
