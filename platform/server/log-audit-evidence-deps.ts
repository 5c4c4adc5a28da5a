import path from 'node:path';
import { readEstateConfig } from '../../infra/config/load-config';
import type { Settings } from '../../core/config';
import type { BoundaryDevice } from './security-evidence';

const REPO_ROOT = path.resolve(__dirname, '../..');
const ZONE_STACKS = ['liangcheng-dmz', 'liangcheng-internet'];

/**
 * The estate's boundary devices (edge-tier appliances: WAF, IPS) whose logs the log audit should receive. The DMZ's
 * log audit also receives the internet zone's logs through the ferry, so an estate zone lists both zones' devices.
 */
export function estateBoundaryDevices(settings: Pick<Settings, 'YIYUN_ZONE'>, root = REPO_ROOT): () => Promise<BoundaryDevice[]> {
  return async () => {
    const stacks = ZONE_STACKS.includes(settings.YIYUN_ZONE) ? ZONE_STACKS : [settings.YIYUN_ZONE];
    const out: BoundaryDevice[] = [];
    for (const stack of stacks) {
      // A stack without a file (a trimmed deployment, the dev zone) declares no devices to cover.
      let cfg;
      try {
        cfg = readEstateConfig(root, stack);
      } catch {
        continue;
      }
      for (const h of cfg.havip) if (h.tier === 'edge') out.push({ name: h.name, role: h.role, zone: cfg.zone });
    }
    return out;
  };
}
