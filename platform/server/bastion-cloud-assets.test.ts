import test from 'ava';
import { cloudServer, KYLIN, network } from '../cloud/cloud-testing';
import { until } from '../../test/support/wait';

test('tenant cloud VMs become bastion assets when ACTIVE and retire when deleted (embedded driver)', async (t) => {
  const { srv, admin, tenant } = await cloudServer();
  try {
    const a = await tenant('lc-vmassets');
    const net = await network(a.client);
    const vm = await a.client.post('/api/cloud/vms', { name: 'his-app-01', spec: { flavor: 'c1.2c4g', imageId: KYLIN, subnetIds: [net.subnet], securityGroupIds: [net.sg], keypairId: net.keypair } });
    t.is(vm.status, 201, JSON.stringify(vm.body));
    const active = await until(async () => {
      const v = await a.client.get(`/api/cloud/vms/${vm.body.id}`);
      return v.body.status === 'ACTIVE' ? v : null;
    }, 'the VM to be ACTIVE');

    const sync = await admin.post('/api/bastion/cloud-sync');
    t.is(sync.status, 200, JSON.stringify(sync.body));
    const assets = await admin.get('/api/bastion/assets?limit=500');
    const asset = assets.body.items.find((x: any) => x.cloudVmId === vm.body.id);
    t.truthy(asset, JSON.stringify(assets.body));
    t.is(asset.name, 'his-app-01.lc-vmassets');
    t.is(asset.address, active.body.spec.ips[0]);
    t.is(asset.port, 22);
    t.is(asset.osType, 'linux');
    t.is(asset.tenantId, a.id);
    t.is(asset.folder, '/tenants/lc-vmassets/');
    t.true(asset.enabled);
    // A second pass changes nothing.
    t.deepEqual((await admin.post('/api/bastion/cloud-sync')).body, { created: 0, updated: 0, retired: 0 });

    // Deleting the VM retires its asset: disabled, kept for history.
    t.is((await a.client.delete(`/api/cloud/vms/${vm.body.id}`)).status, 204);
    t.is((await admin.post('/api/bastion/cloud-sync')).body.retired, 1);
    const after = await admin.get(`/api/bastion/assets/${asset.id}`);
    t.false(after.body.enabled);
    t.truthy(after.body.retiredAt);
  } finally {
    await srv.cleanup();
  }
});
