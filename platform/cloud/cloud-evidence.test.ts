import test from 'ava';
import { sql } from 'kysely';
import { allCatalogues, createEvidenceRegistry, type ComplianceService, type EvidenceSource } from '../../compliance';
import { runChecks, type ResultRecord } from '../../compliance/checks/check-runner';
import { systemActor } from '../../core/authz';
import type { TenantsService } from '../tenants';
import { cloudServer, KYLIN, network } from './cloud-testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KNOWN = new Set(allCatalogues().flatMap((c) => c.items.map((i) => i.id)));

/** Runs the cloud room's wired sources through the check runner: item id → its record. */
async function verdicts(sources: EvidenceSource[]): Promise<Map<string, ResultRecord>> {
  const registry = createEvidenceRegistry(KNOWN);
  for (const s of sources) registry.register(s);
  const recs = await runChecks(registry.checks());
  for (const r of recs) if (r.status !== 'ok') throw new Error(`${r.checkKey}: ${r.error}`);
  return new Map(recs.map((r) => [`${r.checkKey}/${r.itemId}`, r]));
}

test.serial('cloud and tenant checks: compliant setup, then a world-open SSH rule, a cross-tenant reference, a VM behind the control plane, an un-erased disk and usage over quota', async (t) => {
  const { srv, tenant } = await cloudServer();
  try {
    const db = srv.ctx.database.db;
    // Quotas that fit the demo pool (BIG_QUOTA is larger than the whole pool: 部分符合 by itself).
    const A = await tenant('ev-a', { vcpu: 16, ramGb: 64 });
    const B = await tenant('ev-b', { vcpu: 16, ramGb: 64 });
    const net = await network(A.client);
    t.is((await A.client.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '0.0.0.0/0' })).status, 201);
    // The admission rule refuses SSH from anywhere through the API.
    t.is((await A.client.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 22, portMax: 22, remoteIpPrefix: '0.0.0.0/0' })).status, 400);
    const vm = await A.client.post('/api/cloud/vms', { name: 'his-app', spec: { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], securityGroupIds: [net.sg], keypairId: net.keypair } });
    t.is(vm.status, 201, JSON.stringify(vm.body));
    const vmId = (vm.body.id ?? vm.body.items?.[0]?.id) as string;
    const disk = await A.client.post('/api/cloud/disks', { name: 'pacs', sizeGb: 20 });
    t.is((await A.client.delete(`/api/cloud/disks/${disk.body.id}`)).status < 300, true);
    t.is((await A.client.delete(`/api/cloud/recycle-bin/${disk.body.id}`)).status, 204);
    for (let i = 0; i < 100; i++) {
      if ((await A.client.get(`/api/cloud/vms/${vmId}`)).body.status === 'ACTIVE') break;
      await sleep(100);
    }
    t.is((await A.client.get(`/api/cloud/vms/${vmId}`)).body.status, 'ACTIVE');

    const sources = srv.ctx.rooms.get('cloud')!.exports!.evidence as EvidenceSource[];
    let v = await verdicts(sources);
    const verdict = (key: string, item: string) => v.get(`${key}/${item}`)?.verdict;
    t.is(verdict('cloud.tenant-isolation', 'L3-CNS2-02'), 'pass');
    t.is(verdict('cloud.tenant-isolation', 'L3-CNS2-04'), 'pass');
    t.is(verdict('cloud.tenant-isolation', 'L3-CES2-02'), 'pass');
    t.is(verdict('cloud.vm-lifecycle', 'L3-CES2-05'), 'pass', v.get('cloud.vm-lifecycle/L3-CES2-05')?.summary);
    // The purged disk's KMS key is destroyed; the backend's own encryption keeps it at 部分符合 (see the summary).
    t.is(verdict('cloud.residual-wipe', 'L3-CES2-19'), 'partial');
    const wipe = v.get('cloud.residual-wipe/L3-CES2-19')!.evidence as { purged: number; notErased: string[] };
    t.is(wipe.purged, 1);
    t.deepEqual(wipe.notErased, []);
    t.is(verdict('cloud.data-location', 'L3-CES2-15'), 'pass');
    t.is(verdict('cloud.export', 'L3-CES2-17'), 'partial');
    t.is(verdict('tenants.quotas', 'L3-SMC2-01'), 'pass');
    const iso = v.get('cloud.tenant-isolation/L3-CNS2-02')!;
    t.true((iso.evidence.tenants as { code: string }[]).some((x) => x.code === 'ev-a'));
    t.true(iso.files.some((f) => f.name === 'cloud-security-group-rules.csv'));

    // Drift past admission (a rule changed on the provider side, or made before the policy): SSH open to the world.
    await sql`insert into cloud.resources (tenant_id, zone, kind, name, status, parent_id, spec, created_by)
      values (${A.id}, 'liangcheng-dmz', 'sg_rule', 'ingress-tcp-22', 'available', ${net.sg}, ${JSON.stringify({ direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portMin: 22, portMax: 22, remoteIpPrefix: '0.0.0.0/0' })}::jsonb, 'drift')`.execute(db);
    v = await verdicts(sources);
    t.is(verdict('cloud.tenant-isolation', 'L3-CNS2-02'), 'fail');
    t.true((v.get('cloud.tenant-isolation/L3-CNS2-02')!.evidence.openRules as { why: string }[]).some((o) => o.why.startsWith('admin-port-not-public')));
    await sql`delete from cloud.resources where created_by = 'drift'`.execute(db);

    // A's VM pointing at B's security group: isolation is broken however the rules read.
    const bNet = await network(B.client, '10.66.0.0/16', '10.66.1.0/24');
    await sql`update cloud.resources set spec = jsonb_set(spec, '{securityGroupIds}', ${JSON.stringify([net.sg, bNet.sg])}::jsonb) where id = ${vmId}`.execute(db);
    v = await verdicts(sources);
    t.is(verdict('cloud.tenant-isolation', 'L3-CNS2-02'), 'fail');
    t.is(verdict('cloud.tenant-isolation', 'L3-CES2-02'), 'fail');
    t.deepEqual((v.get('cloud.tenant-isolation/L3-CNS2-02')!.evidence.crossTenantRefs as { refId: string }[]).map((c) => c.refId), [bNet.sg]);
    await sql`update cloud.resources set spec = jsonb_set(spec, '{securityGroupIds}', ${JSON.stringify([net.sg])}::jsonb) where id = ${vmId}`.execute(db);

    // A server the control plane never ordered appears in the pool.
    const host = await sql<{ id: string }>`select id from cloud_embedded.hosts where zone = 'liangcheng-dmz' limit 1`.execute(db);
    await sql`insert into cloud_embedded.servers (zone, host_id, vcpus, ram_gb) values ('liangcheng-dmz', ${host.rows[0]!.id}, 2, 4)`.execute(db);
    v = await verdicts(sources);
    t.is(verdict('cloud.vm-lifecycle', 'L3-CES2-05'), 'fail');
    await sql`delete from cloud_embedded.servers where id not in (select provider_ref::uuid from cloud.resources where kind = 'vm' and provider_ref is not null)`.execute(db);

    // A purge recorded while the disk's key is still live: not crypto-erased.
    const d2 = await A.client.post('/api/cloud/disks', { name: 'lis', sizeGb: 20 });
    await srv.ctx.audit.record({ actor: systemActor('test'), action: 'disk.purged', target: { type: 'disk', id: d2.body.id }, tenantId: A.id });
    v = await verdicts(sources);
    t.is(verdict('cloud.residual-wipe', 'L3-CES2-19'), 'fail');
    t.deepEqual((v.get('cloud.residual-wipe/L3-CES2-19')!.evidence as { notErased: string[] }).notErased, [d2.body.id]);

    // Quota lowered below what the tenant already uses.
    await (srv.ctx.tenants as TenantsService).setQuota(systemActor('test'), A.id, { ...(await srv.ctx.tenants.get(systemActor('test'), A.id)).quota, vms: 0 });
    v = await verdicts(sources);
    t.is(verdict('tenants.quotas', 'L3-SMC2-01'), 'fail');

    // Through the wired registry (what `yiyun evidence` and the console run): every new key gives its items a result.
    const compliance = srv.ctx.rooms.get('compliance')!.exports!.service as ComplianceService;
    await compliance.runChecks(systemActor('test'));
    for (const [item, key] of [['L3-CNS2-02', 'cloud.tenant-isolation'], ['L3-CES2-05', 'cloud.vm-lifecycle'], ['L3-CES2-19', 'cloud.residual-wipe'], ['L3-CES2-15', 'cloud.data-location'], ['L3-CES2-17', 'cloud.export'], ['L3-SMC2-01', 'tenants.quotas'], ['L3-ABS1-19', 'security.bastion'], ['L3-CES1-12', 'security.db-audit']] as const) {
      const got = await compliance.getItem(systemActor('test'), item);
      t.true(got.results.some((r) => r.checkKey === key), `${item} has a result from ${key}`);
    }
    // The test server runs no bastion gateway and no db-audit proxy: both say so.
    t.is((await compliance.getItem(systemActor('test'), 'L3-ABS1-19')).results.find((r) => r.checkKey === 'security.bastion')?.verdict, 'fail');
  } finally {
    await srv.cleanup();
  }
});
