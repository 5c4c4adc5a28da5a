// Every yiyun workload the Pulumi program renders (run under mocks, as `yiyun plan` does) must start:
// its environment passes the real settings loader, its args the real CLI, and every port its Service
// publishes is one the settings open. Lives in platform/ because it joins infra/ to the CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { loadSettings, type Settings } from '../../core/config';
import { ResourceTypes as T } from '../../policies';
import { planStack, type PlannedResource } from '../../infra/plan/plan';
import { readEstateConfig } from '../../infra/config/load-config';
import { DATA_DIR, KEYS_DIR, ROLES, ZONES_SECRET, rolePodSpec, type YiyunRole } from '../../infra/k8s/workloads';
import { loadZonesConfig } from '../cloud/zones-config';
import { ROLE_ROOMS } from '../server/context';
import { buildCli } from './main';

const root = path.resolve(__dirname, '../..');
type Container = { name: string; image?: string; args?: string[]; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]; ports?: { name: string; containerPort: number; protocol?: string }[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] };
type PodSpec = { containers: Container[]; volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] }; emptyDir?: object }[] };
type Workload = { kind: string; name: string; pod: PodSpec; claims: string[] };

/** What the cluster would put in the environment for a secret reference (a plausible value of the right shape). */
const SECRET_VALUES: Record<string, string> = { 'yiyun-database/url': 'postgresql://yiyun:x@10.20.16.10:5432/yiyun?sslmode=require' };

function envOf(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const ref = `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
      const v = SECRET_VALUES[ref];
      if (v === undefined) throw new Error(`${c.name}: env ${e.name} refers to ${ref}, unknown to this test`);
      env[e.name] = v;
    } else throw new Error(`${c.name}: env ${e.name} has neither value nor secretKeyRef`);
  }
  return env;
}

/** Runs the real `yiyun` command tree on argv without running any action; answers the command path and its arguments. */
async function parseCli(args: string[]): Promise<{ command: string; operands: string[] }> {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const program = buildCli({ stdout: sink, stderr: sink }, () => {});
  let seen: { command: string; operands: string[] } | undefined;
  const hook = (cmd: typeof program, prefix: string) => {
    for (const sub of cmd.commands) {
      const name = `${prefix}${sub.name()}`;
      sub.action((...a: unknown[]) => {
        seen = { command: name, operands: a.filter((x): x is string => typeof x === 'string') };
      });
      hook(sub, `${name} `);
    }
  };
  hook(program, '');
  await program.parseAsync(['node', 'yiyun', ...args]);
  if (!seen) throw new Error(`no command ran for ${args.join(' ')}`);
  return seen;
}

/** The ports the settings make the process open, with their protocol. */
function openedPorts(s: Settings): Set<string> {
  const out = new Set<string>([`TCP/${s.PORT}`]);
  if (s.YIYUN_SYSLOG_UDP_PORT !== undefined) out.add(`UDP/${s.YIYUN_SYSLOG_UDP_PORT}`);
  for (const p of [s.YIYUN_SYSLOG_TCP_PORT, s.YIYUN_SYSLOG_TLS_PORT, s.YIYUN_LOG_INGEST_HTTP_PORT]) if (p !== undefined) out.add(`TCP/${p}`);
  if (s.YIYUN_BASTION_SSH_PORT) out.add(`TCP/${s.YIYUN_BASTION_SSH_PORT}`);
  for (const l of [s.YIYUN_DBAUDIT_PG_LISTEN, s.YIYUN_DBAUDIT_MYSQL_LISTEN]) if (l) out.add(`TCP/${l.split(':').at(-1)}`);
  return out;
}

/** The checks every rendered pod must pass; returns the settings for role-specific assertions. */
async function assertStarts(t: import('ava').ExecutionContext, label: string, pod: PodSpec, claims: string[]): Promise<Settings> {
  const [c] = pod.containers;
  if (!c || pod.containers.length !== 1) throw new Error(`${label}: expected one container`);
  const env = envOf(c);
  // The cwd argument points nowhere useful on purpose: nothing may come from a file in the image.
  const settings = loadSettings(env, '/nonexistent');
  const cli = await parseCli(c.args ?? []);
  t.true(cli.command === 'serve' || (cli.command === 'run' && cli.operands[0]! in ROLE_ROOMS), `${label}: ${cli.command} ${cli.operands.join(' ')} is a deployable command`);

  const opened = openedPorts(settings);
  for (const p of c.ports ?? []) {
    t.true(opened.has(`${p.protocol ?? 'TCP'}/${p.containerPort}`), `${label}: container port ${p.name} ${p.containerPort} is opened by the settings`);
    t.true(p.containerPort >= 1024, `${label}: ${p.name} needs no privileged port`);
  }

  // The data dir is a writable volume, the zone keys are mounted read-only where the app reads them.
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m]));
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  t.is(settings.YIYUN_DATA_DIR, DATA_DIR, label);
  const data = mounts.get(DATA_DIR);
  t.truthy(data, `${label}: ${DATA_DIR} is mounted`);
  t.not(data?.readOnly, true);
  t.true(volumes.has(data!.name) || claims.includes(data!.name), `${label}: the data volume is declared`);
  const keys = mounts.get(KEYS_DIR);
  t.is(keys?.readOnly, true);
  t.is(volumes.get(keys!.name)?.secret?.secretName, 'yiyun-zone-keys');
  t.true(settings.YIYUN_KMS_KEK_FILE?.startsWith(`${KEYS_DIR}/`), `${label}: the KEK comes from the mounted secret`);
  t.is(settings.YIYUN_KMS_KEK, undefined, `${label}: never a literal KEK`);
  for (const f of [settings.YIYUN_SYSLOG_TLS_CERT, settings.YIYUN_SYSLOG_TLS_KEY].filter(Boolean)) {
    t.true([...mounts.keys()].some((m) => f!.startsWith(`${m}/`)), `${label}: ${f} is on a mounted volume`);
  }
  // YIYUN_ZONES (the OpenStack credentials) is a file of the ops-made Secret, mounted read-only: never a literal.
  if (settings.YIYUN_ZONES !== undefined) {
    const mount = [...mounts.values()].find((m) => settings.YIYUN_ZONES!.startsWith(`${m.mountPath}/`));
    t.is(mount?.readOnly, true, `${label}: YIYUN_ZONES is on a read-only mount`);
    const secret = volumes.get(mount!.name)?.secret;
    t.is(secret?.secretName, ZONES_SECRET, `${label}: YIYUN_ZONES comes from Secret ${ZONES_SECRET}`);
    const file = settings.YIYUN_ZONES.slice(mount!.mountPath.length + 1);
    t.true(secret?.items?.some((i) => i.path === file && i.key === 'zones.json'), `${label}: ${file} is the Secret's key zones.json`);
  }
  return settings;
}

const workloadsOf = (resources: PlannedResource[]): Workload[] =>
  resources
    .filter((r) => r.type === T.k8sDeployment || r.type === T.k8sStatefulSet)
    .map((r) => {
      const spec = r.props.spec as { template: { spec: PodSpec }; volumeClaimTemplates?: { metadata: { name: string } }[] };
      return { kind: r.type, name: r.name, pod: spec.template.spec, claims: (spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name) };
    });

for (const stack of ['liangcheng-dmz', 'liangcheng-internet']) {
  test.serial(`${stack}: every yiyun workload passes the settings loader and the CLI, and opens what its Service publishes`, async (t) => {
    const plan = await planStack(stack, { cwd: root });
    const zone = plan.zones[0]!.zone;
    const yiyun = workloadsOf(plan.resources).filter((w) => w.pod.containers.some((c) => c.image?.includes('/yiyun/yiyun')));
    t.deepEqual(yiyun.map((w) => w.name).sort(), Object.keys(ROLES).map((r) => `${zone}-${r}`).sort());
    for (const w of yiyun) {
      const settings = await assertStarts(t, w.name, w.pod, w.claims);
      const role = w.name.slice(zone.length + 1) as YiyunRole;
      t.is(w.kind === T.k8sStatefulSet, ROLES[role].state === 'persistent', `${w.name}: kind follows the role's state`);
      // Every Service port targets a named container port.
      const svc = plan.resources.find((r) => r.type === T.k8sService && r.name === `${w.name}-svc`)!;
      const ports = (svc.props.spec as { ports: { name: string; port: number; targetPort: string }[] }).ports;
      const named = new Set((w.pod.containers[0]!.ports ?? []).map((p) => p.name));
      for (const p of ports) t.true(named.has(p.targetPort), `${w.name}: Service port ${p.port} → ${p.targetPort}`);
      // Only `serve` builds the cloud room: the control plane drives the zone's OpenStack, no other role reads the file.
      t.is(settings.YIYUN_ZONES !== undefined, role === 'control-plane', `${w.name}: YIYUN_ZONES only on the control plane`);
      if (role === 'log-audit') t.is(settings.YIYUN_SYSLOG_UDP_PORT, 5514);
      if (role === 'bastion') t.is(settings.YIYUN_BASTION_SSH_PORT, 2222);
      if (role === 'db-audit') {
        t.is(settings.YIYUN_DBAUDIT_PG_LISTEN, '0.0.0.0:15432');
        t.regex(settings.YIYUN_DBAUDIT_PG_UPSTREAM, /^10\.\d+\.\d+\.\d+:5432$/, 'the zone PostgreSQL, not loopback');
      }
    }
  });
}

test('with a syslog TLS certificate the log audit opens 6514 from the mounted secret', async (t) => {
  const pod = rolePodSpec({
    zone: 'dmz', stack: 'liangcheng-dmz', role: 'log-audit', image: 'r/yiyun/yiyun@sha256:0', replicas: 2,
    databaseSecret: 'yiyun-database', site: { syslogTls: true }, storageClass: 'yiyun-ssd-sm4',
  }) as unknown as PodSpec;
  const settings = await assertStarts(t, 'log-audit+tls', pod, ['data']);
  t.is(settings.YIYUN_SYSLOG_TLS_PORT, 6514);
});

test('a pod env the settings refuse fails this check (the check can fail)', async (t) => {
  const pod = rolePodSpec({
    zone: 'dmz', stack: 'liangcheng-dmz', role: 'kms', image: 'r/yiyun/yiyun@sha256:0', replicas: 1,
    databaseSecret: 'yiyun-database', site: { syslogTls: false }, storageClass: 'x',
  }) as unknown as PodSpec;
  pod.containers[0]!.env!.push({ name: 'YIYUN_ROLE', value: 'kms' });
  await t.throwsAsync(() => loadSettingsOf(pod), { message: /unknown setting\(s\) YIYUN_ROLE/ });
  await t.throwsAsync(() => parseCli(['run']), { message: /missing required argument/ });
});

async function loadSettingsOf(pod: PodSpec) {
  return loadSettings(envOf(pod.containers[0]!), '/nonexistent');
}

/** What ops put in Secret yiyun-zones, key zones.json (docs/infra.md "Deploying"), with fake credentials. */
const SAMPLE_ZONES = {
  zones: {
    'liangcheng-dmz': {
      driver: 'openstack',
      authUrl: 'https://172.16.20.5:5000/v3',
      region: 'RegionDMZ',
      credentials: { applicationCredentialId: 'fake-app-cred-id', applicationCredentialSecret: 'fake-app-cred-secret' },
      externalNetwork: 'healthnet',
      interface: 'internal',
      tenancy: { mode: 'shared' },
    },
  },
  recycleDays: 7,
};

test('a zones.json of the documented shape passes the real zones-config parser and names an endpoint the egress allows', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-zones-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'zones.json');
  writeFileSync(file, JSON.stringify(SAMPLE_ZONES));
  const conf = loadZonesConfig(file);
  const dmz = conf.zones['liangcheng-dmz'];
  t.is(dmz.driver, 'openstack');
  if (dmz.driver !== 'openstack') return;
  t.is(dmz.interface, 'internal');
  t.is(conf.zones['liangcheng-internet'].driver, 'embedded', 'the other zone is reached through the gatekeeper only');
  // The endpoint the driver dials is one the stack's NetworkPolicy and FWaaS let the control plane reach.
  const api = readEstateConfig(root, 'liangcheng-dmz').openstackApi;
  t.is(dmz.region, readEstateConfig(root, 'liangcheng-dmz').region);
  t.true(api.ports.includes(Number(new URL(dmz.authUrl).port)));
  // A zones.json of the wrong shape is refused, naming the key, never echoing the secret.
  writeFileSync(file, JSON.stringify({ zones: { 'liangcheng-dmz': { ...SAMPLE_ZONES.zones['liangcheng-dmz'], authUrl: 'keystone' } } }));
  const err = t.throws(() => loadZonesConfig(file), { message: /liangcheng-dmz\.authUrl/ });
  t.false(err?.message.includes('fake-app-cred-secret'));
});

test('the zones.json sample in docs/infra.md passes the real zones-config parser', (t) => {
  const doc = readFileSync(path.join(root, 'docs/infra.md'), 'utf8');
  const m = doc.match(/<!-- zones\.json sample -->\s*```json\n([\s\S]*?)```/);
  if (!m) return t.fail('docs/infra.md has no zones.json sample');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-zones-doc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'zones.json'), m[1]!);
  t.is(loadZonesConfig(path.join(dir, 'zones.json')).zones['liangcheng-dmz'].driver, 'openstack');
});
