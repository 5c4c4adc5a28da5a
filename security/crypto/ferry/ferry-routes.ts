import { z } from 'zod';
import { defineRoute, idParams, listOf, optionalText, pageQuery, timestamp, type RouteDef } from '../../../core/http';
import type { FerryService } from './ferry-service';

const transferSchema = z.object({
  id: z.uuid(), flow: z.string(), direction: z.enum(['out', 'in']), sequence: z.number().int().nullable(), status: z.enum(['exported', 'imported', 'imported_with_gap', 'quarantined']),
  reason: z.string().nullable(), warning: z.string().nullable(), bundle: z.string(), manifestSm3: z.string().nullable(), files: z.array(z.object({ name: z.string(), size: z.number(), sm3: z.string() })), signer: z.string().nullable(), createdAt: timestamp(),
});
const listQuery = z.strictObject({ ...pageQuery, flow: optionalText(64), status: z.enum(['exported', 'imported', 'imported_with_gap', 'quarantined']).optional(), direction: z.enum(['out', 'in']).optional() });
const flowSchema = z.object({ id: z.string(), from: z.string(), to: z.string(), payload: z.string(), maxFileMb: z.number(), description: z.string(), direction: z.string() });

/** Ferry history (exports, imports, quarantines) and the declared flows. Transfers themselves run from the CLI. */
export function ferryRoutes(ferry: FerryService): RouteDef[] {
  return [
    defineRoute({ method: 'get', path: '/api/ferry/transfers', tag: 'ferry', summary: 'Ferry history with quarantine reasons', access: 'ferry.read', query: listQuery, response: listOf(transferSchema), handler: ({ actor, query }) => ferry.list(actor, query) }),
    defineRoute({ method: 'get', path: '/api/ferry/transfers/:id', tag: 'ferry', summary: 'One ferry transfer', access: 'ferry.read', params: idParams, response: transferSchema, handler: ({ actor, params }) => ferry.get(actor, params.id) }),
    defineRoute({ method: 'get', path: '/api/ferry/flows', tag: 'ferry', summary: 'The gatekeeper flows and their direction from this zone', access: 'ferry.read', response: z.object({ items: z.array(flowSchema) }), handler: () => ({ items: ferry.flows() }) }),
  ];
}
