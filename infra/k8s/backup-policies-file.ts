/*
 * Where the stack's backup policies reach `yiyun backup run`: Platform writes them into a ConfigMap
 * (infra/k8s/platform.ts), the CronJobs mount it (infra/k8s/backup-jobs.ts) and the CLI reads the file by
 * default (platform/cli/backup-command.ts). No Pulumi import here, so the CLI can share the path cheaply.
 */

/** The ConfigMap holding the stack's `backupPolicies`. */
export const BACKUP_POLICIES_CONFIGMAP = 'backup-policies';
/** Its one key: the policies as JSON. */
export const BACKUP_POLICIES_KEY = 'policies.json';
/** Where the backup jobs mount the ConfigMap. */
export const BACKUP_POLICIES_DIR = '/etc/yiyun/backup-policies';
/** The policies file inside a backup job's pod. */
export const BACKUP_POLICIES_FILE = `${BACKUP_POLICIES_DIR}/${BACKUP_POLICIES_KEY}`;
