import path from 'node:path';
import { loadPackContext } from '../../policies/pack/context-loader';
import type { FerryFlow, FlowDirectory } from '../../security/crypto';

const REPO_ROOT = path.resolve(__dirname, '../..');

// Used only when Pulumi.yaml cannot be read (a trimmed deployment): the estate's first two file flows.
const FALLBACK_FLOWS: FerryFlow[] = [
  { id: 'internet-audit-logs', from: 'internet', to: 'dmz', payload: 'signed-file', maxFileMb: 64, description: 'audit and security logs of the internet zone for log audit' },
  { id: 'dmz-config', from: 'dmz', to: 'internet', payload: 'signed-file', maxFileMb: 64, description: 'configuration and policy updates for the internet zone' },
];

type EstateFlows = { flows: FlowDirectory; zoneOfStack: ReadonlyMap<string, string> };

// Pulumi.yaml and the stack files change only with a deployment: read once per root, not on every evidence run.
const loaded = new Map<string, EstateFlows>();

/** The estate's gatekeeper flow list (Pulumi.yaml `gatekeeper`, as infra/ and the policy pack read it) and the stack → zone map. */
export function estateFlows(root = REPO_ROOT): EstateFlows {
  const cached = loaded.get(root);
  if (cached) return cached;
  let list: FerryFlow[] = FALLBACK_FLOWS;
  let zoneOfStack = new Map<string, string>([['liangcheng-dmz', 'dmz'], ['liangcheng-internet', 'internet']]);
  try {
    const { ctx, zoneOfStack: z } = loadPackContext(root);
    if (ctx.gatekeeper) list = ctx.gatekeeper.flows.map((f) => ({ id: f.id, from: f.from, to: f.to, payload: f.payload, maxFileMb: f.maxFileMb, description: f.description }));
    if (z.size) zoneOfStack = z;
  } catch {
    // keep the fallback
  }
  const out: EstateFlows = { flows: { get: (name) => list.find((f) => f.id === name), list: () => [...list] }, zoneOfStack };
  loaded.set(root, out);
  return out;
}

/**
 * The short zone name the flows use (`dmz`, `internet`) for a stack: the stack file's `yiyun:zone`, else the stack
 * name without the estate prefix (stacks are named `liangcheng-<zone>`; `dev` stays `dev`).
 */
export function shortZoneOf(stack: string, root = REPO_ROOT): string {
  return estateFlows(root).zoneOfStack.get(stack) ?? stack.replace(/^liangcheng-/, '');
}
