import { randomUUID } from 'node:crypto';
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { Logger } from '../../core/log';

/** What the PostgreSQL proxy reports; the service stores, parses and judges off the hot path. */
export type ConnInfo = { id: string; engine: 'postgresql' | 'mysql'; srcIp: string; srcPort: number; dstIp: string; dstPort: number; user: string | null; database: string | null; program: string | null; clientTls: boolean; upstreamTls: boolean };
/** One statement as seen on the wire; `at` is epoch milliseconds (a number: no Date per statement on the hot path). */
export type StatementEvent = { conn: ConnInfo; at: number; protocol: 'simple' | 'extended' | 'com_query' | 'com_stmt'; sql: string; params: unknown[] | null; rows: number | null; durationMs: number; errorCode: string | null; errorMessage: string | null; statementCount: number };
export type AuditSink = {
  connection(c: ConnInfo): void;
  auth(c: ConnInfo, ok: boolean, error: string | null): void;
  statement(s: StatementEvent): void;
  closed(c: ConnInfo): void;
  /** True while the recorder is behind: proxies stop reading client requests until `whenDrained` calls back. */
  congested?(): boolean;
  whenDrained?(resume: () => void): void;
};

export type PgProxyOptions = {
  listenHost: string; listenPort: number; upstreamHost: string; upstreamPort: number;
  /** Key and certificate the proxy presents to clients that ask for TLS. */
  tls: { key: string; cert: string } | null;
  upstreamTls: 'require' | 'prefer' | 'disable';
  sink: AuditSink; logger: Logger;
};

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** `completed`: CommandComplete messages seen (rows are reported only when there was one). */
type Pending = { kind: 'query' | 'exec' | 'sync'; sql: string; params: unknown[] | null; start: number; at: number; completed: number; rows: number; err: { code: string; message: string } | null; count: number };
const SYNC: Pending = { kind: 'sync', sql: '', params: null, start: 0, at: 0, completed: 0, rows: 0, err: null, count: 0 };

/** Reads NUL-terminated strings of an ErrorResponse / startup packet. */
function errorFields(body: Buffer): { code: string; message: string } {
  let code = '';
  let message = '';
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const t = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    const v = body.toString('utf8', i + 1, end);
    if (t === 'C') code = v;
    if (t === 'M') message = v;
    i = end + 1;
  }
  return { code, message };
}

/** The row count at the end of a CommandComplete tag (`SELECT 5`, `INSERT 0 1`), read from the bytes; 0 without one. */
function tagCount(body: Buffer): number {
  let end = body.indexOf(0);
  if (end < 0) end = body.length;
  let i = end;
  while (i > 0 && body[i - 1]! >= 0x30 && body[i - 1]! <= 0x39) i--;
  if (i === end || (i > 0 && body[i - 1] !== 0x20)) return 0;
  let n = 0;
  for (let k = i; k < end; k++) n = n * 10 + (body[k]! - 0x30);
  return n;
}

const cstr = (b: Buffer, off: number) => {
  const end = b.indexOf(0, off);
  return { v: b.toString('utf8', off, end), next: end + 1 };
};

/** Simple statement count for a Query message: semicolons outside quotes and comments. */
function countStatements(sql: string): number {
  // Most texts have no semicolon but a trailing one: one statement, without the regex pass.
  const semi = sql.indexOf(';');
  if (semi < 0 || (semi === sql.length - 1)) return 1;
  const stripped = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, '');
  return stripped.split(';').filter((x) => x.trim()).length || 1;
}

/**
 * A PostgreSQL wire proxy that relays bytes untouched and follows both directions to record every statement:
 * simple Query, and the extended protocol (Parse/Bind/Execute/Sync) with bind values. TLS: a client asking for it
 * gets it (terminated here with our certificate); the upstream leg uses TLS when the server offers it (`prefer`),
 * must (`require`), or never (`disable`). A client that asked for TLS is never answered 'N' when we hold a certificate.
 */
export function createPgProxy(opts: PgProxyOptions) {
  const { sink, logger } = opts;
  const sockets = new Set<Socket>();

  async function upstreamConnect(): Promise<{ sock: Socket | TLSSocket; tls: boolean }> {
    const raw = net.connect(opts.upstreamPort, opts.upstreamHost);
    raw.setNoDelay(true);
    await new Promise<void>((res, rej) => raw.once('connect', res).once('error', rej));
    if (opts.upstreamTls === 'disable') return { sock: raw, tls: false };
    const req = Buffer.alloc(8);
    req.writeInt32BE(8, 0);
    req.writeInt32BE(SSL_REQUEST, 4);
    raw.write(req);
    const answer = await new Promise<string>((res, rej) => raw.once('data', (d: Buffer) => res(String.fromCharCode(d[0]!))).once('error', rej));
    if (answer === 'S') {
      const t = tls.connect({ socket: raw, rejectUnauthorized: false, servername: undefined });
      await new Promise<void>((res, rej) => t.once('secureConnect', res).once('error', rej));
      return { sock: t, tls: true };
    }
    if (opts.upstreamTls === 'require') {
      raw.destroy();
      throw new Error('the upstream server does not offer TLS and policy requires it');
    }
    return { sock: raw, tls: false };
  }

  function handle(client0: Socket) {
    sockets.add(client0);
    client0.setNoDelay(true);
    const conn: ConnInfo = { id: randomUUID(), engine: 'postgresql', srcIp: client0.remoteAddress ?? '', srcPort: client0.remotePort ?? 0, dstIp: opts.upstreamHost, dstPort: opts.upstreamPort, user: null, database: null, program: null, clientTls: false, upstreamTls: false };
    let client: Socket | TLSSocket = client0;
    let up: Socket | TLSSocket | null = null;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      sockets.delete(client0);
      client.destroy();
      up?.destroy();
      sink.closed(conn);
    };
    client0.on('error', close);

    // Phase 1: startup (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), read before relaying.
    let head = Buffer.alloc(0);
    const onStartup = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      if (head.length < 8) return;
      const len = head.readInt32BE(0);
      if (head.length < len) return;
      const code = head.readInt32BE(4);
      const packet = head.subarray(0, len);
      head = head.subarray(len);
      if (code === SSL_REQUEST) {
        client.removeListener('data', onStartup);
        if (opts.tls) {
          client.write('S');
          const t = new tls.TLSSocket(client0, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
          t.on('error', close);
          conn.clientTls = true;
          client = t;
          t.on('data', onStartup);
        } else {
          // No certificate configured: refusing TLS is the only honest answer; the client decides whether to go on.
          client.write('N');
          client.on('data', onStartup);
        }
        return;
      }
      if (code === GSS_REQUEST) {
        client.write('N');
        return;
      }
      client.removeListener('data', onStartup);
      if (code === CANCEL_REQUEST) {
        const c = net.connect(opts.upstreamPort, opts.upstreamHost, () => c.end(packet));
        c.on('error', () => {});
        return close();
      }
      // StartupMessage: protocol version then key/value pairs.
      let off = 8;
      while (off < packet.length - 1) {
        const k = cstr(packet, off);
        const v = cstr(packet, k.next);
        if (k.v === 'user') conn.user = v.v;
        else if (k.v === 'database') conn.database = v.v;
        else if (k.v === 'application_name') conn.program = v.v;
        off = v.next;
      }
      conn.database ??= conn.user;
      client.pause();
      upstreamConnect()
        .then(({ sock, tls: t }) => {
          up = sock;
          conn.upstreamTls = t;
          sink.connection(conn);
          up.on('error', close);
          up.on('close', close);
          client.on('close', close);
          up.write(packet);
          if (head.length) up.write(head);
          relay();
          client.resume();
        })
        .catch((err: unknown) => {
          logger.warn({ err }, 'db-audit: upstream connection failed');
          close();
        });
    };
    client.on('data', onStartup);

    function relay() {
      const u = up!;
      const pending: Pending[] = [];
      const stmts = new Map<string, string>();
      const portals = new Map<string, { sql: string; params: unknown[] | null }>();
      let authDone = false;
      let cbuf: Buffer | null = null;
      let sbuf: Buffer | null = null;
      const now = () => performance.now();

      const finish = (p: Pending, protocol: 'simple' | 'extended') =>
        sink.statement({ conn, at: p.at, protocol, sql: p.sql, params: p.params, rows: p.completed ? p.rows : null, durationMs: Math.round((now() - p.start) * 1000) / 1000, errorCode: p.err?.code ?? null, errorMessage: p.err?.message ?? null, statementCount: p.count });

      const fromClient = (type: number, body: Buffer) => {
        if (type === 0x51 /* Q */) {
          const sql = cstr(body, 0).v;
          pending.push({ kind: 'query', sql, params: null, start: now(), at: Date.now(), completed: 0, rows: 0, err: null, count: countStatements(sql) });
        } else if (type === 0x50 /* P */) {
          const name = cstr(body, 0);
          stmts.set(name.v, cstr(body, name.next).v);
        } else if (type === 0x42 /* B */) {
          const portal = cstr(body, 0);
          const stmt = cstr(body, portal.next);
          let off = stmt.next;
          const nFormats = body.readInt16BE(off);
          const formats: number[] = [];
          off += 2;
          for (let i = 0; i < nFormats; i++, off += 2) formats.push(body.readInt16BE(off));
          const nParams = body.readInt16BE(off);
          off += 2;
          const params: unknown[] = [];
          for (let i = 0; i < nParams; i++) {
            const len = body.readInt32BE(off);
            off += 4;
            if (len < 0) params.push(null);
            else {
              const fmt = formats.length === 1 ? formats[0] : formats[i] ?? 0;
              params.push(fmt === 1 ? `\\x${body.toString('hex', off, off + len)}` : body.toString('utf8', off, off + len));
              off += len;
            }
          }
          portals.set(portal.v, { sql: stmts.get(stmt.v) ?? '', params });
        } else if (type === 0x45 /* E */) {
          const p = portals.get(cstr(body, 0).v);
          pending.push({ kind: 'exec', sql: p?.sql ?? '', params: p?.params ?? null, start: now(), at: Date.now(), completed: 0, rows: 0, err: null, count: 1 });
        } else if (type === 0x53 /* S */) {
          // Syncs are only markers, never mutated: one shared object.
          pending.push(SYNC);
        }
      };

      const fromServer = (type: number, body: Buffer) => {
        if (!authDone) {
          if (type === 0x45) {
            authDone = true;
            const e = errorFields(body);
            sink.auth(conn, false, `${e.code} ${e.message}`);
          } else if (type === 0x5a) {
            authDone = true;
            sink.auth(conn, true, null);
          }
          return;
        }
        const head = pending[0];
        // A Sync marker is shared and never mutated: only ReadyForQuery concerns it.
        if (!head || (head.kind === 'sync' && type !== 0x5a)) return;
        if (type === 0x43 /* C */) {
          head.completed++;
          head.rows += tagCount(body);
          if (head.kind === 'exec') finish(pending.shift()!, 'extended');
        } else if (type === 0x49 /* I: empty query */ || type === 0x73 /* s: portal suspended */) {
          if (head.kind === 'exec') finish(pending.shift()!, 'extended');
        } else if (type === 0x45 /* E */) {
          head.err = errorFields(body);
          if (head.kind === 'exec') {
            finish(pending.shift()!, 'extended');
            // The server skips the rest of the batch until Sync.
            while (pending[0] && pending[0].kind === 'exec') pending.shift();
          }
        } else if (type === 0x5a /* Z */) {
          while (pending.length) {
            const p = pending.shift()!;
            if (p.kind === 'query') {
              finish(p, 'simple');
              break;
            }
            if (p.kind === 'sync') break;
          }
        }
      };

      // Framers: byte streams into (type, body); bodies are views, read only, and the chunk is forwarded untouched.
      const frame = (buf: Buffer, on: (t: number, b: Buffer) => void): Buffer | null => {
        let off = 0;
        while (buf.length - off >= 5) {
          const len = buf.readInt32BE(off + 1);
          if (buf.length - off < len + 1) break;
          const t = buf[off]!;
          // DataRows are the bulk of the traffic and carry nothing we record: skip without slicing.
          if (t !== 0x44) on(t, buf.subarray(off + 5, off + 1 + len));
          off += len + 1;
        }
        return off < buf.length ? Buffer.from(buf.subarray(off)) : null;
      };

      const resume = () => client.resume();
      client.on('data', (d: Buffer) => {
        if (!u.write(d)) client.pause();
        cbuf = frame(cbuf ? Buffer.concat([cbuf, d]) : d, fromClient);
        // The recorder is behind: read no more requests until it catches up (statements wait, none go unaudited).
        if (sink.congested?.()) {
          client.pause();
          sink.whenDrained!(resume);
        }
      });
      u.on('drain', () => client.resume());
      u.on('data', (d: Buffer) => {
        if (!client.write(d)) u.pause();
        sbuf = frame(sbuf ? Buffer.concat([sbuf, d]) : d, fromServer);
      });
      client.on('drain', () => u.resume());
    }
  }

  const server = net.createServer(handle);
  return {
    async listen(): Promise<number> {
      await new Promise<void>((res, rej) => server.once('error', rej).listen(opts.listenPort, opts.listenHost, () => res()));
      return (server.address() as net.AddressInfo).port;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
