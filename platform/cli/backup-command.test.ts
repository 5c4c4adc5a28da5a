import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { sql } from 'kysely';
import { loadSettings } from '../../core/config';
import { openDatabase } from '../../core/db';
import { createScratchPostgresDatabase } from '../../core/db/testing';
import { createLogger } from '../../core/log';
import { readEstateConfig } from '../../infra/config/load-config';
import { BACKUP_POLICIES_DIR } from '../../infra/k8s/backup-jobs';
import { planStack } from '../../infra/plan/plan';
import { ResourceTypes as T } from '../../policies';
import { fixture, startOpenStackReplay, type OpenStackReplay, type Recorded } from '../../test/support/openstack-replay';
import { backupRunCommand, readPolicy } from './backup-command';
import { buildCli } from './main';

/*
 * `yiyun backup run` against a fake OpenStack over real HTTP (test/support/openstack-replay): Keystone answers the
 * canonical token sample; Cinder and Nova answer from state kept here, shaped like the upstream samples and keeping
 * Cinder's chain rules — an incremental needs an available parent (the volume's latest), and a backup with a
 * dependent incremental refuses deletion until the child is gone.
 */

const C = 'cinder/api-ref/source/v3/samples';
const N = 'nova/doc/api_samples';
const SECRET = 'AppCred-Backup-Secret-77';
const NOW = new Date('2026-11-26T01:00:00Z');
const ROOT = path.resolve(__dirname, '../..');
const DAY = 86_400_000;

type Vol = { id: string; name: string | null; metadata: Record<string, string> };
type Srv = { id: string; metadata: Record<string, string>; volumes: string[] };
type Bk = { id: string; name: string; volume_id: string; status: string; is_incremental: boolean; created_at: string; parent_id: string | null; metadata?: Record<string, string> };

const cinderTs = (d: Date) => d.toISOString().replace('Z', '');
const ago = (days: number) => cinderTs(new Date(NOW.getTime() - days * DAY));
/** A backup this policy made `days` ago (named as the command names them). */
const ours = (policy: string, id: string, vol: string, days: number, incremental: boolean, parent: string | null = null): Bk => {
  const at = new Date(NOW.getTime() - days * DAY).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return { id, name: `yiyun-${policy}-${vol}-${at}`, volume_id: vol, status: 'available', is_incremental: incremental, created_at: ago(days), parent_id: parent };
};

type State = { volumes: Vol[]; servers: Srv[]; backups: Bk[]; failCreate?: string };

function fakeCloud(os: OpenStackReplay, state: State) {
  const volT = fixture(`${C}/volumes/volumes-list-detailed-response.json`).volumes[0];
  const srv = fixture(`${N}/servers/servers-details-resp.json`);
  const bkT = fixture(`${C}/backups/backups-list-detailed-response.json`).backups[0];
  const createAnswer = fixture(`${C}/backups/backup-create-response.json`);
  let seq = 0;
  const page = <T extends { id: string }>(items: T[], req: Recorded) => {
    const marker = req.query.get('marker');
    const limit = Number(req.query.get('limit') ?? 1000);
    const from = marker ? items.findIndex((i) => i.id === marker) + 1 : 0;
    return items.slice(from, from + limit);
  };
  const view = (b: Bk) => ({ ...bkT, ...b, has_dependent_backups: state.backups.some((x) => x.parent_id === b.id) });
  // servers_links of the sample points at a next page: the command must not loop on it.
  os.on('compute', 'GET', '/servers/detail', (req) => ({
    status: 200,
    body: { servers: page(state.servers.map((s) => ({ ...srv.servers[0], id: s.id, metadata: s.metadata, 'os-extended-volumes:volumes_attached': s.volumes.map((id) => ({ id, delete_on_termination: false })) })), req), servers_links: srv.servers_links },
  }));
  os.on('volume', 'GET', '/volumes/:id', (_req, p) => {
    const v = state.volumes.find((x) => x.id === p.id);
    return v ? { status: 200, body: { volume: { ...volT, ...v } } } : { status: 404, body: { itemNotFound: { code: 404, message: `Volume ${p.id} could not be found.` } } };
  });
  os.on('volume', 'POST', '/backups', (req) => {
    const b = req.body.backup as { volume_id: string; name: string; incremental: boolean; metadata?: Record<string, string> };
    if (b.volume_id === state.failCreate) return { status: 500, body: { computeFault: { code: 500, message: 'The server has either erred or is incapable of performing the requested operation.' } } };
    const parent = state.backups.filter((x) => x.volume_id === b.volume_id && x.status === 'available').sort((x, y) => x.created_at.localeCompare(y.created_at)).at(-1);
    if (b.incremental && !parent) return { status: 400, body: { badRequest: { code: 400, message: 'Invalid backup: No backups available to do an incremental backup.' } } };
    const id = `bk-new-${++seq}`;
    state.backups.push({ id, name: b.name, volume_id: b.volume_id, status: 'creating', is_incremental: b.incremental, created_at: cinderTs(NOW), parent_id: b.incremental ? parent!.id : null, ...(b.metadata ? { metadata: b.metadata } : {}) });
    return { status: 202, body: { backup: { ...createAnswer.backup, id, name: b.name } } };
  });
  os.on('volume', 'GET', '/backups/:id', (_req, p) => {
    const b = state.backups.find((x) => x.id === p.id);
    if (!b) return { status: 404, body: { itemNotFound: { code: 404, message: `Backup ${p.id} could not be found.` } } };
    // A creating backup shows `creating` once, then `available`; a deleting one is gone at the next look.
    const shown = view(b);
    if (b.status === 'creating') b.status = 'available';
    if (b.status === 'deleting') state.backups = state.backups.filter((x) => x !== b);
    return { status: 200, body: { backup: shown } };
  });
  os.on('volume', 'DELETE', '/backups/:id', (_req, p) => {
    const b = state.backups.find((x) => x.id === p.id);
    if (!b) return { status: 404, body: { itemNotFound: { code: 404, message: `Backup ${p.id} could not be found.` } } };
    if (state.backups.some((x) => x.parent_id === b.id)) return { status: 400, body: { badRequest: { code: 400, message: 'Invalid backup: Incremental backups exist for this backup.' } } };
    b.status = 'deleting';
    return { status: 202 };
  });
  // Standing answers added later are matched first: the literal `detail` paths must win over `:id`.
  os.on('volume', 'GET', '/volumes/detail', (req) => ({ status: 200, body: { volumes: page(state.volumes.map((v) => ({ ...volT, ...v, status: 'in-use' })), req) } }));
  os.on('volume', 'GET', '/backups/detail', (req) => ({ status: 200, body: { backups: page(state.backups.map(view), req) } }));

}

function policiesFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-backup-'));
  // The exact data of the backup-policies ConfigMap (infra/k8s/platform.ts) for the dev stack.
  const file = path.join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(readEstateConfig(ROOT, 'dev').backupPolicies, null, 2));
  return file;
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function run(os: OpenStackReplay, args: { policy: string; dryRun?: boolean; databaseUrl?: string }) {
  const stdout = new Sink();
  const stderr = new Sink();
  const logs = new Sink();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yiyun-backup-data-'));
  const settings = loadSettings({ YIYUN_DATA_DIR: dataDir, ...(args.databaseUrl ? { DATABASE_URL: args.databaseUrl } : {}) });
  const env = { OS_AUTH_URL: os.authUrl, OS_APPLICATION_CREDENTIAL_ID: 'ac-backup', OS_APPLICATION_CREDENTIAL_SECRET: SECRET, OS_REGION_NAME: 'RegionOne' };
  const code = await backupRunCommand(settings, { policy: args.policy, zone: 'liangcheng-dmz', policies: policiesFile(), dryRun: args.dryRun }, { stdout, stderr }, {
    env, now: () => NOW, pollMs: 5, waitMs: 5_000, logger: createLogger({ level: 'info' }, logs),
  });
  const events = logs.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => typeof l.event === 'string');
  return { code, out: stdout.text, err: stderr.text, logs: logs.text, events };
}

const posts = (os: OpenStackReplay) => os.calls('volume', 'POST', /^\/backups$/).map((r) => r.body.backup as { volume_id: string; name: string; incremental: boolean; metadata: Record<string, string> });

test('three labelled volumes get one backup each, incremental only where a full one exists; the unlabelled one none', async (t) => {
  const os = await startOpenStackReplay();
  try {
    const state: State = {
      volumes: [
        { id: 'vol-a', name: 'pg-a-data', metadata: { 'yiyun.backup-policy': 'daily-incremental,weekly-full' } },
        { id: 'vol-b', name: 'pg-b-data', metadata: { 'yiyun.backup-policy': 'daily-incremental' } },
        { id: 'vol-c', name: null, metadata: { 'yiyun.backup-policy': ' weekly-full , daily-incremental' } },
        { id: 'vol-d', name: 'scratch', metadata: {} },
        { id: 'vol-e', name: 'weekly-only', metadata: { 'yiyun.backup-policy': 'weekly-full' } },
      ],
      servers: [],
      // vol-a has a full backup to chain onto; vol-c only a failed one, which is no parent.
      backups: [ours('weekly-full', 'bk-a-full', 'vol-a', 3, false), { ...ours('daily-incremental', 'bk-c-err', 'vol-c', 1, false), status: 'error' }],
    };
    fakeCloud(os, state);
    const r = await run(os, { policy: 'daily-incremental' });
    t.is(r.code, 0, r.err);
    const made = posts(os);
    t.deepEqual(made.map((b) => [b.volume_id, b.incremental]), [['vol-a', true], ['vol-b', false], ['vol-c', false]]);
    t.deepEqual(made.map((b) => b.name), ['vol-a', 'vol-b', 'vol-c'].map((v) => `yiyun-daily-incremental-${v}-20261126T010000Z`));
    t.deepEqual(made[0]!.metadata, { 'yiyun.backup-policy': 'daily-incremental', 'yiyun.zone': 'liangcheng-dmz' });
    // the incremental chained onto the existing full backup, and every new backup was waited for
    t.is(state.backups.find((b) => b.volume_id === 'vol-a' && b.is_incremental)!.parent_id, 'bk-a-full');
    t.true(state.backups.filter((b) => b.id.startsWith('bk-new-')).every((b) => b.status === 'available'));
    t.regex(r.out, /backed up 3 of 3 volumes; deleted 0 expired backups; 0 failed; records: log/);
    // no DATABASE_URL: one structured log line per backup, never the credential
    t.deepEqual(r.events.map((e) => [e.event, e.outcome, e.volumeId, e.backupName]), made.map((b) => ['estate_backup.created', 'success', b.volume_id, b.name]));
    t.deepEqual(os.calls('identity')[0]!.body, { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac-backup', secret: SECRET } } } });
    t.false((r.out + r.err + r.logs).includes(SECRET));
  } finally {
    await os.close();
  }
});

test('a VM in the policy brings its attached volumes; a VM in another policy does not', async (t) => {
  const os = await startOpenStackReplay();
  try {
    fakeCloud(os, {
      volumes: [{ id: 'vol-1', name: 'waf-a-data', metadata: {} }, { id: 'vol-2', name: 'other', metadata: {} }],
      servers: [{ id: 'srv-1', metadata: { 'yiyun.backup-policy': 'daily-incremental,weekly-full' }, volumes: ['vol-1'] }, { id: 'srv-2', metadata: { 'yiyun.backup-policy': 'monthly' }, volumes: ['vol-2'] }],
      backups: [],
    });
    const r = await run(os, { policy: 'weekly-full' });
    t.is(r.code, 0, r.err);
    t.deepEqual(posts(os).map((b) => [b.volume_id, b.incremental]), [['vol-1', false]]);
  } finally {
    await os.close();
  }
});

test('retention deletes expired chains newest first, keeps the full base a live incremental depends on and other policies’ backups; each is audited', async (t) => {
  const os = await startOpenStackReplay();
  const scratch = await createScratchPostgresDatabase();
  try {
    const P = 'daily-incremental';
    const state: State = {
      volumes: [{ id: 'vol-x', name: 'pg-a-data', metadata: { 'yiyun.backup-policy': P } }],
      servers: [],
      backups: [
        ours('weekly-full', 'w-old', 'vol-x', 120, false),
        ours(P, 'f1', 'vol-x', 100, false),
        ours(P, 'i1', 'vol-x', 99, true, 'f1'),
        ours(P, 'i2', 'vol-x', 98, true, 'i1'),
        ours(P, 'f2', 'vol-x', 50, false),
        ours(P, 'i3', 'vol-x', 10, true, 'f2'),
      ],
    };
    fakeCloud(os, state);
    const r = await run(os, { policy: P, databaseUrl: scratch.url });
    t.is(r.code, 0, r.err + r.out);
    t.deepEqual(os.calls('volume', 'DELETE').map((c) => c.path), ['/backups/i2', '/backups/i1', '/backups/f1']);
    t.deepEqual(state.backups.map((b) => b.id).sort(), ['bk-new-1', 'f2', 'i3', 'w-old']);
    // the new backup is incremental onto i3, so f2 (expired, but the base of a live chain) stays
    t.deepEqual(posts(os).map((b) => b.incremental), [true]);
    t.is(state.backups.find((b) => b.id === 'bk-new-1')!.parent_id, 'i3');

    const database = await openDatabase({ kind: 'postgres', url: scratch.url });
    try {
      const rows = (await sql<{ action: string; outcome: string; actor_login: string; target_type: string; target_id: string }>`select action, outcome, actor_login, target_type, target_id from audit.records order by seq`.execute(database.db)).rows;
      t.deepEqual(rows.map((x) => [x.action, x.outcome, x.target_id]), [
        ['estate_backup.created', 'success', 'bk-new-1'],
        ['estate_backup.deleted', 'success', 'i2'],
        ['estate_backup.deleted', 'success', 'i1'],
        ['estate_backup.deleted', 'success', 'f1'],
      ]);
      t.true(rows.every((x) => x.actor_login === 'system:backup-run' && x.target_type === 'estate_backup'));
    } finally {
      await database.close();
    }
  } finally {
    await os.close();
    await scratch.drop();
  }
});

test('a Cinder error on one volume: exit 2, the others still backed up, its old backups kept', async (t) => {
  const os = await startOpenStackReplay();
  try {
    const P = 'weekly-full';
    const state: State = {
      volumes: ['vol-1', 'vol-2', 'vol-3'].map((id) => ({ id, name: id, metadata: { 'yiyun.backup-policy': P } })),
      servers: [],
      backups: [ours(P, 'old-2', 'vol-2', 400, false), ours(P, 'old-3', 'vol-3', 400, false)],
      failCreate: 'vol-2',
    };
    fakeCloud(os, state);
    const r = await run(os, { policy: P });
    t.is(r.code, 2);
    t.deepEqual(state.backups.filter((b) => b.id.startsWith('bk-new-')).map((b) => [b.volume_id, b.status]), [['vol-1', 'available'], ['vol-3', 'available']]);
    // vol-2's backup failed: its last good copy stays; vol-3's expired one goes
    t.deepEqual(os.calls('volume', 'DELETE').map((c) => c.path), ['/backups/old-3']);
    t.regex(r.err, /failed\s+vol-2 vol-2 full .*erred or is incapable/);
    t.regex(r.out, /backed up 2 of 3 volumes; deleted 1 expired backups; 1 failed/);
    t.deepEqual(r.events.filter((e) => e.outcome === 'failure').map((e) => [e.event, e.volumeId]), [['estate_backup.created', 'vol-2']]);
  } finally {
    await os.close();
  }
});

test('--dry-run lists what it would do and changes nothing', async (t) => {
  const os = await startOpenStackReplay();
  try {
    const P = 'daily-incremental';
    const state: State = {
      volumes: [{ id: 'vol-x', name: 'x', metadata: { 'yiyun.backup-policy': P } }, { id: 'vol-y', name: 'y', metadata: { 'yiyun.backup-policy': P } }],
      servers: [],
      backups: [ours(P, 'f1', 'vol-x', 100, false), ours(P, 'f2', 'vol-x', 1, false)],
    };
    const before = JSON.stringify(state);
    fakeCloud(os, state);
    const r = await run(os, { policy: P, dryRun: true });
    t.is(r.code, 0, r.err);
    t.is(JSON.stringify(state), before);
    t.is(os.requests.filter((q) => q.service !== 'identity' && q.method !== 'GET').length, 0);
    t.regex(r.out, /planned\s+vol-x x incremental/);
    t.regex(r.out, /planned\s+vol-y y full/);
    t.regex(r.out, /expire\s+f1 /);
    t.regex(r.out, /would back up 2 of 2 volumes; would delete 1 expired backups; 0 failed; records: none \(dry run\)/);
    t.deepEqual(r.events, []);
  } finally {
    await os.close();
  }
});

test('the policies file: the ConfigMap’s format is read; an unknown policy or a bad file is named', (t) => {
  const file = policiesFile();
  t.deepEqual(readPolicy(file, 'weekly-full'), { name: 'weekly-full', kind: 'full', schedule: '0 2 * * 0', retentionDays: 180 });
  t.throws(() => readPolicy(file, 'monthly'), { message: /no backup policy "monthly" .*declared: daily-incremental, weekly-full/ });
  writeFileSync(file, JSON.stringify([{ name: 'x', kind: 'differential', schedule: '0 1 * * *', retentionDays: 3 }]));
  t.throws(() => readPolicy(file, 'x'), { message: /0\.kind/ });
});

test('missing credentials: exit 1 naming the variables, no cloud call', async (t) => {
  const stderr = new Sink();
  const code = await backupRunCommand(loadSettings({}), { policy: 'weekly-full', policies: policiesFile() }, { stdout: new Sink(), stderr }, { env: { OS_AUTH_URL: 'http://127.0.0.1:1/v3' } });
  t.is(code, 1);
  t.regex(stderr.text, /set OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET, OS_REGION_NAME/);
});

test('the declared CronJob’s command line is a real command: run as rendered (plus --dry-run) against the fake cloud', async (t) => {
  const plan = await planStack('dev', { cwd: ROOT });
  const job = plan.resources.find((r) => r.type === T.k8sCronJob && r.name === 'dev-backup-daily-incremental')!;
  const c = (job.props.spec as { jobTemplate: { spec: { template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } } } } }).jobTemplate.spec.template.spec.containers[0]!;
  const os = await startOpenStackReplay();
  try {
    fakeCloud(os, { volumes: [{ id: 'vol-a', name: 'a', metadata: { 'yiyun.backup-policy': 'daily-incremental' } }], servers: [], backups: [] });
    // The pod's file path exists only in the pod: the same ConfigMap data, at a local path.
    const args = c.args.map((a) => (a === `${BACKUP_POLICIES_DIR}/policies.json` ? policiesFile() : a));
    const literalEnv = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    Object.assign(process.env, literalEnv, { YIYUN_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'yiyun-backup-data-')), YIYUN_LOG_LEVEL: 'silent', OS_AUTH_URL: os.authUrl, OS_REGION_NAME: 'RegionOne', OS_APPLICATION_CREDENTIAL_ID: 'ac', OS_APPLICATION_CREDENTIAL_SECRET: SECRET });
    delete process.env.DATABASE_URL;
    const stdout = new Sink();
    const stderr = new Sink();
    let code = -1;
    await buildCli({ stdout, stderr }, (x) => (code = x)).parseAsync(['node', 'yiyun', ...args, '--dry-run']);
    t.is(code, 0, stderr.text);
    t.regex(stdout.text, /backup policy daily-incremental \(dev\) — dry run/);
    t.regex(stdout.text, /planned\s+vol-a a full/);
  } finally {
    await os.close();
  }
});
