// Both liangcheng stacks through the real program under mocks (planStack awaits runtime.disconnect() before
// reading what was declared), then the clinical apps' resources and the config checks around them.
import path from 'node:path';
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import test from 'ava';
import { ConfigError } from '../../core/errors';
import { CATALOGUE } from '../../apps';
import { ResourceTypes as T, evaluatePolicies, ruleById } from '../../policies';
import { loadPackContext } from '../../policies/pack/context-loader';
import { crossGuardPolicies, stackOfUrn } from '../../policies/pack/policies';
import { readEstateConfig } from '../config/load-config';
import { planStack, type PlanResult, type PlannedResource } from '../plan/plan';
import { appCapacity, backupPoliciesFor, checkAppCapacity, enabledApps } from './clinical-apps-plan';

const root = path.resolve(__dirname, '..', '..');
const plans: Record<'dmz' | 'internet', PlanResult> = {} as never;
test.before(async () => {
  plans.dmz = await planStack('liangcheng-dmz', { cwd: root });
  plans.internet = await planStack('liangcheng-internet', { cwd: root });
});

const rec = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, any>) : {});
const appResources = (p: PlanResult): PlannedResource[] => p.resources.filter((r) => /-app-/.test(r.name) && r.type.startsWith('kubernetes:'));
const appNamespaces = (p: PlanResult) =>
  p.resources.filter((r) => r.type === T.k8sNamespace && rec(rec(r.props.metadata).labels)['yiyun.io/kind'] === 'clinical-app').map((r) => rec(r.props.metadata).name as string);

test('each zone deploys its own catalogue entries: items 1–13 in the DMZ, 14 and 15 only in the internet zone', (t) => {
  const items = (p: PlanResult) => p.zones[0]!.apps.map((a) => a.item).sort((a, b) => a - b);
  t.deepEqual(items(plans.dmz), Array.from({ length: 13 }, (_, i) => i + 1));
  t.deepEqual(items(plans.internet), [14, 15]);
  const internetIds = CATALOGUE.filter((e) => e.zone === 'internet').map((e) => `app-${e.id}`);
  t.deepEqual(appNamespaces(plans.internet).sort(), internetIds.sort());
  t.false(appNamespaces(plans.dmz).some((n) => internetIds.includes(n)));
  t.false(JSON.stringify(appResources(plans.dmz).map((r) => r.props)).includes('patient-services'));
});

test('the 等保 policies pass over the apps, and the image rule does look at them', (t) => {
  t.deepEqual(plans.dmz.violations, []);
  t.deepEqual(plans.internet.violations, []);
  const deployments = appResources(plans.dmz).filter((r) => r.type === T.k8sDeployment);
  t.is(deployments.length, CATALOGUE.filter((e) => e.zone === 'dmz').reduce((n, e) => n + e.components.length, 0));
  // The same Deployment with an image straight from Docker Hub must be refused: the rule is not vacuous here.
  const orthanc = deployments.find((d) => d.name === 'dmz-app-pacs-orthanc')!;
  const pulled = structuredClone(orthanc);
  rec(rec(rec(pulled.props.spec).template).spec).containers[0].image = 'orthancteam/orthanc:25.1.1';
  const found = evaluatePolicies([pulled], plans.dmz.policyContext, [ruleById('image-allowed')!]);
  t.is(found.length, 1);
  t.regex(found[0]!.message, /not from an allowed registry/);
});

test('the CrossGuard pack (what `pulumi up --policy-pack` runs) reports nothing over either zone’s apps', (t) => {
  const { ctx, zoneOfStack } = loadPackContext(root);
  const pack = crossGuardPolicies(ctx, (urn) => zoneOfStack.get(stackOfUrn(urn) ?? ''));
  for (const [stack, plan] of [['liangcheng-dmz', plans.dmz], ['liangcheng-internet', plans.internet]] as const) {
    const apps = appResources(plan);
    t.true(apps.length > 30, `${stack}: ${apps.length} app resources`);
    const urn = (r: PlannedResource) => `urn:pulumi:${stack}::yiyun::${r.type}::${r.name}`;
    const reports: string[] = [];
    for (const policy of pack) {
      const v = (policy as ResourceValidationPolicy).validateResource;
      for (const f of (Array.isArray(v) ? v : [v]).filter((x): x is NonNullable<typeof x> => !!x)) {
        for (const r of apps) {
          const args = { type: r.type, name: r.name, urn: urn(r), props: r.props, provider: { name: `${plan.zones[0]!.zone}-k8s` } } as unknown as ResourceValidationArgs;
          void f(args, (m) => reports.push(`${policy.name} ${r.name}: ${m}`));
        }
      }
      const vs = (policy as StackValidationPolicy).validateStack;
      if (vs) {
        const resources = apps.map((r) => ({ type: r.type, name: r.name, urn: urn(r), props: r.props, propertyDependencies: {}, provider: { name: `${plan.zones[0]!.zone}-k8s` } }) as unknown as PolicyResource);
        void vs({ resources } as never, (m) => reports.push(`${policy.name}: ${m}`));
      }
    }
    t.deepEqual(reports, [], stack);
  }
});

test('data volumes use the zone’s StorageClass over an SM4-encrypted volume type and count against the pool', (t) => {
  const p = plans.dmz;
  const pvcs = appResources(p).filter((r) => r.type === 'kubernetes:core/v1:PersistentVolumeClaim');
  t.deepEqual(pvcs.map((r) => rec(r.props.metadata).name).sort(), ['chronic-care-data', 'ecg-data', 'pacs-data', 'public-health-data']);
  for (const pvc of pvcs) {
    const cls = p.resources.find((r) => r.type === 'kubernetes:storage.k8s.io/v1:StorageClass' && rec(r.props.metadata).name === rec(pvc.props.spec).storageClassName);
    t.truthy(cls, `${pvc.name}: its StorageClass is declared`);
    const vt = p.resources.find((r) => r.type === T.volumeType && r.props.name === rec(cls!.props.parameters).type)!;
    t.regex(String(rec(vt.props.extraSpecs)['yiyun:encryption']), /^sm4/);
  }
  t.true(p.zones[0]!.usage.some((l) => l.resource === 'dmz-app-pacs-data' && l.storageGb > 6000));
});

test('published ports accept only the zone’s WAF pair; backups follow the declared policies', (t) => {
  for (const p of [plans.dmz, plans.internet]) {
    const waf = p.zones[0]!.havips.find((h) => h.role === 'waf')!;
    const wafCidrs = [waf.vip, ...waf.members].map((a) => `${a}/32`).sort();
    const fromWaf = appResources(p).filter((r) => r.type === T.k8sNetworkPolicy && /-from-waf$/.test(String(rec(r.props.metadata).name)));
    t.true(fromWaf.length >= p.zones[0]!.apps.length);
    for (const np of fromWaf) {
      const peers = rec(np.props.spec).ingress.flatMap((i: { from: unknown[] }) => i.from).map((x: any) => x.ipBlock.cidr).sort();
      t.deepEqual(peers, wafCidrs, np.name);
    }
    const lbs = appResources(p).filter((r) => r.type === T.k8sService && rec(r.props.spec).type === 'LoadBalancer');
    t.true(lbs.every((s) => JSON.stringify(rec(s.props.spec).loadBalancerSourceRanges.sort()) === JSON.stringify(wafCidrs)));
  }
  const declared = readEstateConfig(root, 'liangcheng-dmz').backupPolicies;
  t.deepEqual(backupPoliciesFor('clinical-record', declared), ['daily-incremental', 'weekly-full']);
  t.deepEqual(backupPoliciesFor('operational', declared), ['weekly-full']);
  const pacs = appResources(plans.dmz).find((r) => r.name === 'dmz-app-pacs-orthanc')!;
  t.is(rec(rec(pacs.props.metadata).labels)['backup.yiyun.io/daily-incremental'], 'enabled');
});

test('config: an app of the other zone, an unknown or repeated one, a wrong image are refused', (t) => {
  const dmz = readEstateConfig(root, 'liangcheng-dmz');
  const internet = readEstateConfig(root, 'liangcheng-internet');
  const patient = internet.apps.find((a) => a.id === 'patient-services')!;
  t.throws(() => enabledApps({ ...dmz, apps: [...dmz.apps, patient] }), { instanceOf: ConfigError, message: /patient-services \(item 14\) belongs to the internet zone, not dmz/ });
  t.throws(() => enabledApps({ ...internet, apps: [dmz.apps[0]!] }), { message: /belongs to the dmz zone, not internet/ });
  t.throws(() => enabledApps({ ...dmz, apps: [{ ...dmz.apps[0]!, id: 'lis' }] }), { message: /"lis" is not in the clinical-app catalogue/ });
  t.throws(() => enabledApps({ ...dmz, apps: [dmz.apps[0]!, dmz.apps[0]!] }), { message: /enabled twice/ });
  const pacs = dmz.apps.find((a) => a.id === 'pacs')!;
  t.throws(() => enabledApps({ ...dmz, apps: [{ ...pacs, images: { orthanc: pacs.images.orthanc!.replace('25.1.1', '24.12.1') } }] }), { message: /yiyun:apps\[0\]: app pacs, component orthanc: .* not orthancteam\/orthanc:25\.1\.1/ });
});

test('capacity: the apps must fit the cluster’s nodes and the database pair’s volume', (t) => {
  const dmz = readEstateConfig(root, 'liangcheng-dmz');
  const c = appCapacity(dmz, enabledApps(dmz));
  t.true(c.requested.cpu > 50 && c.requested.cpu + c.requested.platformCpu <= c.cluster.cpu, JSON.stringify(c));
  t.deepEqual(c.databases.map((d) => d.engine), ['postgres']);
  t.true(c.databases[0]!.claimedGb <= c.databases[0]!.volumeGb * 0.8);
  const his = dmz.apps.find((a) => a.id === 'his')!;
  const greedy = { ...dmz, apps: dmz.apps.map((a) => (a.id === 'his' ? { ...his, replicas: 9, requests: { his: { cpu: '48', memory: '64Gi' } } } : a)) };
  t.throws(() => checkAppCapacity(greedy, enabledApps(greedy)), { instanceOf: ConfigError, message: /the apps request [\d.]+ CPU .* more than the [\d.]+ allocatable on 12×g1\.32c128g/ });
  const smallDb = { ...dmz, havip: dmz.havip.map((h) => (h.role === 'postgres' ? { ...h, dataVolumeGb: 500 } : h)) };
  t.throws(() => checkAppCapacity(smallDb, enabledApps(smallDb)), { message: /claim \d+ GB of postgres, more than 80 % of the pair's 500 GB/ });
  const noDb = { ...dmz, havip: dmz.havip.filter((h) => h.role !== 'postgres'), databaseUrl: 'postgresql://elsewhere/yiyun' };
  t.throws(() => checkAppCapacity(noDb, enabledApps(noDb)), { message: /declares no postgres HaVIP pair/ });
});
