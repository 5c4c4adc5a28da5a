import type { Settings } from '../../core/config';
import { createAuditTrail, loadOrCreateSigningKey } from '../../core/audit';
import { runMigrations } from '../../core/db';
import { verifyingSigner } from '../server/audit-signer';
import { allModules, openConfiguredDatabase } from '../server/context';

/** `yiyun audit verify`: 0 when the chain is intact, 3 when it is broken (naming the first bad record). */
export async function auditVerifyCommand(settings: Settings, opts: { json: boolean }, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const database = await openConfiguredDatabase(settings);
  try {
    // Refuses a database ahead of this code, like serve does; on a fresh one it creates the empty trail.
    await runMigrations(database.db, allModules());
    // Checkpoints with an envelope are checked through the audit-signer certificate chain to the zone root;
    // older ones through the key file, which is the same key pair (docs/crypto.md, key continuity).
    const signer = verifyingSigner(database.db, loadOrCreateSigningKey(settings.YIYUN_DATA_DIR), settings.YIYUN_ZONE);
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
