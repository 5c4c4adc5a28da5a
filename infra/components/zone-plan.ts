import { InputError } from '../../core/errors';
import { formatPrefix, nthAddress, parsePrefix, type Prefix } from '../../policies/net-fns';
import type { TenantSpec, Tier, TierKind } from '../config/config-schema';

/** One tier's addresses after the split. */
export interface TierPlan {
  kind: TierKind;
  stack: Tier['stack'];
  ipv6Mode?: Tier['ipv6Mode'];
  ipv4?: string;
  ipv6?: string;
  gateway4?: string;
  gateway6?: string;
}

export interface TenantPlan {
  name: string;
  ipv4: string;
  ipv6?: string;
  gateway4: string;
  gateway6?: string;
}

function need(text: string, key: string): Prefix {
  const p = parsePrefix(text);
  if (!p) throw new InputError(`${key}: "${text}" is not a CIDR`);
  return p;
}

function end(p: Prefix): bigint {
  return p.base + (1n << BigInt((p.family === 4 ? 32 : 128) - p.bits));
}

/** The v6 /64 number `index` inside a /48 (or any prefix up to /63). */
function v6Slot(space: Prefix, index: number, key: string): Prefix {
  if (space.bits > 63) throw new InputError(`${key}: IPv6 space /${space.bits} is too small for /64 subnets`);
  const slots = 1n << BigInt(64 - space.bits);
  if (BigInt(index) >= slots) throw new InputError(`${key}: no /64 left (slot ${index} of ${slots})`);
  return { family: 6, base: space.base + (BigInt(index) << 64n), bits: 64 };
}

/**
 * Splits a zone's IPv4 space into aligned blocks, one per tier in the order given (like awsx's
 * subnet split), and gives each IPv6-carrying tier the /64 numbered after its position. Pure.
 * Changing the order of tiers changes every later CIDR: the stack files' order is part of the plan.
 */
export function planTiers(space: { ipv4: string; ipv6?: string }, tiers: readonly Tier[]): TierPlan[] {
  const v4 = need(space.ipv4, 'addressPlan.ipv4');
  const v6 = space.ipv6 ? need(space.ipv6, 'addressPlan.ipv6') : undefined;
  const seen = new Set<TierKind>();
  let cursor = v4.base;
  return tiers.map((t, i) => {
    const key = `yiyun:network.tiers[${i}]`;
    if (seen.has(t.kind)) throw new InputError(`${key}.kind: tier ${t.kind} is declared twice`);
    seen.add(t.kind);
    const plan: TierPlan = { kind: t.kind, stack: t.stack, ...(t.ipv6Mode ? { ipv6Mode: t.ipv6Mode } : {}) };
    if (t.stack !== 'ipv6') {
      const bits = t.prefix ?? 24;
      if (bits < v4.bits) throw new InputError(`${key}.prefix: /${bits} is larger than the zone's ${space.ipv4}`);
      const blockSize = 1n << BigInt(32 - bits);
      cursor = ((cursor + blockSize - 1n) / blockSize) * blockSize;
      if (cursor + blockSize > end(v4) - TRANSIT_SIZE) {
        throw new InputError(`${key}.prefix: tier ${t.kind} (/${bits}) does not fit in ${space.ipv4} after the tiers before it (its last /29 is the management transit)`);
      }
      const p: Prefix = { family: 4, base: cursor, bits };
      cursor += blockSize;
      plan.ipv4 = formatPrefix(p);
      plan.gateway4 = nthAddress(p, 1);
    }
    if (t.stack !== 'ipv4') {
      if (!v6) throw new InputError(`${key}.stack: tier ${t.kind} carries IPv6 but the zone has no IPv6 space`);
      const p = v6Slot(v6, i + 1, key);
      plan.ipv6 = formatPrefix(p);
      plan.gateway6 = nthAddress(p, 1);
    }
    return plan;
  });
}

const TRANSIT_BITS = 29;
const TRANSIT_SIZE = 1n << BigInt(32 - TRANSIT_BITS);

/** The link between the core and the management router: its /29 and each router's address on it. */
export interface TransitPlan {
  cidr: string;
  core: string;
  management: string;
}

/**
 * The management transit: the last /29 of the zone's IPv4 space (planTiers keeps tiers out of it), so
 * it stays put when tiers are added or resized. Pure.
 */
export function planTransit(ipv4Space: string): TransitPlan {
  const v4 = need(ipv4Space, 'addressPlan.ipv4');
  if (v4.bits > 28) throw new InputError(`addressPlan.ipv4: ${ipv4Space} is too small to hold tiers and the management transit`);
  const p: Prefix = { family: 4, base: end(v4) - TRANSIT_SIZE, bits: TRANSIT_BITS };
  return { cidr: formatPrefix(p), core: nthAddress(p, 1), management: nthAddress(p, 2) };
}

/** Tenant networks: consecutive /24s out of the tenant tier, IPv6 /64s from slot 256 on. */
export function planTenants(tier: TierPlan | undefined, ipv6Space: string | undefined, tenants: readonly TenantSpec[]): TenantPlan[] {
  if (tenants.length === 0) return [];
  if (!tier?.ipv4) throw new InputError('yiyun:tenants: tenants are declared but no tenant tier with IPv4 exists');
  const range = need(tier.ipv4, 'tenant tier');
  if (range.bits > 24) throw new InputError(`yiyun:network.tiers: the tenant tier ${tier.ipv4} is smaller than one /24`);
  const capacity = 1 << (24 - range.bits);
  if (tenants.length > capacity) {
    throw new InputError(`yiyun:tenants: ${tenants.length} tenants do not fit in the tenant tier ${tier.ipv4} (${capacity} /24 networks)`);
  }
  const v6 = ipv6Space ? need(ipv6Space, 'addressPlan.ipv6') : undefined;
  return tenants.map((t, i) => {
    const p: Prefix = { family: 4, base: range.base + (BigInt(i) << 8n), bits: 24 };
    const plan: TenantPlan = { name: t.name, ipv4: formatPrefix(p), gateway4: nthAddress(p, 1) };
    if (t.stack === 'dual') {
      if (!v6) throw new InputError(`yiyun:tenants[${i}].stack: dual-stack tenant ${t.name} but the zone has no IPv6 space`);
      const q = v6Slot(v6, 256 + i, `yiyun:tenants[${i}]`);
      plan.ipv6 = formatPrefix(q);
      plan.gateway6 = nthAddress(q, 1);
    }
    return plan;
  });
}

/** VIP and the two members' fixed addresses of the k-th HaVIP pair in a subnet (.4/.5/.6, .7/.8/.9 …). */
export function havipAddresses(cidr: string, k: number): { vip: string; a: string; b: string } {
  if (k < 0 || k > 8) throw new InputError(`at most 9 HaVIP pairs per tier (pair ${k + 1} asked)`);
  const p = need(cidr, 'havip subnet');
  return { vip: nthAddress(p, 4 + 3 * k), a: nthAddress(p, 5 + 3 * k), b: nthAddress(p, 6 + 3 * k) };
}

/** Addresses DHCP hands out: after the reserved head (gateway, VIPs, appliances) up to the end. */
export function allocationPool(cidr: string): { start: string; end: string } {
  const p = need(cidr, 'subnet');
  const total = Number(1n << BigInt(32 - p.bits));
  return { start: nthAddress(p, Math.min(32, total - 3)), end: nthAddress(p, total - 2) };
}

/** The gatekeeper's near interface inside the ferry tier. */
export function gatekeeperAddress(ferry: TierPlan): string {
  if (!ferry.ipv4) throw new InputError('yiyun:network.tiers: the ferry tier needs IPv4');
  return nthAddress(need(ferry.ipv4, 'ferry'), 4);
}
