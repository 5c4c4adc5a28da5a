import path from 'node:path';
import { loadPackContext } from '../../policies/pack/context-loader';
import type { FerryFlow, FlowDirectory } from '../../security/crypto';

const REPO_ROOT = path.resolve(__dirname, '../..');

// Used only when Pulumi.yaml cannot be read (a trimmed deployment): the estate's first two file flows.
const FALLBACK_FLOWS: FerryFlow[] = [
  { id: 'internet-audit-logs', from: 'internet', to: 'dmz', payload: 'signed-file', maxFileMb: 64, description: 'audit and security logs of the internet zone for log audit' },
  { id: 'dmz-config', from: 'dmz', to: 'internet', payload: 'signed-file', maxFileMb: 64, description: 'configuration and policy updates for the internet zone' },
];

/** The estate's gatekeeper flow list (Pulumi.yaml `gatekeeper`, as infra/ and the policy pack read it) and the stack → zone map. */
export function estateFlows(root = REPO_ROOT): { flows: FlowDirectory; zoneOfStack: Map<string, string> } {
  let list: FerryFlow[] = FALLBACK_FLOWS;
  let zoneOfStack = new Map<string, string>([['liangcheng-dmz', 'dmz'], ['liangcheng-internet', 'internet']]);
  try {
    const { ctx, zoneOfStack: z } = loadPackContext(root);
    if (ctx.gatekeeper) list = ctx.gatekeeper.flows.map((f) => ({ id: f.id, from: f.from, to: f.to, payload: f.payload, maxFileMb: f.maxFileMb, description: f.description }));
    if (z.size) zoneOfStack = z;
  } catch {
    // keep the fallback
  }
  return { flows: { get: (name) => list.find((f) => f.id === name), list: () => [...list] }, zoneOfStack };
}
