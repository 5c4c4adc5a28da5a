import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { allCatalogues, createEvidenceRegistry } from '../../compliance';
import { runChecks } from '../../compliance/checks/check-runner';
import { systemActor } from '../../core/authz';
import { createTestDatabase } from '../../core/db/testing';
import { bastionModule, createBastionAccess, createBastionDal } from '../../security/bastion';
import { bastionEvidenceSource, type OperatorFactor } from './bastion-evidence';

const KNOWN = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));
const DAY = 86_400_000;
const OP = '00000000-0000-4000-8000-0000000000a1';

async function verdicts(source: ReturnType<typeof bastionEvidenceSource>) {
  const registry = createEvidenceRegistry(KNOWN);
  registry.register(source);
  const recs = await runChecks(registry.checks());
  for (const r of recs) if (r.status !== 'ok') throw new Error(r.error ?? 'check failed');
  return Object.fromEntries(recs.map((r) => [r.itemId, r]));
}

test.serial('security.bastion: a gated, recorded, time-bounded setup passes; a lost recording, a world-wide admin range or no gateway turn items 不符合', async (t) => {
  const database = await createTestDatabase('postgres', [bastionModule()]);
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-bastion-ev-'));
  try {
    const db = database.db;
    const dal = createBastionDal(db);
    const access = createBastionAccess({ db, audit: { record: async () => ({ seq: 0, hash: '' }) }, resolveMac: async () => null });
    const admin = systemActor('test');
    const asset = await dal.insertAsset({ name: 'his-db', address: '10.20.3.5', port: 22, os_type: 'linux', folder: '/his/', encoding: 'utf-8', tenant_id: null, host_key_sha256: 'SHA256:abc', enabled: true });
    await dal.insertGrant({ operator_account_id: OP, operator_login: 'ops1', asset_id: asset.id, folder: null, account_username: 'root', protocols: ['shell'], valid_until: new Date(Date.now() + 30 * DAY), created_by: 'sec1' });
    await dal.insertRule({ name: 'schema change needs approval', pattern: '^(drop|truncate)\\b', action: 'approve', priority: 10, enabled: true });
    await access.addAdminSource(admin, { cidr: '10.20.1.0/24', note: '运维区' });
    writeFileSync(path.join(dir, 'rec1.cast'), '{"version":2,"width":80,"height":24}\n');
    const s = await dal.insertSession({ tenant_id: null, operator_account_id: OP, operator_login: 'ops1', source_ip: '10.20.1.9', asset_id: asset.id, asset_name: 'his-db', account_username: 'root', kind: 'shell', command: null, ended_at: null, end_reason: null, exit_code: null, recording_file: 'rec1.cast' });
    await dal.endSession(s.id, { ended_at: new Date(), end_reason: 'client disconnected', exit_code: 0 });

    let factor: OperatorFactor['secondFactor'] = 'sm3_otp';
    let gatewayPort = 2222;
    const source = () => bastionEvidenceSource({ dal, access, recordingsDir: dir, gatewayPort, factors: async (ids) => ids.map((id) => ({ accountId: id, loginId: 'ops1', active: true, secondFactor: factor })) });

    let v = await verdicts(source());
    t.is(v['L3-ABS1-19']!.verdict, 'pass');
    t.is(v['L3-CES1-19']!.verdict, 'pass');
    t.is(v['L3-MMS1-21']!.verdict, 'pass');
    t.is(v['L3-MMS1-22']!.verdict, 'partial'); // clearing data after use is procedural
    t.is(v['L3-MMS1-23']!.verdict, 'pass');
    t.is(v['MP-DC-01']!.verdict, 'pass');
    t.deepEqual(v['MP-DC-01']!.objects, [{ name: '堡垒机登录', d: 1, a: 1, k: 1 }]);
    t.is(v['MP-DC-02']!.verdict, 'partial'); // SSH is not a 国密 channel
    const ev = v['L3-ABS1-19']!.evidence as { recording: { recordable: number; missing: unknown[] }; adminSources: string[] };
    t.is(ev.recording.recordable, 1);
    t.deepEqual(ev.adminSources, ['10.20.1.0/24']);

    // TOTP rather than the SM3 token: the login is still two-factor, but not by an approved algorithm.
    factor = 'totp';
    v = await verdicts(source());
    t.is(v['MP-DC-01']!.verdict, 'partial');

    // The recording is gone (or was never written): the session is unaudited.
    unlinkSync(path.join(dir, 'rec1.cast'));
    v = await verdicts(source());
    t.is(v['L3-ABS1-19']!.verdict, 'fail');
    t.is(v['L3-MMS1-21']!.verdict, 'fail');
    t.is(v['L3-ABS1-19']!.risk, 'high');

    // Admins allowed from anywhere.
    await access.addAdminSource(admin, { cidr: '0.0.0.0/0' });
    v = await verdicts(source());
    t.is(v['L3-CES1-19']!.verdict, 'fail');

    // No SSH gateway at all: operators do not go through the bastion.
    gatewayPort = 0;
    v = await verdicts(source());
    for (const id of ['L3-ABS1-19', 'L3-MMS1-23', 'MP-DC-01', 'MP-DC-02']) t.is(v[id]!.verdict, 'fail', id);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
