/**
 * Child process of the bastion benchmark: opens idle interactive sessions through the gateway (operators given on
 * stdin as JSON lines, each connection carrying `perConnection` pty shells) and prints `ready <n>`; exits when its
 * stdin closes. Kept out of the gateway's process so the clients' memory is not counted as the gateway's.
 */
import { createInterface } from 'node:readline';
import { Client } from 'ssh2';
import { totpAt } from '../../core/crypto';

type Login = { port: number; user: string; password: string; secret: string; perConnection: number };

function connect(l: Login): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    // The next TOTP step: the enrolment used the current one, and a step is good once.
    c.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map((p) => (/OTP/.test(p.prompt) ? totpAt({ secretBase32: l.secret }, Date.now() + 30_000) : l.password))));
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', port: l.port, username: l.user, tryKeyboard: true, readyTimeout: 60_000 });
  });
}

async function main() {
  const clients: Client[] = [];
  let sessions = 0;
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const l = JSON.parse(line) as Login;
    const c = await connect(l);
    clients.push(c);
    for (let i = 0; i < l.perConnection; i++) {
      await new Promise<void>((resolve, reject) =>
        c.shell({ term: 'xterm', cols: 80, rows: 24 }, (err, ch) => {
          if (err) return reject(err);
          ch.on('data', () => {});
          ch.stderr.on('data', () => {});
          // Wait for the first prompt byte: the session is up end to end.
          ch.once('data', () => resolve());
        }),
      );
      sessions++;
    }
    process.stdout.write(`ready ${sessions}\n`);
  }
  for (const c of clients) c.end();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
