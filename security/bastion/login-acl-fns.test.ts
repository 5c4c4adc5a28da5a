import test from 'ava';
import { decideLoginAcl, inRanges, macFromArpTable, macFromIpNeighJson, macNeeded, normaliseMac, type MacRule } from './login-acl-fns';

const rule = (over: Partial<MacRule> = {}): MacRule => ({ name: 'ops-desks', logins: [], roles: [], sourceCidrs: [], macs: ['52:54:00:12:34:56'], enabled: true, ...over });
const base = { loginId: 'op1', roles: ['assessor'], sourceIp: '10.20.1.5', mac: null as string | null, adminCidrs: [] as string[], macRules: [] as MacRule[] };

test('administrators only from the declared admin ranges; none declared means no administrator at all', (t) => {
  t.deepEqual(decideLoginAcl(base), { allowed: true });
  t.false(decideLoginAcl({ ...base, roles: ['secadmin'] }).allowed);
  t.regex((decideLoginAcl({ ...base, roles: ['sysadmin'] }) as { reason: string }).reason, /no admin source/);
  t.true(decideLoginAcl({ ...base, roles: ['auditadmin'], adminCidrs: ['10.20.1.0/24'] }).allowed);
  t.false(decideLoginAcl({ ...base, roles: ['auditadmin'], adminCidrs: ['10.20.2.0/24'] }).allowed);
  t.false(decideLoginAcl({ ...base, roles: ['sysadmin'], sourceIp: null, adminCidrs: ['0.0.0.0/0'] }).allowed);
  // An IPv4-mapped IPv6 source is the IPv4 address.
  t.true(decideLoginAcl({ ...base, roles: ['sysadmin'], sourceIp: '::ffff:127.0.0.1', adminCidrs: ['127.0.0.1'] }).allowed);
  t.false(decideLoginAcl({ ...base, roles: ['sysadmin'], sourceIp: '127.0.0.2', adminCidrs: ['127.0.0.1'] }).allowed);
});

test('MAC rules: the MAC must be listed; an unknown MAC fails closed; rules cover by login, role and source range', (t) => {
  const r = rule();
  t.true(decideLoginAcl({ ...base, macRules: [r], mac: '52-54-00-12-34-56' }).allowed);
  t.true(decideLoginAcl({ ...base, macRules: [r], mac: '5254.0012.3456' }).allowed);
  const wrong = decideLoginAcl({ ...base, macRules: [r], mac: '52:54:00:aa:bb:cc' });
  t.deepEqual(wrong, { allowed: false, reason: 'the client MAC address is not allowed', rule: 'ops-desks' });
  const unknown = decideLoginAcl({ ...base, macRules: [r], mac: null });
  t.deepEqual(unknown, { allowed: false, reason: 'the client MAC address cannot be determined', rule: 'ops-desks' });
  t.false(decideLoginAcl({ ...base, macRules: [r], mac: 'not-a-mac' }).allowed);
  // Not covered: another login, another role, another source range, or disabled.
  t.true(decideLoginAcl({ ...base, macRules: [rule({ logins: ['op2'] })] }).allowed);
  t.true(decideLoginAcl({ ...base, macRules: [rule({ roles: ['secadmin'] })] }).allowed);
  t.false(decideLoginAcl({ ...base, roles: ['secadmin'], adminCidrs: ['10.0.0.0/8'], macRules: [rule({ roles: ['secadmin'] })] }).allowed);
  t.true(decideLoginAcl({ ...base, macRules: [rule({ sourceCidrs: ['10.30.0.0/16'] })] }).allowed);
  t.false(decideLoginAcl({ ...base, macRules: [rule({ sourceCidrs: ['10.20.0.0/16'] })] }).allowed);
  t.true(decideLoginAcl({ ...base, macRules: [rule({ enabled: false })] }).allowed);
  t.false(macNeeded({ ...base, macRules: [rule({ logins: ['op2'] })] }));
  t.true(macNeeded({ ...base, macRules: [rule({ logins: ['op1'] })] }));
});

test('neighbour tables: /proc/net/arp and ip -j neigh; incomplete entries are unknown', (t) => {
  const arp = [
    'IP address       HW type     Flags       HW address            Mask     Device',
    '10.20.1.5        0x1         0x2         52:54:00:12:34:56     *        eth0',
    '10.20.1.6        0x1         0x0         00:00:00:00:00:00     *        eth0',
    '10.20.1.7        0x1         0x6         52:54:00:AB:CD:EF     *        eth0',
  ].join('\n');
  t.is(macFromArpTable(arp, '10.20.1.5'), '52:54:00:12:34:56');
  t.is(macFromArpTable(arp, '10.20.1.6'), null);
  t.is(macFromArpTable(arp, '10.20.1.7'), '52:54:00:ab:cd:ef');
  t.is(macFromArpTable(arp, '10.20.1.8'), null);
  const neigh = JSON.stringify([
    { dst: 'fd00::5', dev: 'eth0', lladdr: '52:54:00:00:00:05', state: ['REACHABLE'] },
    { dst: '10.20.1.9', dev: 'eth0', state: ['INCOMPLETE'] },
    { dst: '10.20.1.10', dev: 'eth0', lladdr: '52:54:00:00:00:0a', state: ['FAILED'] },
  ]);
  t.is(macFromIpNeighJson(neigh, 'fd00:0::5'), '52:54:00:00:00:05');
  t.is(macFromIpNeighJson(neigh, '10.20.1.9'), null);
  t.is(macFromIpNeighJson(neigh, '10.20.1.10'), null);
  t.is(macFromIpNeighJson('not json', '10.20.1.9'), null);
  t.is(normaliseMac('AA:BB:CC:DD:EE:FF'), 'aa:bb:cc:dd:ee:ff');
  t.true(inRanges('10.20.1.5', ['10.20.0.0/16']));
  t.false(inRanges('10.20.1.5', ['garbage']));
});
