import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { Settings } from '../../core/config';
import type { CaService } from '../../security/crypto/ca/ca-service';
import type { TransportChannel } from './crypto-transport-evidence';

/** What a TLS handshake with a reachable endpoint showed. */
export type HandshakeResult = { ok: true; protocol: string | null; cipher: string; certificatePem: string | null } | { ok: false; error: string };

export type TransportFactsDeps = {
  settings: Pick<
    Settings,
    | 'HOST' | 'PORT' | 'YIYUN_PUBLIC_ORIGIN' | 'DATABASE_URL' | 'YIYUN_SYSLOG_HOST' | 'YIYUN_SYSLOG_UDP_PORT' | 'YIYUN_SYSLOG_TCP_PORT' | 'YIYUN_SYSLOG_TLS_PORT'
    | 'YIYUN_SYSLOG_TLS_CERT' | 'YIYUN_LOG_INGEST_HTTP_PORT' | 'YIYUN_BASTION_SSH_PORT' | 'YIYUN_BASTION_SSH_HOST' | 'YIYUN_DBAUDIT_PG_LISTEN' | 'YIYUN_DBAUDIT_PG_UPSTREAM'
    | 'YIYUN_DBAUDIT_MYSQL_LISTEN' | 'YIYUN_DBAUDIT_MYSQL_UPSTREAM' | 'YIYUN_DBAUDIT_UPSTREAM_TLS'
  >;
  ca: Pick<CaService, 'verifyChain' | 'serviceIdentities'>;
  /** The estate's gatekeeper flows leaving or entering this zone (ferried as SM2-signed files). */
  ferryFlows(): Array<{ id: string; from: string; to: string }>;
  /** Handshake with an https origin; replaceable in tests. */
  handshake?: (url: URL, signal: AbortSignal) => Promise<HandshakeResult>;
  readFile?: (path: string) => string;
};

const LOOPBACK = /^(127\.|::1$|localhost$|\[::1\]$)/;
const isLoopback = (host: string) => LOOPBACK.test(host);
const hostOf = (hostPort: string) => hostPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
/** TLS 1.3's SM suite (RFC 8998) or a TLCP suite name: what a 国密 handshake negotiates. */
const GM_CIPHER = /SM4|ECC-SM|ECDHE-SM/i;

/** Node's own TLS client; OpenSSL 3.0 here speaks no TLCP, so a TLCP-only gateway shows as a failed handshake. */
export function nodeHandshake(url: URL, signal: AbortSignal): Promise<HandshakeResult> {
  if (signal.aborted) return Promise.resolve({ ok: false, error: 'aborted' });
  return new Promise((resolve) => {
    const sock = tls.connect({ host: url.hostname, port: Number(url.port || 443), servername: /^[\d.:]+$/.test(url.hostname) ? undefined : url.hostname, rejectUnauthorized: false, timeout: 5000 });
    const done = (r: HandshakeResult) => {
      sock.destroy();
      resolve(r);
    };
    signal.addEventListener('abort', () => done({ ok: false, error: 'aborted' }), { once: true });
    sock.once('secureConnect', () => {
      const peer = sock.getPeerX509Certificate();
      done({ ok: true, protocol: sock.getProtocol(), cipher: sock.getCipher().name, certificatePem: peer?.toString() ?? null });
    });
    sock.once('timeout', () => done({ ok: false, error: 'timed out' }));
    sock.once('error', (e) => done({ ok: false, error: e.message }));
  });
}

/** The channels of this deployment, from the settings, the certificates they name and a handshake with the public origin. */
export function transportFacts(deps: TransportFactsDeps) {
  const s = deps.settings;
  const read = deps.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const handshake = deps.handshake ?? nodeHandshake;

  async function keysOf(pem: string | null): Promise<{ keys: TransportChannel['keys']; certificate: Record<string, unknown> | null }> {
    if (!pem) return { keys: 'none', certificate: null };
    const own = await deps.ca.verifyChain(pem).catch(() => ({ valid: false, reason: 'not verifiable' }));
    let certificate: Record<string, unknown>;
    try {
      const x = new X509Certificate(pem);
      certificate = { subject: x.subject, issuer: x.issuer, validTo: x.validTo, keyType: x.publicKey.asymmetricKeyType ?? null, ourCa: own.valid, reason: own.reason };
    } catch (e) {
      certificate = { unreadable: (e as Error).message, ourCa: own.valid };
    }
    return { keys: own.valid ? 'own-ca' : 'other', certificate };
  }

  return async function channels(signal: AbortSignal): Promise<TransportChannel[]> {
    const out: TransportChannel[] = [];
    const plain = (name: string, what: string, carries: TransportChannel['carries'], host: string, detail: Record<string, unknown>): TransportChannel => ({
      name, what, carries, exposure: isLoopback(host) ? 'loopback' : 'network', protection: 'none', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none', detail,
    });

    // The API and console: plain HTTP in-process; TLS, if any, terminates in front (the WAF/gateway at the edge).
    const origin = s.YIYUN_PUBLIC_ORIGIN ? new URL(s.YIYUN_PUBLIC_ORIGIN) : null;
    if (origin?.protocol === 'https:') {
      const h = await handshake(origin, signal);
      if (h.ok) {
        const gm = GM_CIPHER.test(h.cipher);
        const k = await keysOf(h.certificatePem);
        out.push({ name: 'console-api', what: '控制台与 API（经边界网关）', carries: ['admin', 'data'], exposure: 'network', protection: h.protocol === 'TLCP' ? 'tlcp' : 'tls', confidentiality: true, integrity: true, peerAuth: h.certificatePem !== null, gm, keys: k.keys, detail: { origin: origin.origin, protocol: h.protocol, cipher: h.cipher, certificate: k.certificate } });
      } else {
        out.push({ name: 'console-api', what: '控制台与 API（经边界网关）', carries: ['admin', 'data'], exposure: 'network', protection: 'unverified', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none', detail: { origin: origin.origin, handshake: `标准 TLS 握手失败（${h.error}）；若网关只提供 TLCP，由测评现场核实` } });
      }
    } else if (origin || !isLoopback(s.HOST)) {
      out.push({ ...plain('console-api', '控制台与 API', ['admin', 'data'], origin?.hostname ?? s.HOST, { listen: `${s.HOST}:${s.PORT}`, origin: origin?.origin ?? null }), exposure: 'network' });
    } else {
      // Bound to loopback with no public origin declared: users reach it through a front yiyun is not told about.
      out.push({ name: 'console-api', what: '控制台与 API（仅本机监听，前置网关未声明）', carries: ['admin', 'data'], exposure: 'network', protection: 'unverified', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none', detail: { listen: `${s.HOST}:${s.PORT}`, origin: null, note: '设置 YIYUN_PUBLIC_ORIGIN=https://… 后可握手核实' } });
    }

    if (s.YIYUN_SYSLOG_UDP_PORT !== undefined) out.push(plain('syslog-udp', '日志接收 syslog/UDP', ['data'], s.YIYUN_SYSLOG_HOST, { port: s.YIYUN_SYSLOG_UDP_PORT }));
    if (s.YIYUN_SYSLOG_TCP_PORT !== undefined) out.push(plain('syslog-tcp', '日志接收 syslog/TCP', ['data'], s.YIYUN_SYSLOG_HOST, { port: s.YIYUN_SYSLOG_TCP_PORT }));
    if (s.YIYUN_SYSLOG_TLS_PORT !== undefined) {
      let pem: string | null = null;
      try {
        pem = s.YIYUN_SYSLOG_TLS_CERT ? read(s.YIYUN_SYSLOG_TLS_CERT) : null;
      } catch {
        pem = null;
      }
      const k = await keysOf(pem);
      // node:tls on OpenSSL 3.0: TLS 1.2/1.3 with the standard suites only (no TLCP, no RFC 8998 SM suite).
      out.push({ name: 'syslog-tls', what: '日志接收 syslog/TLS（RFC 5425）', carries: ['data'], exposure: isLoopback(s.YIYUN_SYSLOG_HOST) ? 'loopback' : 'network', protection: 'tls', confidentiality: true, integrity: true, peerAuth: pem !== null, gm: false, keys: k.keys, detail: { port: s.YIYUN_SYSLOG_TLS_PORT, implementation: 'node:tls (OpenSSL 3.0, TLS 1.2/1.3 standard suites)', certificate: k.certificate } });
    }
    if (s.YIYUN_LOG_INGEST_HTTP_PORT !== undefined) out.push(plain('log-ingest-http', '日志接收 HTTP NDJSON（令牌鉴别）', ['data'], s.YIYUN_SYSLOG_HOST, { port: s.YIYUN_LOG_INGEST_HTTP_PORT }));
    if (s.YIYUN_BASTION_SSH_PORT > 0) {
      const host = s.YIYUN_BASTION_SSH_HOST ?? s.HOST;
      out.push({ name: 'bastion-ssh', what: '堡垒机 SSH 运维通道', carries: ['admin'], exposure: isLoopback(host) ? 'loopback' : 'network', protection: 'ssh', confidentiality: true, integrity: true, peerAuth: true, gm: false, keys: 'other', detail: { listen: `${host}:${s.YIYUN_BASTION_SSH_PORT}`, implementation: 'ssh2 (curve25519/ECDH, AES-GCM/ChaCha20, Ed25519 host key generated locally; no SM algorithms)' } });
    }
    for (const [name, listen, upstream] of [['dbaudit-pg', s.YIYUN_DBAUDIT_PG_LISTEN, s.YIYUN_DBAUDIT_PG_UPSTREAM], ['dbaudit-mysql', s.YIYUN_DBAUDIT_MYSQL_LISTEN, s.YIYUN_DBAUDIT_MYSQL_UPSTREAM]] as const) {
      if (!listen) continue;
      const mode = s.YIYUN_DBAUDIT_UPSTREAM_TLS;
      out.push({
        name: `${name}-upstream`, what: '数据库审计代理 → 数据库', carries: ['data'], exposure: isLoopback(hostOf(upstream)) ? 'loopback' : 'network',
        protection: mode === 'require' ? 'tls' : mode === 'prefer' ? 'unverified' : 'none', confidentiality: mode === 'require', integrity: mode === 'require', peerAuth: false, gm: false, keys: 'none',
        detail: { listen, upstream, upstreamTls: mode, note: '上游证书不校验（rejectUnauthorized=false）' },
      });
    }
    if (s.DATABASE_URL) {
      const u = new URL(s.DATABASE_URL);
      const mode = u.searchParams.get('sslmode') ?? 'disable';
      const on = ['require', 'verify-ca', 'verify-full'].includes(mode);
      out.push({ name: 'database', what: '控制面 → PostgreSQL', carries: ['data'], exposure: isLoopback(u.hostname) ? 'loopback' : 'network', protection: on ? 'tls' : 'none', confidentiality: on, integrity: on, peerAuth: mode.startsWith('verify'), gm: false, keys: mode.startsWith('verify') ? 'other' : 'none', detail: { host: u.hostname, sslmode: mode } });
    } else {
      out.push({ name: 'database', what: '控制面 → 内嵌数据库（同进程）', carries: ['data'], exposure: 'in-process', protection: 'none', confidentiality: false, integrity: false, peerAuth: false, gm: false, keys: 'none', detail: { engine: 'PGlite' } });
    }
    const flows = deps.ferryFlows();
    if (flows.length) {
      const ferry = (await deps.ca.serviceIdentities()).some((i) => i.name === 'ferry');
      out.push({ name: 'gatekeeper-ferry', what: '网闸摆渡文件（SM2 签名、SM3 摘要）', carries: ['data'], exposure: 'network', protection: 'signed-file', confidentiality: false, integrity: true, peerAuth: true, gm: true, keys: ferry ? 'own-ca' : 'other', detail: { flows, signerCertifiedByZoneCa: ferry } });
    }
    return out;
  };
}
