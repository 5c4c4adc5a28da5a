import { createHash } from 'node:crypto';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { RemoteStore } from './archive-service';

export type SftpTarget = {
  host: string;
  port: number;
  username: string;
  privateKey?: Buffer | string;
  password?: string;
  /** Remote directory the archives go into (created if missing). */
  directory: string;
  /** SHA-256 of the server's host key (hex); pinned: a different key refuses the connection. */
  hostKeySha256?: string;
};

async function withSftp<T>(t: SftpTarget, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
  const client = new Client();
  const cfg: ConnectConfig = { host: t.host, port: t.port, username: t.username, privateKey: t.privateKey, password: t.password, readyTimeout: 10_000 };
  if (t.hostKeySha256) cfg.hostVerifier = (key: Buffer) => createHash('sha256').update(key).digest('hex') === t.hostKeySha256;
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect(cfg);
  });
  try {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    return await fn(sftp);
  } finally {
    client.end();
  }
}

/** Archives shipped to an SFTP server (ssh2). Each file is written under a temporary name and renamed when complete. */
export function sftpStore(t: SftpTarget): RemoteStore {
  const remote = (name: string) => `${t.directory.replace(/\/$/, '')}/${name}`;
  return {
    describe: () => `sftp://${t.username}@${t.host}:${t.port}${t.directory}`,
    put: (name, data) =>
      withSftp(t, async (sftp) => {
        await new Promise<void>((r) => sftp.mkdir(t.directory, () => r()));
        const tmp = `${remote(name)}.part`;
        await new Promise<void>((resolve, reject) => sftp.writeFile(tmp, data, (err) => (err ? reject(err) : resolve())));
        await new Promise<void>((r) => sftp.unlink(remote(name), () => r()));
        await new Promise<void>((resolve, reject) => sftp.rename(tmp, remote(name), (err) => (err ? reject(err) : resolve())));
      }),
    get: (name) => withSftp(t, (sftp) => new Promise<Buffer>((resolve, reject) => sftp.readFile(remote(name), (err, buf) => (err ? reject(err) : resolve(buf))))),
  };
}
