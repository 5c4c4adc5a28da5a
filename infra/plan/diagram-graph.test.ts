import path from 'node:path';
import test from 'ava';
import { topologyGraph, type DiagramNode } from './diagram-graph';
import { planStack } from './plan';

const root = path.resolve(__dirname, '../..');

function find(n: DiagramNode, id: string): DiagramNode | undefined {
  if (n.id === id) return n;
  for (const c of n.children ?? []) {
    const hit = find(c, id);
    if (hit) return hit;
  }
  return undefined;
}

test('tenant subnets show their IPv6 prefix with the tenant tier’s mode; IPv4-only tenants show none', async (t) => {
  const plan = await planStack('liangcheng-dmz', { cwd: root });
  const graph = topologyGraph(plan);
  const zone = plan.zones[0]!;
  const mode = zone.tiers.find((x) => x.kind === 'tenant')!.ipv6Mode;
  t.is(mode, 'dhcpv6-stateful');
  for (const tn of zone.tenants) {
    const node = find(graph, `dmz:subnet:tenant-${tn.name}`);
    t.truthy(node, tn.name);
    if (tn.ipv6) t.deepEqual(node!.lines, [tn.name, tn.ipv4, `${tn.ipv6} (dhcpv6-stateful)`]);
    else t.deepEqual(node!.lines, [tn.name, tn.ipv4]);
  }
  t.true(zone.tenants.some((x) => !x.ipv6) && zone.tenants.some((x) => x.ipv6), 'both kinds are covered');
  t.deepEqual(find(graph, 'dmz:subnet:services')!.lines!.at(-1), `${zone.tiers.find((x) => x.kind === 'services')!.ipv6} (slaac)`);
});
