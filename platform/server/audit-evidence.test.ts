import test from 'ava';
import type { CheckResult } from '../../compliance';
import { auditRoutes, type AuditRecord, type AuditTrail, type ChainVerification } from '../../core/audit';
import type { RouteDef } from '../../core/http';
import { cloudRoutes } from '../cloud/cloud-routes';
import { ROLES } from '../identity/identity-roles';
import { auditEvidenceSource, isPrivilegedVmRoute, REQUIRED_GUARDS, type AuditEvidenceDeps, type TrailCopies } from './audit-evidence';

const NOW = new Date('2026-11-20T08:00:00Z');
const DAY = 86_400_000;

function rec(seq: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    seq, id: `id-${seq}`, occurredAt: new Date(NOW.getTime() - seq * 60_000), actorKind: 'account', actorAccount: 'a1', actorLogin: 'admin', actorRoles: ['sysadmin'],
    tenantId: null, sourceIp: '10.0.0.5', requestId: `r${seq}`, action: 'vm.created', targetType: 'vm', targetId: `vm-${seq}`, outcome: 'success',
    beforeSummary: null, afterSummary: null, detail: null, prevHash: 'p', hash: 'h', ...over,
  };
}

const GOOD_COPIES: TrailCopies = { logAudit: { retentionDays: 180, lastIngestAt: new Date(NOW.getTime() - 60_000) }, archive: 'sftp', ferryFlow: null };

// The real cloud route declarations; their handlers are never called here, so the service is a bottomless stand-in.
const anything: any = new Proxy(() => anything, { get: () => anything });
const CLOUD_ROUTES = cloudRoutes(anything);

type DepsOver = { records?: AuditRecord[]; verify?: ChainVerification; guards?: string[]; copies?: TrailCopies; oldest?: Date; routes?: (r: RouteDef[]) => RouteDef[]; roles?: AuditEvidenceDeps['roles'] };

function deps(over: DepsOver = {}): AuditEvidenceDeps {
  const records = over.records ?? [rec(1), rec(2, { outcome: 'denied', action: 'account.login' })];
  // Filters as the audit DAL does (action is a prefix), so the tenant route's handler runs against it unchanged.
  const trail: Pick<AuditTrail, 'verify' | 'search' | 'readAfter' | 'get'> = {
    verify: async () => over.verify ?? { ok: true, records: records.length, checkpoints: 1, lastSeq: records.length },
    search: async (q) => {
      const hits = records.filter((r) => (!q.outcome || r.outcome === q.outcome) && (!q.from || r.occurredAt >= q.from) && (!q.action || r.action.startsWith(q.action))
        && (!q.tenantId || r.tenantId === q.tenantId) && (!q.targetId || r.targetId === q.targetId));
      return { items: hits.slice(q.offset, q.offset + q.limit), total: hits.length };
    },
    get: async (seq) => records.find((r) => r.seq === seq),
    readAfter: async () => (records.length ? [{ ...records[0]!, occurredAt: over.oldest ?? new Date(NOW.getTime() - 400 * DAY) }] : []),
  };
  const routes = [...auditRoutes(trail), ...CLOUD_ROUTES];
  return {
    trail,
    appendOnlyGuards: async () => over.guards ?? [...REQUIRED_GUARDS],
    copies: async () => over.copies ?? GOOD_COPIES,
    routes: () => (over.routes ? over.routes(routes) : routes),
    roles: over.roles ?? (() => ROLES),
  };
}

async function run(key: string, d: AuditEvidenceDeps): Promise<CheckResult> {
  const check = auditEvidenceSource(d).checks.find((c) => c.key === key)!;
  return (await check.run({ now: NOW, signal: new AbortController().signal })) as CheckResult;
}

test('audit.chain-verifies: an intact chain passes; a broken link is 不符合 with high risk and names the record', async (t) => {
  t.is((await run('audit.chain-verifies', deps())).verdict, 'pass');
  const broken = await run('audit.chain-verifies', deps({ verify: { ok: false, records: 40, checkpoints: 0, lastSeq: 17, firstBad: { seq: 18, reason: 'hash mismatch' } } }));
  t.is(broken.verdict, 'fail');
  t.is(broken.risk, 'high');
  t.regex(broken.summary, /第 18 条断裂：hash mismatch/);
});

test('audit.coverage: recent records pass and are counted by room; thirty silent days fail', async (t) => {
  const ok = await run('audit.coverage', deps());
  t.is(ok.verdict, 'pass');
  t.is(ok.evidence.deniedLast30Days, 1);
  t.deepEqual(ok.evidence.actionsByRoomInSample, { vm: 1, account: 1 });
  const silent = await run('audit.coverage', deps({ records: [rec(1, { occurredAt: new Date(NOW.getTime() - 40 * DAY) })] }));
  t.is(silent.verdict, 'fail');
  t.is(silent.risk, 'high');
});

test('audit.fields: complete records pass; a request record without its source address is 部分符合; a missing element fails', async (t) => {
  t.is((await run('audit.fields', deps())).verdict, 'pass');
  // System actors (jobs) have no source address and need none.
  t.is((await run('audit.fields', deps({ records: [rec(1), rec(2, { actorKind: 'system', sourceIp: null })] }))).verdict, 'pass');
  const noIp = await run('audit.fields', deps({ records: [rec(1), rec(2, { sourceIp: null })] }));
  t.is(noIp.verdict, 'partial');
  t.deepEqual(noIp.evidence.requestRecordsWithoutSourceIp, [2]);
  const noOutcome = await run('audit.fields', deps({ records: [rec(1, { outcome: '' as never })] }));
  t.is(noOutcome.verdict, 'fail');
  t.deepEqual(noOutcome.evidence.missing, { outcome: 1 });
  t.is((await run('audit.fields', deps({ records: [] }))).verdict, 'fail');
});

test('audit.retention: guarded, ingested and copied off-host passes; a local-only copy is 部分符合; missing guards fail both items', async (t) => {
  const ok = await run('audit.retention', deps());
  t.is(ok.verdict, 'pass');
  t.is(ok.evidence.oldestRecordAgeDays, 400);
  t.is(ok.perItem?.['L3-SMC1-10']?.verdict, 'pass');

  const local = await run('audit.retention', deps({ copies: { ...GOOD_COPIES, archive: 'directory' } }));
  t.is(local.verdict, 'partial');
  t.regex(local.summary, /没有异地副本/);
  // The internet zone ferries its trail to the DMZ: that is an off-host copy even with a local archive.
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, archive: 'directory', ferryFlow: 'internet-audit-logs' } }))).verdict, 'pass');
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, logAudit: { retentionDays: 90, lastIngestAt: NOW } } }))).verdict, 'partial');
  t.is((await run('audit.retention', deps({ copies: { ...GOOD_COPIES, logAudit: { retentionDays: 180, lastIngestAt: new Date(NOW.getTime() - 3 * DAY) } } }))).verdict, 'partial');

  const unguarded = await run('audit.retention', deps({ guards: ['records_append_only'] }));
  t.is(unguarded.verdict, 'fail');
  t.is(unguarded.risk, 'high');
  t.deepEqual(unguarded.evidence.missingGuards, ['records_no_truncate', 'checkpoints_append_only']);
  t.is(unguarded.perItem?.['L3-SMC1-10']?.verdict, 'fail');
});

const TENANT_A = '0b5e1c7e-1d6a-4c43-9a3e-6f1f6d1a0a01';
const TENANT_B = '0b5e1c7e-1d6a-4c43-9a3e-6f1f6d1a0b02';

test('isPrivilegedVmRoute: delete, stop, reboot and resize of a VM are privileged; start, tags and reads are not', (t) => {
  const found = CLOUD_ROUTES.filter(isPrivilegedVmRoute).map((r) => `${r.method} ${r.path}`).sort();
  t.deepEqual(found, ['delete /api/cloud/vms/:id', 'post /api/cloud/vms/:id/reboot', 'post /api/cloud/vms/:id/resize', 'post /api/cloud/vms/:id/stop']);
});

test('audit.privileged-commands: audited routes and complete records pass; none recorded is 部分符合; a gap in the records fails', async (t) => {
  const provider = rec(1, { action: 'vm.deleted', tenantId: TENANT_A });
  const tenant = rec(2, { action: 'vm.rebooted', tenantId: TENANT_A, actorLogin: 'a-admin', actorRoles: ['tenant-admin'] });
  const bastion = rec(3, { action: 'bastion_command.denied', actorRoles: ['sysadmin'], targetType: 'bastion_session' });
  const ok = await run('audit.privileged-commands', deps({ records: [provider, tenant, bastion, rec(4, { action: 'vm.started' })] }));
  t.is(ok.verdict, 'pass', ok.summary);
  t.is(ok.evidence.recordedLast30DaysInSample, 3);
  t.is(ok.evidence.byTenant, 1);
  t.deepEqual(ok.evidence.unauditedRoutes, []);

  const quiet = await run('audit.privileged-commands', deps({ records: [rec(1)] }));
  t.is(quiet.verdict, 'partial');
  t.regex(quiet.summary, /尚无特权命令记录/);

  const noIp = await run('audit.privileged-commands', deps({ records: [provider, rec(5, { action: 'vm.stopped', sourceIp: null })] }));
  t.is(noIp.verdict, 'fail');
  t.deepEqual(noIp.evidence.incompleteRecords, [5]);
  // A platform job (recycle-bin purge, say) has no address to record.
  t.is((await run('audit.privileged-commands', deps({ records: [rec(6, { action: 'vm.deleted', actorKind: 'system', actorRoles: ['system'], sourceIp: null })] }))).verdict, 'pass');
});

test('audit.privileged-commands: a VM delete route without an audit action, or no reboot route at all, fails', async (t) => {
  const records = [rec(1, { action: 'vm.deleted' })];
  const unaudited = await run('audit.privileged-commands', deps({ records, routes: (rs) => rs.map((r) => (r.method === 'delete' && r.path === '/api/cloud/vms/:id' ? { ...r, audit: undefined } : r)) }));
  t.is(unaudited.verdict, 'fail');
  t.is(unaudited.risk, 'high');
  t.deepEqual(unaudited.evidence.unauditedRoutes, ['DELETE /api/cloud/vms/:id']);
  const noReboot = await run('audit.privileged-commands', deps({ records, routes: (rs) => rs.filter((r) => !r.path.endsWith('/reboot')) }));
  t.is(noReboot.verdict, 'fail');
  t.regex(noReboot.summary, /没有重启虚拟机的路由/);
});

test('audit.tenant-visibility: a tenant role with the tenant route sees the provider on its resources; without the permission it fails', async (t) => {
  const byProvider = rec(1, { action: 'vm.deleted', tenantId: TENANT_A, targetId: 'vm-a' });
  const records = [byProvider, rec(2, { action: 'vm.deleted', tenantId: TENANT_B, targetId: 'vm-a' }), rec(3, { tenantId: TENANT_A, actorRoles: ['tenant-admin'] })];
  const ok = await run('audit.tenant-visibility', deps({ records }));
  t.is(ok.verdict, 'pass', ok.summary);
  t.deepEqual(ok.evidence.tenantRolesWithAccess, ['tenant-admin']);
  // Only the provider's record is sampled; B's record with the same action and target stays out of A's view.
  t.deepEqual(ok.evidence.providerRecordsChecked, [
    { seq: 1, tenantId: TENANT_A, action: 'vm.deleted', actorLogin: 'admin', visible: true, foreign: 0 },
    { seq: 2, tenantId: TENANT_B, action: 'vm.deleted', actorLogin: 'admin', visible: true, foreign: 0 },
  ]);

  t.is((await run('audit.tenant-visibility', deps({ records: [rec(3, { tenantId: TENANT_A, actorRoles: ['tenant-admin'] })] }))).verdict, 'partial');

  const stripped = Object.fromEntries(Object.entries(ROLES).map(([k, v]) => [k, { ...v, permissions: v.permissions.filter((p) => p !== 'audit.read_tenant') }]));
  const noPerm = await run('audit.tenant-visibility', deps({ records, roles: () => stripped }));
  t.is(noPerm.verdict, 'fail');
  t.is(noPerm.risk, 'high');
  t.regex(noPerm.summary, /没有租户角色拥有 audit\.read_tenant/);

  const noRoute = await run('audit.tenant-visibility', deps({ records, routes: (rs) => rs.filter((r) => !r.path.startsWith('/api/tenant-audit')) }));
  t.is(noRoute.verdict, 'fail');
});

test('audit.tenant-visibility: a tenant route that does not keep to the tenant fails', async (t) => {
  const records = [rec(1, { action: 'vm.deleted', tenantId: TENANT_A, targetId: 'vm-x' }), rec(2, { action: 'vm.deleted', tenantId: TENANT_B, targetId: 'vm-x' })];
  // A handler that ignores the caller's tenant: what a regression in the route would look like.
  const leaky = (rs: RouteDef[]) => rs.map((r) => (r.path === '/api/tenant-audit' ? { ...r, handler: ({ query }: any) => deps({ records }).trail.search(query) } : r));
  const res = await run('audit.tenant-visibility', deps({ records, routes: leaky }));
  t.is(res.verdict, 'fail');
  t.regex(res.summary, /混入其他租户记录/);
});
