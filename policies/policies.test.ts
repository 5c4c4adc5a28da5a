import test from 'ava';
import {
  ResourceTypes as T,
  defaultPolicyContext,
  evaluatePolicies,
  evaluateResource,
  ruleById,
  rules,
  type PolicyContext,
  type ResourceDescription,
} from './index';

const ctx: PolicyContext = defaultPolicyContext({
  zones: {
    dmz: { ipv4: ['10.20.0.0/16'], ipv6: ['fd6c:6300:20::/48'], externalNetworks: ['dmz-ext'], externalNetworkNames: ['healthnet'], gatekeeperInterfaces: [] },
    internet: { ipv4: ['10.30.0.0/16'], ipv6: ['fd6c:6300:30::/48'], externalNetworks: ['internet-ext'], externalNetworkNames: ['internet'], gatekeeperInterfaces: [] },
  },
  gatekeeper: {
    name: 'gap',
    model: 'm',
    flows: [
      { id: 'proxied-bookings', from: 'internet', to: 'dmz', payload: 'message', description: 'd', schedule: 'continuous', protocol: 'tcp', port: 8443, peer: '10.30.16.10/32', maxFileMb: 1 },
    ],
  },
  allowedImages: { vm: ['kylin-hardened'], registries: ['registry.local/'] },
  backupPolicies: ['daily-incremental', 'weekly-full'],
});

const r = (type: string, props: Record<string, unknown>, name = 'x', zone = 'dmz'): ResourceDescription => ({ type, name, zone, props });
const ids = (res: ResourceDescription, only?: string) =>
  evaluateResource(res, ctx, only ? [ruleById(only)!] : rules).map((v) => v.policy);
const DIGEST = '@sha256:' + 'a'.repeat(64);

test('every rule names 等保 L3 assessment units, a severity and a remediation', (t) => {
  t.true(rules.length >= 10);
  for (const rule of rules) {
    t.true(rule.dengbao.length > 0, rule.id);
    for (const id of rule.dengbao) t.regex(id, /^L3-(CNS|ABS|CES|SMC|PES)[12]-\d{2}$/, rule.id);
    t.true(rule.remediation.length > 10, rule.id);
    t.true(rule.check !== undefined || rule.checkStack !== undefined, rule.id);
  }
  t.is(new Set(rules.map((x) => x.id)).size, rules.length);
});

test('admin-port-not-public: SSH from 0.0.0.0/0 and RDP from ::/0 fail; SSH from the bastion subnet passes', (t) => {
  const rule = (over: Record<string, unknown>) => r(T.secGroupRule, { direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, ...over });
  t.deepEqual(ids(rule({ remoteIpPrefix: '0.0.0.0/0' }), 'admin-port-not-public'), ['admin-port-not-public']);
  t.deepEqual(ids(rule({ ethertype: 'IPv6', portRangeMin: 3389, portRangeMax: 3389, remoteIpPrefix: '::/0' }), 'admin-port-not-public'), ['admin-port-not-public']);
  t.deepEqual(ids(rule({ portRangeMin: 1, portRangeMax: 65535, remoteIpPrefix: '0.0.0.0/0' }), 'admin-port-not-public'), ['admin-port-not-public'], 'a range covering 5432 counts');
  t.deepEqual(ids(rule({ remoteIpPrefix: '10.20.16.0/20' }), 'admin-port-not-public'), []);
  t.deepEqual(ids(rule({ portRangeMin: 443, portRangeMax: 443, remoteIpPrefix: '0.0.0.0/0' }), 'admin-port-not-public'), []);
  t.deepEqual(ids(r(T.fwRule, { action: 'allow', protocol: 'tcp', destinationPort: '3306' }), 'admin-port-not-public'), ['admin-port-not-public']);
  t.deepEqual(ids(r(T.fwRule, { action: 'deny', protocol: 'tcp', destinationPort: '3306' }), 'admin-port-not-public'), []);
});

test('no-cross-zone-path: a route, a rule or a VPN into the other zone fails; own-zone and gatekeeper-listed flows pass', (t) => {
  const rule = 'no-cross-zone-path';
  t.deepEqual(ids(r(T.routerRoute, { destinationCidr: '10.30.0.0/16', nextHop: '10.20.16.1' }), rule), [rule]);
  t.deepEqual(ids(r(T.secGroupRule, { direction: 'egress', ethertype: 'IPv6', remoteIpPrefix: 'fd6c:6300:30:1::/64' }), rule), [rule]);
  t.deepEqual(ids(r(T.vpnSiteConnection, { peerAddress: '10.30.0.5', peerCidrs: ['10.30.64.0/18'] }), rule), [rule, rule]);
  t.deepEqual(ids(r(T.router, { externalNetworkId: 'internet-ext' }), rule), [rule], 'a DMZ router on the internet zone’s external network');
  t.deepEqual(ids(r(T.subnet, { cidr: '10.30.1.0/24' }), rule), [rule]);
  t.deepEqual(ids(r(T.routerRoute, { destinationCidr: '10.20.64.0/18', nextHop: '10.20.16.1' }), rule), []);
  t.deepEqual(ids(r(T.router, { externalNetworkId: 'dmz-ext' }), rule), []);
  const listed = { direction: 'egress', ethertype: 'IPv4', protocol: 'tcp', portRangeMin: 8443, portRangeMax: 8443, remoteIpPrefix: '10.30.16.10/32' };
  t.deepEqual(ids(r(T.secGroupRule, { ...listed, description: 'gatekeeper-flow:proxied-bookings' }), rule), []);
  t.deepEqual(ids(r(T.secGroupRule, { ...listed }), rule), [rule], 'an untagged rule is not a listed flow');
  t.deepEqual(ids(r(T.secGroupRule, { ...listed, portRangeMin: 22, portRangeMax: 22, description: 'gatekeeper-flow:proxied-bookings' }), rule), [rule], 'wrong port');
  t.deepEqual(ids(r(T.secGroupRule, { ...listed, description: 'gatekeeper-flow:no-such-flow' }), rule), [rule]);
});

test('no-cross-zone-path: a port, a floating IP or an Octavia VIP on the other zone’s external network fails', (t) => {
  const rule = 'no-cross-zone-path';
  t.deepEqual(ids(r(T.port, { networkId: 'internet-ext', fixedIps: [] }), rule), [rule], 'a DMZ port on the internet zone’s provider network');
  t.deepEqual(ids(r(T.port, { networkId: 'dmz-ext' }), rule), [], 'own provider network');
  t.deepEqual(ids(r(T.port, { networkId: 'dmz-services' }), rule), []);
  t.deepEqual(ids(r(T.floatingIp, { pool: 'internet-ext', portId: 'waf-vip' }), rule), [rule], 'pool by id');
  t.deepEqual(ids(r(T.floatingIp, { pool: 'internet', portId: 'waf-vip' }), rule), [rule], 'pool by name');
  t.deepEqual(ids(r(T.floatingIp, { pool: 'healthnet', portId: 'waf-vip' }), rule), []);
  t.deepEqual(ids(r(T.computeFloatingIp, { pool: 'internet' }), rule), [rule]);
  t.deepEqual(ids(r(T.floatingIp, { pool: 'healthnet', fixedIp: '10.30.136.4' }), rule), [rule], 'bound to an address of the other zone');
  t.deepEqual(ids(r(T.loadBalancer, { vipNetworkId: 'internet-ext' }), rule), [rule], 'an Octavia VIP on the other zone’s network');
  t.deepEqual(ids(r(T.loadBalancer, { vipSubnetId: 'dmz-services-v4', vipAddress: '10.30.16.20' }), rule), [rule], 'a VIP address in the other zone');
  t.deepEqual(ids(r(T.loadBalancer, { vipNetworkId: 'dmz-ext', vipAddress: '10.20.16.20' }), rule), []);
  t.deepEqual(ids(r(T.port, { networkId: 'internet-ext' }, 'x', 'internet'), rule), [], 'the internet zone on its own network');
});

test('management-network-separate: a management router may also join the management transit, nothing else', (t) => {
  const only = [ruleById('management-network-separate')!];
  const rs = (extra: ResourceDescription[]): ResourceDescription[] => [
    r(T.router, { tags: ['yiyun:tiers=management'] }, 'mgmt'),
    r(T.router, { tags: ['yiyun:tiers=services,tenant'] }, 'core'),
    r(T.subnet, { cidr: '10.20.0.0/22', tags: ['yiyun:tier=management'] }, 'sub-mgmt'),
    r(T.subnet, { cidr: '10.20.255.248/29', tags: ['yiyun:tier=mgmt-transit'] }, 'sub-transit'),
    r(T.subnet, { cidr: '10.20.64.0/24', tags: ['yiyun:tier=tenant'] }, 'sub-t1'),
    r(T.routerInterface, { routerId: 'mgmt', subnetId: 'sub-mgmt' }, 'if-1'),
    r(T.routerInterface, { routerId: 'mgmt', subnetId: 'sub-transit' }, 'if-2'),
    r(T.routerInterface, { routerId: 'core', subnetId: 'sub-transit' }, 'if-3'),
    ...extra,
  ];
  t.deepEqual(evaluatePolicies(rs([r(T.routerInterface, { routerId: 'core', subnetId: 'sub-t1' }, 'if-4')]), ctx, only), []);
  const bad = evaluatePolicies(rs([r(T.routerInterface, { routerId: 'mgmt', subnetId: 'sub-t1' }, 'if-4')]), ctx, only);
  t.deepEqual(bad.map((v) => [v.resource, v.message]), [['mgmt', 'router joins the management network to tenant']]);
});

test('management-network-separate: a router joining management and tenant subnets fails', (t) => {
  const rs = (tenantRouter: string): ResourceDescription[] => [
    r(T.router, { tags: ['yiyun:tiers=management'] }, 'mgmt'),
    r(T.router, { tags: ['yiyun:tiers=services,tenant'] }, 'core'),
    r(T.subnet, { cidr: '10.20.0.0/22', tags: ['yiyun:tier=management'] }, 'sub-mgmt'),
    r(T.subnet, { cidr: '10.20.64.0/24', tags: ['yiyun:tier=tenant'] }, 'sub-t1'),
    r(T.routerInterface, { routerId: 'mgmt', subnetId: 'sub-mgmt' }, 'if-1'),
    r(T.routerInterface, { routerId: tenantRouter, subnetId: 'sub-t1' }, 'if-2'),
  ];
  t.deepEqual(evaluatePolicies(rs('core'), ctx, [ruleById('management-network-separate')!]), []);
  const bad = evaluatePolicies(rs('mgmt'), ctx, [ruleById('management-network-separate')!]);
  t.is(bad.length, 1);
  t.is(bad[0]!.resource, 'mgmt');
  t.regex(bad[0]!.message, /management network to tenant/);
  t.deepEqual(ids(r(T.network, { shared: true, tags: ['yiyun:tier=management'] }), 'management-network-separate'), ['management-network-separate']);
  t.deepEqual(ids(r(T.router, { tags: ['yiyun:tiers=management,services'] }), 'management-network-separate'), ['management-network-separate']);
});

test('public-behind-waf: a floating IP on a non-WAF port and a public LoadBalancer fail', (t) => {
  const only = [ruleById('public-behind-waf')!];
  const ports = [r(T.port, { tags: ['yiyun:role=waf'] }, 'waf-vip'), r(T.port, { tags: ['yiyun:role=postgres'] }, 'pg-vip')];
  t.deepEqual(evaluatePolicies([...ports, r(T.floatingIp, { pool: 'internet', portId: 'waf-vip' }, 'fip')], ctx, only), []);
  const bad = evaluatePolicies([...ports, r(T.floatingIp, { pool: 'internet', portId: 'pg-vip' }, 'fip')], ctx, only);
  t.deepEqual(bad.map((v) => v.resource), ['fip']);
  t.deepEqual(ids(r(T.k8sService, { spec: { type: 'LoadBalancer' } }), 'public-behind-waf'), ['public-behind-waf']);
  t.deepEqual(ids(r(T.k8sService, { spec: { type: 'NodePort' } }), 'public-behind-waf'), ['public-behind-waf']);
  const internal = { metadata: { annotations: { 'service.beta.kubernetes.io/openstack-internal-load-balancer': 'true' } }, spec: { type: 'LoadBalancer' } };
  t.deepEqual(ids(r(T.k8sService, internal), 'public-behind-waf'), []);
  t.deepEqual(ids(r(T.k8sService, { spec: { type: 'ClusterIP' } }), 'public-behind-waf'), []);
});

test('default-deny: groups keep no default rules, namespaces need a default-deny policy', (t) => {
  t.deepEqual(ids(r(T.secGroup, { deleteDefaultRules: false }), 'default-deny'), ['default-deny']);
  t.deepEqual(ids(r(T.secGroup, { deleteDefaultRules: true }), 'default-deny'), []);
  const ns = r(T.k8sNamespace, { metadata: { name: 't-a' } }, 'ns');
  const deny = r(T.k8sNetworkPolicy, { metadata: { name: 'default-deny', namespace: 't-a' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }, 'np');
  const only = [ruleById('default-deny')!];
  t.deepEqual(evaluatePolicies([ns, deny], ctx, only), []);
  t.deepEqual(evaluatePolicies([ns], ctx, only).map((v) => v.resource), ['ns']);
});

test('volume types: unencrypted, non-SM4 or fewer than 3 replicas fail', (t) => {
  const vt = (specs: Record<string, string>, name = 'ssd-sm4') => r(T.volumeType, { name, extraSpecs: specs });
  t.deepEqual(ids(vt({ 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': '3' })), []);
  t.deepEqual(ids(vt({ 'yiyun:replicas': '3' }), 'volume-type-encrypted'), ['volume-type-encrypted']);
  t.deepEqual(ids(vt({ 'yiyun:encryption': 'aes-xts-plain64', 'yiyun:replicas': '3' }, 'ssd-sm4'), 'volume-type-encrypted'), ['volume-type-encrypted']);
  t.deepEqual(ids(vt({ 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': '3' }, 'ssd'), 'volume-type-encrypted'), ['volume-type-encrypted'], 'the name must say SM4');
  t.deepEqual(ids(vt({ 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': '2' }), 'volume-type-three-replicas'), ['volume-type-three-replicas']);
});

test('vm-in-backup-policy, image-allowed and ha-pair-anti-affinity on VMs', (t) => {
  const vm = (meta: Record<string, string>, over: Record<string, unknown> = {}) =>
    r(T.instance, { flavorName: 'g1.4c16g', imageName: 'kylin-hardened', metadata: meta, schedulerHints: [{ group: 'g' }], ...over });
  t.deepEqual(ids(vm({ 'yiyun.backup-policy': 'daily-incremental,weekly-full' })), []);
  t.deepEqual(ids(vm({}), 'vm-in-backup-policy'), ['vm-in-backup-policy']);
  t.deepEqual(ids(vm({ 'yiyun.backup-policy': 'monthly' }), 'vm-in-backup-policy'), ['vm-in-backup-policy']);
  t.deepEqual(ids(vm({ 'yiyun.backup-policy': 'weekly-full' }, { imageName: 'ubuntu-cloud' }), 'image-allowed'), ['image-allowed']);
  t.deepEqual(ids(vm({ 'yiyun.havip': 'waf', 'yiyun.backup-policy': 'weekly-full' }, { schedulerHints: [] }), 'ha-pair-anti-affinity'), ['ha-pair-anti-affinity']);
  const only = [ruleById('ha-pair-anti-affinity')!];
  const pair = (policy: string) => [
    r(T.serverGroup, { policies: [policy] }, 'g'),
    vm({ 'yiyun.havip': 'waf' }, {}),
    { ...vm({ 'yiyun.havip': 'waf' }), name: 'y' },
  ];
  t.deepEqual(evaluatePolicies(pair('anti-affinity'), ctx, only), []);
  t.is(evaluatePolicies(pair('soft-anti-affinity'), ctx, only).length, 1);
  t.is(evaluatePolicies([pair('anti-affinity')[0]!, pair('anti-affinity')[1]!], ctx, only).length, 1, 'a pair of one');
});

test('image-allowed on containers: registry and digest', (t) => {
  const dep = (image: string) => r(T.k8sDeployment, { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
  t.deepEqual(ids(dep(`registry.local/yiyun${DIGEST}`), 'image-allowed'), []);
  t.deepEqual(ids(dep('docker.io/library/nginx:latest'), 'image-allowed'), ['image-allowed']);
  t.deepEqual(ids(dep('registry.local/yiyun:latest'), 'image-allowed'), ['image-allowed']);
  t.deepEqual(ids(r(T.clusterTemplate, { image: 'random-image' }), 'image-allowed'), ['image-allowed']);
});

test('log-retention-180d: ConfigMap, workload env and archive container', (t) => {
  const cm = (days: string) => r(T.k8sConfigMap, { metadata: { labels: { 'yiyun.io/kind': 'log-retention' } }, data: { retentionDays: days } });
  t.deepEqual(ids(cm('180'), 'log-retention-180d'), []);
  t.deepEqual(ids(cm('90'), 'log-retention-180d'), ['log-retention-180d']);
  const dep = (days: string) => r(T.k8sDeployment, { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'YIYUN_LOG_RETENTION_DAYS', value: days }] }] } } } });
  t.deepEqual(ids(dep('365'), 'log-retention-180d'), []);
  t.deepEqual(ids(dep('30'), 'log-retention-180d'), ['log-retention-180d']);
  t.deepEqual(ids(r(T.container, { versioning: true, metadata: { 'yiyun-kind': 'log-archive', 'retention-days': '7' } }), 'log-retention-180d'), ['log-retention-180d']);
});

test('object-versioning: a container without versions fails', (t) => {
  t.deepEqual(ids(r(T.container, { versioning: false }), 'object-versioning'), ['object-versioning']);
  t.deepEqual(ids(r(T.container, { versioning: true }), 'object-versioning'), []);
});

test('hosted-grade-within-platform: a system graded above the platform fails, at or below passes, an ungraded clinical workload fails', (t) => {
  const deployment = (labels: Record<string, string>) => r(T.k8sDeployment, { metadata: { labels } });
  const clinical = (grade?: string) => deployment({ 'app.kubernetes.io/part-of': 'yiyun-clinical', ...(grade === undefined ? {} : { 'yiyun.io/grade': grade }) });
  const only = 'hosted-grade-within-platform';
  t.deepEqual(ids(clinical('4'), only), [only]);
  t.deepEqual(ids(clinical('3'), only), []);
  t.deepEqual(ids(clinical('2'), only), []);
  t.deepEqual(ids(clinical(), only), [only], 'no grade: cannot be judged');
  t.deepEqual(ids(clinical('high'), only), [only]);
  t.deepEqual(ids(deployment({ 'app.kubernetes.io/name': 'yiyun-api' }), only), [], 'the platform’s own workloads are not hosted systems');
  // The bar is the platform's grade from the context, not a constant: a level-2 platform refuses a level-3 app.
  t.deepEqual(evaluateResource(clinical('3'), { ...ctx, platformGrade: 2 }, [ruleById(only)!]).map((v) => v.message), ['system graded level 3, above the platform\'s level 2']);
  t.deepEqual(ids(r(T.clinicalApp, { grade: 4 }), only), [only], 'a ClinicalApp described on admission');
  t.deepEqual(ids(r(T.clinicalApp, { grade: 3 }), only), []);
  const v = evaluateResource(clinical('4'), ctx).find((x) => x.policy === only)!;
  t.deepEqual(v.dengbao, ['L3-CNS2-01']);
  t.is(v.severity, 'high');
});
