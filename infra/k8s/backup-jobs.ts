import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { EstateConfig } from '../config/config-schema';
import { BACKUP_POLICIES_CONFIGMAP, BACKUP_POLICIES_DIR, BACKUP_POLICIES_FILE } from './backup-policies-file';
import { CONTAINER_SECURITY_CONTEXT, DATA_DIR, POD_SECURITY_CONTEXT, ROLE_BASE_MOUNTS, TMP_VOLUME, ZONE_KEYS_VOLUME, scratchDataVolume } from './workloads';

export { BACKUP_POLICIES_CONFIGMAP, BACKUP_POLICIES_DIR, BACKUP_POLICIES_FILE } from './backup-policies-file';

/**
 * The zone's OpenStack application credential for the backup jobs, created by the ops engineer, never declared
 * here: the program must not hold it (docs/infra.md, "Storage"). Keys → the variables `yiyun backup run` reads.
 */
export const BACKUP_CREDENTIAL_SECRET = 'yiyun-backup-openstack';
export const BACKUP_CREDENTIAL_KEYS = {
  OS_AUTH_URL: 'auth-url',
  OS_REGION_NAME: 'region',
  OS_APPLICATION_CREDENTIAL_ID: 'application-credential-id',
  OS_APPLICATION_CREDENTIAL_SECRET: 'application-credential-secret',
} as const;

/** How long a run may wait for its backups; the Job's deadline leaves a margin for listing and pruning. */
export const BACKUP_WAIT_MINUTES = 240;
/** The policies' cron expressions are the consortium's wall-clock hours (01:00 is 01:00 in the hospitals). */
export const BACKUP_TIME_ZONE = 'Asia/Shanghai';

export interface BackupJobsArgs {
  readonly zone: string;
  /** the stack name, which is also YIYUN_ZONE inside the pods */
  readonly stack: string;
  readonly image: string;
  readonly policies: EstateConfig['backupPolicies'];
  /** Secret holding the control plane's DATABASE_URL (key `url`): the runs write their audit records there */
  readonly databaseSecret: string;
}

const NAMESPACE = 'yiyun-system';
/** `app.kubernetes.io/name` of every backup pod: the NetworkPolicy to the OpenStack APIs selects it. */
export const BACKUP_JOB_NAME = 'backup-job';

/**
 * One CronJob per declared backup policy in the zone's `yiyun-system`: `yiyun backup run --policy <name>` on the
 * policy's schedule, never two runs of a policy at once, the policies file from the ConfigMap, the credential
 * from a Secret reference. Names `<zone>-backup-<policy>` (renaming replaces the CronJob and its history).
 */
export function backupJobs(a: BackupJobsArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.CronJob[] {
  return a.policies.map((p) => {
    const labels = { 'app.kubernetes.io/name': BACKUP_JOB_NAME, 'app.kubernetes.io/part-of': 'yiyun', 'yiyun.io/backup-policy': p.name };
    const fromCredential = Object.entries(BACKUP_CREDENTIAL_KEYS).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: BACKUP_CREDENTIAL_SECRET, key } } }));
    return new k8s.batch.v1.CronJob(`${a.zone}-backup-${p.name}`, {
      metadata: { name: `backup-${p.name}`, namespace: NAMESPACE, labels },
      spec: {
        schedule: p.schedule,
        timeZone: BACKUP_TIME_ZONE,
        concurrencyPolicy: 'Forbid',
        // A run missed by more than an hour waits for the next slot rather than starting in clinic hours.
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 5,
        jobTemplate: {
          metadata: { labels },
          spec: {
            // No retry: a second attempt would back up again the volumes the first one did; the failed Job alerts.
            backoffLimit: 0,
            activeDeadlineSeconds: (BACKUP_WAIT_MINUTES + 60) * 60,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                securityContext: POD_SECURITY_CONTEXT,
                containers: [{
                  name: 'backup',
                  image: a.image,
                  args: ['backup', 'run', '--policy', p.name, '--zone', a.stack, '--policies', BACKUP_POLICIES_FILE, '--wait-minutes', String(BACKUP_WAIT_MINUTES)],
                  env: [
                    { name: 'YIYUN_ZONE', value: a.stack },
                    { name: 'YIYUN_DATA_DIR', value: DATA_DIR },
                    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: a.databaseSecret, key: 'url' } } },
                    ...fromCredential,
                  ],
                  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                  securityContext: CONTAINER_SECURITY_CONTEXT,
                  // zone-keys among them: checkpoints the run writes are signed like every role's
                  volumeMounts: [
                    ...ROLE_BASE_MOUNTS,
                    { name: 'policies', mountPath: BACKUP_POLICIES_DIR, readOnly: true },
                  ],
                }],
                volumes: [
                  TMP_VOLUME,
                  scratchDataVolume('64Mi'),
                  ZONE_KEYS_VOLUME,
                  { name: 'policies', configMap: { name: BACKUP_POLICIES_CONFIGMAP } },
                ],
              },
            },
          },
        },
      },
    }, opts);
  });
}
