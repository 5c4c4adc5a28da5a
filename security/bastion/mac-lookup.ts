import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { macFromArpTable, macFromIpNeighJson, normaliseMac } from './login-acl-fns';

/** Finds a client's MAC address from what the deployment's network makes known; null when it cannot be known. */
export type MacResolver = (ip: string) => Promise<string | null>;

/**
 * In order: a feed file (`ip mac` per line, e.g. exported from the access switches' DHCP-snooping binding table),
 * the kernel's neighbour table (`/proc/net/arp`, only meaningful when the bastion shares the operators' L2 segment),
 * then `ip -j neigh` (IPv6 neighbours too). Every failure means "unknown", which MAC rules treat as a refusal.
 */
export function createMacResolver(opts: { feedFile?: string; arpFile?: string; ipCommand?: string } = {}): MacResolver {
  const arpFile = opts.arpFile ?? '/proc/net/arp';
  const ipCommand = opts.ipCommand ?? 'ip';
  return async (ip) => {
    if (opts.feedFile) {
      const feed = await readFile(opts.feedFile, 'utf8').catch(() => '');
      for (const line of feed.split('\n')) {
        const [addr, mac] = line.trim().split(/[\s,]+/);
        if (addr === ip && mac) return normaliseMac(mac);
      }
    }
    const arp = await readFile(arpFile, 'utf8').catch(() => '');
    const fromArp = arp ? macFromArpTable(arp, ip) : null;
    if (fromArp) return fromArp;
    const json = await new Promise<string>((resolve) => {
      execFile(ipCommand, ['-j', 'neigh', 'show', 'to', ip], { timeout: 2000 }, (err, stdout) => resolve(err ? '' : stdout));
    });
    return json ? macFromIpNeighJson(json, ip) : null;
  };
}
