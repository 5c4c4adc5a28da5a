import test from 'ava';
import { randomBytes, sm3Hex } from '../../core/crypto';
import { createSftpFramer, createSftpWatcher, type TransferLog } from './sftp-fns';

// SFTP v3 packets as an OpenSSH client and server write them.
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const str = (s: Buffer | string) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
const pkt = (type: number, id: number, ...fields: Buffer[]) => {
  const body = Buffer.concat([Buffer.from([type]), u32(id), ...fields]);
  return Buffer.concat([u32(body.length), body]);
};
const open = (id: number, path: string, write: boolean) => pkt(3, id, str(path), u32(write ? 0x1a : 0x01), u32(0));
const handle = (id: number, h: string) => pkt(102, id, str(h));
const write = (id: number, h: string, offset: number, data: Buffer) => pkt(6, id, str(h), u64(offset), str(data));
const read = (id: number, h: string, offset: number, len: number) => pkt(5, id, str(h), u64(offset), u32(len));
const data = (id: number, d: Buffer) => pkt(103, id, str(d));
const close = (id: number, h: string) => pkt(4, id, str(h));
const status = (id: number) => pkt(101, id, u32(0), str(''), str(''));

/** Feeds `stream` to a framer in pieces cut at pseudo-random places (1 byte to 40 KiB), as SSH channel data arrives. */
function feedCut(feed: (b: Buffer) => void, stream: Buffer, seed: number) {
  let x = seed;
  for (let off = 0; off < stream.length; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = x % 7 === 0 ? 1 + (x % 5) : 1 + (x % 40_000);
    feed(stream.subarray(off, off + n));
    off += n;
  }
}

/** The two byte streams of an upload then a download, as turns: who speaks, and what (a client waits for HANDLE). */
function conversation(upload: Buffer, download: Buffer, chunk: number, outOfOrder: boolean): Array<['c' | 's', Buffer]> {
  const turns: Array<['c' | 's', Buffer[]]> = [['c', [open(1, '/tmp/up.bin', true)]], ['s', [handle(1, 'H-up')]]];
  const c: Buffer[] = [];
  const s: Buffer[] = [];
  let id = 10;
  for (let off = 0; off < upload.length; off += chunk) {
    c.push(write(id, 'H-up', off, upload.subarray(off, off + chunk)));
    s.push(status(id++));
  }
  c.push(close(id, 'H-up'), open(2, '/tmp/down.bin', false));
  s.push(status(id++), handle(2, 'H-down'));
  turns.push(['c', c], ['s', s]);
  const reads: Buffer[] = [];
  const replies: Buffer[] = [];
  for (let off = 0; off < download.length; off += chunk) {
    reads.push(read(id, 'H-down', off, chunk));
    replies.push(data(id++, download.subarray(off, off + chunk)));
  }
  // A client keeps several reads in flight; a server may answer them out of order.
  if (outOfOrder) for (let i = 0; i + 1 < replies.length; i += 3) [replies[i], replies[i + 1]] = [replies[i + 1]!, replies[i]!];
  turns.push(['c', reads], ['s', replies], ['c', [close(id, 'H-down')]], ['s', [status(id)]]);
  return turns.map(([who, bs]) => [who, Buffer.concat(bs)]);
}

for (const [name, chunk, outOfOrder] of [['32 KiB packets', 32768, false], ['odd-sized packets, replies out of order', 5001, true]] as const) {
  test(`transfers are logged with size and SM3 of the bytes moved, however the stream is cut (${name})`, (t) => {
    const upload = randomBytes(300_000);
    const download = randomBytes(250_007);
    const turns = conversation(upload, download, chunk, outOfOrder);
    for (const seed of [1, 2, 3]) {
      const logged: TransferLog[] = [];
      const w = createSftpWatcher((x) => logged.push(x));
      const fromClient = createSftpFramer(w.fromClient);
      const fromServer = createSftpFramer(w.fromServer);
      turns.forEach(([who, bytes], i) => feedCut(who === 'c' ? fromClient : fromServer, bytes, seed * 100 + i));
      t.deepEqual(logged, [
        { direction: 'upload', path: '/tmp/up.bin', size: upload.length, sm3: sm3Hex(upload) },
        { direction: 'download', path: '/tmp/down.bin', size: download.length, sm3: sm3Hex(download) },
      ]);
    }
  });
}

test('a gap in the data leaves the digest out instead of logging a wrong one', (t) => {
  const logged: TransferLog[] = [];
  const w = createSftpWatcher((x) => logged.push(x));
  const c = createSftpFramer(w.fromClient);
  const s = createSftpFramer(w.fromServer);
  c(open(1, '/f', true));
  s(handle(1, 'H'));
  c(Buffer.concat([write(2, 'H', 0, Buffer.from('abc')), write(3, 'H', 10, Buffer.from('xyz')), close(4, 'H')]));
  t.deepEqual(logged, [{ direction: 'upload', path: '/f', size: 13, sm3: null }]);
});

test('an oversized or malformed packet is passed over and framing resumes after it', (t) => {
  const logged: TransferLog[] = [];
  const w = createSftpWatcher((x) => logged.push(x));
  const c = createSftpFramer(w.fromClient);
  const s = createSftpFramer(w.fromServer);
  const huge = Buffer.concat([u32(2 * 1024 * 1024), Buffer.from([200]), Buffer.alloc(2 * 1024 * 1024 - 1)]);
  // A WRITE whose data length runs past its packet: not trusted, skipped whole.
  const lying = Buffer.concat([u32(1 + 4 + 5 + 8 + 4), Buffer.from([6]), u32(9), str('H'), u64(0), u32(1000)]);
  feedCut(c, Buffer.concat([huge, open(1, '/g', true), lying]), 7);
  s(handle(1, 'H'));
  feedCut(c, Buffer.concat([write(2, 'H', 0, Buffer.from('hello')), close(3, 'H')]), 8);
  t.deepEqual(logged, [{ direction: 'upload', path: '/g', size: 5, sm3: sm3Hex('hello') }]);
});
