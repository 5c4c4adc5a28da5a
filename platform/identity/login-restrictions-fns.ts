import ipaddr from 'ipaddr.js';
import type { TimeWindow } from './identity-schemas';

function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(ip);
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return null;
  }
}

/** True when no ranges are set or the address lies in one of them. */
export function ipAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  if (!ip) return false;
  const addr = parseIp(ip);
  if (!addr) return false;
  return cidrs.some((c) => {
    try {
      const [range, bits] = c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128];
      return range.kind() === addr.kind() && addr.match(range, bits);
    } catch {
      return false;
    }
  });
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when no windows are set or `at` (server local time) falls in one; a window may run past midnight. */
export function timeAllowed(at: Date, windows: readonly TimeWindow[]): boolean {
  if (windows.length === 0) return true;
  const day = at.getDay() === 0 ? 7 : at.getDay();
  const prevDay = day === 1 ? 7 : day - 1;
  const now = at.getHours() * 60 + at.getMinutes();
  return windows.some((w) => {
    const from = minutes(w.from);
    const to = minutes(w.to);
    if (from <= to) return w.days.includes(day) && now >= from && now < to;
    // Overnight: the part after midnight belongs to the window that started the day before.
    return (w.days.includes(day) && now >= from) || (w.days.includes(prevDay) && now < to);
  });
}
