import { z } from 'zod';
import { backupPolicySchema } from '../../infra/config/config-schema';
import { BACKUP_POLICY_KEY, backupPoliciesOf } from '../../policies';

/*
 * Pure rules of `yiyun backup run`: which volumes a policy covers, what the next backup of a volume is, and which
 * of the policy's backups may go. No I/O here, so the chain rules are tested without a cloud.
 */

/** The `policies.json` of the `backup-policies` ConfigMap (infra/k8s/platform.ts): the stack's `backupPolicies`. */
export const policiesFileSchema = z.array(backupPolicySchema);
export type BackupPolicy = z.infer<typeof backupPolicySchema>;

/** The policies a VM's or volume's metadata names (policies/backup-policy-metadata.ts). */
export function namedPolicies(metadata: Record<string, string> | undefined): string[] {
  return backupPoliciesOf(metadata?.[BACKUP_POLICY_KEY]);
}

const TS = /^\d{8}T\d{6}Z$/;

/** `yiyun-<policy>-<volume id>-<UTC timestamp>`: the volume's id, not its name, since names may be empty or shared. */
export function backupName(policy: string, volumeId: string, at: Date): string {
  const ts = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `yiyun-${policy}-${volumeId}-${ts}`;
}

/**
 * Whether a backup is one this policy made. Matching the whole name against the backup's own volume id keeps
 * `daily` from claiming `daily-incremental`'s backups, which a prefix test would.
 */
export function isPolicyBackup(policy: string, b: { name?: string | null; volume_id?: string }): boolean {
  if (!b.name || !b.volume_id) return false;
  const prefix = `yiyun-${policy}-${b.volume_id}-`;
  return b.name.startsWith(prefix) && TS.test(b.name.slice(prefix.length));
}

/** Cinder writes `created_at` in UTC without a zone designator. */
export function cinderTime(s: string | undefined): number {
  if (!s) return Number.NaN;
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
}

export type BackupFacts = {
  id: string;
  name?: string | null;
  volume_id?: string;
  status?: string;
  is_incremental?: boolean;
  created_at?: string;
};

/**
 * The next backup of a volume is incremental only when the policy asks for it and an available full backup
 * exists to chain onto (Cinder refuses an incremental without a parent, and chains onto the volume's latest
 * available backup, whichever policy made it).
 */
export function nextIsIncremental(policy: BackupPolicy, volumeBackups: readonly BackupFacts[]): boolean {
  return policy.kind === 'incremental' && volumeBackups.some((b) => b.status === 'available' && b.is_incremental === false);
}

/** Statuses that leave a backup outside every chain: nothing depends on it. */
const OUTSIDE_CHAINS = new Set(['error', 'deleting', 'deleted', 'error_deleting']);

/**
 * The chains of one volume, oldest first: a full backup followed by the incrementals made after it. An incremental
 * depends on the backup just before it, so in each chain only a newest-first run of members can be deleted.
 */
export function chainsOf(volumeBackups: readonly BackupFacts[]): BackupFacts[][] {
  const sorted = volumeBackups.filter((b) => !OUTSIDE_CHAINS.has(b.status ?? '')).sort((a, b) => cinderTime(a.created_at) - cinderTime(b.created_at));
  const chains: BackupFacts[][] = [];
  for (const b of sorted) {
    if (!b.is_incremental || chains.length === 0) chains.push([b]);
    else chains[chains.length - 1]!.push(b);
  }
  return chains;
}

/**
 * This policy's backups past retention that may be deleted, grouped per chain in the order to delete them (newest
 * first). A member is deleted only when every later member of its chain is deleted too, so no kept backup ever loses
 * its base: the full backup a live incremental depends on stays, whichever policy owns the incremental. Failed
 * backups of the policy past retention go as well (nothing chains onto them).
 */
export function prunePlan(policy: BackupPolicy, all: readonly BackupFacts[], now: Date): BackupFacts[][] {
  const cutoff = now.getTime() - policy.retentionDays * 86_400_000;
  const expiredOurs = (b: BackupFacts) => isPolicyBackup(policy.name, b) && cinderTime(b.created_at) < cutoff;
  const byVolume = new Map<string, BackupFacts[]>();
  for (const b of all) if (b.volume_id) byVolume.set(b.volume_id, [...(byVolume.get(b.volume_id) ?? []), b]);
  const plan: BackupFacts[][] = [];
  for (const backups of byVolume.values()) {
    for (const chain of chainsOf(backups)) {
      const run: BackupFacts[] = [];
      for (let i = chain.length - 1; i >= 0; i--) {
        const b = chain[i]!;
        if (b.status !== 'available' || !expiredOurs(b)) break;
        run.push(b);
      }
      if (run.length) plan.push(run);
    }
    for (const b of backups) if (b.status === 'error' && expiredOurs(b)) plan.push([b]);
  }
  return plan;
}
