import type { ResourceDescription } from '../../policies';
import { ResourceTypes as T } from '../../policies';
import { round, type Totals } from '../components/compute-plan';

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : 0);
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** "200Gi" / "1Ti" / "500G" → GB (decimal, as the procurement counts TB). */
export function quantityGb(q: unknown): number {
  const m = String(q ?? '').match(/^(\d+(?:\.\d+)?)([KMGTP]i?)?$/);
  if (!m) return 0;
  const v = Number(m[1]);
  const unit = m[2] ?? '';
  const bin: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
  const dec: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  const bytes = v * (bin[unit] ?? dec[unit] ?? 1);
  return bytes / 1e9;
}

export interface UsageLine {
  resource: string;
  type: string;
  vcpu: number;
  ramGb: number;
  storageGb: number;
}

/**
 * What a zone's declared resources take from its pool: VMs by flavor (vCPU, RAM, root disk), the
 * Magnum cluster's masters and nodes with their Docker volumes, tenant quotas (promised capacity),
 * volumes, object-storage quotas, persistent-volume claims and StatefulSets' claim templates. Pure.
 */
export function declaredUsage(rs: readonly ResourceDescription[]): { totals: Totals; lines: UsageLine[] } {
  const flavors = new Map<string, { vcpu: number; ramGb: number; diskGb: number }>();
  for (const r of rs) {
    if (r.type !== T.flavor) continue;
    const f = { vcpu: n(r.props.vcpus), ramGb: n(r.props.ram) / 1024, diskGb: n(r.props.disk) };
    flavors.set(String(r.props.name ?? r.name), f);
    if (r.id) flavors.set(r.id, f);
  }
  const flavor = (ref: unknown) => flavors.get(String(ref ?? '')) ?? { vcpu: 0, ramGb: 0, diskGb: 0 };
  const lines: UsageLine[] = [];
  const add = (r: ResourceDescription, vcpu: number, ramGb: number, storageGb: number) => {
    if (vcpu || ramGb || storageGb) lines.push({ resource: r.name, type: r.type, vcpu, ramGb, storageGb });
  };
  for (const r of rs) {
    const p = r.props;
    switch (r.type) {
      case T.instance: {
        const f = flavor(p.flavorName ?? p.flavorId);
        add(r, f.vcpu, f.ramGb, f.diskGb);
        break;
      }
      case T.cluster: {
        const m = flavor(p.masterFlavor);
        const w = flavor(p.flavor);
        const masters = n(p.masterCount) || 1;
        const nodes = n(p.nodeCount) || 1;
        const docker = n(p.dockerVolumeSize);
        add(r, masters * m.vcpu + nodes * w.vcpu, masters * m.ramGb + nodes * w.ramGb, masters * (m.diskGb + docker) + nodes * (w.diskGb + docker));
        break;
      }
      case T.nodeGroup: {
        const w = flavor(p.flavorId);
        const nodes = n(p.nodeCount) || 1;
        add(r, nodes * w.vcpu, nodes * w.ramGb, nodes * (w.diskGb + n(p.dockerVolumeSize)));
        break;
      }
      case 'openstack:compute/quotaSetV2:QuotaSetV2':
        add(r, n(p.cores), n(p.ram) / 1024, 0);
        break;
      case 'openstack:blockstorage/quoteSetV3:QuoteSetV3':
        add(r, 0, 0, n(p.gigabytes));
        break;
      case T.volume:
        add(r, 0, 0, n(p.size));
        break;
      case T.container:
        add(r, 0, 0, n(rec(p.metadata)['Quota-Bytes']) / 1e9);
        break;
      // A claim becomes a Cinder volume of the zone's pool (the clinical apps' data volumes).
      case 'kubernetes:core/v1:PersistentVolumeClaim':
        add(r, 0, 0, quantityGb(rec(rec(rec(p.spec).resources).requests).storage));
        break;
      case T.k8sStatefulSet: {
        const spec = rec(p.spec);
        const replicas = n(spec.replicas) || 1;
        const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
        const gb = claims.reduce<number>((s, c) => s + quantityGb(rec(rec(rec(rec(c).spec).resources).requests).storage), 0);
        add(r, 0, 0, replicas * gb);
        break;
      }
      default:
        break;
    }
  }
  const totals = lines.reduce<Totals>(
    (t, l) => ({ vcpu: t.vcpu + l.vcpu, ramGb: t.ramGb + l.ramGb, storageTb: t.storageTb + l.storageGb / 1000 }),
    { vcpu: 0, ramGb: 0, storageTb: 0 },
  );
  return { totals: { vcpu: round(totals.vcpu), ramGb: round(totals.ramGb), storageTb: round(totals.storageTb) }, lines };
}
