import { T, WORKLOAD_TYPES, arr, k8sMeta, label, num, podSpec, rec, str, tagMap } from '../../policies/resource-types';
import { BACKUP_POLICY_KEY, backupPoliciesOf } from '../../policies';
import { findingsOn, ref, resourcesOf, tierTag, type PlanSummary, type Res } from './plan-facts';

// ---------------------------------------------------------------- backups

export type BackupPolicy = { zone: string; name: string; kind: string; schedule: string; retentionDays: number | null };
export type BackupRow = {
  stack: string; zone: string; kind: 'vm' | 'volume'; resource: string; role: string; ha: boolean;
  policies: string[]; schedules: string; retention: string; unknownPolicies: string[]; findings: string[];
};

/** Declared backup policies per zone, read from the `backup-policies` ConfigMap the program writes for the backup jobs. */
export function backupPolicies(ps: readonly PlanSummary[]): BackupPolicy[] {
  return resourcesOf(ps, T.k8sConfigMap)
    .filter((c) => k8sMeta(c).labels['yiyun.io/kind'] === 'backup-policies')
    .flatMap((c) => {
      let list: unknown;
      try {
        list = JSON.parse(ref(rec(c.props.data)['policies.json']) || '[]');
      } catch {
        list = [];
      }
      return arr(list).map((x) => {
        const p = rec(x);
        return { zone: c.zone ?? '', name: ref(p.name), kind: ref(p.kind), schedule: ref(p.schedule), retentionDays: num(p.retentionDays) ?? null };
      });
    });
}

/** Every declared VM and volume with the backup policies it names, their schedules and retention. */
export function backupFacts(ps: readonly PlanSummary[]) {
  const policies = backupPolicies(ps);
  const row = (r: Res, kind: BackupRow['kind']): BackupRow => {
    const names = backupPoliciesOf(label(r, BACKUP_POLICY_KEY));
    const found = names.map((n) => policies.find((p) => p.zone === r.zone && p.name === n));
    return {
      stack: r.stack, zone: r.zone ?? '', kind, resource: r.name, role: label(r, 'yiyun.role') ?? label(r, 'yiyun:role') ?? '',
      ha: !!label(r, 'yiyun.havip'), policies: names,
      schedules: found.map((p, i) => (p ? `${p.name}: ${p.schedule}` : `${names[i]}: ?`)).join('; '),
      retention: found.map((p, i) => (p ? `${p.name}: ${p.retentionDays ?? '?'} d` : `${names[i]}: ?`)).join('; '),
      unknownPolicies: names.filter((_, i) => !found[i]), findings: findingsOn(ps, r),
    };
  };
  const rows = [...resourcesOf(ps, T.instance).map((r) => row(r, 'vm')), ...resourcesOf(ps, T.volume).map((r) => row(r, 'volume'))];
  const targets = resourcesOf(ps, T.container).filter((c) => label(c, 'yiyun-kind') === 'backup')
    .map((c) => ({ stack: c.stack, zone: c.zone ?? '', container: ref(c.props.name) || c.name, versioning: c.props.versioning === true, quotaTb: Number(rec(c.props.metadata)['Quota-Bytes'] ?? 0) / 1e12 }));
  const zones = ps.flatMap((p) => p.zones.map((z) => z.zone));
  return {
    policies, rows, targets,
    uncoveredVms: rows.filter((r) => r.kind === 'vm' && r.policies.length === 0).map((r) => `${r.zone}/${r.resource}`),
    uncoveredVolumes: rows.filter((r) => r.kind === 'volume' && r.policies.length === 0).map((r) => `${r.zone}/${r.resource}`),
    unknown: rows.filter((r) => r.unknownPolicies.length > 0).map((r) => `${r.zone}/${r.resource}: ${r.unknownPolicies.join(',')}`),
    zonesWithoutPolicies: zones.filter((z) => !policies.some((p) => p.zone === z)),
    zonesWithoutTarget: zones.filter((z) => !targets.some((t) => t.zone === z)),
    incompletePolicies: policies.filter((p) => !p.kind || !p.schedule || p.retentionDays === null).map((p) => `${p.zone}/${p.name}`),
  };
}

// ---------------------------------------------------------------- redundancy and replicas

/** HaVIP pairs (members, server group and its policy), hypervisor aggregates and control-plane replicas. */
export function redundancyFacts(ps: readonly PlanSummary[]) {
  const instances = resourcesOf(ps, T.instance);
  const groups = resourcesOf(ps, T.serverGroup);
  const groupOf = (i: Res) => arr(i.props.schedulerHints).map((h) => str(rec(h).group)).find(Boolean);
  const declared = ps.flatMap((p) => p.zones.flatMap((z) => (z.havips ?? []).map((h) => ({ stack: p.stack, zone: z.zone, name: h.name, role: h.role, tier: h.tier, vip: h.vip }))));
  const byLabel = new Map<string, Res[]>();
  for (const i of instances) {
    const v = label(i, 'yiyun.havip');
    if (v) byLabel.set(`${i.zone}/${v}`, [...(byLabel.get(`${i.zone}/${v}`) ?? []), i]);
  }
  const names = new Set([...declared.map((d) => `${d.zone}/${d.name}`), ...byLabel.keys()]);
  const pairs = [...names].map((key) => {
    const [zone, name] = key.split('/') as [string, string];
    const d = declared.find((x) => x.zone === zone && x.name === name);
    const members = byLabel.get(key) ?? [];
    const groupNames = [...new Set(members.map(groupOf))];
    const g = groupNames.length === 1 && groupNames[0] ? groups.find((x) => x.zone === zone && x.name === groupNames[0]) : undefined;
    return {
      zone, name, role: d?.role ?? label(members[0] ?? { type: '', name: '', props: {}, stack: '' }, 'yiyun.role') ?? '', vip: d?.vip ?? '',
      members: members.map((m) => m.name), serverGroups: groupNames.map((x) => x ?? '(none)'),
      groupPolicies: g ? arr(g.props.policies).map(ref) : [],
      findings: [...new Set([...members, ...(g ? [g] : [])].flatMap((r) => findingsOn(ps, r)))],
    };
  });
  const aggregates = ps.flatMap((p) => p.zones.flatMap((z) => (z.aggregates ?? []).map((a) => ({ zone: z.zone, name: a.name, hosts: a.hosts, availabilityZone: a.availabilityZone }))));
  const clusters = resourcesOf(ps, T.cluster).filter((c) => c.props.masterCount !== undefined).map((c) => ({ zone: c.zone ?? '', cluster: c.name, masters: num(c.props.masterCount) ?? 0, nodes: num(c.props.nodeCount) ?? 0 }));
  return { pairs, aggregates, clusters, singleHostAggregates: aggregates.filter((a) => a.hosts < 2).map((a) => `${a.zone}/${a.name}`) };
}

/** Volume types with their replica count and the storage backends behind them. */
export function replicaFacts(ps: readonly PlanSummary[]) {
  const types = resourcesOf(ps, T.volumeType).map((v) => {
    const specs = rec(v.props.extraSpecs);
    return { stack: v.stack, zone: v.zone ?? '', volumeType: ref(v.props.name) || v.name, backend: ref(specs.volume_backend_name), replicas: num(specs['yiyun:replicas']) ?? null, findings: findingsOn(ps, v) };
  });
  const backends = ps.flatMap((p) => p.zones.flatMap((z) => (z.storageBackends ?? []).map((b) => ({ zone: z.zone, ...(b as Record<string, unknown>) }))));
  return { types, backends };
}

// ---------------------------------------------------------------- images

const DIGEST = /@sha256:([0-9a-f]{64})$/;

/** Every image the estate boots or pulls, against the allowed list, with how its integrity is pinned. */
export function imageFacts(ps: readonly PlanSummary[]) {
  const allowed = ps.find((p) => p.policyContext)?.policyContext?.allowedImages ?? { vm: [], registries: [] };
  const rows: Array<{ stack: string; zone: string; kind: string; resource: string; image: string; allowed: boolean; integrity: string; findings: string[] }> = [];
  for (const r of resourcesOf(ps, T.instance)) {
    const image = str(r.props.imageName) ?? str(r.props.imageId) ?? '(boot volume)';
    rows.push({ stack: r.stack, zone: r.zone ?? '', kind: 'vm', resource: r.name, image, allowed: allowed.vm.includes(image), integrity: str(r.props.imageId) ? 'image id' : 'name only', findings: findingsOn(ps, r) });
  }
  for (const r of resourcesOf(ps, T.clusterTemplate)) {
    const image = ref(r.props.image);
    rows.push({ stack: r.stack, zone: r.zone ?? '', kind: 'cluster-template', resource: r.name, image, allowed: allowed.vm.includes(image), integrity: 'name only', findings: findingsOn(ps, r) });
  }
  for (const r of resourcesOf(ps).filter((x) => WORKLOAD_TYPES.includes(x.type))) {
    const spec = podSpec(r) ?? {};
    for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
      const image = ref(rec(c).image);
      const d = image.match(DIGEST);
      rows.push({
        stack: r.stack, zone: r.zone ?? '', kind: 'container', resource: r.name, image,
        allowed: allowed.registries.some((p) => image.startsWith(p)),
        // An all-zero digest is the stack files' placeholder until CI publishes the image: it pins nothing real.
        integrity: !d ? 'tag only' : /^0+$/.test(d[1]!) ? 'placeholder digest' : 'sha256 digest',
        findings: findingsOn(ps, r),
      });
    }
  }
  return { allowed, rows, unpinned: rows.filter((r) => r.integrity !== 'sha256 digest').map((r) => `${r.zone}/${r.resource}: ${r.image} (${r.integrity})`) };
}

// ---------------------------------------------------------------- inventory

const CATEGORY: Array<[RegExp, string]> = [
  [/^openstack:compute\/instance/, '计算 compute'], [/^openstack:(compute\/(flavor|aggregateV2|serverGroup|quotaSetV2))/, '计算配置 compute config'],
  [/^openstack:(networking|firewall|vpnaas)/, '网络 network'], [/^openstack:(blockstorage|objectstorage)/, '存储 storage'],
  [/^openstack:containerinfra/, '容器平台 container platform'], [/^openstack:identity/, '租户 tenancy'], [/^kubernetes:/, 'Kubernetes'],
];
/** Roles whose loss stops the consortium's service or its security controls. */
const KEY_ROLES = /^(waf|ips|postgres|bastion|kms|log-audit|db-audit|control-plane|gatekeeper)/;

/** The asset register: every declared resource with zone, tier, role, owner and an importance derived from its role. */
export function inventoryFacts(ps: readonly PlanSummary[]) {
  const rows = resourcesOf(ps)
    .filter((r) => !r.type.startsWith('pulumi:') && !r.type.startsWith('random:') && !r.type.startsWith('yiyun:'))
    .map((r) => {
      const tags = tagMap(r);
      const role = label(r, 'yiyun:role') ?? label(r, 'yiyun.role') ?? str(k8sMeta(r).labels['app.kubernetes.io/name']) ?? '';
      const tenant = tags.get('yiyun:tenant') ?? '';
      const category = CATEGORY.find(([re]) => re.test(r.type))?.[1] ?? '其他 other';
      const importance = KEY_ROLES.test(role) || !!label(r, 'yiyun.havip') || tierTag(r) === 'management' ? '重要 key' : '一般 general';
      return { stack: r.stack, zone: r.zone ?? '', category, type: r.type, name: r.name, tier: tierTag(r) ?? '', role, owner: tenant ? `tenant ${tenant}` : 'platform', importance, labelled: tags.has('yiyun:zone') || !!r.zone };
    });
  const perZone = [...new Set(rows.map((r) => r.zone))].map((zone) => {
    const mine = rows.filter((r) => r.zone === zone);
    const byCategory: Record<string, number> = {};
    for (const r of mine) byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
    return { zone, total: mine.length, key: mine.filter((r) => r.importance.startsWith('重要')).length, byCategory };
  });
  // Assets an operator finds in OpenStack itself must say where they belong: the zone tag on compute and network objects.
  const taggable = resourcesOf(ps).filter((r) => [T.instance, T.network, T.subnet, T.router, T.port, T.floatingIp].includes(r.type as never));
  const untagged = taggable.filter((r) => !tagMap(r).has('yiyun:zone')).map((r) => `${r.zone}/${r.name}`);
  return { rows, perZone, withoutZone: rows.filter((r) => !r.zone).map((r) => r.name), untagged, taggable: taggable.length };
}
