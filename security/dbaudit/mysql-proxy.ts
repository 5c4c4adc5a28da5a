import { randomUUID } from 'node:crypto';
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { Logger } from '../../core/log';
import type { AuditSink, ConnInfo } from './pg-proxy';
import { decodeBinaryParams, lenenc, readNullStr } from './mysql-wire-fns';

export type MysqlProxyOptions = {
  listenHost: string; listenPort: number; upstreamHost: string; upstreamPort: number;
  /** Key and certificate the proxy presents to clients that ask for TLS; without one such clients are refused. */
  tls: { key: string; cert: string } | null;
  /** `require`: a client that does not use TLS is refused (its TLS carries through to the upstream leg). */
  upstreamTls: 'require' | 'prefer' | 'disable';
  sink: AuditSink; logger: Logger;
};

// Capability flags (https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html).
const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const CLIENT_CONNECT_ATTRS = 0x100000;
const CLIENT_LENENC_AUTH = 0x200000;
const CLIENT_DEPRECATE_EOF = 0x1000000;
const SERVER_MORE_RESULTS_EXISTS = 0x0008;
const MAX_PAYLOAD = 0xffffff;

const COM_QUIT = 0x01, COM_INIT_DB = 0x02, COM_QUERY = 0x03, COM_STMT_PREPARE = 0x16, COM_STMT_EXECUTE = 0x17, COM_STMT_SEND_LONG_DATA = 0x18, COM_STMT_CLOSE = 0x19, COM_CHANGE_USER = 0x11;

/** One command awaiting its answer; `phase` walks the response shape. */
type Pending = {
  kind: 'query' | 'prepare' | 'execute' | 'other';
  sql: string; params: unknown[] | null; start: number; at: number;
  phase: 'first' | 'columns' | 'rows' | 'prepare-defs';
  columnsLeft: number; rows: number; affected: number; hadResultSet: boolean;
  err: { code: string; message: string } | null;
  prepareDefsLeft?: number; prepared?: { id: number; params: number };
};

/** An ERR packet to a client before (or instead of) the handshake; seq is the next sequence number. */
function errPacket(seq: number, code: number, state: string, message: string): Buffer {
  const msg = Buffer.from(message, 'utf8');
  const body = Buffer.concat([Buffer.from([0xff, code & 0xff, code >> 8, 0x23]), Buffer.from(state, 'ascii'), msg]);
  const head = Buffer.from([body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, seq]);
  return Buffer.concat([head, body]);
}

/**
 * A MySQL / MariaDB wire proxy: bytes pass untouched in both directions while a framer follows the packets to record
 * every COM_QUERY and COM_STMT_PREPARE / EXECUTE (bind values decoded from the binary protocol), with rows affected
 * or returned, timing and errors. MariaDB progress reports (ERR 0xFFFF) are skipped. TLS: the server's greeting is
 * never altered (no silent downgrade); a client that asks for TLS gets it terminated here with our certificate and
 * the upstream leg is upgraded too, or — without a certificate — is refused with an error.
 */
export function createMysqlProxy(opts: MysqlProxyOptions) {
  const { sink, logger } = opts;
  const sockets = new Set<Socket>();

  function handle(client0: Socket) {
    sockets.add(client0);
    client0.setNoDelay(true);
    const conn: ConnInfo = { id: randomUUID(), engine: 'mysql', srcIp: client0.remoteAddress ?? '', srcPort: client0.remotePort ?? 0, dstIp: opts.upstreamHost, dstPort: opts.upstreamPort, user: null, database: null, program: null, clientTls: false, upstreamTls: false };
    let client: Socket | TLSSocket = client0;
    let up: Socket | TLSSocket = net.connect(opts.upstreamPort, opts.upstreamHost);
    const upRaw = up;
    up.setNoDelay(true);
    let closed = false;
    let announced = false;
    const close = () => {
      if (closed) return;
      closed = true;
      sockets.delete(client0);
      client.destroy();
      up.destroy();
      if (announced) sink.closed(conn);
    };
    client0.on('error', close);
    client0.on('close', close);
    up.on('error', (err) => {
      logger.warn({ err }, 'db-audit: MySQL upstream error');
      close();
    });
    up.on('close', close);

    let serverCaps = 0;
    let caps = 0; // negotiated
    let authDone = false;
    let authMinSeq = 2;
    let expectContinuation = { c: false, s: false };
    const pending: Pending[] = [];
    const stmts = new Map<number, { sql: string; params: number; types: number[] }>();
    let cbuf: Buffer | null = null;
    let sbuf: Buffer | null = null;
    const now = () => performance.now();

    // One object per command, built in one go (one shape for the JIT, no spread of a template object).
    const newPending = (kind: Pending['kind'], sql: string, params: unknown[] | null): Pending => ({ kind, sql, params, start: now(), at: Date.now(), phase: 'first', columnsLeft: 0, rows: 0, affected: 0, hadResultSet: false, err: null, prepareDefsLeft: 0, prepared: undefined });

    const refuse = (seq: number, message: string) => {
      client.write(errPacket(seq, 1045, '28000', message));
      client.end();
      setTimeout(close, 100).unref();
    };

    const finish = (p: Pending) => {
      if (p.kind === 'other') return;
      sink.statement({
        conn, at: p.at, protocol: p.kind === 'query' ? 'com_query' : 'com_stmt', sql: p.sql, params: p.params,
        rows: p.err ? null : p.hadResultSet ? p.rows : p.kind === 'prepare' ? null : p.affected,
        durationMs: Math.round((now() - p.start) * 1000) / 1000,
        errorCode: p.err?.code ?? null, errorMessage: p.err?.message ?? null,
        statementCount: p.kind === 'query' ? countStatements(p.sql) : 1,
      });
    };

    /** The client's HandshakeResponse41: user, database, program; answers whether to go on. */
    const onHandshakeResponse = (body: Buffer) => {
      const clientCaps = body.readUInt32LE(0);
      caps = clientCaps & serverCaps;
      let off = 32;
      const user = readNullStr(body, off);
      conn.user = user.v;
      off = user.next;
      if (clientCaps & CLIENT_LENENC_AUTH) {
        const l = lenenc(body, off);
        off = l.next + l.v;
      } else if (clientCaps & CLIENT_SECURE_CONNECTION) off += 1 + body[off]!;
      else off = readNullStr(body, off).next;
      if (clientCaps & CLIENT_CONNECT_WITH_DB && off < body.length) {
        const d = readNullStr(body, off);
        conn.database = d.v || null;
        off = d.next;
      }
      if (clientCaps & CLIENT_PLUGIN_AUTH && off < body.length) off = readNullStr(body, off).next;
      if (clientCaps & CLIENT_CONNECT_ATTRS && off < body.length) {
        const total = lenenc(body, off);
        let p = total.next;
        const end = Math.min(body.length, p + total.v);
        const attrs: Record<string, string> = {};
        while (p < end) {
          const k = lenenc(body, p);
          const key = body.toString('utf8', k.next, k.next + k.v);
          const v = lenenc(body, k.next + k.v);
          attrs[key] = body.toString('utf8', v.next, v.next + v.v);
          p = v.next + v.v;
        }
        conn.program = attrs.program_name ?? attrs._client_name ?? null;
      }
    };

    const fromClient = (seq: number, body: Buffer) => {
      if (!authDone) {
        if (seq === 1 && body.length >= 32 && conn.user === null && !conn.clientTls) {
          const clientCaps = body.readUInt32LE(0);
          if (clientCaps & CLIENT_SSL && body.length === 32) return 'ssl';
          if (opts.upstreamTls === 'require') return 'refuse-plain';
          onHandshakeResponse(body);
          sink.connection(conn);
          announced = true;
        } else if (seq === 2 && conn.clientTls && conn.user === null) {
          onHandshakeResponse(body);
          sink.connection(conn);
          announced = true;
        }
        return null;
      }
      if (seq !== 0 || body.length === 0) return null;
      const cmd = body[0]!;
      if (cmd === COM_QUERY) pending.push(newPending('query', body.toString('utf8', 1), null));
      else if (cmd === COM_STMT_PREPARE) pending.push(newPending('prepare', body.toString('utf8', 1), null));
      else if (cmd === COM_STMT_EXECUTE) {
        const id = body.readUInt32LE(1);
        const st = stmts.get(id);
        let params: unknown[] | null = null;
        if (st && st.params > 0) {
          try {
            const d = decodeBinaryParams(body, 10, st.params, st.types);
            st.types = d.types;
            params = d.values;
          } catch {
            params = null;
          }
        }
        pending.push(newPending('execute', st?.sql ?? '', params ?? (st && st.params === 0 ? [] : null)));
      } else if (cmd === COM_STMT_CLOSE) stmts.delete(body.readUInt32LE(1));
      else if (cmd === COM_STMT_SEND_LONG_DATA || cmd === COM_QUIT) {
        /* no response */
      } else {
        if (cmd === COM_INIT_DB) conn.database = body.toString('utf8', 1);
        if (cmd === COM_CHANGE_USER) {
          // The auth exchange starts again (answers from seq 1); followed until OK / ERR.
          authDone = false;
          authMinSeq = 1;
          return null;
        }
        pending.push(newPending('other', '', null));
      }
      return null;
    };

    const eofLike = (body: Buffer) => body[0] === 0xfe && body.length < 9;
    const statusOf = (body: Buffer) => {
      // OK: header, affected (lenenc), last id (lenenc), status (2); EOF: header, warnings (2), status (2).
      if (body[0] === 0xfe && body.length < 9 && !(caps & CLIENT_DEPRECATE_EOF)) return body.length >= 5 ? body.readUInt16LE(3) : 0;
      const a = lenenc(body, 1);
      const id = lenenc(body, a.next);
      return id.next + 2 <= body.length ? body.readUInt16LE(id.next) : 0;
    };

    const fromServer = (seq: number, body: Buffer) => {
      if (seq === 0 && serverCaps === 0 && body[0] === 10) {
        // Greeting (protocol 10): read the capabilities, forward untouched (the SSL flag stays as the server set it).
        const ver = readNullStr(body, 1);
        let off = ver.next + 4 + 8 + 1;
        serverCaps = body.readUInt16LE(off);
        off += 2 + 1 + 2;
        if (off + 2 <= body.length) serverCaps |= body.readUInt16LE(off) << 16;
        if (opts.upstreamTls === 'require' && !(serverCaps & CLIENT_SSL)) return 'upstream-plain';
        return;
      }
      if (!authDone) {
        const t = body[0];
        if (t === 0x00 && seq >= authMinSeq) {
          authDone = true;
          if (announced) sink.auth(conn, true, null);
        } else if (t === 0xff && seq > 0) {
          authDone = true;
          if (!announced) {
            sink.connection(conn);
            announced = true;
          }
          sink.auth(conn, false, `${body.readUInt16LE(1)} ${body.toString('utf8', body[3] === 0x23 ? 9 : 3)}`);
        }
        return;
      }
      const p = pending[0];
      if (!p) return;
      const t = body[0]!;
      if (p.phase === 'first') {
        if (t === 0xff) {
          const code = body.readUInt16LE(1);
          if (code === 0xffff) return; // MariaDB progress report: not an answer
          p.err = { code: String(code), message: body.toString('utf8', body[3] === 0x23 ? 9 : 3) };
          finish(pending.shift()!);
        } else if (t === 0x00 && p.kind === 'prepare') {
          const id = body.readUInt32LE(1);
          const cols = body.readUInt16LE(5);
          const params = body.readUInt16LE(7);
          stmts.set(id, { sql: p.sql, params, types: [] });
          p.prepared = { id, params };
          const eofs = caps & CLIENT_DEPRECATE_EOF ? 0 : (cols > 0 ? 1 : 0) + (params > 0 ? 1 : 0);
          p.prepareDefsLeft = cols + params + eofs;
          // Prepares are not statements run: only a failed prepare is recorded (the execute carries the SQL).
          pending.shift();
          if (p.prepareDefsLeft > 0) pending.unshift({ ...p, kind: 'other', phase: 'prepare-defs' });
        } else if (t === 0x00 || (t === 0xfe && body.length < 9 && caps & CLIENT_DEPRECATE_EOF)) {
          p.affected += Number(lenenc(body, 1).v);
          if (!(statusOf(body) & SERVER_MORE_RESULTS_EXISTS)) finish(pending.shift()!);
        } else if (t === 0xfb) {
          // LOCAL INFILE request: the client streams the file; the server answers OK/ERR afterwards.
        } else {
          p.columnsLeft = lenenc(body, 0).v;
          p.hadResultSet = true;
          p.phase = 'columns';
        }
        return;
      }
      if (p.phase === 'prepare-defs') {
        if (--p.prepareDefsLeft! <= 0) pending.shift();
        return;
      }
      if (p.phase === 'columns') {
        if (p.columnsLeft > 0) {
          p.columnsLeft--;
          if (p.columnsLeft === 0 && caps & CLIENT_DEPRECATE_EOF) p.phase = 'rows';
        } else if (eofLike(body)) p.phase = 'rows';
        return;
      }
      // rows
      if (t === 0xfe && body.length < (caps & CLIENT_DEPRECATE_EOF ? MAX_PAYLOAD : 9)) {
        if (statusOf(body) & SERVER_MORE_RESULTS_EXISTS) p.phase = 'first';
        else finish(pending.shift()!);
      } else if (t === 0xff) {
        if (body.readUInt16LE(1) === 0xffff) return;
        p.err = { code: String(body.readUInt16LE(1)), message: body.toString('utf8', body[3] === 0x23 ? 9 : 3) };
        finish(pending.shift()!);
      } else p.rows++;
    };

    // Framer: 3-byte length + sequence id; bodies are read-only views, the chunk is forwarded untouched.
    const frame = (buf: Buffer, side: 'c' | 's', on: (seq: number, b: Buffer) => unknown): { rest: Buffer | null; signal: unknown } => {
      let off = 0;
      while (buf.length - off >= 4) {
        const len = buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16);
        if (buf.length - off < len + 4) break;
        const seq = buf[off + 3]!;
        const cont = expectContinuation[side];
        expectContinuation[side] = len === MAX_PAYLOAD;
        if (!cont) {
          const signal = on(seq, buf.subarray(off + 4, off + 4 + len));
          if (signal) return { rest: buf.subarray(off), signal };
        }
        off += len + 4;
      }
      return { rest: off < buf.length ? Buffer.from(buf.subarray(off)) : null, signal: null };
    };

    const onClientData = (d: Buffer) => {
      const r = frame(cbuf ? Buffer.concat([cbuf, d]) : d, 'c', fromClient);
      if (r.signal === 'ssl') {
        // The SSLRequest packet (32 bytes + header) then the TLS ClientHello follow; switch both legs to TLS.
        const sslReq = r.rest!.subarray(0, 36);
        const after = Buffer.from(r.rest!.subarray(36));
        cbuf = null;
        if (!opts.tls) return refuse(2, 'TLS requested but this audit proxy has no certificate: refused (no downgrade)');
        client.removeListener('data', onClientData);
        client.pause();
        up.write(sslReq);
        const upTls = tls.connect({ socket: upRaw, rejectUnauthorized: false });
        upTls.once('secureConnect', () => {
          conn.upstreamTls = true;
          up = upTls;
          upTls.on('data', onServerData);
          upTls.on('drain', () => client.resume());
          if (after.length) client0.unshift(after);
          const t = new tls.TLSSocket(client0, { isServer: true, key: opts.tls!.key, cert: opts.tls!.cert });
          t.on('error', close);
          t.on('drain', () => up.resume());
          conn.clientTls = true;
          client = t;
          t.on('data', onClientData);
          // Not client0.resume(): the TLS socket now reads the raw socket's handle (and the ClientHello unshifted
          // above); a flowing raw socket would take the encrypted bytes from under it and the handshake would stall.
        });
        upTls.once('error', (err) => {
          logger.warn({ err }, 'db-audit: MySQL upstream TLS failed');
          refuse(2, 'the upstream server refused TLS');
        });
        upRaw.removeListener('data', onServerData);
        return;
      }
      if (r.signal === 'refuse-plain') {
        cbuf = null;
        return refuse(2, 'this audit proxy requires TLS');
      }
      cbuf = r.rest;
      if (!up.write(d)) client.pause();
      // The recorder is behind: read no more commands until it catches up (statements wait, none go unaudited).
      if (authDone && sink.congested?.()) {
        client.pause();
        sink.whenDrained!(() => client.resume());
      }
    };
    const onServerData = (d: Buffer) => {
      if (serverCaps === 0) {
        // Until the greeting is read it is not forwarded: with `require`, a server that offers no TLS is never
        // introduced to the client (fail closed, with an error that says why).
        const r = frame(sbuf ? Buffer.concat([sbuf, d]) : d, 's', fromServer);
        if (r.signal === 'upstream-plain') {
          logger.warn({ upstream: `${opts.upstreamHost}:${opts.upstreamPort}` }, 'db-audit: the MySQL upstream offers no TLS and policy requires it; connection refused');
          up.destroy();
          return refuse(0, 'the upstream database server offers no TLS and this audit proxy requires it: refused');
        }
        sbuf = r.rest;
        if (!client.write(d)) up.pause();
        return;
      }
      if (!client.write(d)) up.pause();
      sbuf = frame(sbuf ? Buffer.concat([sbuf, d]) : d, 's', fromServer).rest;
    };
    client0.on('data', onClientData);
    client0.on('drain', () => up.resume());
    up.on('data', onServerData);
    up.on('drain', () => client.resume());
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

/** Statements in a COM_QUERY text: semicolons outside quotes and comments (multi-statement injection detection). */
function countStatements(sql: string): number {
  const semi = sql.indexOf(';');
  if (semi < 0 || semi === sql.length - 1) return 1;
  const stripped = sql.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`[^`]*`|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, '');
  return stripped.split(';').filter((x) => x.trim()).length || 1;
}
