// The Kubernetes half of the DMZ plan (the real program under mocks; planStack awaits runtime.disconnect()).
import path from 'node:path';
import test from 'ava';
import { ResourceTypes as T } from '../../policies';
import { readEstateConfig } from '../config/load-config';
import { planStack, type PlanResult, type PlannedResource } from '../plan/plan';

const root = path.resolve(__dirname, '../..');
let dmz: PlanResult;
test.before(async () => {
  dmz = await planStack('liangcheng-dmz', { cwd: root });
});
const of = (type: string) => dmz.resources.filter((r) => r.type === type);
const meta = (r: PlannedResource) => r.props.metadata as { name: string; namespace?: string; labels?: Record<string, string> };
type Rule = { from?: unknown[]; to?: unknown[]; ports?: { protocol: string; port: number }[] };
const policy = (ns: string, name: string) => {
  const p = of(T.k8sNetworkPolicy).find((r) => meta(r).namespace === ns && meta(r).name === name);
  if (!p) throw new Error(`no NetworkPolicy ${ns}/${name}`);
  return p.props.spec as { podSelector: { matchLabels?: Record<string, string> }; ingress?: Rule[]; egress?: Rule[] };
};

test('every volume claim names the zone’s StorageClass, which provisions its encrypted volume type and keeps released volumes', (t) => {
  const classes = of('kubernetes:storage.k8s.io/v1:StorageClass');
  t.is(classes.length, 1);
  const sc = classes[0]!;
  t.true(dmz.zones[0]!.volumeTypes.includes((sc.props.parameters as { type: string }).type));
  t.is(sc.props.reclaimPolicy, 'Retain');
  const claims = of(T.k8sStatefulSet).flatMap((s) => ((s.props.spec as { volumeClaimTemplates?: { spec: { storageClassName?: string } }[] }).volumeClaimTemplates ?? []).map((c) => [s.name, c.spec.storageClassName]));
  t.true(claims.some(([n]) => n === 'dmz-prometheus'));
  t.true(claims.some(([n]) => n === 'dmz-bastion'));
  for (const [n, c] of claims) t.is(c, meta(sc).name, `${n}`);
});

test('one zone keys Secret per namespace that runs roles, its data redacted, from three random byte strings', (t) => {
  const secrets = of('kubernetes:core/v1:Secret').filter((s) => meta(s).name === 'yiyun-zone-keys');
  t.deepEqual(secrets.map((s) => meta(s).namespace).sort(), ['yiyun-security', 'yiyun-system']);
  for (const s of secrets) t.is(s.props.stringData, '[secret]');
  t.deepEqual(of('random:index/randomBytes:RandomBytes').map((r) => r.name).sort(), ['dmz-audit-signing-key', 'dmz-kms-kek', 'dmz-sealer-key']);
});

test('network policies follow the pods’ ports and let Prometheus reach the tenants that let it in', (t) => {
  const syslog = policy('yiyun-security', 'allow-syslog');
  t.deepEqual(syslog.ingress![0]!.ports, [{ protocol: 'UDP', port: 5514 }], 'the pod port, not the Service’s 514');
  t.deepEqual(policy('yiyun-security', 'allow-bastion-in').ingress![0]!.ports, [{ protocol: 'TCP', port: 2222 }]);
  const out = policy('yiyun-monitoring', 'allow-scrape-tenants');
  t.deepEqual(out.podSelector.matchLabels, { 'app.kubernetes.io/name': 'prometheus' });
  const peer = out.egress![0]!.to![0] as { namespaceSelector: { matchLabels: Record<string, string> } };
  const tenants = of(T.k8sNamespace).filter((n) => meta(n).labels?.['yiyun.io/kind'] === 'tenant');
  t.true(tenants.length > 0);
  for (const n of tenants) {
    for (const [k, v] of Object.entries(peer.namespaceSelector.matchLabels)) t.is(meta(n).labels?.[k], v, `${meta(n).name} is selected`);
    const ingress = policy(meta(n).name, 'allow-scrape').ingress![0]!;
    t.deepEqual(ingress.ports, out.egress![0]!.ports, `${meta(n).name}: the same port both ways`);
  }
});

test('Prometheus scrapes only what exists: no job over host files nothing writes', (t) => {
  const cm = of('kubernetes:core/v1:ConfigMap').find((c) => c.name === 'dmz-prometheus-config')!;
  const yml = (cm.props.data as Record<string, string>)['prometheus.yml']!;
  t.false(yml.includes('file_sd_configs'));
  t.deepEqual([...yml.matchAll(/job_name: (\S+)/g)].map((m) => m[1]), ['pods']);
  t.false(of(T.k8sNetworkPolicy).some((p) => meta(p).name === 'allow-node-exporter'));
});

test('the control plane and the backup jobs, and no other pod, may reach the OpenStack APIs on their ports only', (t) => {
  const api = dmz.resources.find((r) => r.type === T.k8sNetworkPolicy && meta(r).namespace === 'yiyun-system' && meta(r).name === 'allow-to-openstack-api');
  if (!api) return t.fail('no allow-to-openstack-api policy');
  const spec = api.props.spec as { podSelector: { matchLabels?: object; matchExpressions?: { key: string; operator: string; values: string[] }[] }; policyTypes: string[]; ingress?: unknown; egress: { to: { ipBlock?: { cidr: string; except?: string[] } }[]; ports: { protocol: string; port: number }[] }[] };
  const cfg = readEstateConfig(root, 'liangcheng-dmz');
  t.deepEqual(spec.policyTypes, ['Egress']);
  t.is(spec.ingress, undefined);
  t.is(spec.podSelector.matchLabels, undefined);
  t.deepEqual(spec.podSelector.matchExpressions, [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['control-plane', 'backup-job'] }]);
  t.is(spec.egress.length, 1);
  t.deepEqual(spec.egress[0]!.to, cfg.openstackApi.cidrs.map((cidr) => ({ ipBlock: { cidr } })));
  t.deepEqual(spec.egress[0]!.ports.map((p) => `${p.protocol}/${p.port}`).sort(), ['TCP/443', 'TCP/5000', 'TCP/8774', 'TCP/8776', 'TCP/9292', 'TCP/9696']);

  // What the selector picks among the pods yiyun-system really runs: the control plane and every backup job.
  const selects = (labels: Record<string, string> | undefined) => spec.podSelector.matchExpressions!.every((e) => e.values.includes(labels?.[e.key] ?? ''));
  const pods = dmz.resources
    .filter((r) => (r.type === T.k8sDeployment || r.type === T.k8sStatefulSet || r.type === T.k8sCronJob) && meta(r).namespace === 'yiyun-system')
    .map((r) => {
      const s = r.props.spec as { template?: { metadata: { labels: Record<string, string> } }; jobTemplate?: { spec: { template: { metadata: { labels: Record<string, string> } } } } };
      return { name: r.name, labels: (s.template ?? s.jobTemplate!.spec.template).metadata.labels };
    });
  const selected = pods.filter((p) => selects(p.labels)).map((p) => p.name).sort();
  const backups = readEstateConfig(root, 'liangcheng-dmz').backupPolicies.map((b) => `dmz-backup-${b.name}`);
  t.true(backups.length > 0);
  t.deepEqual(selected, ['dmz-control-plane', ...backups].sort());
  t.true(pods.some((p) => p.name === 'dmz-kms') && !selected.includes('dmz-kms'), 'KMS is in yiyun-system but not selected');
  // No other policy anywhere lets a pod reach the API addresses.
  const apiPeers = of(T.k8sNetworkPolicy).filter((r) => JSON.stringify(r.props.spec).includes(cfg.openstackApi.cidrs[0]!));
  t.deepEqual(apiPeers.map((r) => r.name), [api.name]);
});

test('the router lets only the services tier reach the OpenStack APIs, on the declared ports', (t) => {
  const cfg = readEstateConfig(root, 'liangcheng-dmz');
  const inApi = (r: PlannedResource) => {
    const addr = String(r.props.destinationIpAddress ?? r.props.remoteIpPrefix ?? '');
    return cfg.openstackApi.cidrs.includes(addr);
  };
  const fw = of(T.fwRule).filter(inApi);
  const sg = of(T.secGroupRule).filter(inApi);
  const services = dmz.zones[0]!.tiers.find((x) => x.kind === 'services')!.ipv4!;
  t.deepEqual(fw.map((r) => r.props.destinationPort).sort(), cfg.openstackApi.ports.map(String).sort());
  for (const r of fw) {
    t.true(r.name.startsWith('dmz-fwr-services-in-'), `${r.name}: on the services tier's router port, leaving the tier`);
    t.is(r.props.sourceIpAddress, services);
    t.is(r.props.action, 'allow');
    t.is(r.props.protocol, 'tcp');
  }
  t.is(sg.length, cfg.openstackApi.ports.length);
  for (const r of sg) {
    t.true(r.name.startsWith('dmz-sg-services-'), r.name);
    t.is(r.props.direction, 'egress');
  }
  t.true(of(T.fwRule).length > fw.length && !of(T.fwRule).some((r) => /tenant|edge|ferry|backup|management/.test(r.name) && inApi(r)));
});
