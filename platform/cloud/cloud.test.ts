import test from 'ava';
import type { CloudService } from './cloud-service';
import { sql } from 'kysely';
import { cloudServer, KYLIN, network } from './cloud-testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('tenant cloud end to end on the embedded driver', async (t) => {
  const { srv, tenant } = await cloudServer();
  try {
    const cloud = srv.ctx.rooms.get('cloud')!.exports!.cloud as CloudService;
    const a = await tenant('lc-a');
    const c = a.client;
    const net = await network(c);

    // policies admit requests: SSH from the world is refused, from the bastion subnet accepted
    const bad = await c.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 22, portMax: 22, remoteIpPrefix: '0.0.0.0/0' });
    t.is(bad.status, 400);
    t.is(bad.body.code, 'cloud.policy_violation');
    t.is((await c.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 22, portMax: 22, remoteIpPrefix: '10.20.0.0/22' })).status, 201);
    t.is((await c.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '0.0.0.0/0' })).status, 201);
    const cross = await c.post('/api/cloud/vpcs', { name: 'vpc-x', cidr: '10.30.0.0/16' });
    t.is(cross.body.code, 'cloud.policy_violation'); // the internet zone's space, from the DMZ
    t.is((await c.post('/api/cloud/subnets', { vpcId: net.vpc, name: 'out', cidr: '10.9.0.0/24' })).status, 400);
    t.is((await c.post('/api/cloud/subnets', { vpcId: net.vpc, name: 'dup', cidr: '192.168.1.128/25' })).body.code, 'cloud.cidr_overlap');
    const dual = await c.post('/api/cloud/subnets', { vpcId: net.vpc, name: 'sn-dual', stack: 'dual', cidr: '192.168.2.0/24', cidr6: 'fd00:1:2::/64' });
    t.is(dual.status, 201);

    // a VM from a template, then batch copies; IPs never collide
    const tpl = await c.post('/api/cloud/templates', { name: 'tpl-web', spec: { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet, dual.body.id], securityGroupIds: [net.sg], keypairId: net.keypair, dataDisks: [{ sizeGb: 20, volumeType: 'ssd-sm4' }] } });
    t.is(tpl.status, 201);
    const vm = await c.post('/api/cloud/vms', { name: 'web-1', templateId: tpl.body.id });
    t.is(vm.status, 201, JSON.stringify(vm.body));
    t.is(vm.body.status, 'BUILD');
    const batch = await c.post('/api/cloud/vms/batch', { name: 'web-{n:2}', count: 3, templateId: tpl.body.id });
    t.is(batch.status, 201);
    t.deepEqual(batch.body.items.map((v: { name: string }) => v.name), ['web-01', 'web-02', 'web-03']);
    await sleep(300);
    await cloud.settle(); // the order watch: the region reports the servers ACTIVE once built
    const vms = await c.get('/api/cloud/vms?sort=name&order=asc');
    t.is(vms.body.total, 4);
    t.true(vms.body.items.every((v: { status: string }) => v.status === 'ACTIVE'));
    const ips = vms.body.items.flatMap((v: { spec: { ips: string[] } }) => v.spec.ips);
    t.is(new Set(ips).size, 8);
    const details = await c.get(`/api/cloud/subnets/${net.subnet}/details`);
    t.is(details.body.gateway, '192.168.1.1');
    t.is(details.body.availableIps, 253 - 4);
    t.is(details.body.attached.filter((x: { kind: string }) => x.kind === 'vm').length, 4);

    // orders: every create is one, and completes when the VM is up
    const orders = await c.get('/api/cloud/orders');
    t.is(orders.body.total, 4 + 0);
    t.true(orders.body.items.every((o: { status: string }) => o.status === 'completed'));

    // lifecycle
    const v1 = vm.body.id as string;
    t.is((await c.post(`/api/cloud/vms/${v1}/start`, {})).body.code, 'cloud.vm_state');
    t.is((await c.post(`/api/cloud/vms/${v1}/stop`, {})).status, 200);
    await sleep(250);
    t.is((await c.get(`/api/cloud/vms/${v1}`)).body.status, 'SHUTOFF');
    const rs = await c.post(`/api/cloud/vms/${v1}/resize`, { flavor: 'g1.4c16g' });
    t.is(rs.body.status, 'RESIZE');
    await sleep(250);
    await cloud.settle();
    const resized = await c.get(`/api/cloud/vms/${v1}`);
    t.is(resized.body.status, 'SHUTOFF');
    t.is(resized.body.vcpus, 4);
    t.is((await c.post(`/api/cloud/vms/${v1}/start`, {})).status, 200);
    await sleep(250);
    const vnc = await c.post(`/api/cloud/vms/${v1}/vnc`, {});
    t.regex(vnc.body.url, /vnc/);
    const clone = await c.post(`/api/cloud/vms/${v1}/clone`, { name: 'web-clone' });
    t.is(clone.status, 201);
    t.is(clone.body.items[0].spec.flavor, 'g1.4c16g');

    // strong anti-affinity: the demo region has two general hosts, so the third member is refused
    const grp = await c.post('/api/cloud/server-groups', { name: 'pg-ha', policy: 'anti-affinity' });
    const spec = { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], keypairId: net.keypair, serverGroupId: grp.body.id };
    const m1 = await c.post('/api/cloud/vms', { name: 'pg-1', spec });
    const m2 = await c.post('/api/cloud/vms', { name: 'pg-2', spec });
    t.is(m1.status, 201);
    t.is(m2.status, 201);
    t.not(m1.body.spec.host, m2.body.spec.host);
    const m3 = await c.post('/api/cloud/vms', { name: 'pg-3', spec });
    t.is(m3.status, 409);
    t.is(m3.body.code, 'cloud.anti_affinity');
    t.is((await c.get(`/api/cloud/orders?status=failed`)).body.total, 1);
    const soft = await c.post('/api/cloud/server-groups', { name: 'soft', policy: 'soft-anti-affinity' });
    for (const name of ['s-1', 's-2', 's-3']) t.is((await c.post('/api/cloud/vms', { name, spec: { ...spec, serverGroupId: soft.body.id } })).status, 201);

    // HaVIP bound to two VMs in its subnet, and an EIP on the HaVIP
    await sleep(250);
    await cloud.settle();
    const hv = await c.post('/api/cloud/havips', { name: 'vip-pg', subnetId: net.subnet, ip: '192.168.1.200' });
    t.is(hv.body.spec.ip, '192.168.1.200');
    t.is((await c.post('/api/cloud/nics', { name: 'taken', subnetId: net.subnet, ip: '192.168.1.200' })).body.code, 'cloud.ip_in_use');
    const eip = await c.post('/api/cloud/eips', { name: 'eip-1' });
    const bound = await c.post(`/api/cloud/havips/${hv.body.id}/bind`, { vmIds: [m1.body.id, m2.body.id], eipId: eip.body.id });
    t.is(bound.body.spec.vmIds.length, 2);
    t.is(bound.body.spec.publicIp, eip.body.spec.ip);
    t.is((await c.get(`/api/cloud/havips?q=vip`)).body.total, 1);
    t.is((await c.post(`/api/cloud/havips/${hv.body.id}/unbind`, { vmIds: [m2.body.id], eip: true })).body.spec.vmIds.length, 1);

    // elastic NICs: bind two, batch unbind
    const n1 = await c.post('/api/cloud/nics', { name: 'nic-a', subnetId: net.subnet });
    const n2 = await c.post('/api/cloud/nics', { name: 'nic-b', subnetId: net.subnet });
    for (const n of [n1, n2]) t.is((await c.post(`/api/cloud/nics/${n.body.id}/bind`, { vmId: v1 })).status, 200);
    const ub = await c.post('/api/cloud/nics/unbind', { ids: [n1.body.id, n2.body.id] });
    t.true(ub.body.items.every((x: { spec: { vmId: null } }) => x.spec.vmId === null));

    // IP exhaustion on a /29 (5 usable addresses)
    const tiny = await c.post('/api/cloud/subnets', { vpcId: net.vpc, name: 'tiny', cidr: '192.168.9.0/29' });
    for (let i = 0; i < 5; i++) t.is((await c.post('/api/cloud/nics', { name: `t${i}`, subnetId: tiny.body.id })).status, 201);
    const none = await c.post('/api/cloud/nics', { name: 't5', subnetId: tiny.body.id });
    t.is(none.body.code, 'cloud.ip_exhausted');

    // disks: create, attach, extend, tags, search, export; recycle, restore, purge after retention
    const d = await c.post('/api/cloud/disks', { name: 'data-his', sizeGb: 100, tags: { app: 'his' } });
    t.is(d.status, 201);
    t.is(d.body.spec.replicas.length, 3);
    t.is((await c.post(`/api/cloud/disks/${d.body.id}/attach`, { vmId: v1 })).body.status, 'in-use');
    t.is((await c.delete(`/api/cloud/disks/${d.body.id}`)).body.code, 'cloud.disk_in_use');
    t.is((await c.post(`/api/cloud/disks/${d.body.id}/detach`, {})).body.status, 'available');
    t.is((await c.post(`/api/cloud/disks/${d.body.id}/extend`, { sizeGb: 50 })).status, 400);
    t.is((await c.post(`/api/cloud/disks/${d.body.id}/extend`, { sizeGb: 200 })).body.sizeGb, 200);
    t.is((await c.post(`/api/cloud/disks/${d.body.id}/initialise`, { filesystem: 'xfs' })).body.spec.initialised, true);
    t.is((await c.get('/api/cloud/disks?tag=app=his')).body.total, 1);
    const csv = await c.call('GET', '/api/cloud/disks-export?format=csv');
    t.regex(csv.body.raw as string, /data-his/);
    const snap = await c.post('/api/cloud/snapshots', { diskId: d.body.id, name: 'before-upgrade' });
    t.is(snap.status, 201);
    t.is((await c.post(`/api/cloud/snapshots/${snap.body.id}/rollback`, {})).body.spec.rolledBackTo, snap.body.id);
    const fromSnap = await c.post('/api/cloud/disks', { name: 'from-snap', sizeGb: 200, snapshotId: snap.body.id });
    t.is(fromSnap.body.spec.fromSnapshot, snap.body.id);
    const inc0 = await c.post('/api/cloud/backups', { sourceType: 'disk', sourceId: d.body.id, name: 'b-inc', mode: 'incremental' });
    t.is(inc0.body.code, 'cloud.backup_no_base');
    const full = await c.post('/api/cloud/backups', { sourceType: 'disk', sourceId: d.body.id, name: 'b-full', mode: 'full' });
    const inc = await c.post('/api/cloud/backups', { sourceType: 'disk', sourceId: d.body.id, name: 'b-inc', mode: 'incremental' });
    t.is(inc.body.parentId, full.body.id);
    t.is((await c.delete(`/api/cloud/backups/${full.body.id}`)).body.code, 'cloud.backup_has_dependents');
    t.is((await c.post(`/api/cloud/backups/${inc.body.id}/restore`, {})).status, 200);
    t.is((await c.post('/api/cloud/disks', { name: 'from-backup', sizeGb: 200, backupId: full.body.id })).status, 201);

    const del = await c.delete(`/api/cloud/disks/${d.body.id}`);
    t.is(del.body.status, 'recycled');
    t.true(new Date(del.body.purgeAfter).getTime() - Date.now() >= 7 * 86_400_000 - 60_000);
    t.is((await c.get('/api/cloud/recycle-bin')).body.total, 1);
    t.is((await c.get('/api/cloud/disks')).body.items.some((x: { id: string }) => x.id === d.body.id), false);
    t.is((await c.post(`/api/cloud/recycle-bin/${d.body.id}/restore`, {})).body.status, 'available');
    await c.delete(`/api/cloud/disks/${d.body.id}`);
    t.is((await cloud.storage.purgeDue(new Date(Date.now() + 6 * 86_400_000))).purged, 0);
    t.is((await cloud.storage.purgeDue(new Date(Date.now() + 8 * 86_400_000))).purged, 1);
    t.is((await c.get(`/api/cloud/disks/${d.body.id}`)).status, 404);

    // ACL rules: import CSV, refuse a world-open SSH allow, export
    const acl = await c.post('/api/cloud/acls', { name: 'acl-app' });
    const imp = await c.post(`/api/cloud/acls/${acl.body.id}/import`, { format: 'csv', content: 'direction,priority,action,protocol,source,destination,destinationPort,description\ningress,10,allow,tcp,10.20.0.0/22,0.0.0.0/0,22,bastion\ningress,20,deny,any,0.0.0.0/0,0.0.0.0/0,,rest\n' });
    t.is(imp.body.imported, 2, JSON.stringify(imp.body));
    const badImp = await c.post(`/api/cloud/acls/${acl.body.id}/import`, { format: 'json', content: JSON.stringify([{ direction: 'ingress', priority: 30, action: 'allow', protocol: 'tcp', source: '0.0.0.0/0', destinationPort: '3389' }]) });
    t.is(badImp.body.code, 'cloud.policy_violation');
    t.is((await c.get(`/api/cloud/acls/${acl.body.id}/rules`)).body.total, 2);
    t.is((await c.post(`/api/cloud/acls/${acl.body.id}/associate`, { subnetIds: [net.subnet] })).body.spec.subnetIds.length, 1);
    const exp = await c.call('GET', `/api/cloud/acls/${acl.body.id}/export?format=json`);
    t.is((exp.body as unknown as unknown[]).length, 2);
    // the region enforces what the control plane holds: rules in order and the associated subnet (embedded: its acls table)
    const db = srv.ctx.database.db;
    const enforced = async () => (await sql<{ name: string; enabled: boolean; rules: { priority: number; source: string | null }[]; subnet_refs: string[] }>`select a.name, a.enabled, a.rules, a.subnet_refs from cloud_embedded.acls a join cloud.resources r on r.provider_ref = a.id::text where r.id = ${acl.body.id}`.execute(db)).rows;
    const subnetRef = (await sql<{ provider_ref: string }>`select provider_ref from cloud.resources where id = ${net.subnet}`.execute(db)).rows[0]!.provider_ref;
    let held = await enforced();
    t.is(held.length, 1);
    t.deepEqual(held[0]!.rules.map((r) => [r.priority, r.source]), [[10, '10.20.0.0/22'], [20, null]]);
    t.deepEqual(held[0]!.subnet_refs, [subnetRef]);
    const rule20 = (await c.get(`/api/cloud/acls/${acl.body.id}/rules`)).body.items.find((r: { spec: { priority: number } }) => r.spec.priority === 20);
    t.is(rule20.description, 'rest');
    const changed = await c.put(`/api/cloud/acls/${acl.body.id}/rules/${rule20.id}`, { direction: 'ingress', priority: 25, action: 'deny', protocol: 'any', source: '0.0.0.0/0', description: 'deny the rest' });
    t.is(changed.status, 200);
    t.is(changed.body.description, 'deny the rest');
    t.is(changed.body.spec.priority, 25);
    t.deepEqual((await enforced())[0]!.rules.map((r) => r.priority), [10, 25]);
    t.is((await c.delete(`/api/cloud/acls/${acl.body.id}/rules/${rule20.id}`)).status, 204);
    t.is((await c.patch(`/api/cloud/acls/${acl.body.id}`, { enabled: false })).body.status, 'disabled');
    held = await enforced();
    t.is(held[0]!.rules.length, 1);
    t.false(held[0]!.enabled);
    t.truthy((await c.get(`/api/cloud/acls/${acl.body.id}`)).body.spec.provider.ref);

    // images: QCOW2 import records the conversion to raw
    const img = await c.post('/api/cloud/images', { name: 'centos-custom', format: 'qcow2', osType: 'linux', sizeGb: 10 });
    t.true(img.body.spec.steps.some((s: string) => /convert qcow2 → raw/.test(s)));

    // quota view, overview, topology, audit
    const quota = await c.get('/api/cloud/quota');
    t.is(quota.body.lines.find((l: { key: string }) => l.key === 'networks').used, 1);
    const ov = await c.get('/api/cloud/overview');
    t.true(ov.body.operations.length > 0);
    t.is((await c.put('/api/cloud/overview/layout', { widgets: [{ type: 'quota', w: 12 }] })).status, 200);
    t.deepEqual((await c.get('/api/cloud/overview')).body.layout, [{ type: 'quota', w: 12 }]);
    const topo = await c.get('/api/cloud/topology');
    t.true(topo.body.edges.some((e: { kind: string }) => e.kind === 'vip'));
    const trail = await srv.ctx.audit.search({ offset: 0, limit: 500, tenantId: a.id });
    const actions = new Set(trail.items.map((r) => r.action));
    for (const x of ['vpc.created', 'vm.created', 'vm.placed', 'vm.create_failed', 'vm.resized', 'disk.recycled', 'disk.restored', 'disk.purged', 'havip.bound', 'acl.rules_imported']) t.true(actions.has(x), x);

    // delete a VM: its data disk comes back detached, its system disk goes
    t.is((await c.delete(`/api/cloud/vms/${batch.body.items[0].id}`)).status, 204);
    t.is((await c.get(`/api/cloud/vms/${batch.body.items[0].id}`)).status, 404);
  } finally {
    await srv.cleanup();
  }
});

test.serial('quotas and capacity: exhaustion is refused, and racing creates never over-commit', async (t) => {
  const { srv, tenant, admin } = await cloudServer();
  try {
    const small = await tenant('lc-q', { vcpu: 4, ramGb: 100, vms: 10, networks: 1, securityGroups: 2, volumes: 20, diskGb: 10000 });
    const net = await network(small.client);
    t.is((await small.client.post('/api/cloud/vpcs', { name: 'second', cidr: '172.16.0.0/16' })).body.code, 'cloud.quota_exceeded');
    const spec = { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], keypairId: net.keypair };
    t.is((await small.client.post('/api/cloud/vms/batch', { name: 'q-{n}', count: 3, spec })).body.code, 'cloud.quota_exceeded');
    t.is((await small.client.post('/api/cloud/vms/batch', { name: 'q-{n}', count: 2, spec })).status, 201);
    t.is((await small.client.post('/api/cloud/vms', { name: 'q-3', spec })).status, 422);

    // two general hosts of 16 vCPU: 12 racing 4-vCPU creates can place 8 at most
    const big = await tenant('lc-race');
    const n2 = await network(big.client);
    const race = await Promise.all(Array.from({ length: 12 }, (_, i) => big.client.post('/api/cloud/vms', { name: `r-${i}`, spec: { flavor: 'g1.4c16g', imageId: KYLIN, subnetIds: [n2.subnet], keypairId: n2.keypair } })));
    const ok = race.filter((r) => r.status === 201).length;
    const refused = race.filter((r) => r.status === 409 && r.body.code === 'cloud.no_valid_host').length;
    // the small tenant's two 2-vCPU VMs were spread over both hosts: 14 vCPU free on each, so 3 + 3 fit
    t.is(ok, 6);
    t.is(refused, 6);
    const zones = await admin.get('/api/cloud/zones');
    for (const z of zones.body.items) for (const h of z.hosts) t.true(h.usedVcpus <= h.vcpus && h.usedRamGb <= h.ramGb);
    const dmz = zones.body.items.find((z: { zone: string }) => z.zone === 'liangcheng-dmz');
    t.is(dmz.capacity.usedVcpus, 4 + 6 * 4);
    // the large-memory flavor lands only on the large-memory host
    const huge = await big.client.post('/api/cloud/vms', { name: 'huge', spec: { flavor: 'x1.144c1280g', imageId: KYLIN, subnetIds: [n2.subnet], keypairId: n2.keypair } });
    t.is(huge.status, 201, JSON.stringify(huge.body));
    t.regex(huge.body.spec.host, /largemem/);
  } finally {
    await srv.cleanup();
  }
});


test.serial('orders follow the region: submitted → running while the server builds, completed on ACTIVE, failed when it is gone', async (t) => {
  const { srv, tenant } = await cloudServer(60_000);
  try {
    const cloud = srv.ctx.rooms.get('cloud')!.exports!.cloud as CloudService;
    const db = srv.ctx.database.db;
    const c = (await tenant('lc-o')).client;
    const net = await network(c);
    const spec = { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], keypairId: net.keypair };
    const vm = await c.post('/api/cloud/vms', { name: 'slow-1', spec });
    t.is(vm.status, 201, JSON.stringify(vm.body));
    await cloud.settle();
    // the region still builds it (60 s): the order is running, the VM BUILD, however long the console waits
    let orders = (await c.get('/api/cloud/orders')).body.items;
    t.deepEqual(orders.map((o: { status: string }) => o.status), ['running']);
    t.is((await c.get(`/api/cloud/vms/${vm.body.id}`)).body.status, 'BUILD');
    t.is((await c.get('/api/cloud/orders?status=running')).body.total, 1);

    // the hypervisor is done: the next watch completes the order and the VM is ACTIVE
    await sql`update cloud_embedded.servers set busy_until = now()`.execute(db);
    t.deepEqual(await cloud.reconcileOrders(), { completed: 1, failed: 0 });
    orders = (await c.get('/api/cloud/orders')).body.items;
    t.is(orders[0].status, 'completed');
    t.is(orders[0].detail.settledAs, 'ACTIVE');
    t.is((await c.get(`/api/cloud/vms/${vm.body.id}`)).body.status, 'ACTIVE');

    // resize: running through RESIZE, completed when the server is ACTIVE again
    const rs = await c.post(`/api/cloud/vms/${vm.body.id}/resize`, { flavor: 'g1.4c16g' });
    t.is(rs.body.status, 'RESIZE', JSON.stringify(rs.body));
    await cloud.settle();
    const resize = (await c.get('/api/cloud/orders')).body.items.find((o: { action: string }) => o.action === 'resize');
    t.is(resize.status, 'running');
    await sql`update cloud_embedded.servers set busy_until = now()`.execute(db);
    await cloud.settle();
    t.is((await c.get(`/api/cloud/orders/${resize.id}`)).body.status, 'completed');
    t.is((await c.get(`/api/cloud/vms/${vm.body.id}`)).body.status, 'ACTIVE');

    // a server that disappears from the region fails its order with the reason; the VM holds no quota
    const lost = await c.post('/api/cloud/vms', { name: 'lost-1', spec });
    const ref = (await sql<{ provider_ref: string }>`select provider_ref from cloud.resources where id = ${lost.body.id}`.execute(db)).rows[0]!.provider_ref;
    await sql`delete from cloud_embedded.servers where id = ${ref}`.execute(db);
    await cloud.settle();
    const failed = (await c.get('/api/cloud/orders?status=failed')).body.items;
    t.is(failed.length, 1);
    t.regex(failed[0].detail.reason, /gone/);
    const lv = (await c.get(`/api/cloud/vms/${lost.body.id}`)).body;
    t.is(lv.status, 'ERROR');
    t.is(lv.vcpus, 0);
    const audit = await sql<{ action: string }>`select action from audit.records where target_id = ${lost.body.id}`.execute(db);
    t.true(audit.rows.some((r) => r.action === 'vm.create_failed'));
  } finally {
    await srv.cleanup();
  }
});

test.serial('image sharing: private, shared with member tenants, public only by the platform admin', async (t) => {
  const { srv, admin, tenant } = await cloudServer();
  try {
    const db = srv.ctx.database.db;
    const A = await tenant('img-a');
    const B = await tenant('img-b');
    const a = A.client;
    const b = B.client;
    const img = await a.post('/api/cloud/images', { name: 'his-win', format: 'vhd', osType: 'windows', sizeGb: 30 });
    t.is(img.status, 201, JSON.stringify(img.body));
    const id = img.body.id as string;
    t.is(img.body.spec.visibility, 'private');
    await sleep(400); // importing → active (150 ms in the test region)
    const netB = await network(b, '10.77.0.0/16', '10.77.1.0/24');
    const bootB = () => b.post('/api/cloud/vms', { name: 'b-vm', spec: { flavor: 'c1.2c4g', imageId: id, subnetIds: [netB.subnet], keypairId: netB.keypair } });

    // private: B neither sees nor boots it, nor changes it
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 404);
    t.false((await b.get('/api/cloud/images')).body.items.some((i: { id: string }) => i.id === id));
    const hidden = await bootB();
    t.is(hidden.status, 404, JSON.stringify(hidden.body));
    t.is((await b.call('PUT', `/api/cloud/images/${id}/visibility`, { visibility: 'shared' })).status, 404);
    t.is((await b.call('POST', `/api/cloud/images/${id}/members`, { tenantId: B.id })).status, 404);

    // a tenant never makes an image public (it would reach every tenant): a stable code
    const pub = await a.call('PUT', `/api/cloud/images/${id}/visibility`, { visibility: 'public' });
    t.is(pub.status, 403);
    t.is(pub.body.code, 'cloud.image_public_admin_only');
    // members need a shared image
    t.is((await a.post(`/api/cloud/images/${id}/members`, { tenantId: B.id })).body.code, 'cloud.image_not_shared');

    // shared with B: the share is pending until B accepts it — offered, but neither listed nor bootable
    t.is((await a.call('PUT', `/api/cloud/images/${id}/visibility`, { visibility: 'shared' })).body.spec.visibility, 'shared');
    t.is((await a.post(`/api/cloud/images/${id}/members`, { tenantId: B.id })).status, 201);
    t.deepEqual((await a.get(`/api/cloud/images/${id}/members`)).body.items.map((m: { tenantId: string; status: string }) => [m.tenantId, m.status]), [[B.id, 'pending']]);
    const offered = await b.get('/api/cloud/image-shares');
    t.is(offered.status, 200, JSON.stringify(offered.body));
    t.deepEqual(offered.body.items.map((x: { imageId: string; status: string; ownerTenantId: string; imageName: string }) => [x.imageId, x.status, x.ownerTenantId, x.imageName]), [[id, 'pending', A.id, 'his-win']]);
    t.is((await a.get('/api/cloud/image-shares')).body.total, 0, 'the owner is offered nothing');
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 404);
    t.false((await b.get('/api/cloud/images')).body.items.some((i: { id: string }) => i.id === id));
    t.is((await bootB()).status, 404);
    // only the member answers: the owner, and a tenant it was not offered to, get 404
    t.is((await a.post(`/api/cloud/images/${id}/accept`, {})).status, 404);
    const C = await tenant('img-c');
    t.is((await C.client.post(`/api/cloud/images/${id}/accept`, {})).status, 404);
    // rejected: still neither listed nor bootable; the region holds B's answer as Glance would
    const refRegion = (await sql<{ provider_ref: string }>`select provider_ref from cloud.resources where id = ${id}`.execute(db)).rows[0]!.provider_ref;
    const regionStatus = async () => (await sql<{ s: string | null }>`select member_status->>${B.id}::text as s from cloud_embedded.image_sharing where ref = ${refRegion}`.execute(db)).rows[0]!.s;
    t.is(await regionStatus(), 'pending');
    const rejected = await b.post(`/api/cloud/images/${id}/reject`, {});
    t.is(rejected.status, 200, JSON.stringify(rejected.body));
    t.is(rejected.body.shareStatus, 'rejected');
    t.is(await regionStatus(), 'rejected');
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 404);
    t.is((await bootB()).status, 404);
    t.deepEqual((await b.get('/api/cloud/image-shares?status=rejected')).body.items.map((x: { imageId: string }) => x.imageId), [id]);
    t.is((await b.get('/api/cloud/image-shares?status=pending')).body.total, 0);
    // accepted: B lists, shows and boots it, but cannot change it
    t.is((await b.post(`/api/cloud/images/${id}/accept`, {})).body.shareStatus, 'accepted');
    t.is(await regionStatus(), 'accepted');
    t.is((await a.get(`/api/cloud/images/${id}/members`)).body.items[0].status, 'accepted');
    const answers = await sql<{ action: string; tenant_id: string }>`select action, tenant_id from audit.records where target_id = ${id} and action like 'image.share_%' order by seq`.execute(db);
    t.deepEqual(answers.rows.map((r) => [r.action, r.tenant_id]), [['image.share_rejected', B.id], ['image.share_accepted', B.id]]);
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 200);
    t.true((await b.get('/api/cloud/images')).body.items.some((i: { id: string }) => i.id === id));
    const booted = await bootB();
    t.is(booted.status, 201, JSON.stringify(booted.body));
    t.is(booted.body.spec.imageName, 'his-win');
    const change = await b.call('PUT', `/api/cloud/images/${id}/visibility`, { visibility: 'private' });
    t.is(change.status, 403);
    t.is(change.body.code, 'cloud.image_not_owner');
    t.is((await b.call('DELETE', `/api/cloud/images/${id}/members/${B.id}`)).status, 403);
    t.is((await b.call('DELETE', `/api/cloud/images/${id}`)).status, 404);
    t.is((await b.get(`/api/cloud/images/${id}/members`)).status, 403);

    // unshared: B sees 404 again and cannot boot it; its VM from before keeps running
    t.is((await a.call('DELETE', `/api/cloud/images/${id}/members/${B.id}`)).status, 204);
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 404);
    t.is((await bootB()).status, 404);
    t.is((await a.call('DELETE', `/api/cloud/images/${id}/members/${B.id}`)).body.code, 'cloud.image_member_not_found');

    // the platform admin publishes it: every tenant sees it; the region records it as Glance would
    const published = await admin.call('PUT', `/api/cloud/images/${id}/publication`, { visibility: 'public' });
    t.is(published.status, 200, JSON.stringify(published.body));
    t.is((await b.get(`/api/cloud/images/${id}`)).status, 200);
    t.is((await bootB()).status, 201);
    const ref = (await sql<{ provider_ref: string }>`select provider_ref from cloud.resources where id = ${id}`.execute(db)).rows[0]!.provider_ref;
    const held = await sql<{ visibility: string; members: string[] }>`select visibility, members from cloud_embedded.image_sharing where ref = ${ref}`.execute(db);
    t.is(held.rows[0]!.visibility, 'public');
    t.deepEqual(held.rows[0]!.members, []);
    // a tenant cannot even reach the admin route
    t.is((await a.call('PUT', `/api/cloud/images/${id}/publication`, { visibility: 'private' })).status, 403);

    // every change is in the audit trail
    const audit = await sql<{ action: string }>`select action from audit.records where target_id = ${id} order by 1`.execute(db);
    const actions = audit.rows.map((r) => r.action);
    for (const x of ['image.visibility_changed', 'image.member_added', 'image.member_removed']) t.true(actions.includes(x), x);
    t.is(actions.filter((x) => x === 'image.visibility_changed').length, 2);
  } finally {
    await srv.cleanup();
  }
});
