import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ConflictError, NotFoundError, QuotaError, UpstreamError } from '../../../../core/errors';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../../../test/support/test-server';
import { BIG_QUOTA } from '../../cloud-testing';
import { canonicalRoutes, fixture, startOpenStackReplay, withStatus, type OpenStackReplay } from '../../../../test/support/openstack-replay';
import { zonesFileSchema, type OpenStackZoneConfig } from '../../zones-config';
import type { FlavorSeed } from '../cloud-driver';
import { createOpenStackDriver } from './openstack-driver';

/*
 * Contract tests: the driver talks over real HTTP to a loopback server replaying the canonical OpenStack API
 * samples. They assert what the driver sends (method, path, body, token, microversion) and how it maps answers.
 */

const PASSWORD = 'S3cret-Keystone-Pa55';
const C = 'cinder/api-ref/source/v3/samples';
const SMALL: FlavorSeed = { name: 'm1.small', vcpus: 1, ramGb: 2, diskGb: 20, purpose: 'general' };

function config(authUrl: string, over: Record<string, unknown> = {}): OpenStackZoneConfig {
  const file = zonesFileSchema.parse({
    zones: { 'liangcheng-dmz': { driver: 'openstack', authUrl, region: 'RegionOne', credentials: { username: 'yiyun-svc', password: PASSWORD, projectName: 'admin' }, externalNetwork: 'net1', pollMs: 10, waitTimeoutMs: 2000, ...over } },
  });
  return file.zones['liangcheng-dmz'] as OpenStackZoneConfig;
}

type Logged = { level: string; obj: unknown; msg: string };
function setup(os: OpenStackReplay, over: Record<string, unknown> = {}) {
  const logs: Logged[] = [];
  const log = (level: string) => (obj: unknown, msg: string) => logs.push({ level, obj, msg });
  const driver = createOpenStackDriver({ zone: 'liangcheng-dmz', config: config(os.authUrl, over), logger: { info: log('info'), warn: log('warn'), debug: log('debug') } as never, addressSpace: { ipv4: ['10.20.0.0/16'], ipv6: [] } });
  return { driver, logs };
}

async function replay() {
  const os = await startOpenStackReplay();
  canonicalRoutes(os);
  return os;
}

const tokenOf = (os: OpenStackReplay, i: number) => `gAAAAreplay${i}token`;

test('Keystone v3 password auth: body, catalog endpoints, one token reused, microversion headers on every call', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    await driver.createNetwork({ name: 'vpc-his', tenantId: 't-1' });
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'available') });
    await driver.createVolume({ name: 'd', sizeGb: 10, volumeType: 'ssd-sm4' });
    const auth = os.calls('identity', 'POST', /^\/auth\/tokens$/);
    t.is(auth.length, 1, 'one token for every call');
    t.deepEqual(auth[0]!.body, {
      auth: { identity: { methods: ['password'], password: { user: { name: 'yiyun-svc', domain: { name: 'Default' }, password: PASSWORD } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } },
    });
    const net = os.calls('network', 'POST', /^\/networks$/)[0]!;
    t.is(net.headers['x-auth-token'], tokenOf(os, 1));
    t.deepEqual(net.body, { network: { name: 'vpc-his', description: 'yiyun tenant t-1', admin_state_up: true } });
    const vol = os.calls('volume', 'POST', /^\/volumes$/)[0]!;
    t.is(vol.headers['openstack-api-version'], 'volume 3.47');
    t.is(vol.headers['x-auth-token'], tokenOf(os, 1));
    // every service call carried the token; Keystone's own did not
    t.true(os.requests.filter((r) => r.service !== 'identity').every((r) => r.headers['x-auth-token'] === tokenOf(os, 1)));
    t.is(auth[0]!.headers['x-auth-token'], undefined);
  } finally {
    await os.close();
  }
});

test('application credential auth sends no scope; the catalog is used per service (v2→v3 for Cinder, /v2.0 for Neutron, /v2 for Glance)', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os, { credentials: { applicationCredentialId: 'ac-1', applicationCredentialSecret: 'AppCred-Secret-99' } });
    const view = await driver.describe();
    t.deepEqual(os.calls('identity')[0]!.body, { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac-1', secret: 'AppCred-Secret-99' } } } });
    // the replay only answers under the versioned roots: reaching these routes proves the rewrite
    t.is(os.calls('compute', 'GET', /^\/flavors\/detail$/).length, 1);
    t.is(os.calls('volume', 'GET', /^\/types$/).length, 1);
    t.is(os.calls('network', 'GET', /^\/networks$/)[0]!.query.get('router:external'), 'true');
    t.is(os.calls('image', 'GET', /^\/images$/)[0]!.query.get('visibility'), 'public');
    const fl = os.calls('compute', 'GET', /^\/flavors\/detail$/)[0]!;
    t.is(fl.headers['openstack-api-version'], 'compute 2.79');
    t.is(fl.headers['x-openstack-nova-api-version'], '2.79');
    // the answers mapped into the region view
    t.is(view.driver, 'openstack');
    t.deepEqual(view.flavors.find((f) => f.name === 'm1.small'), { name: 'm1.small', vcpus: 1, ramGb: 2, diskGb: 20, purpose: 'general' });
    t.deepEqual(view.images.map((i) => i.name), ['cirros-0.3.2-x86_64-disk', 'F17-x86_64-cfntools']);
    t.is(view.images[0]!.format, 'qcow2');
    t.true(view.volumeTypes.some((v) => v.name === 'vol-type-001'));
    t.deepEqual(view.azs, ['nova']);
    t.is(view.capacity.hosts, fixture('nova/doc/api_samples/os-hypervisors/hypervisors-detail-resp.json').hypervisors.length);
    t.true(view.capacity.ramGb > 0);
    t.deepEqual(view.addressSpace.ipv4, ['10.20.0.0/16']);
    // cached: a second describe asks nobody
    const before = os.requests.length;
    await driver.describe();
    t.is(os.requests.length, before);
  } finally {
    await os.close();
  }
});

test('401 from a service: re-authenticate once and retry with the new token; a second 401 is an UpstreamError', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    await driver.deletePort('p-1');
    os.revokeTokens();
    os.reset();
    await driver.deletePort('p-2');
    const seq = os.requests.map((r) => `${r.service} ${r.method} ${r.path} ${r.headers['x-auth-token'] ?? '-'}`);
    t.deepEqual(seq, [`network DELETE /ports/p-2 ${tokenOf(os, 1)}`, 'identity POST /auth/tokens -', `network DELETE /ports/p-2 ${tokenOf(os, 2)}`]);

    const unauthorized = { status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.' } } };
    os.once('network', 'DELETE', '/ports/:id', unauthorized);
    os.once('network', 'DELETE', '/ports/:id', unauthorized);
    const err = await t.throwsAsync(driver.deletePort('p-3'), { instanceOf: UpstreamError });
    t.is(err!.code, 'cloud.upstream_unauthorized');
    t.is(os.tokensIssued, 3);
  } finally {
    await os.close();
  }
});

test('Keystone refusing the credentials is an UpstreamError that names neither the password nor the user', async (t) => {
  const os = await replay();
  try {
    const { driver, logs } = setup(os);
    os.once('identity', 'POST', '/auth/tokens', { status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } } });
    const err = await t.throwsAsync(driver.createNetwork({ name: 'n', tenantId: 't' }), { instanceOf: UpstreamError });
    t.is(err!.code, 'cloud.upstream_auth_failed');
    t.false(JSON.stringify([err!.message, err!.detail, logs]).includes(PASSWORD));
  } finally {
    await os.close();
  }
});

test('error answers map to our typed errors: 404, 409, 413 and over-quota, 5xx', async (t) => {
  const os = await replay();
  try {
    const { driver, logs } = setup(os);
    os.once('compute', 'POST', '/servers/:id/remote-consoles', { status: 404, body: { itemNotFound: { code: 404, message: 'Instance s-1 could not be found.' } } });
    const nf = await t.throwsAsync(driver.consoleUrl('s-1'), { instanceOf: NotFoundError });
    t.is(nf!.code, 'cloud.upstream_not_found');
    t.regex(nf!.message, /Instance s-1 could not be found/);
    // deleting what is already gone is not an error
    os.once('network', 'DELETE', '/subnets/:id', { status: 404, body: { NeutronError: { type: 'SubnetNotFound', message: 'Subnet x could not be found.', detail: '' } } });
    await t.notThrowsAsync(driver.deleteSubnet('x'));

    os.once('compute', 'POST', '/servers/:id/action', { status: 409, body: { conflictingRequest: { code: 409, message: "Cannot 'stop' instance while it is in vm_state stopped" } } });
    const cf = await t.throwsAsync(driver.serverAction('s-1', 'stop'), { instanceOf: ConflictError });
    t.is(cf!.code, 'cloud.upstream_conflict');
    os.once('network', 'POST', '/ports', { status: 409, body: { NeutronError: { type: 'IpAddressAlreadyAllocated', message: 'IP address 10.0.0.2 already allocated in subnet', detail: '' } } });
    const inUse = await t.throwsAsync(driver.createPort({ subnetRef: 'sn-1', ip: '10.0.0.2', name: 'p' }), { instanceOf: ConflictError });
    t.is(inUse!.code, 'cloud.ip_in_use');

    os.once('volume', 'POST', '/volumes', { status: 413, body: { overLimit: { code: 413, message: 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota.', retryAfter: '0' } } });
    const q1 = await t.throwsAsync(driver.createVolume({ name: 'big', sizeGb: 99999, volumeType: 'ssd' }), { instanceOf: QuotaError });
    t.is(q1!.code, 'cloud.upstream_quota');
    os.once('compute', 'POST', '/os-server-groups', { status: 403, body: { forbidden: { code: 403, message: 'Quota exceeded, too many server groups.' } } });
    await t.throwsAsync(driver.createServerGroup({ name: 'g', policy: 'anti-affinity' }), { instanceOf: QuotaError });
    os.once('network', 'POST', '/floatingips', { status: 409, body: { NeutronError: { type: 'OverQuota', message: 'Quota exceeded for resources: floatingip.', detail: '' } } });
    await t.throwsAsync(driver.allocateFloatingIp({ tenantId: 't' }), { instanceOf: QuotaError });

    os.once('image', 'POST', '/images', { status: 500, body: '<html><body><h1>500 Internal Server Error</h1></body></html>' });
    const up = await t.throwsAsync(driver.importImage({ name: 'i', format: 'raw', sourceUrl: null }), { instanceOf: UpstreamError });
    t.is(up!.code, 'cloud.upstream_failed');
    t.regex(up!.message, /500 Internal Server Error/);

    // neither the token nor the password ever reaches an error or a log line
    const seen = JSON.stringify([nf, cf, inUse, q1, up].map((e) => [e!.message, e!.detail, e!.extra]).concat(logs as never));
    t.false(seen.includes(PASSWORD));
    t.false(seen.includes(tokenOf(os, 1)));
  } finally {
    await os.close();
  }
});

test('an error message that echoes the token is scrubbed', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    await driver.deletePort('warm');
    os.once('network', 'DELETE', '/ports/:id', (req) => ({ status: 400, body: { NeutronError: { type: 'BadRequest', message: `bad token ${String(req.headers['x-auth-token'])} in request`, detail: '' } } }));
    const err = await t.throwsAsync(driver.deletePort('p'), { instanceOf: UpstreamError });
    t.regex(err!.message, /bad token \[redacted\] in request/);
  } finally {
    await os.close();
  }
});

test('Nova: a VM boots from its volume with ports, key, password, user data, group hint; anti-affinity refusal', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const created = await driver.createServer({
      name: 'web-1', tenantId: 't-1', flavor: SMALL, imageRef: 'img-1', portRefs: ['port-a', 'port-b'], serverGroup: { ref: 'grp-1', policy: 'anti-affinity' },
      keyName: 'kp-1', publicKey: 'ssh-ed25519 AAAA ops@h', adminPass: 'Vm#Pass2026', userData: '#cloud-config\n', volumes: [{ ref: 'vol-data', boot: false }, { ref: 'vol-sys', boot: true }],
    });
    const kp = os.calls('compute', 'POST', /^\/os-keypairs$/)[0]!;
    t.deepEqual(kp.body, { keypair: { name: 'yiyun-kp-1', public_key: 'ssh-ed25519 AAAA ops@h', type: 'ssh' } });
    const req = os.calls('compute', 'POST', /^\/servers$/)[0]!;
    t.is(req.headers['openstack-api-version'], 'compute 2.79');
    t.deepEqual(req.body, {
      server: {
        name: 'web-1', flavorRef: '2', networks: [{ port: 'port-a' }, { port: 'port-b' }], key_name: 'yiyun-kp-1', adminPass: 'Vm#Pass2026', user_data: Buffer.from('#cloud-config\n').toString('base64'), metadata: { 'yiyun-tenant': 't-1' },
        block_device_mapping_v2: [
          { uuid: 'vol-sys', source_type: 'volume', destination_type: 'volume', boot_index: 0, delete_on_termination: false },
          { uuid: 'vol-data', source_type: 'volume', destination_type: 'volume', boot_index: -1, delete_on_termination: false },
        ],
      },
      'os:scheduler_hints': { group: 'grp-1' },
    });
    const sample = fixture('nova/doc/api_samples/servers/server-get-resp.json').server;
    t.deepEqual(created, { ref: fixture('nova/doc/api_samples/servers/server-create-resp.json').server.id, host: sample['OS-EXT-SRV-ATTR:host'] ?? sample.hostId, az: sample['OS-EXT-AZ:availability_zone'] ?? '', volumesAttached: true });

    // the key pair already registered (409) is fine; a server that lands in ERROR with "No valid host" is refused
    os.once('compute', 'POST', '/os-keypairs', { status: 409, body: { conflictingRequest: { code: 409, message: 'Key pair yiyun-kp-1 already exists.' } } });
    const err = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    err.server.status = 'ERROR';
    err.server.fault = { code: 500, message: 'No valid host was found. There are not enough hosts available.' };
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: err });
    os.reset();
    const refused = await t.throwsAsync(driver.createServer({ name: 'pg-3', tenantId: 't-1', flavor: SMALL, imageRef: 'img-1', portRefs: ['p'], serverGroup: { ref: 'grp-1', policy: 'anti-affinity' }, keyName: 'kp-1', publicKey: 'ssh-ed25519 AAAA ops@h' }), { instanceOf: ConflictError });
    t.is(refused!.code, 'cloud.anti_affinity');
    t.is(os.calls('compute', 'DELETE', /^\/servers\//).length, 1, 'the failed server is deleted');
    t.is(os.calls('compute', 'POST', /^\/servers$/)[0]!.body.server.imageRef, 'img-1', 'without volumes it boots from the image');
  } finally {
    await os.close();
  }
});

test('Nova: server groups by microversion, actions, resize confirmed after VERIFY_RESIZE, volume attach/detach, VNC URL', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    t.deepEqual(await driver.createServerGroup({ name: 'test', policy: 'anti-affinity' }), { ref: fixture('nova/doc/api_samples/os-server-groups/v2.64/server-groups-post-resp.json').server_group.id });
    t.deepEqual(os.calls('compute', 'POST', /^\/os-server-groups$/)[0]!.body, { server_group: { name: 'test', policy: 'anti-affinity' } });
    const old = setup(os, { novaMicroversion: '2.15' }).driver;
    await old.createServerGroup({ name: 'weak', policy: 'soft-anti-affinity' });
    const oldReq = os.calls('compute', 'POST', /^\/os-server-groups$/)[1]!;
    t.deepEqual(oldReq.body, { server_group: { name: 'weak', policies: ['soft-anti-affinity'] } });
    t.is(oldReq.headers['openstack-api-version'], 'compute 2.15');

    os.reset();
    await driver.serverAction('s-1', 'start');
    await driver.serverAction('s-1', 'stop');
    await driver.serverAction('s-1', 'reboot');
    t.deepEqual(os.calls('compute', 'POST', /^\/servers\/s-1\/action$/).map((r) => r.body), [{ 'os-start': null }, { 'os-stop': null }, { reboot: { type: 'SOFT' } }]);

    os.reset();
    const resizing = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    resizing.server.status = 'RESIZE';
    const verify = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    verify.server.status = 'VERIFY_RESIZE';
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: resizing });
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: verify });
    await driver.resizeServer('s-1', { ...SMALL, name: 'm1.large' });
    await driver.settled();
    t.deepEqual(os.calls('compute', 'POST', /action$/).map((r) => r.body), [{ resize: { flavorRef: '4' } }, { confirmResize: null }]);
    t.is(os.calls('compute', 'GET', /^\/servers\/s-1$/).length, 2);

    await driver.attachVolume('s-1', 'v-1');
    t.deepEqual(os.calls('compute', 'POST', /os-volume_attachments$/)[0]!.body, { volumeAttachment: { volumeId: 'v-1' } });
    await driver.detachVolume('s-1', 'v-1');
    t.is(os.calls('compute', 'DELETE', /^\/servers\/s-1\/os-volume_attachments\/v-1$/).length, 1);
    const vnc = await driver.consoleUrl('s-1');
    t.deepEqual(os.calls('compute', 'POST', /remote-consoles$/)[0]!.body, { remote_console: { protocol: 'vnc', type: 'novnc' } });
    t.deepEqual(vnc, { url: fixture('nova/doc/api_samples/os-remote-consoles/v2.6/create-vnc-console-resp.json').remote_console.url, type: 'novnc' });
    await t.throwsAsync(driver.resizeServer('s-1', { ...SMALL, name: 'no-such-flavor' }), { code: 'validation.failed' });
  } finally {
    await os.close();
  }
});

test('Nova: serverStatus reports the server as Nova does (what an order waits for): ACTIVE, ERROR with its fault, gone', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const active = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    t.is(active.server.status, 'ACTIVE');
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: active });
    t.deepEqual(await driver.serverStatus('s-1'), { status: 'ACTIVE', fault: null });
    const build = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    build.server.status = 'BUILD';
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: build });
    t.deepEqual(await driver.serverStatus('s-1'), { status: 'BUILD', fault: null });
    const err = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    err.server.status = 'ERROR';
    err.server.fault = { code: 500, message: 'Build of instance aborted: Volume attach failed', created: '2026-11-25T00:00:00Z' };
    os.once('compute', 'GET', '/servers/:id', { status: 200, body: err });
    t.deepEqual(await driver.serverStatus('s-1'), { status: 'ERROR', fault: 'Build of instance aborted: Volume attach failed' });
    os.once('compute', 'GET', '/servers/:id', { status: 404, body: { itemNotFound: { code: 404, message: 'Instance s-1 could not be found.' } } });
    t.deepEqual(await driver.serverStatus('s-1'), { status: 'DELETED', fault: null });
    t.is(os.calls('compute', 'GET', /^\/servers\/s-1$/).length, 4);
  } finally {
    await os.close();
  }
});

test('Neutron: IPv6 subnet modes, ports (no default group), allowed-address-pairs, security groups deny by default, floating IPs', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const sn = await driver.createSubnet({ networkRef: 'net-1', name: 'sn-v6', cidr: 'fd00:1:2::/64', gateway: 'fd00:1:2::1', dhcp: false, dns: ['10.20.0.2', 'fd00::53'] });
    t.deepEqual(os.calls('network', 'POST', /^\/subnets$/)[0]!.body, {
      subnet: { network_id: 'net-1', name: 'sn-v6', cidr: 'fd00:1:2::/64', ip_version: 6, gateway_ip: 'fd00:1:2::1', enable_dhcp: true, dns_nameservers: ['fd00::53'], ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' },
    });
    await driver.createSubnet({ networkRef: 'net-1', name: 'sn-v4', cidr: '192.168.1.0/24', gateway: null, dhcp: true, dns: ['10.20.0.2'] });
    t.like(os.calls('network', 'POST', /^\/subnets$/)[1]!.body.subnet, { ip_version: 4, enable_dhcp: true, dns_nameservers: ['10.20.0.2'] });

    // a port on a subnet this driver made needs no lookup; on an unknown one it asks Neutron for the network
    const port = await driver.createPort({ subnetRef: sn.ref, name: 'web-1-eth0', securityGroupRefs: ['sg-1'] });
    t.deepEqual(os.calls('network', 'POST', /^\/ports$/)[0]!.body, { port: { network_id: 'net-1', name: 'web-1-eth0', fixed_ips: [{ subnet_id: sn.ref }], security_groups: ['sg-1'] } });
    t.deepEqual(port, { ref: fixture('neutron-lib/api-ref/source/v2/samples/ports/port-create-response.json').port.id, ip: '10.0.0.2' });
    t.is(os.calls('network', 'GET', /^\/subnets\//).length, 0);
    await driver.createPort({ subnetRef: 'sn-other', ip: '192.0.0.10', name: 'havip-x' });
    t.is(os.calls('network', 'GET', /^\/subnets\/sn-other$/).length, 1);
    t.deepEqual(os.calls('network', 'POST', /^\/ports$/)[1]!.body.port, { network_id: 'd32019d3-bc6e-4319-9c1d-6722fc136a22', name: 'havip-x', fixed_ips: [{ subnet_id: 'sn-other', ip_address: '192.0.0.10' }], security_groups: [] });

    await driver.setAllowedAddressPairs('port-a', ['192.168.1.100']);
    t.deepEqual(os.calls('network', 'PUT', /^\/ports\/port-a$/)[0]!.body, { port: { allowed_address_pairs: [{ ip_address: '192.168.1.100' }] } });

    const sg = await driver.createSecurityGroup({ name: 'sg-web', tenantId: 't-1' });
    const defaults = fixture('neutron-lib/api-ref/source/v2/samples/security-groups/security-group-create-response.json').security_group.security_group_rules as { id: string }[];
    t.is(sg.ref, '2076db17-a522-4506-91de-c6dd8e837028');
    t.deepEqual(os.calls('network', 'DELETE', /^\/security-group-rules\//).map((r) => r.path), defaults.map((r) => `/security-group-rules/${r.id}`));
    await driver.createSecurityGroupRule({ groupRef: sg.ref, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portMin: 443, portMax: 443, remoteIpPrefix: '0.0.0.0/0' });
    t.deepEqual(os.calls('network', 'POST', /^\/security-group-rules$/)[0]!.body, { security_group_rule: { security_group_id: sg.ref, direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 443, port_range_max: 443, remote_ip_prefix: '0.0.0.0/0' } });

    const fip = await driver.allocateFloatingIp({ tenantId: 't-1' });
    const net1 = fixture('neutron-lib/api-ref/source/v2/samples/networks/networks-list-response.json').networks.find((x: { name: string }) => x.name === 'net1');
    t.deepEqual(os.calls('network', 'POST', /^\/floatingips$/)[0]!.body, { floatingip: { floating_network_id: net1.id, description: 'yiyun tenant t-1' } });
    t.deepEqual(fip, { ref: '2f245a7b-796b-4f26-9cf9-9e82d248fda7', ip: '172.24.4.228' });
    await t.throwsAsync(driver.allocateFloatingIp({ tenantId: 't-1', network: 'no-such-net' }), { code: 'cloud.no_external_network' });
  } finally {
    await os.close();
  }
});

test('Neutron FWaaS v2: a network ACL becomes a firewall group with ordered ingress and egress policies', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const acl = await driver.acls.create({
      ref: null, name: 'acl-his', portRefs: ['port-a'],
      rules: [
        { direction: 'ingress', priority: 20, action: 'deny', protocol: 'any', source: null, destination: null, destinationPort: null },
        { direction: 'ingress', priority: 10, action: 'allow', protocol: 'tcp', source: '10.20.0.0/22', destination: null, destinationPort: '443' },
        { direction: 'egress', priority: 1, action: 'allow', protocol: 'udp', source: null, destination: '10.20.0.2/32', destinationPort: '53-54' },
      ],
    });
    const rules = os.calls('network', 'POST', /^\/fwaas\/firewall_rules$/).map((r) => r.body.firewall_rule);
    t.deepEqual(rules.map((r) => [r.name, r.action, r.protocol, r.destination_port]), [['acl-his-ingress-10', 'allow', 'tcp', '443'], ['acl-his-ingress-20', 'deny', null, null], ['acl-his-egress-1', 'allow', 'udp', '53:54']]);
    const ruleId = fixture('neutron-lib/api-ref/source/v2/samples/firewall-v2/firewall-rule-create-response.json').firewall_rule.id;
    const policies = os.calls('network', 'POST', /^\/fwaas\/firewall_policies$/).map((r) => r.body.firewall_policy);
    t.deepEqual(policies, [{ name: 'acl-his-ingress', firewall_rules: [ruleId, ruleId], audited: false }, { name: 'acl-his-egress', firewall_rules: [ruleId], audited: false }]);
    const policyId = fixture('neutron-lib/api-ref/source/v2/samples/firewall-v2/firewall-policy-create-response.json').firewall_policy.id;
    t.deepEqual(os.calls('network', 'POST', /^\/fwaas\/firewall_groups$/)[0]!.body, { firewall_group: { name: 'acl-his', ingress_firewall_policy_id: policyId, egress_firewall_policy_id: policyId, ports: ['port-a'], admin_state_up: true } });
    t.is(acl.ref, '3b0ef8f4-82c7-44d4-a4fb-6177f9a21977');

    await driver.acls.insertRule(policyId, { direction: 'ingress', priority: 15, action: 'deny', protocol: 'icmp', source: null, destination: null, destinationPort: null }, 'acl-his-ingress-15', 'after-id');
    t.deepEqual(os.calls('network', 'PUT', /insert_rule$/)[0]!.body, { firewall_rule_id: ruleId, insert_after: 'after-id', insert_before: '' });
    await driver.acls.removeRule(policyId, 'r-9');
    t.deepEqual(os.calls('network', 'PUT', /remove_rule$/)[0]!.body, { firewall_rule_id: 'r-9' });
    await driver.acls.setPorts(acl.ref, ['port-a', 'port-b']);
    t.deepEqual(os.calls('network', 'PUT', /^\/fwaas\/firewall_groups\//)[0]!.body, { firewall_group: { ports: ['port-a', 'port-b'] } });
    os.reset();
    await driver.acls.remove(acl.ref, acl.policies, acl.rules);
    t.deepEqual(os.calls('network', 'DELETE', /^\/fwaas\//).map((r) => r.path.split('/')[2]), ['firewall_groups', 'firewall_policies', 'firewall_policies', 'firewall_rules', 'firewall_rules', 'firewall_rules']);
  } finally {
    await os.close();
  }
});

test('Neutron FWaaS v2: syncAcl creates the group on the subnets\' router ports, then swaps fresh rules into the policies and rebinds', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const NL = 'neutron-lib/api-ref/source/v2/samples';
    os.on('network', 'GET', '/ports', { status: 200, body: fixture(`${NL}/ports/ports-list-response.json`) });
    os.on('network', 'PUT', '/fwaas/firewall_policies/:id', { status: 200, body: fixture(`${NL}/firewall-v2/firewall-policy-update-response.json`) });
    const routerPorts = (fixture(`${NL}/ports/ports-list-response.json`).ports as { id: string }[]).map((p) => p.id);
    const rules = [
      { direction: 'ingress' as const, priority: 20, action: 'deny' as const, protocol: 'any', source: null, destination: null, destinationPort: null },
      { direction: 'ingress' as const, priority: 10, action: 'allow' as const, protocol: 'tcp', source: '10.20.0.0/22', destination: null, destinationPort: '443' },
      { direction: 'egress' as const, priority: 1, action: 'allow' as const, protocol: 'udp', source: null, destination: '10.20.0.2/32', destinationPort: '53:54' },
    ];
    const first = await driver.syncAcl({ name: 'acl-his', tenantId: 't-1', enabled: true, rules, subnetRefs: ['sn-a'] }, null);
    const lookup = os.calls('network', 'GET', /^\/ports$/)[0]!;
    t.is(lookup.query.get('device_owner'), 'network:router_interface');
    t.is(lookup.query.get('fixed_ips'), 'subnet_id=sn-a');
    const group = os.calls('network', 'POST', /^\/fwaas\/firewall_groups$/)[0]!.body.firewall_group;
    t.deepEqual(group.ports, routerPorts);
    t.truthy(group.ingress_firewall_policy_id);
    t.truthy(group.egress_firewall_policy_id);
    t.deepEqual(os.calls('network', 'POST', /^\/fwaas\/firewall_rules$/).map((r) => r.body.firewall_rule.name), ['acl-his-ingress-10', 'acl-his-ingress-20', 'acl-his-egress-1']);
    t.is(first.ref, fixture(`${NL}/firewall-v2/firewall-group-create-response.json`).firewall_group.id);

    // a rule changed and the ACL disabled: fresh rules go into both policies in one PUT each, old ones are deleted, no port stays bound
    os.reset();
    const second = await driver.syncAcl({ name: 'acl-his', tenantId: 't-1', enabled: false, rules: rules.slice(1), subnetRefs: ['sn-a'] }, first);
    t.is(os.calls('network', 'POST', /^\/fwaas\/firewall_rules$/).length, 2);
    const puts = os.calls('network', 'PUT', /^\/fwaas\/firewall_policies\/[^/]+$/);
    t.is(puts.length, 2);
    t.is(puts[0]!.body.firewall_policy.firewall_rules.length, 1);
    t.is(os.calls('network', 'DELETE', /^\/fwaas\/firewall_rules\//).length, 3);
    t.deepEqual(os.calls('network', 'PUT', /^\/fwaas\/firewall_groups\//)[0]!.body, { firewall_group: { ports: [] } });
    t.is(os.calls('network', 'GET', /^\/ports$/).length, 0, 'a disabled ACL looks up no ports');
    t.is(second.ref, first.ref);

    os.reset();
    await driver.deleteAcl(second);
    t.deepEqual(os.requests.filter((r) => r.service === 'network').map((r) => `${r.method} ${r.path.split('/').slice(0, 3).join('/')}`), [
      'PUT /fwaas/firewall_groups', 'DELETE /fwaas/firewall_groups', 'DELETE /fwaas/firewall_policies', 'DELETE /fwaas/firewall_policies', 'DELETE /fwaas/firewall_rules', 'DELETE /fwaas/firewall_rules',
    ]);
  } finally {
    await os.close();
  }
});

test('Cinder v3: volumes wait until available, boot volumes from images, extend, snapshots, revert, incremental backups, restore', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    // the create answer says "creating", the show sample too, then the volume becomes available
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: fixture(`${C}/volumes/volume-show-response.json`) });
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'available') });
    const v = await driver.createVolume({ name: 'web-1-system', sizeGb: 40, volumeType: 'ssd-sm4', imageRef: 'img-1' });
    t.is(os.pendingOnce, 0);
    t.deepEqual(os.calls('volume', 'POST', /^\/volumes$/)[0]!.body, { volume: { size: 40, name: 'web-1-system', volume_type: 'ssd-sm4', imageRef: 'img-1' } });
    t.is(v.ref, fixture(`${C}/volumes/volume-create-response.json`).volume.id);
    t.is(os.calls('volume', 'GET', /^\/volumes\//).length, 2);

    // a volume that fails is deleted and the failure reported
    os.reset();
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'error') });
    await t.throwsAsync(driver.createVolume({ name: 'bad', sizeGb: 10, volumeType: 'ssd-sm4', fromSnapshotRef: 'snap-1', fromBackupRef: 'bk-1' }), { instanceOf: UpstreamError, message: /error/ });
    t.like(os.calls('volume', 'POST', /^\/volumes$/)[0]!.body.volume, { snapshot_id: 'snap-1', backup_id: 'bk-1' });
    t.is(os.calls('volume', 'DELETE', /^\/volumes\//).length, 1);

    os.reset();
    await driver.extendVolume('v-1', 50);
    await driver.revertToSnapshot('v-1', 'snap-1');
    t.deepEqual(os.calls('volume', 'POST', /^\/volumes\/v-1\/action$/).map((r) => r.body), [{ 'os-extend': { new_size: 50 } }, { revert: { snapshot_id: 'snap-1' } }]);
    t.true(os.calls('volume').every((r) => r.headers['openstack-api-version'] === 'volume 3.47'));
    t.deepEqual(await driver.createSnapshot('v-1', 'snap-001'), { ref: fixture(`${C}/snapshots/snapshot-create-response.json`).snapshot.id });
    t.deepEqual(os.calls('volume', 'POST', /^\/snapshots$/)[0]!.body, { snapshot: { volume_id: 'v-1', name: 'snap-001', force: true } });
    t.deepEqual(await driver.createBackup({ volumeRef: 'v-1', name: 'bk-2', incremental: true }), { ref: fixture(`${C}/backups/backup-create-response.json`).backup.id });
    t.deepEqual(os.calls('volume', 'POST', /^\/backups$/)[0]!.body, { backup: { volume_id: 'v-1', name: 'bk-2', incremental: true, force: true } });
    await driver.restoreBackup('bk-1', 'v-2');
    t.deepEqual(os.calls('volume', 'POST', /^\/backups\/bk-1\/restore$/)[0]!.body, { restore: { volume_id: 'v-2' } });

    // deleting a volume still in use waits until Nova has let it go
    os.reset();
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'in-use') });
    os.once('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'available') });
    await driver.deleteVolume('v-3');
    t.is(os.pendingOnce, 0);
    t.deepEqual(os.requests.filter((r) => r.service === 'volume').map((r) => r.method), ['GET', 'GET', 'DELETE']);
  } finally {
    await os.close();
  }
});

test('Glance v2: image records are created and imported by web-download; conversion to raw is a recorded step', async (t) => {
  const os = await replay();
  try {
    const { driver } = setup(os);
    const out = await driver.importImage({ name: 'win2022', format: 'vhd', sourceUrl: 'https://mirror.hospital.example/win2022.vhd' });
    t.deepEqual(os.calls('image', 'POST', /^\/images$/)[0]!.body, { name: 'win2022', disk_format: 'vhd', container_format: 'bare', visibility: 'private' });
    const id = fixture('glance/api-ref/source/v2/samples/image-create-response.json').id;
    t.deepEqual(os.calls('image', 'POST', /\/import$/)[0]!.body, { method: { name: 'web-download', uri: 'https://mirror.hospital.example/win2022.vhd' } });
    t.is(os.calls('image', 'POST', /\/import$/)[0]!.path, `/images/${id}/import`);
    t.deepEqual(out, { ref: id, steps: ['create', 'web-download', 'convert vhd → raw', 'verify'] });
  } finally {
    await os.close();
  }
});

test.serial('YIYUN_ZONES driver "openstack": the zone runs on OpenStack through the whole control plane', async (t) => {
  const os = await replay();
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-zones-os-'));
  const file = path.join(dir, 'zones.json');
  writeFileSync(file, JSON.stringify({
    zones: {
      'liangcheng-dmz': { driver: 'openstack', authUrl: os.authUrl, region: 'RegionOne', credentials: { applicationCredentialId: 'ac-dmz', applicationCredentialSecret: 'AppCred-Dmz-Secret-1' }, externalNetwork: 'net1', pollMs: 10, waitTimeoutMs: 2000 },
      'liangcheng-internet': { driver: 'embedded', seed: 'demo' },
    },
  }));
  // The sample volume types carry no encryption/replica specs; the estate's types do (infra/components/storage.ts).
  os.once('volume', 'GET', '/types', { status: 200, body: { volume_types: [{ id: 'vt-1', name: 'ssd-sm4', extra_specs: { volume_backend_name: 'ceph-ssd-sm4', 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': '3' } }] } });
  const srv = await startTestServer('postgres', { YIYUN_ZONES: file });
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const tn = await admin.post('/api/tenants', { code: 'os-a', name: '租户 os-a', kind: 'township_centre', zone: 'liangcheng-dmz', quota: BIG_QUOTA });
    t.is(tn.status, 201, JSON.stringify(tn.body));
    const acc = await admin.post('/api/accounts', { loginId: 'os-a.m', displayName: '成员', roles: ['tenant-member'], tenantId: tn.body.id });
    const c = new ApiClient(srv.url);
    await loginThroughFirstSteps(c, acc.body.account.loginId, acc.body.initialPassword, 'Tenant#Member2026');

    const region = await c.get('/api/cloud/region');
    t.is(region.status, 200, JSON.stringify(region.body));
    t.is(region.body.driver, 'openstack');
    t.true(region.body.flavors.some((f: { name: string }) => f.name === 'm1.small'));

    const vpc = await c.post('/api/cloud/vpcs', { name: 'vpc-his', cidr: '192.168.0.0/16' });
    t.is(vpc.status, 201, JSON.stringify(vpc.body));
    const call = os.calls('network', 'POST', /^\/networks$/)[0]!;
    t.deepEqual(call.body.network, { name: 'vpc-his', description: `yiyun tenant ${tn.body.id}`, admin_state_up: true });

    // Cinder's 413 reaches the tenant as our quota problem, and no disk row is left behind
    os.once('volume', 'POST', '/volumes', { status: 413, body: { overLimit: { code: 413, message: 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota.' } } });
    const disk = await c.post('/api/cloud/disks', { name: 'd1', sizeGb: 20, volumeType: 'ssd-sm4' });
    t.is(disk.status, 422, JSON.stringify(disk.body));
    t.is(disk.body.code, 'cloud.upstream_quota');
    t.is((await c.get('/api/cloud/disks')).body.total, 0);
    t.false(JSON.stringify(disk.body).includes('AppCred-Dmz-Secret-1'));
  } finally {
    await srv.cleanup();
    await os.close();
  }
});

test('Glance v2: visibility by JSON patch in Glance’s media type; members added and removed', async (t) => {
  const os = await replay();
  try {
    const G = 'glance/api-ref/source/v2/samples';
    os.on('image', 'PATCH', '/images/:id', { status: 200, body: fixture(`${G}/image-update-response.json`) });
    os.on('image', 'POST', '/images/:id/members', { status: 200, body: fixture(`${G}/image-member-create-response.json`) });
    os.on('image', 'DELETE', '/images/:id/members/:member', { status: 204 });
    const { driver } = setup(os);
    const image = 'a96be11e-8536-4910-92cb-de50aa19dfe6';
    const member = fixture(`${G}/image-member-create-request.json`).member as string;
    await driver.setImageVisibility(image, 'shared');
    const patch = os.calls('image', 'PATCH', /^\/images\//)[0]!;
    t.is(patch.path, `/images/${image}`);
    t.is(patch.headers['content-type'], 'application/openstack-images-v2.1-json-patch');
    t.deepEqual(patch.body, [{ op: 'replace', path: '/visibility', value: 'shared' }]);
    await driver.addImageMember(image, member);
    const add = os.calls('image', 'POST', /\/members$/)[0]!;
    t.is(add.path, `/images/${image}/members`);
    t.deepEqual(add.body, { member });
    await driver.removeImageMember(image, member);
    t.is(os.calls('image', 'DELETE', /\/members\//)[0]!.path, `/images/${image}/members/${member}`);
  } finally {
    await os.close();
  }
});

// ---- one OpenStack project per tenant ----

const K = 'keystone/api-ref/source/v3/samples/admin';
const PER_TENANT = { mode: 'project-per-tenant', projects: { 't-a': 'proj-a' } };
const CODES: Record<string, string> = { 't-a': 'hosp-a', 't-b': 'hosp-b', 't-c': 'hosp-c' };

function perTenant(os: OpenStackReplay, tenancy: Record<string, unknown> = PER_TENANT) {
  const logs: Logged[] = [];
  const log = (level: string) => (obj: unknown, msg: string) => logs.push({ level, obj, msg });
  const driver = createOpenStackDriver({ zone: 'liangcheng-dmz', config: config(os.authUrl, { tenancy }), logger: { info: log('info'), warn: log('warn'), debug: log('debug') } as never, tenantCode: async (id) => CODES[id] ?? null });
  return { driver, logs };
}

/** The Keystone projects sample with one project renamed (what a look-up by name finds). */
function projectsNamed(name: string) {
  const list = fixture(`${K}/projects-list-response.json`);
  list.projects[1].name = name;
  return { id: list.projects[1].id as string, answer: (req: { query: URLSearchParams }) => ({ status: 200, body: { ...list, projects: list.projects.filter((p: { name: string }) => p.name === req.query.get('name')) } }) };
}

test('project-per-tenant: two tenants get two tokens scoped to their projects, and every call carries its tenant’s token', async (t) => {
  const os = await replay();
  try {
    const b = projectsNamed('yiyun-hosp-b');
    os.on('identity', 'GET', '/projects', b.answer);
    const { driver, logs } = perTenant(os);
    const da = driver.forTenant('t-a');
    const db = driver.forTenant('t-b');
    t.is(driver.forTenant('t-a'), da, 'one bound driver per tenant');
    await da.createNetwork({ name: 'vpc-a', tenantId: 't-a' });
    await db.createNetwork({ name: 'vpc-b', tenantId: 't-b' });
    await da.deletePort('p-a');
    await db.deletePort('p-b');
    t.deepEqual(await driver.projectOf('t-b'), b.id);

    // t-a is mapped in the file; t-b is looked up by name with the zone's own token
    const lookup = os.calls('identity', 'GET', /^\/projects$/);
    t.is(lookup.length, 1, 'the look-up is cached');
    t.is(lookup[0]!.query.get('name'), 'yiyun-hosp-b');
    t.is(lookup[0]!.query.get('domain_id'), 'default');
    t.is(os.projectOf(lookup[0]!.headers['x-auth-token']), 'name:admin', 'the look-up uses the configured project scope');
    const scopes = os.calls('identity', 'POST', /^\/auth\/tokens$/).map((r) => r.body.auth.scope.project);
    t.deepEqual(scopes.filter((s) => s.id).map((s) => s.id).sort(), ['proj-a', b.id].sort(), 'one project-scoped token per tenant');
    t.true(scopes.every((s) => s.id || s.name === 'admin'));

    const byName = (name: string) => os.calls('network', 'POST', /^\/networks$/).find((r) => r.body.network.name === name)!;
    t.is(os.projectOf(byName('vpc-a').headers['x-auth-token']), 'id:proj-a');
    t.is(os.projectOf(byName('vpc-b').headers['x-auth-token']), `id:${b.id}`);
    t.is(os.projectOf(os.calls('network', 'DELETE', /^\/ports\/p-a$/)[0]!.headers['x-auth-token']), 'id:proj-a');
    t.is(os.projectOf(os.calls('network', 'DELETE', /^\/ports\/p-b$/)[0]!.headers['x-auth-token']), `id:${b.id}`);

    // a 401 on t-a's token re-authenticates t-a's project only; t-b's token keeps working
    const tokenA = os.calls('network', 'DELETE', /^\/ports\/p-a$/)[0]!.headers['x-auth-token'] as string;
    const tokenB = os.calls('network', 'DELETE', /^\/ports\/p-b$/)[0]!.headers['x-auth-token'] as string;
    os.revoke(tokenA);
    os.reset();
    await da.deletePort('p-a2');
    await db.deletePort('p-b2');
    t.deepEqual(os.requests.map((r) => [r.service, r.method, r.path, os.projectOf(r.headers['x-auth-token'])]), [
      ['network', 'DELETE', '/ports/p-a2', 'id:proj-a'],
      ['identity', 'POST', '/auth/tokens', null],
      ['network', 'DELETE', '/ports/p-a2', 'id:proj-a'],
      ['network', 'DELETE', '/ports/p-b2', `id:${b.id}`],
    ]);
    t.deepEqual(os.calls('identity')[0]!.body.auth.scope, { project: { id: 'proj-a' } });
    const retried = os.calls('network', 'DELETE', /^\/ports\/p-a2$/).map((r) => r.headers['x-auth-token']);
    t.is(retried[0], tokenA);
    t.not(retried[1], tokenA, 'retried with a fresh token');
    t.is(os.calls('network', 'DELETE', /^\/ports\/p-b2$/)[0]!.headers['x-auth-token'], tokenB);

    // neither the password nor any token reaches a log line
    const seen = JSON.stringify(logs);
    t.false(seen.includes(PASSWORD));
    t.false(seen.includes('gAAAAreplay'));
    t.true(logs.some((l) => l.msg === 'OpenStack token issued' && (l.obj as { scope: string }).scope === 'proj-a'));
  } finally {
    await os.close();
  }
});

test('project-per-tenant: a missing project is created (role granted to the service user) only when configured; else a clear error', async (t) => {
  const os = await replay();
  try {
    os.on('identity', 'GET', '/projects', { status: 200, body: { links: {}, projects: [] } });
    os.on('identity', 'POST', '/projects', { status: 201, body: fixture(`${K}/project-create-response.json`) });
    os.on('identity', 'GET', '/roles', { status: 200, body: fixture(`${K}/roles-list-response.json`) });
    os.on('identity', 'PUT', '/projects/:p/users/:u/roles/:r', { status: 204 });
    const refused = perTenant(os).driver.forTenant('t-c');
    const err = await t.throwsAsync(refused.createNetwork({ name: 'n', tenantId: 't-c' }), { instanceOf: UpstreamError });
    t.is(err!.code, 'cloud.tenant_project_missing');
    t.regex(err!.message, /yiyun-hosp-c/);
    t.is(os.calls('identity', 'POST', /^\/projects$/).length, 0);
    t.is(os.calls('network').length, 0, 'nothing is created in the wrong project');

    os.reset();
    const { driver } = perTenant(os, { mode: 'project-per-tenant', create: true, role: 'member' });
    await driver.forTenant('t-c').createNetwork({ name: 'n', tenantId: 't-c' });
    const made = fixture(`${K}/project-create-response.json`).project.id;
    t.deepEqual(os.calls('identity', 'POST', /^\/projects$/)[0]!.body, { project: { name: 'yiyun-hosp-c', domain_id: 'default', description: 'yiyun tenant t-c', enabled: true } });
    const user = fixture(`${K}/auth-password-project-scoped-response.json`).token.user.id;
    const member = (fixture(`${K}/roles-list-response.json`).roles as { id: string; name: string }[]).find((r) => r.name === 'Member')!.id;
    t.is(os.calls('identity', 'PUT', /\/roles\//)[0]!.path, `/projects/${made}/users/${user}/roles/${member}`);
    t.is(os.projectOf(os.calls('network', 'POST', /^\/networks$/)[0]!.headers['x-auth-token']), `id:${made}`);
  } finally {
    await os.close();
  }
});

test('project-per-tenant needs a password user: application credentials are refused by the zones file', (t) => {
  const r = zonesFileSchema.safeParse({ zones: { 'liangcheng-dmz': { driver: 'openstack', authUrl: 'http://127.0.0.1:5000/v3', region: 'R', credentials: { applicationCredentialId: 'a', applicationCredentialSecret: 'AppCred-Secret-77' }, tenancy: { mode: 'project-per-tenant' } } } });
  t.false(r.success);
  t.deepEqual(r.error!.issues.map((i) => i.path.join('.')), ['zones.liangcheng-dmz.credentials']);
  t.false(JSON.stringify(r.error!.issues.map((i) => i.message)).includes('AppCred-Secret-77'));
  // shared mode (the default) takes them
  t.true(zonesFileSchema.safeParse({ zones: { 'liangcheng-dmz': { driver: 'openstack', authUrl: 'http://127.0.0.1:5000/v3', region: 'R', credentials: { applicationCredentialId: 'a', applicationCredentialSecret: 's' } } } }).success);
});

test('Glance members per tenant project: the owner shares with the member’s project; the member accepts with its own token', async (t) => {
  const os = await replay();
  try {
    const G = 'glance/api-ref/source/v2/samples';
    const b = projectsNamed('yiyun-hosp-b');
    os.on('identity', 'GET', '/projects', b.answer);
    os.on('image', 'POST', '/images/:id/members', { status: 200, body: fixture(`${G}/image-member-create-response.json`) });
    os.on('image', 'PUT', '/images/:id/members/:member', { status: 200, body: fixture(`${G}/image-member-update-response.json`) });
    os.on('image', 'DELETE', '/images/:id/members/:member', { status: 204 });
    const { driver } = perTenant(os);
    const image = fixture(`${G}/image-member-update-response.json`).image_id as string;
    await driver.forTenant('t-a').addImageMember(image, 't-b');
    const add = os.calls('image', 'POST', /\/members$/)[0]!;
    t.deepEqual(add.body, { member: b.id }, 'the member is the tenant’s project');
    t.is(os.projectOf(add.headers['x-auth-token']), 'id:proj-a', 'the owner shares');
    // whichever bound driver is asked, the answer goes out with the member's own token
    await driver.forTenant('t-a').setImageMemberStatus(image, 't-b', 'accepted');
    await driver.forTenant('t-b').setImageMemberStatus(image, 't-b', 'rejected');
    const puts = os.calls('image', 'PUT', /\/members\//);
    t.deepEqual(puts.map((r) => [r.path, r.body, os.projectOf(r.headers['x-auth-token'])]), [
      [`/images/${image}/members/${b.id}`, { status: 'accepted' }, `id:${b.id}`],
      [`/images/${image}/members/${b.id}`, { status: 'rejected' }, `id:${b.id}`],
    ]);
    await driver.forTenant('t-a').removeImageMember(image, 't-b');
    t.is(os.calls('image', 'DELETE', /\/members\//)[0]!.path, `/images/${image}/members/${b.id}`);
    // Glance refusing (the member was removed meanwhile) is our not-found
    os.once('image', 'PUT', '/images/:id/members/:member', { status: 404, body: '404 Not Found\n\nThe resource could not be found.' });
    await t.throwsAsync(driver.forTenant('t-b').setImageMemberStatus(image, 't-b', 'accepted'), { instanceOf: NotFoundError });

    // tenants sharing one project: Glance holds no per-tenant member to answer for; nothing is sent
    const shared = setup(os).driver;
    os.reset();
    await shared.setImageMemberStatus(image, 't-b', 'accepted');
    t.is(os.calls('image').length, 0);
    t.is(shared.forTenant!('t-b'), shared);
  } finally {
    await os.close();
  }
});

test.serial('control plane on OpenStack, a project per tenant: each tenant’s calls in its own project; a VM that Nova puts in ERROR fails its order', async (t) => {
  const os = await replay();
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-zones-os-'));
  const file = path.join(dir, 'zones.json');
  writeFileSync(file, JSON.stringify({
    zones: {
      'liangcheng-dmz': {
        driver: 'openstack', authUrl: os.authUrl, region: 'RegionOne', credentials: { username: 'yiyun-svc', password: PASSWORD, projectName: 'admin' }, externalNetwork: 'net1', pollMs: 10, waitTimeoutMs: 2000,
        tenancy: { mode: 'project-per-tenant', projects: { 'os-b': 'proj-os-b', 'os-c': 'proj-os-c' } },
      },
      'liangcheng-internet': { driver: 'embedded', seed: 'demo' },
    },
  }));
  os.on('volume', 'GET', '/types', { status: 200, body: { volume_types: [{ id: 'vt-1', name: 'ssd-sm4', extra_specs: { volume_backend_name: 'ceph-ssd-sm4', 'yiyun:encryption': 'sm4-xts', 'yiyun:replicas': '3' } }] } });
  os.on('volume', 'GET', '/volumes/:id', { status: 200, body: withStatus(`${C}/volumes/volume-show-response.json`, 'volume', 'available') });
  // Nova builds the server, then reports it in ERROR with its fault (what the order watch polls)
  let nova: { status: string; fault?: { code: number; message: string } } = { status: 'BUILD' };
  os.on('compute', 'GET', '/servers/:id', () => {
    const s = fixture('nova/doc/api_samples/servers/server-get-resp.json');
    s.server.status = nova.status;
    if (nova.fault) s.server.fault = { ...nova.fault, created: '2026-11-26T02:00:00Z' };
    return { status: 200, body: s };
  });
  const srv = await startTestServer('postgres', { YIYUN_ZONES: file });
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const member = async (code: string) => {
      const tn = await admin.post('/api/tenants', { code, name: `租户 ${code}`, kind: 'township_centre', zone: 'liangcheng-dmz', quota: BIG_QUOTA });
      const acc = await admin.post('/api/accounts', { loginId: `${code}.m`, displayName: '成员', roles: ['tenant-member'], tenantId: tn.body.id });
      const c = new ApiClient(srv.url);
      await loginThroughFirstSteps(c, acc.body.account.loginId, acc.body.initialPassword, 'Tenant#Member2026');
      return { id: tn.body.id as string, c };
    };
    const B = await member('os-b');
    const Cc = await member('os-c');
    t.is((await B.c.post('/api/cloud/vpcs', { name: 'vpc-b', cidr: '192.168.0.0/16' })).status, 201);
    t.is((await Cc.c.post('/api/cloud/vpcs', { name: 'vpc-c', cidr: '192.168.0.0/16' })).status, 201);
    const netCall = (name: string) => os.calls('network', 'POST', /^\/networks$/).find((r) => r.body.network.name === name)!;
    t.is(os.projectOf(netCall('vpc-b').headers['x-auth-token']), 'id:proj-os-b', 'mapped by tenant code');
    t.is(os.projectOf(netCall('vpc-c').headers['x-auth-token']), 'id:proj-os-c');

    // B boots a VM: every Nova/Neutron/Cinder call of it carries B's project token
    const vpcB = (await B.c.get('/api/cloud/vpcs')).body.items[0].id;
    const sn = await B.c.post('/api/cloud/subnets', { vpcId: vpcB, name: 'sn-b', cidr: '192.168.1.0/24', stack: 'ipv4', dns: ['10.20.0.2'] });
    t.is(sn.status, 201, JSON.stringify(sn.body));
    os.reset();
    const image = fixture('glance/api-ref/source/v2/samples/images-list-response.json').images[0].id;
    const vm = await B.c.post('/api/cloud/vms', { name: 'his-app-1', spec: { flavor: 'm1.small', imageId: image, subnetIds: [sn.body.id], password: 'Vm#Passw0rd-2026' } });
    t.is(vm.status, 201, JSON.stringify(vm.body));
    t.is(vm.body.status, 'BUILD');
    const vmCalls = os.requests.filter((r) => r.service !== 'identity' && r.method !== 'GET');
    t.deepEqual([...new Set(vmCalls.map((r) => `${r.service} ${r.method} ${r.path.replace(/\/[0-9a-f-]{30,}.*$/, '/…')}`))].sort(), ['compute POST /servers', 'network POST /ports', 'volume POST /volumes']);
    t.true(vmCalls.every((r) => os.projectOf(r.headers['x-auth-token']) === 'id:proj-os-b'));
    const quota = async () => Object.fromEntries((await B.c.get('/api/cloud/quota')).body.lines.map((l: { key: string; used: number }) => [l.key, l.used]));
    t.like(await quota(), { vms: 1, vcpu: 1, ramGb: 2, diskGb: 20, volumes: 1 });

    // Nova: ERROR with a fault → the order watch (the settle job, every second) fails the order with the fault
    nova = { status: 'ERROR', fault: { code: 500, message: 'Build of instance aborted: Failure prepping block device.' } };
    const orderId = (await B.c.get('/api/cloud/orders')).body.items.find((o: { resourceId: string }) => o.resourceId === vm.body.id).id;
    let order: { status: string; detail: { reason?: string } } = { status: 'running', detail: {} };
    for (let i = 0; i < 100 && order.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      order = (await B.c.get(`/api/cloud/orders/${orderId}`)).body as typeof order;
    }
    t.is(order.status, 'failed');
    t.is(order.detail.reason, 'Build of instance aborted: Failure prepping block device.');
    const polled = os.calls('compute', 'GET', /^\/servers\//);
    t.true(polled.length > 0 && polled.every((r) => os.projectOf(r.headers['x-auth-token']) === 'id:proj-os-b'), 'the watch asks in the tenant’s project');
    const failed = (await B.c.get(`/api/cloud/vms/${vm.body.id}`)).body;
    t.is(failed.status, 'ERROR');
    t.is(failed.spec.fault, 'Build of instance aborted: Failure prepping block device.');
    // the VM never ran: its vCPU, RAM and VM count are free again; its system volume exists in Cinder until the VM is deleted
    t.like(await quota(), { vms: 0, vcpu: 0, ramGb: 0, diskGb: 20, volumes: 1 });
    const trail = await srv.ctx.audit.search({ offset: 0, limit: 100, tenantId: B.id });
    const fail = trail.items.find((r) => r.action === 'vm.create_failed');
    t.is(fail?.outcome, 'failure');
    t.is((fail?.detail as { reason?: string } | null)?.reason, 'Build of instance aborted: Failure prepping block device.');

    // deleting the failed VM deletes the server and its system volume in B's project and frees the rest
    os.reset();
    t.is((await B.c.delete(`/api/cloud/vms/${vm.body.id}`)).status, 204);
    t.like(await quota(), { vms: 0, vcpu: 0, diskGb: 0, volumes: 0 });
    const deletes = os.requests.filter((r) => r.method === 'DELETE');
    t.true(deletes.some((r) => r.service === 'compute') && deletes.some((r) => r.service === 'volume'));
    t.true(deletes.every((r) => os.projectOf(r.headers['x-auth-token']) === 'id:proj-os-b'));
    // C saw none of it
    t.is((await Cc.c.get(`/api/cloud/vms/${vm.body.id}`)).status, 404);
    t.false(JSON.stringify(trail.items).includes(PASSWORD));
  } finally {
    await srv.cleanup();
    await os.close();
  }
});
