import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { freePort } from '../../test/support/free-port';

export { freePort };

export type TestSshd = { port: number; user: string; privateKey: string; rootPrivateKey: string | null; stop(): Promise<void> };

/** `rootKey`: root may log in with a generated key (password-change jobs run chpasswd as root); `passwordAuth`: password logins allowed. */
export type TestSshdOptions = { rootKey?: boolean; passwordAuth?: boolean };

/**
 * sshd on `port`, or null when it exited (the port was taken). Started means: its pid file is written (sshd does that
 * once it listens) and OpenSSH's own banner answers (a gateway in another test speaks SSH too).
 */
async function startSshdOn(dir: string, port: number, opts: TestSshdOptions, rootLogin: boolean): Promise<ChildProcess | null> {
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${dir}/host_ed25519`, `PidFile ${dir}/sshd.pid`, `AuthorizedKeysFile ${dir}/%u.keys`, 'StrictModes no', 'UsePAM no', `PasswordAuthentication ${opts.passwordAuth ? 'yes' : 'no'}`, 'KbdInteractiveAuthentication no', `PermitRootLogin ${rootLogin ? 'prohibit-password' : 'no'}`, 'Subsystem sftp internal-sftp', 'MaxSessions 300', 'MaxStartups 300'].join('\n') + '\n',
  );
  const child = spawn('/usr/sbin/sshd', ['-D', '-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 5000;
  while (!exited) {
    if (existsSync(path.join(dir, 'sshd.pid')) && (await sshBanner(port))) return exited ? null : child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('sshd did not start within 5 s');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

/** Whether OpenSSH answers on the port with its banner (`SSH-2.0-OpenSSH_…`). */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(1000, () => done(false));
    s.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-2.0-OpenSSH')));
    s.once('error', () => done(false));
    s.once('end', () => done(false));
  });
}

/**
 * A real OpenSSH server on a loopback port with its own host key, config, pid and log in a temp dir, and a
 * throw-away system user (created with useradd, removed by stop) that logs in with a generated key.
 */
export async function startTestSshd(opts: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-sshd-'));
  // sshd reads the authorized keys as the user: the directory must be traversable.
  chmodSync(dir, 0o755);
  const user = `yyb${process.pid.toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.slice(0, 16);
  // `*` (no password, not locked): with UsePAM no, OpenSSH refuses a locked (`!`) account even for keys.
  execFileSync('useradd', ['-m', '-s', '/bin/bash', '-p', '*', user]);
  const kp = sshUtils.generateKeyPairSync('ed25519');
  writeFileSync(path.join(dir, `${user}.keys`), `${kp.public}\n`, { mode: 0o644 });
  const rootKp = opts.rootKey ? sshUtils.generateKeyPairSync('ed25519') : null;
  if (rootKp) writeFileSync(path.join(dir, 'root.keys'), `${rootKp.public}\n`, { mode: 0o644 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_ed25519')]);
  mkdirSync('/run/sshd', { recursive: true });
  // The port is free when chosen but may be taken before sshd binds it (other tests start servers meanwhile):
  // then sshd exits, and whatever holds the port would answer a bare connect. A lost race starts again on another port.
  let port = 0;
  let running: ChildProcess | null = null;
  for (let attempt = 1; !running; attempt++) {
    if (attempt > 5) throw new Error('sshd could not bind a free port in 5 attempts');
    port = await freePort();
    running = await startSshdOn(dir, port, opts, rootKp !== null);
  }
  return {
    port,
    user,
    privateKey: kp.private,
    rootPrivateKey: rootKp?.private ?? null,
    stop: async () => {
      running.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
      try {
        execFileSync('pkill', ['-KILL', '-u', user]);
      } catch {
        /* no processes left */
      }
      try {
        execFileSync('userdel', ['-r', '-f', user], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
