import ipaddr from 'ipaddr.js';

/** Roles that count as administrators at the gateway (三员: system, security and audit administrators). */
export const ADMIN_ROLES: readonly string[] = ['sysadmin', 'secadmin', 'auditadmin'];

export type MacRule = { name: string; logins: readonly string[]; roles: readonly string[]; sourceCidrs: readonly string[]; macs: readonly string[]; enabled: boolean };

export type LoginAclInput = {
  loginId: string;
  roles: readonly string[];
  sourceIp: string | null;
  /** The client's MAC as the deployment knows it (neighbour table, DHCP-snooping feed); null when unknown. */
  mac: string | null;
  adminCidrs: readonly string[];
  macRules: readonly MacRule[];
};

export type LoginAclDecision = { allowed: true } | { allowed: false; reason: string; rule?: string };

function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(ip.trim());
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return null;
  }
}

/** A CIDR (or a bare address) in canonical form, or null when it is not one. */
export function normaliseCidr(c: string): string | null {
  try {
    if (!c.includes('/')) {
      const a = parseIp(c);
      return a ? `${a.toNormalizedString()}/${a.kind() === 'ipv4' ? 32 : 128}` : null;
    }
    const [range, bits] = ipaddr.parseCIDR(c.trim());
    return `${range.toNormalizedString()}/${bits}`;
  } catch {
    return null;
  }
}

/** True when `ip` lies in one of `cidrs` (an empty list matches nothing here: callers decide what empty means). */
export function inRanges(ip: string | null, cidrs: readonly string[]): boolean {
  const addr = ip ? parseIp(ip) : null;
  if (!addr) return false;
  return cidrs.some((c) => {
    const n = normaliseCidr(c);
    if (!n) return false;
    const [range, bits] = ipaddr.parseCIDR(n);
    return range.kind() === addr.kind() && addr.match(range, bits);
  });
}

/** `aa:bb:cc:dd:ee:ff` in lower case from the usual spellings (`AA-BB-…`, `aabb.ccdd.eeff`), or null. */
export function normaliseMac(mac: string): string | null {
  const hex = mac.trim().toLowerCase().replace(/[:.\-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

const covers = (r: MacRule, input: LoginAclInput) =>
  r.enabled &&
  (r.logins.length + r.roles.length === 0 || r.logins.includes(input.loginId) || r.roles.some((x) => input.roles.includes(x))) &&
  (r.sourceCidrs.length === 0 || inRanges(input.sourceIp, r.sourceCidrs));

/**
 * The gateway's own login ACLs, on top of the account's source ranges and time windows (identity checks those):
 * administrators only from the declared admin ranges (none declared: no administrator logs in), and every MAC rule
 * covering the login must see one of its MACs. A MAC that cannot be determined fails closed.
 */
export function decideLoginAcl(input: LoginAclInput): LoginAclDecision {
  if (input.roles.some((r) => ADMIN_ROLES.includes(r)) && !inRanges(input.sourceIp, input.adminCidrs)) {
    return { allowed: false, reason: input.adminCidrs.length ? 'administrators may log in only from the declared admin addresses' : 'no admin source addresses are declared' };
  }
  const mac = input.mac ? normaliseMac(input.mac) : null;
  for (const r of input.macRules) {
    if (!covers(r, input)) continue;
    if (!mac) return { allowed: false, reason: 'the client MAC address cannot be determined', rule: r.name };
    if (!r.macs.some((m) => normaliseMac(m) === mac)) return { allowed: false, reason: 'the client MAC address is not allowed', rule: r.name };
  }
  return { allowed: true };
}

/** True when some enabled rule could cover this login, so the MAC is worth looking up. */
export function macNeeded(input: Omit<LoginAclInput, 'mac'>): boolean {
  return input.macRules.some((r) => covers(r, { ...input, mac: null }));
}

/**
 * The MAC of `ip` from a Linux neighbour table in `/proc/net/arp` form. Incomplete entries (flags 0x0) and the
 * all-zero MAC do not count: the address is unknown then.
 */
export function macFromArpTable(table: string, ip: string): string | null {
  const want = parseIp(ip)?.toString();
  if (!want) return null;
  for (const line of table.split('\n').slice(1)) {
    const [addr, , flags, hw] = line.trim().split(/\s+/);
    if (addr !== want || !hw || !flags) continue;
    const mac = normaliseMac(hw);
    if (mac && mac !== '00:00:00:00:00:00' && (Number.parseInt(flags, 16) & 0x2) !== 0) return mac;
  }
  return null;
}

/** The MAC of `ip` from `ip -j neigh` output (IPv4 and IPv6); FAILED/INCOMPLETE entries do not count. */
export function macFromIpNeighJson(json: string, ip: string): string | null {
  const want = parseIp(ip)?.toNormalizedString();
  if (!want) return null;
  let rows: { dst?: string; lladdr?: string; state?: string[] }[];
  try {
    rows = JSON.parse(json) as typeof rows;
  } catch {
    return null;
  }
  for (const r of Array.isArray(rows) ? rows : []) {
    if (!r.dst || parseIp(r.dst)?.toNormalizedString() !== want || !r.lladdr) continue;
    if (r.state?.some((s) => s === 'FAILED' || s === 'INCOMPLETE')) continue;
    const mac = normaliseMac(r.lladdr);
    if (mac && mac !== '00:00:00:00:00:00') return mac;
  }
  return null;
}
