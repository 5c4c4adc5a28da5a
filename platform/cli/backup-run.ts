import type { CinderBackup, CinderVolume, NovaServer } from '../cloud/driver/openstack/openstack-api';
import { BACKUP_POLICY_KEY } from '../../policies';
import { backupName, namedPolicies, nextIsIncremental, prunePlan, type BackupFacts, type BackupPolicy } from './backup-fns';

/** What the run needs of Cinder and Nova (openstack-api.ts's helpers fit it; tests may pass less). */
export type BackupCloud = {
  volumesPage(query: Record<string, string | number>): Promise<CinderVolume[]>;
  serversPage(query: Record<string, string | number>): Promise<NovaServer[]>;
  getVolume(id: string): Promise<CinderVolume | undefined>;
  backupsPage(query: Record<string, string | number>): Promise<CinderBackup[]>;
  getBackup(id: string): Promise<CinderBackup | undefined>;
  createBackup(volumeId: string, name: string, incremental: boolean, metadata?: Record<string, string>): Promise<CinderBackup>;
  deleteBackup(id: string): Promise<void>;
};

/** One backup created or deleted (or the attempt that failed): what the audit trail or the log records. */
export type BackupEvent = {
  action: 'estate_backup.created' | 'estate_backup.deleted';
  outcome: 'success' | 'failure';
  backupId: string | null;
  detail: { policy: string; zone: string; volumeId: string; name?: string; incremental?: boolean; createdAt?: string; reason?: string };
};

export type VolumeResult = { volumeId: string; volumeName: string | null; incremental: boolean; backupName: string; backupId: string | null; status: 'available' | 'failed' | 'planned'; reason?: string };
export type PruneResult = { backupId: string; name: string; volumeId: string; createdAt: string; status: 'deleted' | 'failed' | 'planned'; reason?: string };
export type BackupRunResult = { policy: string; zone: string; dryRun: boolean; volumes: VolumeResult[]; pruned: PruneResult[]; failed: number };

export type BackupRunOptions = {
  policy: BackupPolicy;
  zone: string;
  dryRun: boolean;
  now: () => Date;
  /** how long to wait for each backup to become available, and between polls */
  waitMs: number;
  pollMs: number;
  record: (e: BackupEvent) => Promise<void>;
};

const PAGE = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Every item of a `limit`/`marker` list; stops when a page is short or repeats (a server ignoring the marker). */
async function listAll<T extends { id: string }>(page: (q: Record<string, string | number>) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  for (;;) {
    const items = await page(marker ? { limit: PAGE, marker } : { limit: PAGE });
    const fresh = items.filter((i) => !seen.has(i.id));
    for (const i of fresh) seen.add(i.id);
    out.push(...fresh);
    if (items.length < PAGE || fresh.length === 0) return out;
    marker = items[items.length - 1]!.id;
  }
}

/** The volumes in the policy: labelled volumes, and every volume attached to a labelled server (its data disks). */
export async function volumesInPolicy(cloud: BackupCloud, policy: string): Promise<CinderVolume[]> {
  const volumes = await listAll((q) => cloud.volumesPage(q));
  const servers = await listAll((q) => cloud.serversPage(q));
  const byId = new Map(volumes.map((v) => [v.id, v]));
  const chosen = new Map<string, CinderVolume>();
  for (const v of volumes) if (namedPolicies(v.metadata).includes(policy)) chosen.set(v.id, v);
  for (const s of servers) {
    if (!namedPolicies(s.metadata).includes(policy)) continue;
    for (const a of s['os-extended-volumes:volumes_attached'] ?? []) {
      if (chosen.has(a.id)) continue;
      const v = byId.get(a.id) ?? (await cloud.getVolume(a.id));
      if (v) chosen.set(v.id, v);
    }
  }
  return [...chosen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Polls each new backup until it is available or failed, all within one deadline. */
async function waitAvailable(cloud: BackupCloud, pending: Map<string, VolumeResult>, o: BackupRunOptions): Promise<void> {
  const deadline = Date.now() + o.waitMs;
  while (pending.size) {
    for (const [id, r] of [...pending]) {
      let b: CinderBackup | undefined;
      try {
        b = await cloud.getBackup(id);
      } catch (err) {
        // A passing API error is no verdict on the backup: ask again next round, until the deadline.
        if (Date.now() >= deadline) Object.assign(r, { status: 'failed', reason: reasonOf(err) });
        continue;
      }
      if (b?.status === 'available') r.status = 'available';
      else if (!b || b.status === 'error') Object.assign(r, { status: 'failed', reason: b ? `Cinder reports error${b.fail_reason ? `: ${b.fail_reason}` : ''}` : 'the backup disappeared' });
      if (r.status !== 'planned') pending.delete(id);
    }
    if (!pending.size) return;
    if (Date.now() >= deadline) {
      for (const r of pending.values()) Object.assign(r, { status: 'failed', reason: `not available within ${Math.round(o.waitMs / 1000)} s` });
      return;
    }
    await sleep(o.pollMs);
  }
}

/** Waits until a deleted backup is gone: Cinder refuses to delete a parent while its child still exists. */
async function waitGone(cloud: BackupCloud, id: string, o: BackupRunOptions): Promise<string | null> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    const b = await cloud.getBackup(id);
    if (!b || b.status === 'deleted') return null;
    if (b.status === 'error_deleting') return 'Cinder reports error_deleting';
    if (Date.now() >= deadline) return `still ${b.status ?? 'present'} after ${Math.round(o.waitMs / 1000)} s`;
    await sleep(o.pollMs);
  }
}

/**
 * One run of a backup policy: back up every volume in it (incremental when the policy says so and a full backup
 * exists), wait for the backups, then delete the policy's backups past retention that nothing depends on — only on
 * volumes whose new backup succeeded, so a failing run never removes the last good copies.
 */
export async function runBackupPolicy(cloud: BackupCloud, o: BackupRunOptions): Promise<BackupRunResult> {
  const { policy, zone } = o;
  const volumes = await volumesInPolicy(cloud, policy.name);
  const existing = await listAll((q) => cloud.backupsPage(q));
  const started = o.now();
  const results: VolumeResult[] = [];
  const pending = new Map<string, VolumeResult>();
  // One at a time: the cinder-backup service queues them anyway, and a refusal stays tied to its volume.
  for (const v of volumes) {
    const incremental = nextIsIncremental(policy, existing.filter((b) => b.volume_id === v.id));
    const r: VolumeResult = { volumeId: v.id, volumeName: v.name ?? null, incremental, backupName: backupName(policy.name, v.id, started), backupId: null, status: 'planned' };
    results.push(r);
    if (o.dryRun) continue;
    const detail = { policy: policy.name, zone, volumeId: v.id, name: r.backupName, incremental };
    try {
      const b = await cloud.createBackup(v.id, r.backupName, incremental, { [BACKUP_POLICY_KEY]: policy.name, 'yiyun.zone': zone });
      r.backupId = b.id;
      pending.set(b.id, r);
    } catch (err) {
      Object.assign(r, { status: 'failed', reason: reasonOf(err) });
      await o.record({ action: 'estate_backup.created', outcome: 'failure', backupId: null, detail: { ...detail, reason: r.reason! } });
    }
  }
  if (!o.dryRun) await waitAvailable(cloud, pending, o);
  // One record per backup Cinder accepted, once its fate is known.
  for (const r of results) {
    if (!r.backupId) continue;
    const detail = { policy: policy.name, zone, volumeId: r.volumeId, name: r.backupName, incremental: r.incremental };
    await o.record({ action: 'estate_backup.created', outcome: r.status === 'available' ? 'success' : 'failure', backupId: r.backupId, detail: r.reason ? { ...detail, reason: r.reason } : detail });
  }

  const failedVolumes = new Set(results.filter((r) => r.status === 'failed').map((r) => r.volumeId));
  const pruned: PruneResult[] = [];
  for (const chain of prunePlan(policy, existing as BackupFacts[], o.now())) {
    if (failedVolumes.has(chain[0]!.volume_id!)) continue;
    // Newest first; a failure leaves the older members, which the failed one still depends on.
    for (const b of chain) {
      const p: PruneResult = { backupId: b.id, name: b.name ?? '', volumeId: b.volume_id!, createdAt: b.created_at ?? '', status: 'planned' };
      pruned.push(p);
      if (o.dryRun) continue;
      const detail = { policy: policy.name, zone, volumeId: p.volumeId, name: p.name, incremental: !!b.is_incremental, createdAt: p.createdAt };
      let reason: string | null;
      try {
        await cloud.deleteBackup(b.id);
        reason = chain.length > 1 ? await waitGone(cloud, b.id, o) : null;
      } catch (err) {
        reason = reasonOf(err);
      }
      Object.assign(p, reason ? { status: 'failed', reason } : { status: 'deleted' });
      await o.record({ action: 'estate_backup.deleted', outcome: reason ? 'failure' : 'success', backupId: b.id, detail: reason ? { ...detail, reason } : detail });
      if (reason) break;
    }
  }
  const failed = results.filter((r) => r.status === 'failed').length + pruned.filter((p) => p.status === 'failed').length;
  return { policy: policy.name, zone, dryRun: o.dryRun, volumes: results, pruned, failed };
}
