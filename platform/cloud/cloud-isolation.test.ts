import test from 'ava';
import { sql } from 'kysely';
import { cloudServer, KEY, KYLIN, network } from './cloud-testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which kind of id each path segment takes. */
const KIND_OF: Record<string, string> = {
  vpcs: 'vpc', subnets: 'subnet', 'security-groups': 'security_group', acls: 'acl', eips: 'eip', havips: 'havip', nics: 'nic', keypairs: 'keypair', vms: 'vm',
  'server-groups': 'server_group', templates: 'template', images: 'image', disks: 'disk', snapshots: 'snapshot', backups: 'backup', 'backup-policies': 'backup_policy',
  'recycle-bin': 'recycled', orders: 'order',
};

/**
 * Generated from the route table: every cloud route is called by tenant B with tenant A's ids (in the path and
 * in bodies). Each must answer 404 for a foreign id; lists must show none of A's rows; A's rows must be untouched.
 */
test.serial('tenant isolation: every cloud route, a second tenant, 0 reads and 0 writes', async (t) => {
  const { srv, tenant } = await cloudServer();
  try {
    const A = await tenant('iso-a');
    const B = await tenant('iso-b');
    const a = A.client;
    const net = await network(a);
    const ids: Record<string, string> = { vpc: net.vpc, subnet: net.subnet, security_group: net.sg, keypair: net.keypair };
    ids.sg_rule = (await a.post(`/api/cloud/security-groups/${net.sg}/rules`, { direction: 'ingress', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '0.0.0.0/0' })).body.id;
    ids.acl = (await a.post('/api/cloud/acls', { name: 'acl' })).body.id;
    ids.acl_rule = (await a.post(`/api/cloud/acls/${ids.acl}/rules`, { direction: 'ingress', priority: 1, action: 'deny' })).body.id;
    ids.eip = (await a.post('/api/cloud/eips', { name: 'e' })).body.id;
    ids.havip = (await a.post('/api/cloud/havips', { name: 'h', subnetId: net.subnet })).body.id;
    ids.nic = (await a.post('/api/cloud/nics', { name: 'n', subnetId: net.subnet })).body.id;
    ids.server_group = (await a.post('/api/cloud/server-groups', { name: 'g', policy: 'soft-anti-affinity' })).body.id;
    ids.template = (await a.post('/api/cloud/templates', { name: 't', spec: { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], keypairId: net.keypair } })).body.id;
    ids.image = (await a.post('/api/cloud/images', { name: 'img', format: 'vhd', osType: 'windows', sizeGb: 20 })).body.id;
    ids.vm = (await a.post('/api/cloud/vms', { name: 'vm', templateId: ids.template })).body.id;
    ids.disk = (await a.post('/api/cloud/disks', { name: 'd', sizeGb: 20 })).body.id;
    ids.snapshot = (await a.post('/api/cloud/snapshots', { diskId: ids.disk, name: 's' })).body.id;
    ids.backup = (await a.post('/api/cloud/backups', { sourceType: 'disk', sourceId: ids.disk, name: 'b' })).body.id;
    ids.backup_policy = (await a.post('/api/cloud/backup-policies', { name: 'p', mode: 'full', intervalHours: 24, retentionDays: 7, targets: [{ type: 'disk', id: ids.disk }] })).body.id;
    ids.recycled = (await a.post('/api/cloud/disks', { name: 'r', sizeGb: 20 })).body.id;
    await a.delete(`/api/cloud/disks/${ids.recycled}`);
    ids.order = (await a.get('/api/cloud/orders')).body.items[0].id;
    for (const [k, v] of Object.entries(ids)) t.truthy(v, k);
    // Wait until A's resources have settled: the lifecycle job's own writes (BUILD → ACTIVE, …) are not B's doing.
    for (let i = 0; i < 150; i++) {
      const moving = await sql<{ n: number }>`select count(*)::int as n from cloud.resources where tenant_id = ${A.id} and next_status is not null`.execute(srv.ctx.database.db);
      const pending = await sql<{ n: number }>`select count(*)::int as n from cloud.orders where tenant_id = ${A.id} and status in ('submitted', 'running')`.execute(srv.ctx.database.db);
      if (moving.rows[0]!.n === 0 && pending.rows[0]!.n === 0) break;
      await sleep(200);
    }
    // A's image shared with a third tenant (pending): B is offered nothing of it and cannot answer for C
    const C = await tenant('iso-c');
    t.is((await a.call('PUT', `/api/cloud/images/${ids.image}/visibility`, { visibility: 'shared' })).status, 200);
    t.is((await a.post(`/api/cloud/images/${ids.image}/members`, { tenantId: C.id })).status, 201);
    const foreign = new Set(Object.values(ids));
    const before = await sql<{ id: string; updated_at: Date; status: string }>`select id, updated_at, status from cloud.resources where tenant_id = ${A.id} order by id`.execute(srv.ctx.database.db);

    // Bodies that pass validation and point at A's resources, so a refusal can only come from ownership.
    const own = await network(B.client, '10.66.0.0/16', '10.66.1.0/24');
    const body: Record<string, unknown> = {
      'POST /api/cloud/subnets': { vpcId: ids.vpc, name: 'x', cidr: '192.168.50.0/24' },
      'POST /api/cloud/vms': { name: 'x', templateId: ids.template },
      'POST /api/cloud/vms/batch': { name: 'x', count: 2, spec: { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [ids.subnet], keypairId: own.keypair } },
      'POST /api/cloud/havips': { name: 'x', subnetId: ids.subnet },
      'POST /api/cloud/nics': { name: 'x', subnetId: ids.subnet },
      'POST /api/cloud/nics/unbind': { ids: [ids.nic] },
      'POST /api/cloud/disks': { name: 'x', sizeGb: 20, snapshotId: ids.snapshot },
      'POST /api/cloud/snapshots': { diskId: ids.disk, name: 'x' },
      'POST /api/cloud/backups': { sourceType: 'disk', sourceId: ids.disk, name: 'x' },
      'POST /api/cloud/backup-policies': { name: 'x', mode: 'full', intervalHours: 1, retentionDays: 1, targets: [{ type: 'vm', id: ids.vm }] },
      'PUT /api/cloud/vpcs/:id/tags': { tags: { a: 'b' } },
      'PUT /api/cloud/vms/:id/tags': { tags: { a: 'b' } },
      'PUT /api/cloud/disks/:id/tags': { tags: { a: 'b' } },
      'PATCH /api/cloud/subnets/:id': { name: 'x' },
      'POST /api/cloud/security-groups/:id/rules': { direction: 'egress', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '10.0.0.0/8' },
      'PUT /api/cloud/security-groups/:id/rules/:ruleId': { direction: 'egress', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '10.0.0.0/8' },
      'PATCH /api/cloud/acls/:id': { enabled: false },
      'POST /api/cloud/acls/:id/rules': { direction: 'egress', priority: 5, action: 'deny' },
      'PUT /api/cloud/acls/:id/rules/:ruleId': { direction: 'egress', priority: 5, action: 'deny' },
      'POST /api/cloud/acls/:id/associate': { subnetIds: [own.subnet] },
      'POST /api/cloud/acls/:id/disassociate': { subnetIds: [own.subnet] },
      'POST /api/cloud/acls/:id/import': { format: 'json', content: '[]' },
      'POST /api/cloud/eips/:id/bind': { targetType: 'vm', targetId: ids.vm },
      'POST /api/cloud/havips/:id/bind': { vmIds: [] },
      'POST /api/cloud/havips/:id/unbind': { vmIds: [] },
      'POST /api/cloud/nics/:id/bind': { vmId: ids.vm },
      'POST /api/cloud/vms/:id/clone': { name: 'x' },
      'POST /api/cloud/vms/:id/resize': { flavor: 'g1.4c16g' },
      'POST /api/cloud/vms/:id/template': { name: 'x' },
      'POST /api/cloud/disks/:id/attach': { vmId: ids.vm },
      'POST /api/cloud/disks/:id/initialise': { filesystem: 'xfs' },
      'POST /api/cloud/disks/:id/extend': { sizeGb: 500 },
      'POST /api/cloud/backups/:id/restore': {},
      'PUT /api/cloud/images/:id/visibility': { visibility: 'shared' },
      'POST /api/cloud/images/:id/members': { tenantId: B.id },
    };
    // Creates without foreign references only touch B's own tenant: they are checked for reads, not for 404.
    const ownCreates = new Set(['POST /api/cloud/vpcs', 'POST /api/cloud/security-groups', 'POST /api/cloud/acls', 'POST /api/cloud/eips', 'POST /api/cloud/keypairs', 'POST /api/cloud/server-groups', 'POST /api/cloud/templates', 'POST /api/cloud/images', 'PUT /api/cloud/overview/layout']);
    const routes = srv.ctx.routes.filter((r) => r.path.startsWith('/api/cloud/'));
    let walked = 0;
    for (const r of routes) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      if (r.access === 'cloud.admin') {
        t.is((await B.client.call(r.method.toUpperCase(), r.path, r.method === 'get' ? undefined : {})).status, 403, key);
        walked++;
        continue;
      }
      if (ownCreates.has(key)) continue;
      const seg = r.path.split('/')[3]!.replace(/-export$/, '');
      let url = r.path;
      if (url.includes(':id')) {
        const kind = KIND_OF[seg];
        t.truthy(kind && ids[kind], `no foreign id for ${key}`);
        url = url.replace(':id', ids[kind!]!);
      }
      // B asking to be (un)shared A's image is still a foreign id.
      if (url.includes(':tenantId')) url = url.replace(':tenantId', B.id);
      if (url.includes(':ruleId')) url = url.replace(':ruleId', ids[seg === 'acls' ? 'acl_rule' : 'sg_rule']!);
      const method = r.method.toUpperCase();
      const res = await B.client.call(method, url, method === 'GET' || method === 'DELETE' ? undefined : (body[key] ?? {}));
      walked++;
      if (r.path.includes(':id') || (method !== 'GET' && body[key])) {
        t.is(res.status, 404, `${key} answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      } else {
        t.true(res.status < 300, `${key} answered ${res.status}`);
        const text = JSON.stringify(res.body);
        for (const id of foreign) t.false(text.includes(id), `${key} leaked ${id}`);
      }
    }
    t.true(walked >= 80, `walked ${walked} routes`);
    t.deepEqual((await C.client.get('/api/cloud/image-shares')).body.items.map((x: { imageId: string; status: string }) => [x.imageId, x.status]), [[ids.image, 'pending']]);
    const after = await sql<{ id: string; updated_at: Date; status: string }>`select id, updated_at, status from cloud.resources where tenant_id = ${A.id} order by id`.execute(srv.ctx.database.db);
    t.deepEqual(after.rows.map((x) => [x.id, +x.updated_at]), before.rows.map((x) => [x.id, +x.updated_at]));
    const trail = await srv.ctx.audit.search({ offset: 0, limit: 1000, actor: B.loginId, outcome: 'success' });
    t.false(trail.items.some((x) => x.targetId && foreign.has(x.targetId)), 'an audit record shows B changing A');
    void KEY;
  } finally {
    await srv.cleanup();
  }
});
