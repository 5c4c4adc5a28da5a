// The Zone component alone under Pulumi mocks, with a transformation that sees every child's
// resource options (the mocks do not receive dependencies, the transformation does).
import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { Zone } from './zone';

interface Seen {
  type: string;
  name: string;
  resource: pulumi.Resource;
  dependsOn: pulumi.Resource[];
  props: Record<string, unknown>;
}

const seen: Seen[] = [];
test.before(async () => {
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.name, state: a.inputs }),
    call: (a) => a.inputs,
  }, 'yiyun', 'zone-test', false);
  new Zone('t-zone', {
    zone: 't',
    ipv4: '10.90.0.0/16',
    ipv6: 'fd6c:6300:90::/48',
    tiers: [
      { kind: 'management', prefix: 22, stack: 'ipv4' },
      { kind: 'services', prefix: 20, stack: 'dual', ipv6Mode: 'slaac' },
      { kind: 'tenant', prefix: 18, stack: 'dual', ipv6Mode: 'dhcpv6-stateful' },
      { kind: 'ferry', prefix: 28, stack: 'ipv4' },
    ],
    tenants: [
      { name: 'a', title: 'A', stack: 'dual', quota: { vcpu: 1, ramGb: 1, storageTb: 1 } },
      { name: 'b', title: 'B', stack: 'ipv4', quota: { vcpu: 1, ramGb: 1, storageTb: 1 } },
    ],
    externalNetworkId: 'ext',
    dns: ['10.90.0.2'],
    gatekeeperPorts: [{ protocol: 'tcp', port: 8443, flowIds: ['x'] }],
  }, {
    transformations: [
      (a) => {
        const d = a.opts.dependsOn;
        seen.push({ type: a.type, name: a.name, resource: a.resource, dependsOn: (Array.isArray(d) ? d : d ? [d] : []) as pulumi.Resource[], props: a.props });
        return undefined;
      },
    ],
  });
  await pulumi.runtime.disconnect();
});

const nameOf = (r: pulumi.Resource) => seen.find((s) => s.resource === r)?.name;

test('every FWaaS group waits for the router interfaces of the ports it filters', (t) => {
  const groups = seen.filter((s) => s.type === 'openstack:firewall/groupV2:GroupV2');
  t.deepEqual(groups.map((g) => g.name).sort(), ['t-fwg-ferry', 't-fwg-management', 't-fwg-mgmt-transit', 't-fwg-services', 't-fwg-tenant']);
  for (const g of groups) {
    const after = g.dependsOn.map(nameOf).sort();
    t.true(after.length > 0, g.name);
    // one interface per filtered port
    t.is(after.length, (g.props.ports as unknown[]).length, g.name);
    t.true(after.every((n) => n?.startsWith('t-rif-')), g.name);
  }
  t.deepEqual(seen.find((s) => s.name === 't-fwg-tenant')!.dependsOn.map(nameOf).sort(), ['t-rif-tenant-a', 't-rif-tenant-b']);
  t.deepEqual(seen.find((s) => s.name === 't-fwg-services')!.dependsOn.map(nameOf), ['t-rif-services']);
  t.deepEqual(seen.find((s) => s.name === 't-fwg-mgmt-transit')!.dependsOn.map(nameOf), ['t-rif-mgmt-transit-core']);
});

test('static routes wait for both transit interfaces (a next hop must be on a joined subnet)', (t) => {
  const routes = seen.filter((s) => s.type === 'openstack:networking/routerRoute:RouterRoute');
  t.is(routes.length, 2);
  for (const r of routes) t.deepEqual(r.dependsOn.map(nameOf).sort(), ['t-rif-mgmt-transit-core', 't-rif-mgmt-transit-mgmt']);
});

test('without tenant projects no network is shared; the services tier may reach ferry on the gatekeeper port only', (t) => {
  t.false(seen.some((s) => s.type === 'openstack:networking/rbacPolicyV2:RbacPolicyV2'));
  const ferry = seen.find((s) => s.name === 't-subnet-ferry-v4')!.props.cidr;
  const toFerry = seen.filter((s) => s.name.startsWith('t-sg-services-r') && s.props.direction === 'egress' && s.props.remoteIpPrefix === ferry);
  t.deepEqual(toFerry.map((s) => [s.props.protocol, s.props.portRangeMin, s.props.portRangeMax]), [['tcp', 8443, 8443]]);
});
