import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createAuditTrail, loadOrCreateSigningKey } from '../../core/audit';
import { systemActor } from '../../core/authz';
import type { Settings } from '../../core/config';
import { runMigrations, type Database } from '../../core/db';
import { createLogger, type Logger } from '../../core/log';
import { BACKUP_POLICIES_FILE } from '../../infra/k8s/backup-policies-file';
import { cinder, nova } from '../cloud/driver/openstack/openstack-api';
import { createOpenStackClient } from '../cloud/driver/openstack/openstack-client';
import { allModules, openConfiguredDatabase } from '../server/context';
import { policiesFileSchema, type BackupPolicy } from './backup-fns';
import { runBackupPolicy, type BackupEvent, type BackupRunResult } from './backup-run';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Where the CronJob mounts the `backup-policies` ConfigMap (infra/k8s/backup-jobs.ts). */
export const DEFAULT_POLICIES_FILE = BACKUP_POLICIES_FILE;

export type BackupRunCliOptions = { policy: string; zone?: string; policies?: string; dryRun?: boolean; json?: boolean; waitMinutes?: number };
/** Injectable for tests: the environment the credential comes from, the clock, the poll interval. */
export type BackupRunDeps = { env?: NodeJS.ProcessEnv; now?: () => Date; pollMs?: number; waitMs?: number; logger?: Logger };

/** The OpenStack application credential, as the `openstack` CLI reads it from the environment. */
const credentialEnvSchema = z.object({
  OS_AUTH_URL: z.string().url(),
  OS_APPLICATION_CREDENTIAL_ID: z.string().min(1),
  OS_APPLICATION_CREDENTIAL_SECRET: z.string().min(1),
  OS_REGION_NAME: z.string().min(1),
  OS_INTERFACE: z.enum(['public', 'internal', 'admin']).default('public'),
});

/** Reads and checks the policies file; the message names the file and the offending entry, never a secret. */
export function readPolicy(file: string, name: string): BackupPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the backup policies file ${file}: ${(err as Error).message}`);
  }
  const parsed = policiesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${file} is not a list of backup policies: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const policy = parsed.data.find((p) => p.name === name);
  if (!policy) throw new Error(`no backup policy "${name}" in ${file} (declared: ${parsed.data.map((p) => p.name).join(', ') || 'none'})`);
  return policy;
}

/**
 * Where each created or deleted backup is recorded: the audit trail (system actor `system:backup-run`) when
 * DATABASE_URL names the control plane's PostgreSQL, else one structured log line each. Without a database we
 * never open the embedded one: a CronJob's data dir is an emptyDir, so a trail there would vanish with the pod.
 */
async function openRecorder(settings: Settings, logger: Logger, dryRun: boolean): Promise<{ record: (e: BackupEvent) => Promise<void>; sink: string; close: () => Promise<void> }> {
  const log = async (e: BackupEvent) => {
    // `name` would collide with pino's logger name: the backup's name goes out as backupName.
    const { name: backupName, ...detail } = e.detail;
    logger[e.outcome === 'success' ? 'info' : 'warn']({ event: e.action, outcome: e.outcome, backupId: e.backupId, backupName, ...detail }, e.action);
  };
  if (!settings.DATABASE_URL || dryRun) return { record: log, sink: dryRun ? 'none (dry run)' : 'log', close: async () => undefined };
  const database: Database = await openConfiguredDatabase(settings);
  try {
    await runMigrations(database.db, allModules());
  } catch (err) {
    await database.close();
    throw err;
  }
  const trail = createAuditTrail({ db: database.db, signer: loadOrCreateSigningKey(settings.YIYUN_DATA_DIR), checkpointEvery: settings.YIYUN_AUDIT_CHECKPOINT_EVERY, logger });
  const actor = systemActor('backup-run');
  return {
    sink: 'audit trail',
    record: async (e) => {
      await trail.record({ actor, action: e.action, outcome: e.outcome, target: { type: 'estate_backup', id: e.backupId }, detail: e.detail });
      await log(e);
    },
    close: () => database.close(),
  };
}

/**
 * `yiyun backup run --policy <name> [--zone Z] [--policies FILE] [--dry-run] [--json]`: runs one declared backup
 * policy against the zone's Cinder with the application credential in OS_* variables. Exit 0 when every volume was
 * backed up and every expired backup deleted, 2 when any of them failed, 1 when the run could not start.
 */
export async function backupRunCommand(settings: Settings, opts: BackupRunCliOptions, io: Io, deps: BackupRunDeps = {}): Promise<number> {
  // Log lines go to stderr so that stdout holds only the summary (or the one JSON document).
  const logger = deps.logger ?? createLogger({ level: settings.YIYUN_LOG_LEVEL, name: 'yiyun-backup' }, process.stderr);
  const zone = opts.zone ?? settings.YIYUN_ZONE;
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(zone) || (opts.waitMinutes !== undefined && !(opts.waitMinutes > 0 && opts.waitMinutes <= 24 * 60))) {
    io.stderr.write('yiyun backup run: --zone is a lower-case zone name and --wait-minutes a number of minutes from 1 to 1440\n');
    return 1;
  }
  let policy: BackupPolicy;
  try {
    policy = readPolicy(opts.policies ?? DEFAULT_POLICIES_FILE, opts.policy);
  } catch (err) {
    io.stderr.write(`yiyun backup run: ${(err as Error).message}\n`);
    return 1;
  }
  const env = credentialEnvSchema.safeParse(deps.env ?? process.env);
  if (!env.success) {
    const missing = [...new Set(env.error.issues.map((i) => String(i.path[0])))];
    io.stderr.write(`yiyun backup run: set ${missing.join(', ')} (an OpenStack application credential of the zone's estate project)\n`);
    return 1;
  }
  const client = createOpenStackClient({
    zone,
    authUrl: env.data.OS_AUTH_URL,
    region: env.data.OS_REGION_NAME,
    interface: env.data.OS_INTERFACE,
    credentials: { applicationCredentialId: env.data.OS_APPLICATION_CREDENTIAL_ID, applicationCredentialSecret: env.data.OS_APPLICATION_CREDENTIAL_SECRET },
    novaMicroversion: '2.79',
    // 3.43+ carries backup metadata (the policy and the zone on each backup).
    cinderMicroversion: '3.47',
    timeoutMs: 60_000,
    logger,
  });
  const c = cinder(client);
  const n = nova(client);
  const recorder = await openRecorder(settings, logger, !!opts.dryRun);
  try {
    const result = await runBackupPolicy(
      { ...c, serversPage: n.serversPage },
      {
        policy,
        zone,
        dryRun: !!opts.dryRun,
        now: deps.now ?? (() => new Date()),
        waitMs: deps.waitMs ?? (opts.waitMinutes ?? 240) * 60_000,
        pollMs: deps.pollMs ?? 15_000,
        record: recorder.record,
      },
    );
    report(result, recorder.sink, !!opts.json, io);
    return result.failed ? 2 : 0;
  } catch (err) {
    io.stderr.write(`yiyun backup run: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await recorder.close();
  }
}

function report(r: BackupRunResult, sink: string, json: boolean, io: Io): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const verb = r.dryRun ? 'would back up' : 'backed up';
  io.stdout.write(`备份策略 backup policy ${r.policy} (${r.zone})${r.dryRun ? ' — dry run, nothing changed' : ''}\n`);
  for (const v of r.volumes) {
    const kind = v.incremental ? 'incremental 增量' : 'full 全量';
    const line = `  ${v.status.padEnd(9)} ${v.volumeId} ${v.volumeName ?? ''} ${kind} → ${v.backupName}${v.reason ? ` (${v.reason})` : ''}\n`;
    (v.status === 'failed' ? io.stderr : io.stdout).write(line);
  }
  for (const p of r.pruned) {
    const line = `  ${(p.status === 'planned' ? 'expire' : p.status).padEnd(9)} ${p.backupId} ${p.name} (created ${p.createdAt})${p.reason ? ` (${p.reason})` : ''}\n`;
    (p.status === 'failed' ? io.stderr : io.stdout).write(line);
  }
  const ok = r.volumes.filter((v) => v.status !== 'failed').length;
  const gone = r.pruned.filter((p) => p.status !== 'failed').length;
  io.stdout.write(`${verb} ${ok} of ${r.volumes.length} volumes; ${r.dryRun ? 'would delete' : 'deleted'} ${gone} expired backups; ${r.failed} failed; records: ${sink}\n`);
}
