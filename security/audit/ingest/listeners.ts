import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { SyslogFramer } from '../parsers/syslog-fns';
import type { IngestItem, IngestPipeline } from './ingest-pipeline';

/** Where a line's source, tenant and parser come from. */
export type ResolvedSource = { sourceId: string | null; tenantId: string | null; parser: string };

/** The port listeners use to resolve senders (implemented by the sources service). */
export type SourceResolver = {
  /** A syslog peer by address: a registered source, or one registered automatically on first contact. */
  byPeer(ip: string): Promise<ResolvedSource>;
  /** An HTTP sender by its per-source token; null when the token is unknown or the source disabled. */
  byToken(token: string): Promise<ResolvedSource | null>;
};

export type ListenerOptions = {
  host?: string;
  udpPort?: number | null;
  tcpPort?: number | null;
  tlsPort?: number | null;
  tls?: TlsOptions | null;
  httpPort?: number | null;
  /** Largest NDJSON body accepted by the HTTP bulk endpoint. */
  maxHttpBytes?: number;
};

export type RunningListeners = {
  udp: number | null;
  tcp: number | null;
  tls: number | null;
  http: number | null;
  udpReceived(): number;
  close(): Promise<void>;
};

const peerOf = (addr: string | undefined) => (addr ?? '').replace(/^::ffff:/, '') || 'unknown';
const MAX_LINE = 64 * 1024;

/** Starts the syslog (UDP, TCP, TLS) and HTTP NDJSON listeners the options name (null/undefined = off, 0 = any port). */
export async function startListeners(pipeline: IngestPipeline, sources: SourceResolver, opts: ListenerOptions, logger?: { warn(o: unknown, m?: string): void }): Promise<RunningListeners> {
  const host = opts.host ?? '0.0.0.0';
  const closers: Array<() => Promise<void>> = [];
  let udpReceived = 0;
  const out: RunningListeners = { udp: null, tcp: null, tls: null, http: null, udpReceived: () => udpReceived, close: async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  } };

  const item = (line: string, peer: string, src: ResolvedSource): IngestItem => ({ line, peerIp: peer, sourceId: src.sourceId, tenantId: src.tenantId, parser: src.parser, receivedAt: new Date() });

  if (opts.udpPort !== undefined && opts.udpPort !== null) {
    const sock: UdpSocket = createSocket({ type: 'udp4', recvBufferSize: 32 * 1024 * 1024 });
    sock.on('message', (msg, rinfo) => {
      udpReceived += 1;
      const peer = peerOf(rinfo.address);
      const text = msg.toString('utf8');
      // Some senders pack several newline-separated messages into one datagram.
      const lines = text.includes('\n') ? text.split('\n').filter((l) => l.trim()) : [text];
      sources.byPeer(peer).then(
        (src) => {
          for (const l of lines) pipeline.offer(item(l, peer, src));
        },
        (err: unknown) => logger?.warn({ err }, 'syslog source lookup failed'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(opts.udpPort!, host, () => resolve());
    });
    out.udp = sock.address().port;
    closers.push(() => new Promise<void>((r) => sock.close(() => r())));
  }

  const streamHandler = (socket: Socket) => {
    const peer = peerOf(socket.remoteAddress);
    const framer = new SyslogFramer(MAX_LINE);
    let chain: Promise<void> = Promise.resolve();
    let srcP: Promise<ResolvedSource> | null = null;
    socket.on('error', () => socket.destroy());
    const send = (frames: string[]) => {
      if (frames.length === 0) return;
      srcP ??= sources.byPeer(peer);
      // Back-pressure: stop reading until this chunk's lines are committed.
      socket.pause();
      chain = chain
        .then(async () => {
          const src = await srcP!;
          await pipeline.submit(frames.map((f) => item(f, peer, src)));
        })
        .then(
          () => {
            if (!socket.destroyed) socket.resume();
          },
          (err: unknown) => {
            logger?.warn({ err }, 'syslog stream ingest failed');
            socket.destroy();
          },
        );
    };
    socket.on('data', (chunk: Buffer) => send(framer.push(chunk)));
    socket.on('end', () => {
      send(framer.flush());
      void chain.finally(() => socket.end());
    });
  };

  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const listen = async (server: TcpServer, port: number): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    );
    return (server.address() as AddressInfo).port;
  };

  if (opts.tcpPort !== undefined && opts.tcpPort !== null) {
    out.tcp = await listen(createTcpServer((s) => { track(s); streamHandler(s); }), opts.tcpPort);
  }
  if (opts.tlsPort !== undefined && opts.tlsPort !== null) {
    if (!opts.tls) throw new Error('syslog over TLS needs a certificate and key');
    out.tls = await listen(createTlsServer(opts.tls, (s) => { track(s); streamHandler(s); }), opts.tlsPort);
  }
  if (opts.httpPort !== undefined && opts.httpPort !== null) {
    const server = createHttpServer((req, res) => {
      handleHttp(req, res).catch((err: unknown) => {
        logger?.warn({ err }, 'HTTP bulk ingest failed');
        if (!res.headersSent) answer(res, 503, { code: 'ingest.unavailable', detail: 'the events were not stored; send them again' });
        else res.destroy();
      });
    });
    const maxBytes = opts.maxHttpBytes ?? 32 * 1024 * 1024;
    async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
      if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, { status: 'ok' });
      if (req.method !== 'POST' || !(req.url ?? '').startsWith('/ingest')) return answer(res, 404, { code: 'route.not_found' });
      const auth = req.headers.authorization ?? '';
      const token = /^Bearer (\S+)$/.exec(auth)?.[1];
      const src = token ? await sources.byToken(token) : null;
      if (!src) return answer(res, 401, { code: 'ingest.bad_token', detail: 'a valid per-source token is required (Authorization: Bearer …)' });
      const peer = peerOf(req.socket.remoteAddress);
      let pending = '';
      let total = 0;
      let lines = 0;
      let batch: IngestItem[] = [];
      // Reading the body as we commit it is the back-pressure: TCP windows close while we are behind.
      for await (const chunk of req as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) return answer(res, 413, { code: 'request.too_large', detail: `at most ${maxBytes} bytes per request` });
        pending += chunk.toString('utf8');
        let nl = pending.indexOf('\n');
        while (nl >= 0) {
          const line = pending.slice(0, nl).replace(/\r$/, '');
          pending = pending.slice(nl + 1);
          if (line.trim()) batch.push(httpItem(line, peer, src));
          nl = pending.indexOf('\n');
        }
        if (batch.length >= 1000) {
          lines += batch.length;
          await pipeline.submit(batch);
          batch = [];
        }
      }
      if (pending.trim()) batch.push(httpItem(pending, peer, src));
      lines += batch.length;
      await pipeline.submit(batch);
      // Answered only now: every line of this request is committed.
      answer(res, 200, { accepted: lines });
    }
    const httpItem = (line: string, peer: string, src: ResolvedSource): IngestItem => {
      // An NDJSON line is either a JSON object of ECS fields (kept as such) or a JSON string holding a raw line.
      let text = line;
      if (line.startsWith('"')) {
        try {
          text = String(JSON.parse(line));
        } catch {
          text = line;
        }
      }
      return item(text, peer, src);
    };
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.httpPort!, host, () => resolve((server.address() as AddressInfo).port));
    });
    out.http = port;
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    );
  }
  return out;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}
