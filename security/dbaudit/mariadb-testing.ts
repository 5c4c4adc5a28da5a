import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../../test/support/free-port';

export type TestMariadb = { port: number; cert: string; stop(): Promise<void> };

/** A self-signed P-256 certificate for 127.0.0.1 (subjectAltName IP, so clients can verify it by pinning it as CA). */
export function loopbackCert(dir: string, cn: string): { key: string; cert: string } {
  const key = path.join(dir, `${cn}-key.pem`);
  const cert = path.join(dir, `${cn}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/**
 * A throw-away MariaDB server with TLS on a loopback port (data, socket, certificate and log in a temp dir; root
 * with an empty password): the shared one on 3306 has no TLS configured, and the TLS path of the MySQL proxy has to
 * meet a real server that offers it.
 */
export async function startTestMariadb(): Promise<TestMariadb> {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-mariadb-'));
  const { cert } = loopbackCert(dir, 'mariadb');
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'ignore' });
  const port = await freePort();
  const child = spawn('mariadbd', ['--no-defaults', `--datadir=${dir}/data`, '--user=root', `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${dir}/sock`, `--pid-file=${dir}/pid`,
    `--ssl-cert=${dir}/mariadb-cert.pem`, `--ssl-key=${dir}/mariadb-key.pem`, '--skip-log-bin', '--character-set-server=utf8mb4', '--innodb-buffer-pool-size=16M', '--performance-schema=off', `--log-error=${dir}/error.log`], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' }).catch(() => null);
    if (c) {
      await c.query('create database if not exists test');
      await c.end();
      break;
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      const log = existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, 'utf8').slice(-600) : '';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the test MariaDB did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    cert,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
