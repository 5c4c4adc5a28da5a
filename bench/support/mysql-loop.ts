/**
 * Child process of the DB-audit benchmark (the MySQL counterpart of pgbench): 8 mysql2 connections run a prepared
 * `select ? + 1` in a loop for `seconds`; prints the statements per second. A process of its own, like pgbench, so
 * the client's work does not share the proxy's event loop. Usage: mysql-loop.ts <port> <seconds>
 */
import mysql from 'mysql2/promise';

async function main() {
  const port = Number(process.argv[2]);
  const seconds = Number(process.argv[3]);
  const conns = await Promise.all(Array.from({ length: 8 }, () => mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: 'test' })));
  const end = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    conns.map(async (c) => {
      while (Date.now() < end) {
        await c.execute('select ? + 1 as x', [n]);
        n++;
      }
    }),
  );
  await Promise.all(conns.map((c) => c.end()));
  process.stdout.write(`rate ${n / seconds}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
