// The ClinicalApp component under Pulumi mocks: runtime.disconnect() is awaited before the records are read,
// otherwise the list would be empty and the assertions would check nothing.
import * as pulumi from '@pulumi/pulumi';
import test from 'ava';
import { ConfigError } from '../../core/errors';
import { catalogueEntry } from '../catalogue/catalogue';
import type { AppEntry } from '../catalogue/catalogue-schema';
import { ClinicalApp } from './clinical-app';
import { planClinicalApp } from './clinical-app-plan';

interface Rec { type: string; name: string; inputs: Record<string, any> }
const recorded: Rec[] = [];
let childUrns: string[] = [];
const digest = `@sha256:${'ab'.repeat(32)}`;
const ORTHANC = `registry.liangcheng.local/mirror/orthancteam/orthanc:25.1.1${digest}`;
const WAF = ['10.20.144.10', '10.20.144.11', '10.20.144.12'];
const POLICIES = ['daily-incremental', 'weekly-full'];

const entry = (id: string): AppEntry => {
  const e = catalogueEntry(id);
  if (!e) throw new Error(`no catalogue entry ${id}`);
  return e;
};

test.before(async () => {
  await pulumi.runtime.setMocks({
    newResource(args) {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: args.name, state: args.inputs };
    },
    call: (args) => args.inputs,
  }, 'yiyun', 'apps-test', false);
  const app = new ClinicalApp('dmz-pacs', {
    entry: entry('pacs'),
    zone: 'dmz',
    images: { orthanc: ORTHANC },
    wafAddresses: WAF,
    databaseHosts: { postgres: '10.20.16.20' },
    storageClass: 'ssd-sm4',
    backupPolicies: POLICIES,
  });
  const urn = (r: pulumi.Resource) => new Promise<string>((resolve) => r.urn.apply(resolve));
  childUrns = await Promise.all([...app.deployments, ...app.services, app.volume!].map(urn));
  await pulumi.runtime.disconnect();
});

const of = (type: string) => recorded.filter((r) => r.type === type);
const one = (type: string, name: string): Rec => {
  const r = recorded.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name} among ${recorded.map((x) => x.name).join(', ')}`);
  return r;
};

test('a namespace of its own under Pod Security "restricted", every child parented to the component', (t) => {
  const ns = one('kubernetes:core/v1:Namespace', 'dmz-app-pacs-ns');
  t.is(ns.inputs.metadata.name, 'app-pacs');
  t.is(ns.inputs.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  t.is(ns.inputs.metadata.labels['yiyun.io/kind'], 'clinical-app');
  t.is(of('yiyun:apps:ClinicalApp').length, 1);
  t.is(childUrns.length, 3);
  for (const u of childUrns) t.true(u.includes('yiyun:apps:ClinicalApp$kubernetes:'), u);
  const k8s = recorded.filter((r) => r.type.startsWith('kubernetes:'));
  t.true(k8s.every((r) => r.name.startsWith('dmz-app-pacs-')));
  t.true(k8s.filter((r) => r.type !== 'kubernetes:core/v1:Namespace').every((r) => r.inputs.metadata.namespace === 'app-pacs'));
});

test('the Deployment runs the pinned image as non-root, without privilege, with probes and requests', (t) => {
  const d = one('kubernetes:apps/v1:Deployment', 'dmz-app-pacs-orthanc');
  const pod = d.inputs.spec.template.spec;
  const c = pod.containers[0];
  t.is(c.image, ORTHANC);
  t.true(pod.securityContext.runAsNonRoot);
  t.true(pod.securityContext.runAsUser > 0);
  t.is(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  t.false(pod.automountServiceAccountToken);
  t.false(c.securityContext.allowPrivilegeEscalation);
  t.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) t.deepEqual(c[probe].tcpSocket, { port: 'http' }, probe);
  t.deepEqual(c.resources.requests, { cpu: '8', memory: '16Gi' });
  t.is(d.inputs.spec.replicas, 1, 'a singleton with a ReadWriteOnce volume');
  t.is(d.inputs.spec.strategy.type, 'Recreate');
  t.deepEqual(c.ports.map((p: { containerPort: number }) => p.containerPort).sort(), [4242, 8042]);
});

test('network: default deny both ways, ingress from outside the namespace only from the WAF pair', (t) => {
  const nps = of('kubernetes:networking.k8s.io/v1:NetworkPolicy');
  const deny = nps.find((n) => n.inputs.metadata.name === 'default-deny')!;
  t.deepEqual(deny.inputs.spec.podSelector, {});
  t.deepEqual(deny.inputs.spec.policyTypes, ['Ingress', 'Egress']);
  t.is(deny.inputs.spec.ingress, undefined);
  t.is(deny.inputs.spec.egress, undefined);
  const ingressPeers = nps.flatMap((n) => (n.inputs.spec.ingress ?? []).flatMap((i: { from: unknown[] }) => i.from));
  const outside = ingressPeers.filter((p: any) => !(p.podSelector && Object.keys(p).length === 1));
  t.deepEqual(outside.map((p: any) => p.ipBlock?.cidr).sort(), WAF.map((a) => `${a}/32`).sort());
  const fromWaf = nps.find((n) => n.inputs.metadata.name === 'orthanc-from-waf')!;
  t.deepEqual(fromWaf.inputs.spec.ingress[0].ports.map((p: { port: number }) => p.port).sort(), [4242, 8042]);
  const svc = one('kubernetes:core/v1:Service', 'dmz-app-pacs-orthanc-svc');
  t.is(svc.inputs.spec.type, 'LoadBalancer');
  t.is(svc.inputs.metadata.annotations['service.beta.kubernetes.io/openstack-internal-load-balancer'], 'true');
  t.deepEqual(svc.inputs.spec.loadBalancerSourceRanges, WAF.map((a) => `${a}/32`));
  const db = nps.find((n) => n.inputs.metadata.name === 'to-database')!;
  t.deepEqual(db.inputs.spec.egress, [{ to: [{ ipBlock: { cidr: '10.20.16.20/32' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  t.falsy(nps.find((n) => n.inputs.metadata.name === 'to-internet'), 'a DMZ app never reaches the internet');
});

test('data on the encrypted storage class, backup labels naming the declared policies, logs to log audit', (t) => {
  const pvc = one('kubernetes:core/v1:PersistentVolumeClaim', 'dmz-app-pacs-data');
  t.is(pvc.inputs.spec.storageClassName, 'ssd-sm4');
  t.is(pvc.inputs.spec.resources.requests.storage, '6000Gi');
  for (const r of [pvc, one('kubernetes:apps/v1:Deployment', 'dmz-app-pacs-orthanc')]) {
    const labels = r.inputs.metadata.labels as Record<string, string>;
    t.deepEqual(Object.keys(labels).filter((k) => k.startsWith('backup.yiyun.io/')).sort(), POLICIES.map((p) => `backup.yiyun.io/${p}`));
  }
  const pod = one('kubernetes:apps/v1:Deployment', 'dmz-app-pacs-orthanc').inputs.spec.template;
  t.is(pod.metadata.annotations['yiyun.io/log-shipping'], 'syslog+tls://log-audit.yiyun-security.svc:6514');
  t.is(pod.metadata.labels['backup.yiyun.io/weekly-full'], 'enabled');
  const egress = of('kubernetes:networking.k8s.io/v1:NetworkPolicy').find((n) => n.inputs.metadata.name === 'to-log-audit')!;
  t.deepEqual(egress.inputs.spec.egress[0].ports, [{ protocol: 'TCP', port: 6514 }]);
});

test('TLS and database credentials by Secret reference only: no Secret is declared, no value is written', (t) => {
  t.is(of('kubernetes:core/v1:Secret').length, 0);
  const pod = one('kubernetes:apps/v1:Deployment', 'dmz-app-pacs-orthanc').inputs.spec.template.spec;
  t.deepEqual(pod.volumes.find((v: { name: string }) => v.name === 'tls').secret.secretName, 'pacs-tls');
  const env = pod.containers[0].env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string } } }[];
  const fromSecret = env.filter((x) => x.valueFrom).map((x) => [x.name, x.valueFrom!.secretKeyRef.name]);
  t.deepEqual(fromSecret.filter(([n]) => n!.startsWith('ORTHANC__POSTGRESQL__')).map(([, s]) => s), Array(4).fill('pacs-db-pacs'));
  t.false(env.some((x) => /PASSWORD|REGISTERED_USERS/.test(x.name) && x.value !== undefined));
  const claims = JSON.parse(one('kubernetes:core/v1:ConfigMap', 'dmz-app-pacs-database-claims').inputs.data['claims.json']);
  t.deepEqual(claims, [{ database: 'pacs', engine: 'postgres', component: 'orthanc', sizeGb: 50, extensions: [], secret: 'pacs-db-pacs', host: '10.20.16.20', port: 5432, owner: 'pacs', sslmode: 'verify-full' }]);
});

const choices = { images: { orthanc: ORTHANC } };
test('the plan refuses an image that is not the pinned release, not digest-pinned, or missing', (t) => {
  t.notThrows(() => planClinicalApp(entry('pacs'), choices, POLICIES));
  t.throws(() => planClinicalApp(entry('pacs'), { images: { orthanc: ORTHANC.replace('25.1.1', '24.0.0') } }, POLICIES), { instanceOf: ConfigError, message: /not orthancteam\/orthanc:25\.1\.1/ });
  t.throws(() => planClinicalApp(entry('pacs'), { images: { orthanc: 'registry.liangcheng.local/mirror/orthancteam/orthanc:25.1.1' } }, POLICIES), { message: /not pinned by @sha256/ });
  t.throws(() => planClinicalApp(entry('his'), { images: {} }, POLICIES), { message: /component his: no image given \(a vendor image\)/ });
  t.throws(() => planClinicalApp(entry('pacs'), { images: { orthanc: ORTHANC, viewer: ORTHANC } }, POLICIES), { message: /unknown component\(s\) viewer/ });
  t.throws(() => planClinicalApp(entry('pacs'), choices, []), { message: /no backup policy/ });
});

test('scaling: replicas apply to components that scale, singletons keep one pod', (t) => {
  const plan = planClinicalApp(entry('integration'), {
    images: { 'hapi-fhir': `r/hapiproject/hapi:v8.0.0${digest}`, keycloak: `r/quay.io/keycloak/keycloak:26.1.4${digest}` },
    replicas: 3,
    requests: { 'hapi-fhir': { cpu: '6', memory: '12Gi' } },
  }, POLICIES);
  t.deepEqual(plan.components.map((c) => [c.spec.name, c.replicas, c.requests.cpu]), [['hapi-fhir', 3, '6'], ['keycloak', 1, '2']]);
});

test('the filed 等保 grade labels the namespace and the Deployment, never the selector; a stack may file it otherwise', (t) => {
  const d = one('kubernetes:apps/v1:Deployment', 'dmz-app-pacs-orthanc');
  t.is(d.inputs.metadata.labels['yiyun.io/grade'], String(entry('pacs').grade));
  t.is(d.inputs.spec.selector.matchLabels['yiyun.io/grade'], undefined, 're-filing must not replace the Deployment');
  t.is(one('kubernetes:core/v1:Namespace', 'dmz-app-pacs-ns').inputs.metadata.labels['yiyun.io/grade'], String(entry('pacs').grade));
  const images = { orthanc: ORTHANC };
  t.is(planClinicalApp(entry('pacs'), { images }, POLICIES).grade, entry('pacs').grade);
  t.is(planClinicalApp(entry('pacs'), { images, grade: 4 }, POLICIES).grade, 4);
});
