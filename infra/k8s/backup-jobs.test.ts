// The backup CronJobs as the real program declares them (planStack sets the mocks and awaits
// pulumi.runtime.disconnect() before anything recorded is read).
import path from 'node:path';
import test from 'ava';
import { z } from 'zod';
import { ResourceTypes as T } from '../../policies';
import { backupPolicySchema } from '../config/config-schema';
import { readEstateConfig } from '../config/load-config';
import { planStack, type PlanResult, type PlannedResource } from '../plan/plan';
import { BACKUP_CREDENTIAL_KEYS, BACKUP_CREDENTIAL_SECRET, BACKUP_POLICIES_DIR } from './backup-jobs';

const root = path.resolve(__dirname, '../..');
const STACK = 'dev';
let plan: PlanResult;
test.before(async () => {
  plan = await planStack(STACK, { cwd: root });
});

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = { args: string[]; env: Env[]; image: string; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] };
type PodSpec = { securityContext: Record<string, unknown>; restartPolicy: string; containers: Container[]; volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] };
type CronSpec = { schedule: string; timeZone: string; concurrencyPolicy: string; jobTemplate: { spec: { backoffLimit: number; template: { spec: PodSpec } } } };
const meta = (r: PlannedResource) => r.props.metadata as { name: string; namespace: string };

test('one CronJob per declared backup policy: its schedule, `backup run --policy <name>`, never two runs at once', (t) => {
  const cfg = readEstateConfig(root, STACK);
  const jobs = plan.resources.filter((r) => r.type === T.k8sCronJob);
  t.is(cfg.backupPolicies.length, 2);
  t.deepEqual(jobs.map((j) => j.name).sort(), cfg.backupPolicies.map((p) => `dev-backup-${p.name}`).sort());
  for (const p of cfg.backupPolicies) {
    const job = jobs.find((j) => j.name === `dev-backup-${p.name}`)!;
    const spec = job.props.spec as CronSpec;
    t.is(meta(job).namespace, 'yiyun-system');
    t.is(spec.schedule, p.schedule);
    t.is(spec.concurrencyPolicy, 'Forbid');
    t.is(spec.timeZone, 'Asia/Shanghai');
    t.is(spec.jobTemplate.spec.backoffLimit, 0);
    const pod = spec.jobTemplate.spec.template.spec;
    const c = pod.containers[0]!;
    t.is(c.image, cfg.images.yiyun);
    t.deepEqual(c.args.slice(0, 4), ['backup', 'run', '--policy', p.name]);
    t.is(c.args[c.args.indexOf('--zone') + 1], STACK);
    t.is(c.args[c.args.indexOf('--policies') + 1], `${BACKUP_POLICIES_DIR}/policies.json`);
    t.is(pod.restartPolicy, 'Never');
    t.is(pod.securityContext.runAsNonRoot, true);
    t.is(c.securityContext.readOnlyRootFilesystem, true);
    t.is(c.securityContext.allowPrivilegeEscalation, false);
  }
});

test('the credential and the database URL come only from Secret references; no literal credential anywhere', (t) => {
  for (const job of plan.resources.filter((r) => r.type === T.k8sCronJob)) {
    const c = (job.props.spec as CronSpec).jobTemplate.spec.template.spec.containers[0]!;
    for (const [name, key] of Object.entries(BACKUP_CREDENTIAL_KEYS)) {
      const e = c.env.find((x) => x.name === name);
      t.deepEqual(e, { name, valueFrom: { secretKeyRef: { name: BACKUP_CREDENTIAL_SECRET, key } } }, `${job.name} ${name}`);
    }
    t.deepEqual(c.env.find((x) => x.name === 'DATABASE_URL')!.valueFrom, { secretKeyRef: { name: 'yiyun-database', key: 'url' } });
    t.true(c.env.filter((x) => x.name.startsWith('OS_')).every((x) => x.value === undefined));
  }
  // The program declares no Secret of that name: the ops engineer creates it (docs/infra.md).
  t.false(plan.resources.some((r) => r.type === 'kubernetes:core/v1:Secret' && meta(r).name === BACKUP_CREDENTIAL_SECRET));
});

test('each job mounts the backup-policies ConfigMap of its namespace, whose policies.json holds its policy', (t) => {
  const cm = plan.resources.find((r) => r.type === 'kubernetes:core/v1:ConfigMap' && meta(r).name === 'backup-policies')!;
  const policies = z.array(backupPolicySchema).parse(JSON.parse((cm.props.data as Record<string, string>)['policies.json']!));
  for (const job of plan.resources.filter((r) => r.type === T.k8sCronJob)) {
    t.is(meta(job).namespace, meta(cm).namespace);
    const pod = (job.props.spec as CronSpec).jobTemplate.spec.template.spec;
    const vol = pod.volumes.find((v) => v.configMap)!;
    t.is(vol.configMap!.name, meta(cm).name);
    const mount = pod.containers[0]!.volumeMounts.find((m) => m.name === vol.name)!;
    t.deepEqual([mount.mountPath, mount.readOnly], [BACKUP_POLICIES_DIR, true]);
    const c = pod.containers[0]!;
    t.true(policies.some((p) => p.name === c.args[c.args.indexOf('--policy') + 1]));
  }
  t.deepEqual(plan.violations.filter((v) => v.resource.includes('backup')), []);
});
