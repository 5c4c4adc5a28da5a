// A log-audit ingest process for the kill -9 test: HTTP bulk listener over the database in DATABASE_URL, writing
// batches with COPY as `yiyun run log-audit` does.
import { openDatabase } from '../../../../core/db';
import { createLogAudit } from '../../log-audit';

async function main(): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL! });
  const la = createLogAudit({ db: database.db, audit: { record: async () => ({ seq: 0, hash: '' }) }, tenants: { exists: async () => true }, writers: 2, batchSize: 500, copyUrl: process.env.DATABASE_URL, parseWorker: true });
  await la.init();
  const l = await la.start({ host: '127.0.0.1', httpPort: 0, tcpPort: 0 });
  process.stdout.write(`${JSON.stringify({ http: l.http, tcp: l.tcp })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
