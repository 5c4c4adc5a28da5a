import { z } from 'zod';
import { defineRoute, optionalText, type RouteDef } from '../../../core/http';
import type { SigningService } from './signing-service';

const verifyResultSchema = z.object({ valid: z.boolean(), reason: z.string().nullable(), signer: z.string().nullable(), serial: z.string().nullable(), signedAt: z.string().nullable(), label: z.string().nullable(), chain: z.array(z.string()) });

/** Routes of the signing service. */
export function signingRoutes(signing: SigningService): RouteDef[] {
  return [
    defineRoute({
      method: 'post', path: '/api/signing/sign', tag: 'signing', summary: 'Detached SM2 signature (yiyun-sig/1 envelope) of a payload', access: 'signing.use', audit: 'signature.created',
      body: z.strictObject({ payload: z.base64().max(2_000_000), label: optionalText(200) }), response: z.object({ envelope: z.record(z.string(), z.unknown()) }),
      handler: async ({ actor, body }) => ({ envelope: await signing.sign(Buffer.from(body.payload, 'base64'), { label: body.label, actor }) }),
    }),
    defineRoute({
      method: 'post', path: '/api/signing/verify', tag: 'signing', summary: 'Verify a payload against a signature envelope and its certificate chain', access: 'signing.use',
      body: z.strictObject({ payload: z.base64().max(2_000_000), envelope: z.record(z.string(), z.unknown()) }), response: verifyResultSchema,
      handler: ({ body }) => signing.verify(Buffer.from(body.payload, 'base64'), body.envelope),
    }),
  ];
}
