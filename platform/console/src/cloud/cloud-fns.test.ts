import test from 'ava';
import { cleanSpec, formatTags, moveItem, parseList, parseTags } from './cloud-fns';
import { H, layout, W } from './topology/topology-layout';
import type { Topology } from './types';

test('tags typed as text become the API’s object and back (Chinese commas too)', (t) => {
  t.deepEqual(parseTags('env=prod, app=his，owner=信息科'), { env: 'prod', app: 'his', owner: '信息科' });
  t.deepEqual(parseTags('k=a=b, bare ,  '), { k: 'a=b', bare: '' });
  t.deepEqual(parseTags(undefined), {});
  t.is(formatTags({ env: 'prod', bare: '' }), 'env=prod, bare');
  t.deepEqual(parseTags(formatTags({ a: '1', b: '2' })), { a: '1', b: '2' });
  t.deepEqual(parseList(' 10.20.0.2,10.20.0.3  10.20.0.4，'), ['10.20.0.2', '10.20.0.3', '10.20.0.4']);
});

test('moving a widget keeps every other one in order and clamps at the ends', (t) => {
  t.deepEqual(moveItem(['a', 'b', 'c', 'd'], 0, 2), ['b', 'c', 'a', 'd']);
  t.deepEqual(moveItem(['a', 'b', 'c'], 2, 0), ['c', 'a', 'b']);
  t.deepEqual(moveItem(['a', 'b', 'c'], 1, 99), ['a', 'c', 'b']);
  t.deepEqual(moveItem(['a', 'b'], 5, 0), ['a', 'b']);
});

test('a VM spec drops the blanks a form leaves, so a template’s values are not overridden', (t) => {
  t.deepEqual(cleanSpec({ flavor: 'c1.2c4g', password: '', keypairId: null, subnetIds: [], systemDiskGb: '60', dataDisks: [{ sizeGb: '20', volumeType: 'ssd-sm4' }] }), {
    flavor: 'c1.2c4g',
    systemDiskGb: 60,
    dataDisks: [{ sizeGb: 20, volumeType: 'ssd-sm4' }],
  });
  t.deepEqual(cleanSpec(undefined), {});
});

test('the topology is laid out left to right without overlaps, edges to unknown nodes dropped', async (t) => {
  const topo: Topology = {
    nodes: [
      { id: 'v', kind: 'vpc', name: 'vpc-his', status: 'available' },
      { id: 'router:v', kind: 'router', name: 'vpc-his-router', status: 'available' },
      { id: 's', kind: 'subnet', name: 'sn-app', status: 'available' },
      ...[1, 2, 3].map((i) => ({ id: `vm${i}`, kind: 'vm' as const, name: `web-${i}`, status: 'ACTIVE' })),
      { id: 'h', kind: 'havip', name: 'vip', status: 'available' },
      { id: 'g', kind: 'security_group', name: 'sg-web', status: 'available' },
    ],
    edges: [
      { from: 'v', to: 'router:v', kind: 'contains' },
      { from: 'router:v', to: 's', kind: 'routes' },
      ...[1, 2, 3].map((i) => ({ from: 's', to: `vm${i}`, kind: 'nic' })),
      { from: 's', to: 'h', kind: 'contains' },
      { from: 'h', to: 'vm1', kind: 'vip' },
      { from: 'g', to: 'vm2', kind: 'guards' },
      { from: 'eip-not-drawn', to: 'vm3', kind: 'binds' },
    ],
  };
  const laid = await layout(topo);
  t.is(laid.nodes.length, topo.nodes.length);
  t.is(laid.edges.length, topo.edges.length - 1);
  const at = (id: string) => laid.nodes.find((n) => n.id === id)!;
  t.true(at('v').x < at('router:v').x && at('router:v').x < at('s').x && at('s').x < at('vm1').x, 'VPC → router → subnet → VM, left to right');
  for (const a of laid.nodes)
    for (const b of laid.nodes) if (a !== b) t.false(a.x < b.x + W && b.x < a.x + W && a.y < b.y + H && b.y < a.y + H, `${a.id} overlaps ${b.id}`);
  t.true(laid.edges.every((e) => e.points.length >= 2));
  t.true(laid.width >= W * 4 && laid.height >= H * 3);
  t.deepEqual(await layout({ nodes: [], edges: [] }).then((l) => l.nodes), []);
});
