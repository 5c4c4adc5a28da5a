import type { PlanResult, PlannedResource, ZonePlan } from './plan';

const s = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** "openstack:networking/subnet:Subnet" → "openstack.networking.Subnet". */
export function shortType(type: string): string {
  const [pkg, mod, name] = type.split(':');
  if (!mod || !name) return type;
  return `${pkg}.${mod.split('/')[0]}.${name}`;
}

/** The few properties that say what a resource is, as one line. */
export function keyProps(r: Pick<PlannedResource, 'type' | 'props'>): string {
  const p = r.props;
  const name = r.type.split(':').pop() ?? '';
  switch (name) {
    case 'Subnet':
      return [s(p.cidr), p.ipv6AddressMode ? `ipv6=${s(p.ipv6AddressMode)}` : '', p.gatewayIp ? `gw=${s(p.gatewayIp)}` : 'no gateway'].filter(Boolean).join(' ');
    case 'Port':
      return [
        arr(p.fixedIps).map((f) => s(rec(f).ipAddress)).filter(Boolean).join(','),
        arr(p.allowedAddressPairs).length ? `pairs=${arr(p.allowedAddressPairs).map((a) => s(rec(a).ipAddress)).join(',')}` : '',
      ].filter(Boolean).join(' ');
    case 'SecGroupRule':
      return `${s(p.direction)} ${s(p.ethertype)} ${s(p.protocol) || 'any'}${p.portRangeMin !== undefined ? `/${s(p.portRangeMin)}-${s(p.portRangeMax)}` : ''} ${p.remoteGroupId ? 'from group' : s(p.remoteIpPrefix) || 'any'}`;
    case 'RuleV2':
      return `${s(p.action)} v${s(p.ipVersion)} ${s(p.protocol)} ${s(p.sourceIpAddress) || 'any'} → ${s(p.destinationIpAddress) || 'any'}${p.destinationPort ? `:${s(p.destinationPort)}` : ''}`;
    case 'Instance':
      return `${s(p.flavorName)} ${s(p.imageName)} group=${s(rec(arr(p.schedulerHints)[0]).group)}`;
    case 'Flavor':
      return `${s(p.vcpus)} vCPU ${Number(p.ram) / 1024} GB disk ${s(p.disk)} GB`;
    case 'AggregateV2':
      return `${arr(p.hosts).length} hosts az=${s(p.zone)} ${s(rec(p.metadata).purpose)}`;
    case 'VolumeTypeV3':
      return `encryption=${s(rec(p.extraSpecs)['yiyun:encryption'])} replicas=${s(rec(p.extraSpecs)['yiyun:replicas'])}`;
    case 'Volume':
      return `${s(p.size)} GB ${s(p.volumeType)}`;
    case 'Container':
      return `versioning=${s(p.versioning)} quota=${Number(rec(p.metadata)['Quota-Bytes'] ?? 0) / 1e12} TB`;
    case 'Cluster':
      return p.masterCount !== undefined ? `${s(p.masterCount)}×${s(p.masterFlavor)} + ${s(p.nodeCount)}×${s(p.flavor)}` : '';
    case 'Router':
      return `${p.externalNetworkId ? `gw=${s(p.externalNetworkId)} ` : ''}${arr(p.tags).map(s).filter((t) => t.startsWith('yiyun:tiers')).join('')}`;
    case 'QuotaSetV2':
      return `cores=${s(p.cores)} ram=${Number(p.ram) / 1024} GB`;
    case 'QuoteSetV3':
      return `${s(p.gigabytes)} GB`;
    case 'ServerGroup':
      return arr(p.policies).map(s).join(',');
    case 'FloatingIp':
      return `pool=${s(p.pool)} → ${s(p.portId)}`;
    case 'Deployment':
    case 'StatefulSet':
      return `replicas=${s(rec(p.spec).replicas)} ${arr(rec(rec(rec(p.spec).template).spec).containers).map((c) => s(rec(c).image).replace(/@sha256:.*/, '@sha256:…')).join(',')}`;
    case 'PersistentVolumeClaim':
      return `${s(rec(rec(rec(p.spec).resources).requests).storage)} class=${s(rec(p.spec).storageClassName)}`;
    case 'Service':
      return s(rec(p.spec).type) || 'ClusterIP';
    case 'NetworkPolicy':
      return `${s(rec(p.metadata).namespace)}: ${arr(rec(p.spec).policyTypes).map(s).join('+')}`;
    case 'Network':
      return arr(p.tags).map(s).filter((t) => t.startsWith('yiyun:tier')).join(' ');
    default:
      return '';
  }
}

function pad(v: string, n: number): string {
  return v.length >= n ? v : v + ' '.repeat(n - v.length);
}

function zoneLine(z: ZonePlan): string[] {
  const row = (label: string, d: number, c: number, unit: string) =>
    `  ${pad(label, 8)} ${pad(`${d} ${unit}`, 14)} of ${pad(`${c} ${unit}`, 14)} ${((d / c) * 100).toFixed(1).padStart(5)} %${d > c ? '  OVER' : ''}`;
  return [
    `zone ${z.zone} (${z.title}): ${z.fits ? 'fits its pool' : `OVER CAPACITY: ${z.over.join('; ')}`}`,
    row('vCPU', z.declared.vcpu, z.capacity.vcpu, ''),
    row('RAM', z.declared.ramGb, z.capacity.ramGb, 'GB'),
    row('storage', z.declared.storageTb, z.capacity.storageTb, 'TB'),
    `  hosts: ${z.aggregates.map((a) => `${a.name} ${a.hosts}×(${a.host.vcpu} vCPU, ${a.host.ramGb} GB)`).join(', ')}; flavors: ${z.flavors.length}, largest ${z.flavors.reduce((m, f) => (f.ramGb * 1000 + f.vcpus > m.ramGb * 1000 + m.vcpus ? f : m), z.flavors[0]!).name}`,
    `  clinical apps:${z.apps.length ? '' : ' none'}`,
    ...z.apps.map((a) => `    #${String(a.item).padEnd(3)}${pad(a.id, 18)}${pad(a.fit, 8)}${a.vendorImage ? 'vendor image  ' : 'open source   '}${a.components.map((c) => `${c.name}×${c.replicas}`).join(', ')}  ${a.name.zh}`),
  ];
}

/** The human report: every resource, totals against capacity per zone, every violation, the verdict. */
export function renderText(plan: PlanResult): string {
  const out: string[] = [`yiyun plan — stack ${plan.stack}: ${plan.resources.length} resources`, ''];
  const tw = Math.min(44, Math.max(...plan.resources.map((r) => shortType(r.type).length)));
  const nw = Math.min(48, Math.max(...plan.resources.map((r) => r.name.length)));
  out.push(`${pad('TYPE', tw)}  ${pad('NAME', nw)}  ${pad('ZONE', 8)}  KEY PROPERTIES`);
  for (const r of plan.resources) out.push(`${pad(shortType(r.type), tw)}  ${pad(r.name, nw)}  ${pad(r.zone, 8)}  ${keyProps(r)}`);
  out.push('');
  for (const z of plan.zones) out.push(...zoneLine(z), '');
  if (plan.violations.length === 0) out.push('policies: every 等保 rule passes');
  else {
    out.push(`policies: ${plan.violations.length} violation(s)`);
    for (const v of plan.violations) {
      out.push(`  [${v.severity}] ${v.policy} — ${v.resource} (${v.zone ?? '?'}): ${v.message}`, `      等保 ${v.dengbao.join(', ')}; fix: ${v.remediation}`);
    }
  }
  out.push('', plan.ok ? 'RESULT: fits and passes' : 'RESULT: FAILED (see above)');
  return out.join('\n') + '\n';
}
