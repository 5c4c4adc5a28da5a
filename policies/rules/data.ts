import { T, WORKLOAD_TYPES, arr, k8sMeta, label, num, podSpec, rec, str } from '../resource-types';
import type { PolicyRule } from '../types';
import { BACKUP_POLICY_KEY, backupPoliciesOf } from '../backup-policy-metadata';

/** Ciphers 密评 accepts for data at rest. */
const APPROVED_CIPHERS = /^sm4(-(xts|cbc|ctr|gcm))?(-\d+)?$/i;

export const volumeTypeEncrypted: PolicyRule = {
  id: 'volume-type-encrypted',
  title: 'Every volume type encrypts at rest with SM4',
  severity: 'high',
  dengbao: ['L3-CES1-28', 'L3-CES2-12'],
  remediation:
    'Set extra_specs "yiyun:encryption" to an SM4 mode (e.g. sm4-xts) on a backend that encrypts, and name the type after it (…-sm4).',
  appliesTo: [T.volumeType],
  check(r) {
    if (r.type !== T.volumeType) return [];
    const specs = rec(r.props.extraSpecs);
    const cipher = str(specs['yiyun:encryption']);
    const name = str(r.props.name) ?? r.name;
    const out: string[] = [];
    if (!cipher) out.push('volume type has no encryption (extra spec yiyun:encryption missing)');
    else if (!APPROVED_CIPHERS.test(cipher)) out.push(`volume type encrypts with ${cipher}, not SM4`);
    if (cipher && !/sm4/i.test(name)) out.push(`volume type name "${name}" does not name its SM4 encryption`);
    return out;
  },
};

export const volumeTypeReplicated: PolicyRule = {
  id: 'volume-type-three-replicas',
  title: 'Every volume type is stored in three replicas',
  severity: 'medium',
  dengbao: ['L3-CES1-31', 'L3-CES2-16'],
  remediation: 'Select a backend pool with size 3 and declare it as extra spec "yiyun:replicas": "3".',
  appliesTo: [T.volumeType],
  check(r) {
    if (r.type !== T.volumeType) return [];
    const replicas = num(rec(r.props.extraSpecs)['yiyun:replicas']);
    return replicas !== undefined && replicas >= 3 ? [] : [`volume type keeps ${replicas ?? 'an unknown number of'} replica(s), fewer than 3`];
  },
};

export const vmInBackupPolicy: PolicyRule = {
  id: 'vm-in-backup-policy',
  title: 'Every VM belongs to a backup policy',
  severity: 'high',
  dengbao: ['L3-CES1-29', 'L3-CES2-14'],
  // This rule checks the declaration only; the zone's backup CronJobs (infra/k8s/backup-jobs.ts) act on it.
  remediation:
    'Add metadata "yiyun.backup-policy" naming declared policies (e.g. "daily-incremental,weekly-full"); the zone\'s CronJob `yiyun backup run --policy <name>` then backs up the VM\'s attached Cinder volumes on that policy\'s schedule.',
  appliesTo: [T.instance],
  check(r, ctx) {
    if (r.type !== T.instance) return [];
    const names = backupPoliciesOf(label(r, BACKUP_POLICY_KEY));
    if (names.length === 0) return ['VM is in no backup policy'];
    if (ctx.backupPolicies.length === 0) return [];
    const unknown = names.filter((n) => !ctx.backupPolicies.includes(n));
    return unknown.length ? [`VM names undeclared backup policy ${unknown.join(', ')}`] : [];
  },
};

export const objectVersioning: PolicyRule = {
  id: 'object-versioning',
  title: 'Object-storage containers keep versions',
  severity: 'low',
  dengbao: ['L3-CES1-29', 'L3-CES1-25'],
  remediation: 'Enable versioning on the container.',
  appliesTo: [T.container],
  check(r) {
    return r.type === T.container && r.props.versioning !== true ? ['container does not keep object versions'] : [];
  },
};

function envOf(spec: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
    for (const e of arr(rec(c).env)) {
      const n = str(rec(e).name);
      const v = str(rec(e).value);
      if (n && v !== undefined) out.set(n, v);
    }
  }
  return out;
}

export const logRetention: PolicyRule = {
  id: 'log-retention-180d',
  title: 'Logs are kept at least 180 days',
  severity: 'high',
  dengbao: ['L3-ABS1-18', 'L3-CES1-14', 'L3-SMC1-04'],
  remediation: 'Set retentionDays of the ConfigMap labelled yiyun.io/kind=log-retention (the stack’s logRetentionDays) to 180 or more.',
  appliesTo: [T.k8sConfigMap, ...WORKLOAD_TYPES, T.container],
  check(r, ctx) {
    const min = ctx.minLogRetentionDays;
    const judge = (days: number | undefined, where: string): string[] =>
      days === undefined
        ? [`${where} declares no readable retention`]
        : days < min
          ? [`${where} keeps logs ${days} days, fewer than ${min}`]
          : [];
    if (r.type === T.k8sConfigMap && k8sMeta(r).labels['yiyun.io/kind'] === 'log-retention') {
      return judge(num(rec(r.props.data).retentionDays), 'log retention ConfigMap');
    }
    const spec = podSpec(r);
    if (spec) {
      const v = envOf(spec).get('YIYUN_LOG_RETENTION_DAYS');
      return v === undefined ? [] : judge(num(v), 'workload');
    }
    if (r.type === T.container && label(r, 'yiyun-kind') === 'log-archive') {
      return judge(num(rec(r.props.metadata)['retention-days']), 'log archive container');
    }
    return [];
  },
};
