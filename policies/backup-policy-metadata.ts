/**
 * The compute/volume metadata key naming the backup policies a VM or volume belongs to. The estate writes it
 * (infra/components/havip.ts), a rule checks it (vm-in-backup-policy), `yiyun backup run` selects by it and
 * the estate report reads it; one spelling and one parser keep them agreeing.
 */
export const BACKUP_POLICY_KEY = 'yiyun.backup-policy';

/** The metadata value for a list of policy names: comma-separated ("daily-incremental,weekly-full"). */
export function backupPolicyValue(names: readonly string[]): string {
  return names.join(',');
}

/** The policy names a metadata value lists; blanks and surrounding spaces are dropped. */
export function backupPoliciesOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
