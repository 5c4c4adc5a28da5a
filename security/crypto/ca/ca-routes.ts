import { z } from 'zod';
import { defineRoute, idParams, listOf, type RouteDef } from '../../../core/http';
import type { CaService } from './ca-service';
import { authoritySchema, certificateSchema, chainResultSchema, issueResultSchema, issueSchema, listCertificatesQuery, revokeSchema, trustRootSchema, verifyChainSchema } from './ca-schemas';

/** Routes of the certificate authority of this zone. */
export function caRoutes(ca: CaService, zone: string): RouteDef[] {
  const tag = 'ca';
  return [
    defineRoute({ method: 'get', path: '/api/ca/authorities', tag, summary: 'The SM2 root and issuing CAs', access: 'ca.read', response: z.object({ items: z.array(authoritySchema) }), handler: async () => ({ items: await ca.authorities() }) }),
    defineRoute({ method: 'get', path: '/api/ca/certificates', tag, summary: 'Issued certificates (a tenant sees its own)', access: 'ca.read', query: listCertificatesQuery, response: listOf(certificateSchema), handler: ({ actor, query }) => ca.list(actor, query) }),
    defineRoute({ method: 'get', path: '/api/ca/certificates/:id', tag, summary: 'One certificate', access: 'ca.read', params: idParams, response: certificateSchema, handler: ({ actor, params }) => ca.get(actor, params.id) }),
    defineRoute({
      method: 'get', path: '/api/ca/certificates/:id/download', tag, summary: 'The certificate with its chain as a PEM file', access: 'ca.read', params: idParams, raw: true,
      handler: async ({ actor, params, res }) => {
        const c = await ca.get(actor, params.id);
        const chain = (await ca.authorities()).filter((a) => a.zone === c.zone).sort((a) => (a.kind === 'intermediate' ? -1 : 1));
        res.type('application/x-pem-file').attachment(`${c.commonName.replace(/[^\w.-]+/g, '_')}-${c.usage}.pem`).send(c.certificatePem + chain.map((a) => a.certificatePem).join(''));
      },
    }),
    defineRoute({ method: 'post', path: '/api/ca/certificates', tag, summary: 'Issue a signing (+ encryption, 双证书) SM2 certificate', access: 'ca.issue', audit: 'certificate.issued', status: 201, body: issueSchema, response: issueResultSchema, handler: ({ actor, body }) => ca.issue(actor, body, { zone }) }),
    defineRoute({ method: 'post', path: '/api/ca/certificates/:id/revoke', tag, summary: 'Revoke a certificate (the CRL is republished)', access: 'ca.revoke', audit: 'certificate.revoked', params: idParams, body: revokeSchema, response: certificateSchema, handler: ({ actor, params, body }) => ca.revoke(actor, params.id, body.reason) }),
    defineRoute({ method: 'post', path: '/api/ca/verify', tag, summary: 'Verify a certificate chain (leaf first) against the trusted roots', access: 'ca.read', body: verifyChainSchema, response: chainResultSchema, handler: ({ body }) => ca.verifyChain(body.chainPem) }),
    defineRoute({ method: 'post', path: '/api/ca/trusted-roots', tag, summary: 'Trust another zone’s root CA', access: 'ca.issue', audit: 'ca.root_trusted', status: 201, body: trustRootSchema, response: z.object({ fingerprint: z.string(), subject: z.string() }), handler: ({ actor, body }) => ca.trustRoot(actor, body.certificatePem, body.zone) }),
    defineRoute({
      method: 'get', path: '/api/ca/crl', tag, summary: 'The current CRL of this zone’s issuing CA (PEM, public)', access: 'public', raw: true,
      handler: async ({ res }) => {
        res.type('application/pkix-crl').send(await ca.crl(zone));
      },
    }),
  ];
}
