import { T, WORKLOAD_TYPES, arr, label, podSpec, rec, resolve, str } from '../resource-types';
import type { PolicyRule, StackFinding } from '../types';

function groupRef(r: { props: Record<string, unknown> }): string | undefined {
  for (const h of arr(r.props.schedulerHints)) {
    const g = str(rec(h).group);
    if (g) return g;
  }
  return undefined;
}

export const haPairAntiAffinity: PolicyRule = {
  id: 'ha-pair-anti-affinity',
  title: 'Both members of an HA pair sit in one anti-affinity server group',
  severity: 'high',
  dengbao: ['L3-CNS1-05', 'L3-CES1-31'],
  remediation:
    'Create a server group with policy "anti-affinity" and pass it to both VMs as scheduler hint "group".',
  appliesTo: [T.instance, T.serverGroup],
  check(r) {
    if (r.type === T.instance && label(r, 'yiyun.havip') && !groupRef(r)) {
      return ['HA member has no server-group scheduler hint: both members may land on one host'];
    }
    if (r.type === T.serverGroup && label(r, 'yiyun:havip') !== undefined) {
      const pols = arr(r.props.policies).map(str);
      if (!pols.includes('anti-affinity')) return [`HA server group policy is ${pols.join(',') || 'none'}, not anti-affinity`];
    }
    return [];
  },
  checkStack(rs) {
    const pairs = new Map<string, typeof rs[number][]>();
    for (const r of rs.filter((x) => x.type === T.instance)) {
      const vip = label(r, 'yiyun.havip');
      if (vip) pairs.set(vip, [...(pairs.get(vip) ?? []), r]);
    }
    const out: StackFinding[] = [];
    for (const [vip, members] of pairs) {
      const first = members[0];
      if (!first) continue;
      if (members.length < 2) {
        out.push({ resource: first, message: `HaVIP ${vip} has one member; a pair needs two` });
        continue;
      }
      const groups = new Set(members.map(groupRef));
      if (groups.size !== 1 || groups.has(undefined)) {
        out.push({ resource: first, message: `members of HaVIP ${vip} are not in one server group` });
        continue;
      }
      const g = resolve([...groups][0], rs, T.serverGroup);
      const pols = g ? arr(g.props.policies).map(str) : [];
      if (!g || !pols.includes('anti-affinity')) {
        out.push({
          resource: g ?? first,
          message: `server group of HaVIP ${vip} is ${g ? `"${pols.join(',')}"` : 'not declared'}, not strong anti-affinity`,
        });
      }
    }
    return out;
  },
};

function containerImages(spec: Record<string, unknown>): string[] {
  return [...arr(spec.containers), ...arr(spec.initContainers)].map((c) => str(rec(c).image) ?? '');
}

export const imageAllowed: PolicyRule = {
  id: 'image-allowed',
  title: 'Images only from the allowed list',
  severity: 'high',
  dengbao: ['L3-CES2-07', 'L3-CES2-08', 'L3-CES1-20'],
  remediation:
    'Boot VMs from a hardened image on the allowed list (by name); pull containers from the consortium registry, pinned by @sha256 digest.',
  appliesTo: [T.instance, T.clusterTemplate, T.nodeGroup, ...WORKLOAD_TYPES],
  check(r, ctx) {
    const vm = ctx.allowedImages.vm;
    const judgeVm = (image: string | undefined, what: string): string[] =>
      image === undefined
        ? [`${what} boots from no named image`]
        : vm.includes(image)
          ? []
          : [`${what} image "${image}" is not on the allowed list (${vm.join(', ')})`];
    if (r.type === T.instance) {
      const bootsFromVolume = arr(r.props.blockDevices).some((b) => str(rec(b).sourceType) === 'volume');
      if (bootsFromVolume) return [];
      return judgeVm(str(r.props.imageName) ?? str(r.props.imageId), 'VM');
    }
    if (r.type === T.clusterTemplate) return judgeVm(str(r.props.image), 'cluster template');
    if (r.type === T.nodeGroup && r.props.imageId !== undefined) return judgeVm(str(r.props.imageId), 'node group');
    const spec = podSpec(r);
    if (!spec) return [];
    const out: string[] = [];
    for (const img of containerImages(spec)) {
      const fromRegistry = ctx.allowedImages.registries.some((p) => img.startsWith(p));
      if (!fromRegistry) out.push(`container image "${img}" is not from an allowed registry`);
      else if (!/@sha256:[0-9a-f]{64}$/.test(img)) out.push(`container image "${img}" is not pinned by digest`);
    }
    return out;
  },
};
