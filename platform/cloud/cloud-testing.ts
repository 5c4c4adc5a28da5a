import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';

/** A YIYUN_ZONES file with the small demo region in both zones and quick timings. */
export function demoZonesFile(buildMs = 150): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-zones-'));
  const file = path.join(dir, 'zones.json');
  const zone = { driver: 'embedded', seed: 'demo', timings: { buildMs, rebootMs: buildMs, resizeMs: buildMs, stopMs: buildMs, startMs: buildMs, importMs: buildMs } };
  writeFileSync(file, JSON.stringify({ zones: { 'liangcheng-dmz': zone, 'liangcheng-internet': zone } }));
  return file;
}

export const BIG_QUOTA = { vcpu: 1000, ramGb: 4000, diskGb: 100000, vms: 100, volumes: 300, networks: 10, securityGroups: 20, floatingIps: 10, snapshots: 50, backups: 50 };

/** A server on PostgreSQL with the demo region, an admin, and a helper that makes a tenant with a logged-in member. */
export async function cloudServer(buildMs?: number) {
  const srv = await startTestServer('postgres', { YIYUN_ZONES: demoZonesFile(buildMs), ...(process.env.CLOUD_TEST_LOG ? { YIYUN_LOG_LEVEL: 'error' } : {}) });
  const admin = new ApiClient(srv.url);
  await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
  let n = 0;
  async function tenant(code: string, quota: Partial<typeof BIG_QUOTA> = BIG_QUOTA, zone = 'liangcheng-dmz', role = 'tenant-member') {
    const t = await admin.post('/api/tenants', { code, name: `租户 ${code}`, kind: 'township_centre', zone, quota });
    if (t.status !== 201) throw new Error(`tenant: ${JSON.stringify(t.body)}`);
    const acc = await admin.post('/api/accounts', { loginId: `${code}.m${n++}`, displayName: '成员', roles: [role], tenantId: t.body.id });
    if (acc.status !== 201) throw new Error(`account: ${JSON.stringify(acc.body)}`);
    const c = new ApiClient(srv.url);
    await loginThroughFirstSteps(c, acc.body.account.loginId, acc.body.initialPassword, 'Tenant#Member2026');
    return { id: t.body.id as string, client: c, loginId: acc.body.account.loginId as string };
  }
  return { srv, admin, tenant };
}

export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv0dGVzdGtleWZvcnRoZWNsb3VkdGVzdHNvbmx5 ops@hospital';
export const KYLIN = '00000000-0000-4000-8001-000000000001';

/** A VPC, a subnet, a security group and a key pair: what a VM needs. */
export async function network(c: ApiClient, cidr = '192.168.0.0/16', subnet = '192.168.1.0/24') {
  const vpc = await c.post('/api/cloud/vpcs', { name: 'vpc-his', cidr, tags: { env: 'prod' } });
  const sn = await c.post('/api/cloud/subnets', { vpcId: vpc.body.id, name: 'sn-app', cidr: subnet, stack: 'ipv4', dns: ['10.20.0.2'] });
  const sg = await c.post('/api/cloud/security-groups', { name: 'sg-web' });
  const kp = await c.post('/api/cloud/keypairs', { name: 'ops', publicKey: KEY });
  for (const r of [vpc, sn, sg, kp]) if (r.status !== 201) throw new Error(`network setup: ${JSON.stringify(r.body)}`);
  return { vpc: vpc.body.id as string, subnet: sn.body.id as string, sg: sg.body.id as string, keypair: kp.body.id as string };
}
