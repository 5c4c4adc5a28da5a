import { z } from 'zod';
import type { aggregateSchema } from '../config/config-schema';

type Aggregate = z.infer<typeof aggregateSchema>;

export interface FlavorSpec {
  name: string;
  vcpus: number;
  ramGb: number;
  diskGb: number;
  /** the aggregate purpose the flavor is pinned to */
  purpose: Aggregate['purpose'];
}

/** vCPU : RAM families (c = compute 1:2, g = general 1:4, m = memory 1:8). */
const FAMILIES = [
  { prefix: 'c1', ratio: 2 },
  { prefix: 'g1', ratio: 4 },
  { prefix: 'm1', ratio: 8 },
] as const;
const SIZES = [1, 2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 144] as const;
/** The seed's largest machines: 80 and 144 vCPU with 1280 GB. */
const EXTRA: readonly { vcpus: number; ramGb: number }[] = [
  { vcpus: 80, ramGb: 1280 },
  { vcpus: 144, ramGb: 1280 },
];

export const flavorName = (prefix: string, vcpus: number, ramGb: number): string => `${prefix}.${vcpus}c${ramGb}g`;

/**
 * The zone's flavor catalogue: every family size that one host of some aggregate can hold. A flavor
 * that only a large-memory host holds is pinned to that aggregate; so a 1280 GB flavor exists only
 * in a pool with such hosts. Pure; the order is stable (by family, then size).
 */
export function flavorCatalogue(aggregates: readonly Aggregate[]): FlavorSpec[] {
  const fits = (a: Aggregate, v: number, r: number) => v <= a.host.vcpu && r <= a.host.ramGb;
  const place = (v: number, r: number): Aggregate['purpose'] | undefined => {
    if (aggregates.some((a) => a.purpose === 'general' && fits(a, v, r))) return 'general';
    if (aggregates.some((a) => a.purpose === 'large-memory' && fits(a, v, r))) return 'large-memory';
    return undefined;
  };
  const disk = (v: number) => Math.min(500, Math.max(40, v * 10));
  const out: FlavorSpec[] = [];
  for (const f of FAMILIES) {
    for (const v of SIZES) {
      const r = v * f.ratio;
      const purpose = place(v, r);
      if (purpose) out.push({ name: flavorName(f.prefix, v, r), vcpus: v, ramGb: r, diskGb: disk(v), purpose });
    }
  }
  for (const e of EXTRA) {
    const purpose = place(e.vcpus, e.ramGb);
    if (purpose) out.push({ name: flavorName('x1', e.vcpus, e.ramGb), vcpus: e.vcpus, ramGb: e.ramGb, diskGb: 500, purpose });
  }
  return out;
}

export interface Totals {
  vcpu: number;
  ramGb: number;
  storageTb: number;
}

/** What the hypervisors of a zone hold (vCPU, RAM) and what its storage backends hold. */
export function hostCapacity(aggregates: readonly Aggregate[], backendsTb: readonly number[]): Totals {
  return {
    vcpu: aggregates.reduce((s, a) => s + a.hosts * a.host.vcpu, 0),
    ramGb: aggregates.reduce((s, a) => s + a.hosts * a.host.ramGb, 0),
    storageTb: round(backendsTb.reduce((s, t) => s + t, 0)),
  };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Adds totals without float drift. */
export function addTotals(a: Totals, b: Totals): Totals {
  return { vcpu: a.vcpu + b.vcpu, ramGb: a.ramGb + b.ramGb, storageTb: round(a.storageTb + b.storageTb) };
}

/** Which of the three figures go over, as messages naming the figure. */
export function overCapacity(declared: Totals, capacity: Totals): string[] {
  const out: string[] = [];
  if (declared.vcpu > capacity.vcpu) out.push(`vCPU ${declared.vcpu} > ${capacity.vcpu}`);
  if (declared.ramGb > capacity.ramGb) out.push(`RAM ${declared.ramGb} GB > ${capacity.ramGb} GB`);
  if (declared.storageTb > capacity.storageTb) out.push(`storage ${declared.storageTb} TB > ${capacity.storageTb} TB`);
  return out;
}
