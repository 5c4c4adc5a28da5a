import { z } from 'zod';
import { SM2_DEFAULT_USER_ID, sm3Hex } from '../../../core/crypto';
import { fromPem } from '../ca/x509-fns';

// The detached signature envelope "yiyun-sig/1" (documented in docs/crypto.md). JSON, so that an assessor can read it:
//
//   { "format": "yiyun-sig/1", "algorithm": "SM2-with-SM3", "userId": "1234567812345678", "digestAlgorithm": "SM3",
//     "digest": "<hex SM3 of the payload>", "label": "<what was signed, optional>", "signedAt": "<ISO 8601>",
//     "signerCertSm3": "<hex SM3 of the signer certificate DER>",
//     "signature": "<base64 DER SM2 signature of the to-be-signed text>",
//     "certificates": ["<signer PEM>", "<issuing CA PEM>", "<root CA PEM>"] }
//
// The to-be-signed text is the UTF-8 of  "yiyun-sig/1\n" digest "\n" label "\n" signedAt "\n" signerCertSm3 , so the
// signature binds the payload's digest, the label, the time and the certificate (no substitution of either).

export const ENVELOPE_FORMAT = 'yiyun-sig/1';

export const envelopeSchema = z.object({
  format: z.literal(ENVELOPE_FORMAT),
  algorithm: z.literal('SM2-with-SM3'),
  userId: z.literal(SM2_DEFAULT_USER_ID),
  digestAlgorithm: z.literal('SM3'),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  label: z.string().max(200).default(''),
  signedAt: z.string().datetime(),
  signerCertSm3: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().min(1).max(200),
  certificates: z.array(z.string().max(8000)).min(1).max(5),
});
export type SignatureEnvelope = z.infer<typeof envelopeSchema>;

/** The text whose SM2 signature an envelope carries. */
export function toBeSigned(e: Pick<SignatureEnvelope, 'digest' | 'label' | 'signedAt' | 'signerCertSm3'>): string {
  return `${ENVELOPE_FORMAT}\n${e.digest}\n${e.label}\n${e.signedAt}\n${e.signerCertSm3}`;
}

/** SM3 of a certificate's DER, from its PEM. */
export function certificateSm3(pem: string): string {
  return sm3Hex(fromPem(pem));
}
