import test from 'ava';
import { orderOutcome } from './order-watch';
import { expandNamePattern, firstFreeIp, parseCidr, parseCsv, toCsv, vmTransition, cidrContains, canonicalIp } from './cloud-fns';
import { chooseHost } from './driver/embedded/embedded-driver';

test('CIDR parsing refuses host bits and containment works for IPv4 and IPv6', (t) => {
  t.truthy(parseCidr('192.168.1.0/24'));
  t.is(parseCidr('192.168.1.5/24'), undefined);
  t.true(cidrContains(parseCidr('192.168.0.0/16')!, parseCidr('192.168.1.0/24')!));
  t.false(cidrContains(parseCidr('192.168.1.0/24')!, parseCidr('192.168.0.0/16')!));
  t.true(cidrContains(parseCidr('fd00::/48')!, parseCidr('fd00:0:0:1::/64')!));
  t.is(canonicalIp('fd00::0010'), 'fd00::10');
});

test('address allocation skips network, gateway, broadcast and used addresses, and reports exhaustion', (t) => {
  const p = parseCidr('10.0.0.0/29')!;
  const used = new Set<string>(['10.0.0.1']);
  const got: string[] = [];
  for (;;) {
    const ip = firstFreeIp(p, used);
    if (!ip) break;
    used.add(ip);
    got.push(ip);
  }
  t.deepEqual(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  t.is(firstFreeIp(parseCidr('fd00::/64')!, new Set()), 'fd00::10');
});

test('batch name patterns', (t) => {
  t.deepEqual(expandNamePattern('web-{n:2}', 3), ['web-01', 'web-02', 'web-03']);
  t.deepEqual(expandNamePattern('db', 2), ['db-1', 'db-2']);
});

test('VM lifecycle transitions', (t) => {
  t.deepEqual(vmTransition('ACTIVE', 'stop'), { via: 'ACTIVE', to: 'SHUTOFF', delay: 'stopMs' });
  t.true('refused' in vmTransition('SHUTOFF', 'reboot'));
  t.true('refused' in vmTransition('BUILD', 'start'));
  t.deepEqual(vmTransition('SHUTOFF', 'resize'), { via: 'RESIZE', to: 'ACTIVE', delay: 'resizeMs' });
});

test('CSV round-trips Chinese text, quotes and commas, and neutralises formulas', (t) => {
  const csv = toCsv(['a', 'b'], [{ a: '凉城, "县"', b: '=cmd()' }]);
  t.deepEqual(parseCsv(csv), [{ a: '凉城, "县"', b: "'=cmd()" }]);
});

const host = (id: string, used: number, purpose = 'general') => ({ id, name: id, az: 'az1', aggregate: 'g', purpose, vcpus: 16, ram_gb: 64, used_vcpus: used, used_ram_gb: used * 4 });
const flavor = { name: 'g1.4c16g', vcpus: 4, ramGb: 16, diskGb: 40, purpose: 'general' as const };

test('placement: capacity, purpose, strong and soft anti-affinity', (t) => {
  const hosts = [host('h1', 0), host('h2', 14), host('big', 0, 'large-memory')];
  t.is((chooseHost(hosts, flavor, new Set(), null) as { host: { id: string } }).host.id, 'h1');
  // h1 holds a member: strong anti-affinity needs another host with room, and h2 has none.
  t.true('refused' in chooseHost(hosts, flavor, new Set(['h1']), 'anti-affinity'));
  // soft anti-affinity falls back to h1
  t.is((chooseHost(hosts, flavor, new Set(['h1']), 'soft-anti-affinity') as { host: { id: string } }).host.id, 'h1');
  t.true('refused' in chooseHost([host('h1', 13)], flavor, new Set(), null));
});

test('orderOutcome: a VM order completes only on the settled state the driver reports, fails with the reason', (t) => {
  t.deepEqual(orderOutcome('create', undefined, { status: 'BUILD', fault: null }), { wait: true });
  t.deepEqual(orderOutcome('create', undefined, { status: 'ACTIVE', fault: null }), { complete: 'ACTIVE' });
  t.deepEqual(orderOutcome('create', undefined, { status: 'ERROR', fault: 'No valid host was found.' }), { fail: 'No valid host was found.' });
  t.true('fail' in orderOutcome('create', undefined, { status: 'DELETED', fault: null }));
  t.deepEqual(orderOutcome('resize', 'ACTIVE', { status: 'VERIFY_RESIZE', fault: null }), { wait: true });
  t.deepEqual(orderOutcome('resize', 'ACTIVE', { status: 'RESIZE', fault: null }), { wait: true });
  t.deepEqual(orderOutcome('resize', 'SHUTOFF', { status: 'SHUTOFF', fault: null }), { complete: 'SHUTOFF' });
  t.deepEqual(orderOutcome('resize', 'ACTIVE', { status: 'ACTIVE', fault: null }), { complete: 'ACTIVE' });
});
