import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { runPlanCommand } from './plan-command';

const root = path.resolve(__dirname, '..', '..');

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function plan(stack: string, opts: { json?: boolean; diagram?: string; cwd?: string } = {}) {
  const out = sink();
  const err = sink();
  const code = await runPlanCommand({ stack, json: opts.json ?? false, cwd: opts.cwd ?? root, ...(opts.diagram ? { diagram: opts.diagram } : {}) }, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A copy of the project with one stack file edited. */
function project(stack: string, edit: (yaml: string) => string, from = 'liangcheng-internet'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yiyun-plan-'));
  copyFileSync(path.join(root, 'Pulumi.yaml'), path.join(dir, 'Pulumi.yaml'));
  const text = readFileSync(path.join(root, `Pulumi.${from}.yaml`), 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error('the edit changed nothing');
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), edited);
  return dir;
}

test.serial('both liangcheng stacks fit their pools with the seed’s figures and pass every policy (--json)', async (t) => {
  const r = await plan('liangcheng-dmz,liangcheng-internet', { json: true });
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  t.is(doc.stack, 'liangcheng-dmz,liangcheng-internet');
  const dmz = doc.zones.find((z: { zone: string }) => z.zone === 'dmz');
  const internet = doc.zones.find((z: { zone: string }) => z.zone === 'internet');
  t.deepEqual(dmz.capacity, { vcpu: 2376, ramGb: 9988, storageTb: 280.4 });
  t.deepEqual(internet.capacity, { vcpu: 336, ramGb: 592, storageTb: 11.6 });
  t.deepEqual(dmz.hosts, dmz.capacity, 'the DMZ hosts hold exactly the seed’s pool');
  t.deepEqual(internet.hosts, internet.capacity);
  for (const z of [dmz, internet]) {
    t.true(z.declared.vcpu > 0 && z.declared.vcpu <= z.capacity.vcpu);
    t.true(z.declared.ramGb <= z.capacity.ramGb);
    t.true(z.declared.storageTb <= z.capacity.storageTb);
  }
  t.true(dmz.flavors.some((f: { vcpus: number; ramGb: number }) => f.vcpus === 144 && f.ramGb === 1280));
  t.false(internet.flavors.some((f: { ramGb: number }) => f.ramGb >= 1280));
  t.true(doc.resources.length > 1000);
  t.deepEqual(Object.keys(doc.resources[0]).sort(), ['key', 'name', 'type', 'zone']);
  t.deepEqual(doc.violations, []);
  t.regex(r.stderr, /liangcheng-dmz: \d+ resources/, 'progress goes to stderr');
  t.false(r.stdout.includes('mock-random-value'));
});

test.serial('text output lists resources, totals against capacity, and the verdict', async (t) => {
  const r = await plan('liangcheng-internet');
  t.is(r.code, 0);
  t.regex(r.stdout, /openstack\.networking\.Subnet\s+internet-subnet-services-v4\s+internet\s+10\.30\.16\.0\/20/);
  t.regex(r.stdout, /vCPU\s+\d+\s+of 336/);
  t.regex(r.stdout, /RESULT: fits and passes/);
});

test.serial('an over-capacity stack exits 2 and names the figure', async (t) => {
  const dir = project('too-big', (y) => y.replace('quota: { vcpu: 80, ramGb: 96, storageTb: 3 }', 'quota: { vcpu: 400, ramGb: 96, storageTb: 3 }'));
  const r = await plan('too-big', { cwd: dir });
  t.is(r.code, 2);
  t.regex(r.stdout, /OVER CAPACITY: vCPU \d+ > 336/);
});

test.serial('a violating stack exits 2 with each violation, its 等保 items and a fix', async (t) => {
  const dir = project('weak', (y) =>
    y.replace('yiyun:logRetentionDays: 180', 'yiyun:logRetentionDays: 30')
      .replace('flavor: c1.8c16g, image: openeuler-22.03-lts-sp4-hardened-2025.06', 'flavor: c1.8c16g, image: ubuntu-22.04-cloud')
      .replace('encryption: sm4-xts, replicas: 3', 'encryption: aes-xts, replicas: 2'));
  const r = await plan('weak', { cwd: dir, json: true });
  t.is(r.code, 2);
  const doc = JSON.parse(r.stdout);
  const policies = new Set(doc.violations.map((v: { policy: string }) => v.policy));
  for (const p of ['log-retention-180d', 'image-allowed', 'volume-type-encrypted', 'volume-type-three-replicas']) t.true(policies.has(p), p);
  t.true(doc.violations.some((v: { resource: string }) => v.resource === 'internet-ips-a'));
  t.true(doc.violations.every((v: { dengbao: string[]; severity: string }) => v.dengbao.length > 0 && v.severity));
});

test.serial('a bad stack file exits 1 with a message naming the key', async (t) => {
  const dir = project('broken', (y) => y.replace('yiyun:pool: { vcpu: 336,', 'yiyun:pool: { vcpu: lots,'));
  const r = await plan('broken', { cwd: dir });
  t.is(r.code, 1);
  t.regex(r.stderr, /yiyun:pool\.vcpu/);
  const flavor = project('noflavor', (y) => y.replace('nodeFlavor: g1.16c64g', 'nodeFlavor: x1.144c1280g'));
  const r2 = await plan('noflavor', { cwd: flavor });
  t.is(r2.code, 1);
  t.regex(r2.stderr, /yiyun:cluster\.nodeFlavor: flavor "x1\.144c1280g" is not in this zone's catalogue/);
  const missing = await plan('no-such-stack');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no stack file Pulumi\.no-such-stack\.yaml/);
});

test.serial('--diagram draws zones, tiers, subnets, HaVIP pairs and the gatekeeper as SVG', async (t) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'yiyun-svg-')), 'topology.svg');
  const r = await plan('liangcheng-dmz', { diagram: file });
  t.is(r.code, 0);
  t.true(existsSync(file));
  const svg = readFileSync(file, 'utf8');
  t.regex(svg, /^<svg /);
  for (const s of ['10.20.16.0/20', 'fd6c:6300:20:2::/64 (slaac)', 'HaVIP waf (waf)', 'HaVIP pg (postgres)', 'liangcheng-gap', 'people-hospital', 'internet → dmz: patient-bookings', 'zone internet']) {
    t.true(svg.includes(s), s);
  }
  t.regex(svg, /<polyline points="[\d.]+,[\d.]+ /);
});
