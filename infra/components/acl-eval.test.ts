import test from 'ava';
import { firewallVerdict, securityGroupAllows, type Packet } from './acl-eval';

const p: Packet = { src: '10.20.16.40', dst: '10.20.137.4', protocol: 'tcp', port: 8443 };

test('firewallVerdict: the first matching rule decides; nothing matching is denied', (t) => {
  const allow = { action: 'allow', protocol: 'tcp', sourceIpAddress: '10.20.16.0/20', destinationIpAddress: '10.20.137.0/28', destinationPort: '8443' };
  const deny = { action: 'deny', protocol: 'any' };
  t.deepEqual(firewallVerdict([allow, deny], p), { action: 'allow', index: 0 });
  t.deepEqual(firewallVerdict([deny, allow], p), { action: 'deny', index: 0 });
  t.is(firewallVerdict([allow, deny], { ...p, port: 22 }).index, 1);
  t.is(firewallVerdict([allow], { ...p, src: '10.20.64.5' }).action, 'deny', 'no match');
  t.is(firewallVerdict([{ ...allow, protocol: 'udp' }], p).action, 'deny');
  t.is(firewallVerdict([{ ...allow, destinationPort: '8000:9000' }], p).action, 'allow');
  t.is(firewallVerdict([{ ...allow, enabled: false }, deny], p).action, 'deny', 'a disabled rule is skipped');
});

test('securityGroupAllows: direction, protocol, port range and the remote side all have to match', (t) => {
  const rule = { direction: 'ingress', protocol: 'tcp', portRangeMin: 8443, portRangeMax: 8443, remoteIpPrefix: '10.20.16.0/20' };
  t.true(securityGroupAllows([rule], 'ingress', p));
  t.false(securityGroupAllows([rule], 'egress', p));
  t.false(securityGroupAllows([rule], 'ingress', { ...p, port: 8444 }));
  t.false(securityGroupAllows([rule], 'ingress', { ...p, src: '10.20.64.1' }));
  t.true(securityGroupAllows([{ direction: 'egress', remoteIpPrefix: '10.20.137.0/28' }], 'egress', p), 'no protocol means any');
  t.false(securityGroupAllows([], 'ingress', p));
});
