import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, Server, utils as sshUtils, type AuthenticationType, type ClientChannel, type Connection, type PublicKeyAuthContext, type ServerChannel } from 'ssh2';
import { randomToken } from '../../core/crypto';
import type { Logger } from '../../core/log';
import { createRecorder, type Recorder } from './asciicast-fns';
import type { BastionAccess } from './bastion-access';
import type { BastionService, LoginFactor, Operator, OperatorDirectory, ResolvedTarget } from './bastion-service';
import { createLineTracker, stripAnsi } from './command-filter-fns';
import { createSftpFramer, createSftpWatcher } from './sftp-fns';

export type SshGatewayOptions = {
  host: string;
  port: number;
  hostKey: string | Buffer;
  service: Pick<BastionService, 'resolveTarget' | 'startSession' | 'endSession' | 'judgeCommand' | 'recordTransfer' | 'pinHostKey' | 'live' | 'recordLoginRefused'>;
  operators: Pick<OperatorDirectory, 'verifyLogin' | 'findByLogin'>;
  /** Registered operator keys and the gateway's login ACLs (admin source ranges, MAC rules); without it: password only, no ACLs. */
  access?: Pick<BastionAccess, 'findOperatorKey' | 'keyUsed' | 'loginGate'>;
  recordingsDir: string;
  logger: Logger;
  maxRecordingBytes?: number;
};

/** `login/account@asset`: the yiyun login, then which account on which asset (login ids may be e-mail addresses). */
export function parseGatewayUser(user: string): { loginId: string; account: string; asset: string } | null {
  const slash = user.indexOf('/');
  if (slash <= 0) return null;
  const rest = user.slice(slash + 1);
  const at = rest.lastIndexOf('@');
  if (at <= 0 || at === rest.length - 1) return null;
  return { loginId: user.slice(0, slash), account: rest.slice(0, at), asset: rest.slice(at + 1) };
}

// OpenSSH's `SHA256:` fingerprint (what `ssh-keygen -lf` prints), so admins can compare a pinned key by eye.
// This is SSH interop, not a 国密 primitive, hence node:crypto here.
const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('base64').replace(/=+$/, '');

/** The SSH gateway: operators log in with a password or a registered key, then an OTP; reach granted asset accounts, and are recorded. */
export function createSshGateway(opts: SshGatewayOptions) {
  const { service, logger } = opts;
  const clients = new Set<Connection>();

  function connectUpstream(target: ResolvedTarget): Promise<Client> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      let pinned = target.asset.host_key_sha256;
      c.once('ready', () => resolve(c));
      c.once('error', reject);
      c.connect({
        host: target.asset.address,
        port: target.asset.port,
        username: target.account.username,
        ...(target.account.auth_kind === 'key' ? { privateKey: target.secret } : { password: target.secret }),
        readyTimeout: 10_000,
        keepaliveInterval: 30_000,
        // The gateway pins each target's host key: the first key seen is pinned (audited), any other refused.
        hostVerifier: (key: Buffer) => {
          const fp = fingerprint(key);
          if (!pinned) {
            pinned = fp;
            void service.pinHostKey(target.asset.id, fp).catch((err: unknown) => logger.error({ err }, 'pinning a host key failed'));
            return true;
          }
          return fp === pinned;
        },
      });
    });
  }

  function handleClient(client: Connection, ip: string | null) {
    clients.add(client);
    let who: ReturnType<typeof parseGatewayUser> = null;
    let operator: Operator | null = null;
    // The first factor and the user name it was proven for: a later request under another name starts over.
    let firstFactor: (LoginFactor & { keyId?: string }) | null = null;
    let factorFor: string | null = null;
    let upstream: Promise<Client> | null = null;
    let upstreamTarget: ResolvedTarget | null = null;
    const channels = new Set<() => void>();

    client.on('error', (err) => logger.debug({ err }, 'bastion client error'));
    client.on('close', () => {
      clients.delete(client);
      for (const end of channels) end();
      void upstream?.then((u) => u.end()).catch(() => {});
    });

    const ALL_METHODS: AuthenticationType[] = opts.access ? ['publickey', 'keyboard-interactive', 'password'] : ['keyboard-interactive', 'password'];
    // A registered key only proves the first factor: it earns a partial success, and the OTP prompt follows.
    async function checkKey(ctx: PublicKeyAuthContext, loginId: string) {
      const op = opts.access ? await opts.operators.findByLogin(loginId) : null;
      const key = op ? await opts.access!.findOperatorKey(op.accountId, ctx.key.algo, ctx.key.data) : null;
      if (!op || !key) return ctx.reject(ALL_METHODS);
      // No signature: the client asks whether this key would do (SSH_MSG_USERAUTH_PK_OK); that logs nobody in.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      const parsed = sshUtils.parseKey(key.public_key);
      const pub = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!pub || pub instanceof Error || pub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        void service.recordLoginRefused(ctx.username, ip, 'public key signature did not verify');
        return ctx.reject(ALL_METHODS);
      }
      firstFactor = { kind: 'publickey', accountId: op.accountId, fingerprint: key.fingerprint_sha256, keyId: key.id };
      factorFor = ctx.username;
      ctx.reject(['keyboard-interactive'], true);
    }

    client.on('authentication', (ctx) => {
      who = parseGatewayUser(ctx.username);
      if (!who) {
        void service.recordLoginRefused(ctx.username, ip, 'user name is not login/account@asset');
        return ctx.reject();
      }
      if (factorFor !== null && factorFor !== ctx.username) {
        firstFactor = null;
        factorFor = null;
      }
      if (ctx.method === 'password') {
        // Password first, then the OTP by keyboard-interactive (partial success).
        firstFactor = { kind: 'password', password: ctx.password };
        factorFor = ctx.username;
        return ctx.reject(['keyboard-interactive'], true);
      }
      if (ctx.method === 'publickey') {
        const loginId = who.loginId;
        return void checkKey(ctx, loginId).catch((err: unknown) => {
          logger.error({ err }, 'bastion key check failed');
          ctx.reject();
        });
      }
      if (ctx.method !== 'keyboard-interactive') return ctx.reject(ALL_METHODS);
      const first = firstFactor;
      const prompts = first ? [{ prompt: 'OTP (动态口令): ', echo: true }] : [{ prompt: 'Password (密码): ', echo: false }, { prompt: 'OTP (动态口令): ', echo: true }];
      ctx.prompt(prompts, 'yiyun bastion', (answers) => {
        const factor: LoginFactor = first ? (first.kind === 'password' ? { kind: 'password', password: first.password } : { kind: 'publickey', accountId: first.accountId, fingerprint: first.fingerprint }) : { kind: 'password', password: answers[0] ?? '' };
        const otp = (first ? answers[0] : answers[1]) ?? '';
        const access = opts.access;
        opts.operators
          .verifyLogin({ loginId: who!.loginId, factor, otp: otp.trim(), sourceIp: ip, gate: access ? (op) => access.loginGate(op, ip) : undefined })
          .then((op) => {
            if (!op) return ctx.reject();
            operator = op;
            if (first?.keyId) void access?.keyUsed(first.keyId).catch(() => {});
            ctx.accept();
          })
          .catch((err: unknown) => {
            logger.error({ err }, 'bastion login check failed');
            ctx.reject();
          });
      });
    });

    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let pty: { term: string; cols: number; rows: number } | null = null;
        let upChannel: ClientChannel | null = null;
        let recorder: Recorder | null = null;
        session.on('pty', (accept, _reject, info) => {
          pty = { term: info.term, cols: info.cols, rows: info.rows };
          accept?.();
        });
        session.on('env', (accept) => accept?.());
        session.on('window-change', (accept, _reject, info) => {
          if (pty) Object.assign(pty, { cols: info.cols, rows: info.rows });
          upChannel?.setWindow(info.rows, info.cols, info.height, info.width);
          recorder?.resize(info.cols, info.rows);
          accept?.();
        });
        session.on('signal', (accept, _reject, info) => {
          upChannel?.signal(info.name);
          accept?.();
        });
        // Accept at once and connect upstream afterwards (OpenSSH sends EOF at once when stdin is empty).
        const start = (ch: ServerChannel, kind: 'shell' | 'exec' | 'sftp', command: string | null) =>
          run(ch, kind, command).catch((err: unknown) => {
            logger.error({ err }, 'bastion session failed');
            try {
              ch.stderr.write('yiyun: internal error\r\n');
              ch.exit(1);
              ch.end();
            } catch {
              /* channel gone */
            }
          });
        session.on('shell', (accept) => void start(accept(), 'shell', null));
        session.on('exec', (accept, _reject, info) => void start(accept(), 'exec', info.command));
        session.on('subsystem', (accept, reject, info) => (info.name === 'sftp' ? void start(accept(), 'sftp', null) : reject?.()));

        async function run(ch: ServerChannel, kind: 'shell' | 'exec' | 'sftp', command: string | null) {
          const op = operator!;
          const fail = (msg: string, code = 1) => {
            ch.stderr.write(`yiyun: ${msg}\r\n`);
            ch.exit(code);
            ch.end();
          };
          let target: ResolvedTarget;
          try {
            target = await service.resolveTarget(op, ip, who!.asset, who!.account, kind);
          } catch (e) {
            return fail((e as Error).message);
          }
          const recordingFile = kind === 'sftp' ? null : `${cryptoRandomName()}.cast`;
          const row = await service.startSession(op, ip, target, kind, command, recordingFile);
          let finished = false;
          let exitCode: number | null = null;
          let endReason = 'ended';
          const finish = async () => {
            if (finished) return;
            finished = true;
            channels.delete(abort);
            const r = recorder ? await recorder.close() : { bytes: 0, searchText: '' };
            await service.endSession(op, ip, row, { reason: endReason, exitCode, recordingBytes: r.bytes, searchText: [command ?? '', r.searchText].join('\n') }).catch((err: unknown) => logger.error({ err }, 'ending a bastion session failed'));
          };
          const abort = () => {
            endReason = endReason === 'ended' ? 'client disconnected' : endReason;
            upChannel?.close();
            void finish();
          };
          channels.add(abort);
          service.live.set(row.id, {
            kill: (reason) => {
              endReason = reason;
              try {
                ch.stderr.write(`\r\nyiyun: this session was ended by an administrator\r\n`);
                ch.exit(255);
                ch.close();
              } catch {
                /* already closed */
              }
              upChannel?.close();
              client.end();
              void finish();
            },
          });

          if (kind === 'exec' && command !== null) {
            const d = await service.judgeCommand(op, ip, row, command);
            if (d.verdict !== 'allowed') {
              endReason = d.verdict === 'denied' ? 'command denied' : 'command needs approval';
              fail(d.verdict === 'denied' ? `command refused by rule "${d.rule?.name}"` : `command needs approval (request ${d.approvalId}); run it again once approved`, 126);
              return void finish();
            }
          }
          if (recordingFile) {
            recorder = createRecorder(path.join(opts.recordingsDir, recordingFile), { width: pty?.cols ?? 80, height: pty?.rows ?? 24, timestamp: Math.floor(Date.now() / 1000), title: `${op.loginId} → ${target.account.username}@${target.asset.name}`, env: { TERM: pty?.term ?? 'xterm', SHELL: '/bin/sh' } }, target.asset.encoding, opts.maxRecordingBytes);
          }
          try {
            if (!upstream || upstreamTarget?.account.id !== target.account.id) {
              upstreamTarget = target;
              upstream = connectUpstream(target);
            }
            const conn = await upstream;
            upChannel = await new Promise<ClientChannel>((resolve, reject) => {
              const cb = (err: Error | undefined, c: ClientChannel) => (err ? reject(err) : resolve(c));
              if (kind === 'shell') conn.shell(pty ? { term: pty.term, cols: pty.cols, rows: pty.rows } : false, cb);
              else if (kind === 'exec') conn.exec(command!, pty ? { pty: { term: pty.term, cols: pty.cols, rows: pty.rows } } : {}, cb);
              else conn.subsys('sftp', cb);
            });
          } catch (e) {
            upstream = null;
            endReason = 'target unreachable';
            fail(`cannot reach ${target.asset.name}: ${(e as Error).message}`);
            return void finish();
          }
          if (finished) return void upChannel.close();
          const up = upChannel;
          up.on('exit', (code: number | null) => {
            exitCode = typeof code === 'number' ? code : null;
          });
          up.on('close', () => {
            if (!finished) {
              try {
                if (exitCode !== null) ch.exit(exitCode);
                ch.end();
              } catch {
                /* client already gone */
              }
            }
            void finish();
          });
          ch.on('close', () => {
            up.close();
            void finish();
          });
          up.stderr.on('data', (d: Buffer) => {
            ch.stderr.write(d);
            recorder?.output(d);
          });

          if (kind === 'sftp') {
            const watcher = createSftpWatcher((t) => void service.recordTransfer(op, ip, row, { ...t, protocol: 'sftp' }).catch((err: unknown) => logger.error({ err }, 'logging a transfer failed')));
            const fromClient = createSftpFramer(watcher.fromClient);
            const fromServer = createSftpFramer(watcher.fromServer);
            ch.on('data', fromClient);
            up.on('data', fromServer);
            up.on('close', () => watcher.flush());
            ch.pipe(up);
            // The exit status must go out before the channel ends: end it ourselves on upstream close.
            up.pipe(ch, { end: false });
            return;
          }
          if (kind === 'exec') {
            ch.on('data', (d: Buffer) => recorder?.input(d));
            // The recording is a second destination of the same pipe: a file that falls behind pauses the target.
            if (recorder) up.pipe(recorder.outputStream(), { end: false });
            ch.pipe(up);
            // The exit status must go out before the channel ends: end it ourselves on upstream close.
            up.pipe(ch, { end: false });
            return;
          }
          // Interactive shell: what is typed is judged when Enter is pressed; the echoed line backs up the typed one.
          const tracker = createLineTracker();
          let screenLine = '';
          up.on('data', (d: Buffer) => {
            ch.write(d);
            recorder?.output(d);
            const s = stripAnsi(d.toString('utf8'));
            const nl = Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r\n'));
            screenLine = (nl >= 0 ? s.slice(nl + 1) : screenLine + s).slice(-4000);
          });
          let queue = Promise.resolve();
          ch.on('data', (d: Buffer) => {
            recorder?.input(d);
            queue = queue.then(() => typed(d.toString('utf8')));
          });
          ch.on('end', () => up.end());
          const typed = async (s: string) => {
            let from = 0;
            for (let i = 0; i < s.length; i++) {
              const c = s[i]!;
              if (c !== '\r' && c !== '\n') {
                tracker.feed(c);
                continue;
              }
              const { line, uncertain } = tracker.take();
              // The prompt precedes the echoed command on the screen line; judge what follows `$ ` or `# `.
              const echoed = uncertain ? screenLine.replace(/^.*?[$#>] /, '') : '';
              const d = line.trim() || echoed.trim() ? await service.judgeCommand(op, ip, row, line.trim() ? line : echoed, echoed && echoed !== line ? [echoed] : []) : null;
              if (d && d.verdict !== 'allowed') {
                if (i > from) up.write(s.slice(from, i));
                // Ctrl-C makes the shell drop the line; the rest of this input (a paste) is dropped with it.
                up.write('\x03');
                const msg = d.verdict === 'denied' ? `command refused by rule "${d.rule?.name}"` : `command needs approval (request ${d.approvalId}); type it again once approved`;
                ch.write(`\r\n\x1b[31myiyun: ${msg}\x1b[0m\r\n`);
                recorder?.output(Buffer.from(`\r\nyiyun: ${msg}\r\n`));
                return;
              }
              up.write(s.slice(from, i + 1));
              from = i + 1;
            }
            if (from < s.length) up.write(s.slice(from));
          };
        }
      });
    });
  }

  const server = new Server({ hostKeys: [opts.hostKey], ident: 'yiyun-bastion' }, (client, info) => handleClient(client, info.ip ?? null));
  server.on('error', (err: Error) => logger.error({ err }, 'bastion listener error'));

  return {
    async listen(): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      for (const h of [...service.live.values()]) h.kill('gateway stopping');
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function cryptoRandomName(): string {
  return `${Date.now().toString(36)}-${randomToken(16).replace(/[^A-Za-z0-9]/g, 'x')}`;
}
