import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../core/config';
import { auditModule, createAuditTrail, loadSigningKey, signingKeyPath } from '../../core/audit';
import { migrationStatus } from '../../core/db';
import { verifyingSigner } from '../server/audit-signer';
import { openConfiguredDatabase } from '../server/context';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Exit code when there is nothing to verify (no database, no audit schema, no signing key). */
export const VERIFY_NOT_SET_UP = 2;

/**
 * `yiyun audit verify`: 0 when the chain is intact, 3 when it is broken (naming the first bad record), 2 when there
 * is no trail to verify. Strictly read-only: it never migrates, never creates a signing key, never opens an empty
 * data dir as a new database — a verifier that can write is not evidence.
 */
export async function auditVerifyCommand(settings: Settings, opts: { json: boolean }, io: Io): Promise<number> {
  const notSetUp = (message: string) => {
    if (opts.json) io.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    io.stderr.write(`audit verify: ${message}\n`);
    return VERIFY_NOT_SET_UP;
  };
  const pgdata = path.resolve(settings.YIYUN_DATA_DIR, 'pgdata');
  if (!settings.DATABASE_URL && !existsSync(pgdata)) return notSetUp(`no embedded database at ${pgdata}; point YIYUN_DATA_DIR at a yiyun data dir or set DATABASE_URL`);
  const keySigner = loadSigningKey(settings.YIYUN_DATA_DIR);
  if (!keySigner) return notSetUp(`no audit signing key at ${signingKeyPath(settings.YIYUN_DATA_DIR)}; the checkpoints cannot be checked without the zone's key (YIYUN_DATA_DIR)`);
  const database = await openConfiguredDatabase(settings);
  try {
    const [status] = await migrationStatus(database.db, [auditModule()]);
    if (!status || status.applied === 0) return notSetUp(`the database ${database.description} has no audit trail (the audit schema was never created); run yiyun serve on it first`);
    if (status.pending.length) return notSetUp(`the database's audit schema is behind this version (pending migrations ${status.pending.join(', ')}); let yiyun serve migrate it first`);
    // Checkpoints with an envelope are checked through the audit-signer certificate chain to the zone root;
    // older ones through the key file, which is the same key pair (docs/crypto.md, key continuity).
    const signer = verifyingSigner(database.db, keySigner, settings.YIYUN_ZONE);
    const trail = createAuditTrail({ db: database.db, signer, checkpointEvery: settings.YIYUN_AUDIT_CHECKPOINT_EVERY });
    const r = await trail.verify();
    if (opts.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) io.stdout.write(`audit trail intact: ${r.records} records, ${r.checkpoints} signed checkpoints, last record ${r.lastSeq}\n`);
    else io.stderr.write(`audit trail BROKEN at record ${r.firstBad!.seq}: ${r.firstBad!.reason}\n`);
    return r.ok ? 0 : 3;
  } finally {
    await database.close();
  }
}
