import test from 'ava';
import fc from 'fast-check';
import { contains, overlaps, parsePrefix } from '../../policies/net-fns';
import type { Tier } from '../config/config-schema';
import { firewallRules, managementPeers, securityGroupRules, tierCidrs, transitFirewallRules } from './acl-plan';
import { flavorCatalogue, hostCapacity, overCapacity } from './compute-plan';
import { renderKeepalived } from './keepalived';
import { havipAddresses, planTenants, planTiers, planTransit } from './zone-plan';

const KINDS = ['management', 'services', 'tenant', 'storage', 'backup', 'edge', 'ferry'] as const;

const tiersArb = fc
  .shuffledSubarray([...KINDS], { minLength: 1 })
  .chain((kinds) =>
    fc.tuple(...kinds.map((k) => fc.record({
      kind: fc.constant(k),
      prefix: fc.integer({ min: 20, max: 28 }),
      stack: fc.constantFrom('ipv4', 'dual') as fc.Arbitrary<'ipv4' | 'dual'>,
      ipv6Mode: fc.constantFrom('slaac', 'dhcpv6-stateful', 'dhcpv6-stateless') as fc.Arbitrary<'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless'>,
    }))),
  );

test('planTiers: every tier lies inside the zone, aligned, and no two tiers overlap', (t) => {
  fc.assert(
    fc.property(tiersArb, (tiers: Tier[]) => {
      const plans = planTiers({ ipv4: '10.20.0.0/16', ipv6: 'fd6c:6300:20::/48' }, tiers);
      const zone4 = parsePrefix('10.20.0.0/16')!;
      const zone6 = parsePrefix('fd6c:6300:20::/48')!;
      const all = plans.flatMap((p) => [p.ipv4, p.ipv6]).filter((c): c is string => !!c).map((c) => parsePrefix(c)!);
      for (const p of plans) {
        const v4 = parsePrefix(p.ipv4!)!;
        if (!contains(zone4, v4)) return false;
        if (Number(v4.base % (1n << BigInt(32 - v4.bits))) !== 0) return false;
        if (p.ipv6 && !contains(zone6, parsePrefix(p.ipv6)!)) return false;
        if (p.stack === 'dual' && !p.ipv6) return false;
      }
      for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (overlaps(all[i]!, all[j]!)) return false;
      return true;
    }),
  );
  t.pass('property held for every generated tier list');
});

test('planTransit: the last /29 of the zone, outside every tier planTiers hands out', (t) => {
  fc.assert(
    fc.property(tiersArb, (tiers: Tier[]) => {
      const transit = parsePrefix(planTransit('10.20.0.0/16').cidr)!;
      const plans = planTiers({ ipv4: '10.20.0.0/16', ipv6: 'fd6c:6300:20::/48' }, tiers);
      return contains(parsePrefix('10.20.0.0/16')!, transit) && plans.every((p) => !overlaps(parsePrefix(p.ipv4!)!, transit));
    }),
  );
  t.deepEqual(planTransit('10.20.0.0/16'), { cidr: '10.20.255.248/29', core: '10.20.255.249', management: '10.20.255.250' });
  const err = t.throws(() => planTiers({ ipv4: '10.20.0.0/24' }, [{ kind: 'services', prefix: 24, stack: 'ipv4' }]));
  t.regex(err!.message, /management transit/, 'a tier may not take the transit’s /29');
});

test('management transit ACL: only the table’s management flows cross, from and to the right tiers, then deny', (t) => {
  const tiers = planTiers({ ipv4: '10.20.0.0/16' }, [
    { kind: 'management', prefix: 22, stack: 'ipv4' },
    { kind: 'services', prefix: 20, stack: 'ipv4' },
    { kind: 'tenant', prefix: 18, stack: 'ipv4' },
  ]);
  const cidrs = tierCidrs(tiers, [], undefined);
  t.deepEqual(managementPeers(new Set(cidrs.keys())), ['services']);
  const { ingress, egress } = transitFirewallRules(cidrs);
  t.deepEqual(ingress.slice(0, -1).map((r) => [r.sourceIp, r.destinationIp, r.protocol, r.destinationPort]), [
    ['10.20.0.0/22', '10.20.16.0/20', 'udp', '514'],
    ['10.20.0.0/22', '10.20.16.0/20', 'tcp', '6514'],
  ]);
  t.deepEqual(egress.slice(0, -1).map((r) => [r.sourceIp, r.protocol, r.destinationPort]), [
    ['10.20.16.0/20', 'tcp', '22'],
    ['10.20.16.0/20', 'tcp', '9100'],
    ['10.20.16.0/20', 'udp', '161'],
  ]);
  t.false([...ingress, ...egress].some((r) => r.action === 'allow' && (r.sourceIp === '10.20.64.0/18' || r.destinationIp === '10.20.64.0/18')));
  t.is(ingress.at(-1)!.action, 'deny');
  t.is(egress.at(-1)!.action, 'deny');
});

test('planTiers: a tier that does not fit is refused naming the key', (t) => {
  const err = t.throws(() => planTiers({ ipv4: '10.20.0.0/24' }, [{ kind: 'services', prefix: 20, stack: 'ipv4' }]));
  t.regex(err!.message, /yiyun:network\.tiers\[0\]\.prefix/);
});

test('planTenants: distinct /24s inside the tenant tier, refused past its size', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), (n) => {
      const [tier] = planTiers({ ipv4: '10.20.0.0/16', ipv6: 'fd00::/48' }, [{ kind: 'tenant', prefix: 18, stack: 'dual', ipv6Mode: 'slaac' }]);
      const tenants = Array.from({ length: n }, (_, i) => ({ name: `t${i}`, title: 't', stack: 'dual' as const, quota: { vcpu: 1, ramGb: 1, storageTb: 1 } }));
      const plans = planTenants(tier, 'fd00::/48', tenants);
      const range = parsePrefix(tier!.ipv4!)!;
      const set = new Set(plans.map((p) => p.ipv4));
      return set.size === n && plans.every((p) => contains(range, parsePrefix(p.ipv4)!) && !!p.ipv6);
    }),
  );
  const [tier] = planTiers({ ipv4: '10.20.0.0/16' }, [{ kind: 'tenant', prefix: 23, stack: 'ipv4' }]);
  const three = [1, 2, 3].map((i) => ({ name: `t${i}`, title: 't', stack: 'ipv4' as const, quota: { vcpu: 1, ramGb: 1, storageTb: 1 } }));
  t.throws(() => planTenants(tier, undefined, three), { message: /yiyun:tenants: 3 tenants do not fit/ });
});

test('flavorCatalogue: every flavor fits some host, and 1280 GB flavors exist only with large-memory hosts', (t) => {
  const agg = fc.record({
    name: fc.constantFrom('a', 'b'),
    availabilityZone: fc.constant('az'),
    purpose: fc.constantFrom('general', 'large-memory') as fc.Arbitrary<'general' | 'large-memory'>,
    hosts: fc.integer({ min: 1, max: 30 }),
    host: fc.record({ vcpu: fc.integer({ min: 2, max: 200 }), ramGb: fc.integer({ min: 4, max: 2048 }) }),
  });
  fc.assert(
    fc.property(fc.array(agg, { minLength: 1, maxLength: 3 }), (aggs) => {
      const flavors = flavorCatalogue(aggs);
      return flavors.every((f) => aggs.some((a) => a.purpose === f.purpose && a.host.vcpu >= f.vcpus && a.host.ramGb >= f.ramGb));
    }),
  );
  const internet = flavorCatalogue([{ name: 'g', availabilityZone: 'az', purpose: 'general', hosts: 4, host: { vcpu: 84, ramGb: 148 } }]);
  t.false(internet.some((f) => f.ramGb >= 1280));
  const dmz = flavorCatalogue([
    { name: 'g', availabilityZone: 'az', purpose: 'general', hosts: 20, host: { vcpu: 104, ramGb: 371 } },
    { name: 'l', availabilityZone: 'az', purpose: 'large-memory', hosts: 2, host: { vcpu: 148, ramGb: 1284 } },
  ]);
  const big = dmz.find((f) => f.vcpus === 144 && f.ramGb === 1280);
  t.is(big?.purpose, 'large-memory');
  t.true(dmz.some((f) => f.vcpus === 80 && f.ramGb === 1280));
});

test('hostCapacity and overCapacity: sums and the figures that go over', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 2000 }), (hosts, vcpu, ram) => {
      const cap = hostCapacity([{ name: 'a', availabilityZone: 'z', purpose: 'general', hosts, host: { vcpu, ramGb: ram } }], [1.5, 2.25]);
      return cap.vcpu === hosts * vcpu && cap.ramGb === hosts * ram && cap.storageTb === 3.75 && overCapacity(cap, cap).length === 0;
    }),
  );
  t.deepEqual(overCapacity({ vcpu: 10, ramGb: 5, storageTb: 2 }, { vcpu: 8, ramGb: 5, storageTb: 1 }), ['vCPU 10 > 8', 'storage 2 TB > 1 TB']);
});

test('ACL plan: world reaches only the edge, admin ports only from services, default deny last', (t) => {
  const tiers = planTiers({ ipv4: '10.20.0.0/16', ipv6: 'fd00:20::/48' }, [
    { kind: 'management', prefix: 22, stack: 'ipv4' },
    { kind: 'services', prefix: 20, stack: 'dual', ipv6Mode: 'slaac' },
    { kind: 'tenant', prefix: 18, stack: 'dual', ipv6Mode: 'dhcpv6-stateful' },
    { kind: 'edge', prefix: 24, stack: 'dual', ipv6Mode: 'slaac' },
  ]);
  const cidrs = tierCidrs(tiers, [], undefined);
  const edge = securityGroupRules('edge', cidrs, []);
  t.true(edge.some((r) => r.direction === 'ingress' && r.remote === '0.0.0.0/0' && r.portMin === 443));
  for (const k of ['management', 'services', 'tenant'] as const) {
    t.false(securityGroupRules(k, cidrs, []).some((r) => r.remote === '0.0.0.0/0' || r.remote === '::/0'), k);
  }
  const mgmtSsh = securityGroupRules('management', cidrs, []).filter((r) => r.direction === 'ingress' && r.portMin === 22);
  t.deepEqual(mgmtSsh.map((r) => r.remote), [cidrs.get('services')!.v4[0]]);
  const fw = firewallRules('tenant', cidrs);
  t.is(fw.egress.at(-1)?.action, 'deny');
  t.true(fw.egress.some((r) => r.action === 'allow' && r.destinationPort === '3389' && r.sourceIp === cidrs.get('services')!.v4[0]));
});

test('HaVIP addresses and keepalived: distinct addresses, unicast to the peer, VIP on both', (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), (k) => {
    const a = havipAddresses('10.20.136.0/24', k);
    return new Set([a.vip, a.a, a.b]).size === 3;
  }));
  const conf = renderKeepalived({ pair: 'dmz-waf', role: 'waf', vrid: 51, vip: '10.20.136.4', prefixLength: 24, self: '10.20.136.5', peer: '10.20.136.6', priority: 150 });
  t.regex(conf, /virtual_router_id 51/);
  t.regex(conf, /unicast_peer \{\n {4}10\.20\.136\.6\n/);
  t.regex(conf, /10\.20\.136\.4\/24 dev eth0/);
  t.regex(conf, /nopreempt/);
});
