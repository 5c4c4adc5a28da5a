import { createReadStream } from 'node:fs';
import type { Actor } from '../../../core/authz';
import type { AuditTrail, CheckpointSigner } from '../../../core/audit';
import { createSm2Signer, createSm3, sm2Verify, sm3Hex, type Bytes } from '../../../core/crypto';
import { InputError } from '../../../core/errors';
import type { CaService } from '../ca/ca-service';
import { parseCertificate, splitPemBundle } from '../ca/x509-fns';
import { certificateSm3, envelopeSchema, ENVELOPE_FORMAT, toBeSigned, type SignatureEnvelope } from './signing-fns';

/** A key pair held outside the CA (the audit key file): only its signing operation and public key are lent. */
export type ExternalSigningKey = { publicKeyHex: string; sign(data: Buffer): Buffer };

export type SigningServiceDeps = {
  ca: Pick<CaService, 'serviceIdentity' | 'certifyKey' | 'verifyChain'>;
  audit: Pick<AuditTrail, 'record'>;
  zone: string;
  identityName?: string;
  /** Sign with this key under a certificate the CA issues for it, instead of a key pair the CA generates and seals. */
  key?: ExternalSigningKey;
  now?: () => Date;
};

export type VerifyResult = { valid: boolean; reason: string | null; signer: string | null; serial: string | null; signedAt: string | null; label: string | null; publicKey: string | null; chain: string[] };

/**
 * The signing service: detached SM2 signatures (standard ID, SM3) of payloads and files under the zone's signing
 * identity (a certificate of the zone's CA), verified against the zone's trusted roots.
 */
export function createSigningService(deps: SigningServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const name = deps.identityName ?? 'signing';
  type Identity = { signer: { publicKey: string; sign(data: Buffer): Buffer }; chain: string[]; certSm3: string; keyId: string };
  let identity: Promise<Identity> | null = null;
  let loaded: Identity | null = null;

  const system: Actor = { kind: 'system', accountId: null, loginId: `system:signing-${name}`, roles: ['system'], tenantId: null, permissions: new Set(), sourceIp: null, via: 'internal', pending: null };

  function load() {
    const key = deps.key;
    const source = key
      ? deps.ca.certifyKey(system, deps.zone, name, key.publicKeyHex).then((id) => ({ chainPem: id.chainPem, signer: { publicKey: key.publicKeyHex, sign: (d: Buffer) => key.sign(d) } }))
      : deps.ca.serviceIdentity(system, deps.zone, name).then((id) => {
          const s = createSm2Signer(id.privateKey);
          return { chainPem: id.chainPem, signer: { publicKey: s.publicKey, sign: (d: Buffer) => s.sign(d) } };
        });
    identity ??= source.then((id) => {
      const chain = splitPemBundle(id.chainPem);
      loaded = { signer: id.signer, chain, certSm3: certificateSm3(chain[0]!), keyId: `${name}-${parseCertificate(chain[0]!).serial.slice(0, 16)}` };
      return loaded;
    });
    identity.catch(() => (identity = null));
    return identity;
  }

  function envelopeWith(id: Identity, digest: string, label: string): SignatureEnvelope {
    const base = { digest, label, signedAt: now().toISOString(), signerCertSm3: id.certSm3 };
    return {
      format: ENVELOPE_FORMAT, algorithm: 'SM2-with-SM3', userId: '1234567812345678', digestAlgorithm: 'SM3', ...base,
      signature: id.signer.sign(Buffer.from(toBeSigned(base), 'utf8')).toString('base64'),
      certificates: id.chain,
    };
  }

  async function envelopeFor(digest: string, label: string): Promise<SignatureEnvelope> {
    return envelopeWith(await load(), digest, label);
  }

  async function verifyDigest(digest: string, raw: unknown, at?: Date): Promise<VerifyResult> {
    const parsed = envelopeSchema.safeParse(raw);
    const none = { signer: null, serial: null, signedAt: null, label: null, publicKey: null, chain: [] };
    if (!parsed.success) return { valid: false, reason: `not a ${ENVELOPE_FORMAT} envelope`, ...none };
    const e = parsed.data;
    let leaf;
    try {
      leaf = parseCertificate(e.certificates[0]!);
    } catch {
      return { valid: false, reason: 'the signer certificate cannot be read', ...none };
    }
    const who = { signer: leaf.subject, serial: leaf.serial, signedAt: e.signedAt, label: e.label, publicKey: leaf.publicKey, chain: [] as string[] };
    if (e.digest !== digest) return { valid: false, reason: 'the payload’s SM3 digest differs from the signed one (payload altered)', ...who };
    if (certificateSm3(e.certificates[0]!) !== e.signerCertSm3) return { valid: false, reason: 'the signer certificate was swapped', ...who };
    if (leaf.keyUsage !== null && !(leaf.keyUsage & 1)) return { valid: false, reason: 'the signer certificate is not for digital signatures', ...who };
    if (!sm2Verify(leaf.publicKey, toBeSigned(e), Buffer.from(e.signature, 'base64'))) return { valid: false, reason: 'the SM2 signature is invalid', ...who };
    const chain = await deps.ca.verifyChain(e.certificates, at ?? new Date(e.signedAt));
    who.chain = chain.chain.map((c) => c.subject);
    if (!chain.valid) return { valid: false, reason: `the signer’s certificate chain does not verify: ${chain.reason}`, ...who };
    return { valid: true, reason: null, ...who };
  }

  const service = {
    /** A detached signature envelope of `payload`. */
    async sign(payload: Bytes, opts: { label?: string; actor?: Actor } = {}): Promise<SignatureEnvelope> {
      const env = await envelopeFor(sm3Hex(payload), opts.label ?? '');
      if (opts.actor) await deps.audit.record({ actor: opts.actor, action: 'signature.created', target: { type: 'signature', id: env.digest }, detail: { label: env.label, signer: env.signerCertSm3 } });
      return env;
    },

    /** Signs a file of any size (streamed through SM3). */
    async signFile(path: string, opts: { label?: string } = {}): Promise<SignatureEnvelope> {
      return envelopeFor(await digestFile(path), opts.label ?? '');
    },

    /** Verifies `payload` against an envelope (object or JSON text); never throws for a bad envelope. */
    async verify(payload: Bytes, envelope: unknown, opts: { at?: Date } = {}): Promise<VerifyResult> {
      let raw = envelope;
      if (typeof envelope === 'string') {
        try {
          raw = JSON.parse(envelope);
        } catch {
          raw = null;
        }
      }
      return verifyDigest(sm3Hex(payload), raw, opts.at);
    },

    async verifyFile(path: string, envelope: unknown): Promise<VerifyResult> {
      return verifyDigest(await digestFile(path), typeof envelope === 'string' ? JSON.parse(envelope) : envelope);
    },

    /**
     * This service as the audit trail's / archives' / evidence pack's CheckpointSigner: the raw SM2 signature (standard
     * ID) as before, plus a yiyun-sig/1 envelope carrying the chain, and its verification to the zone's roots.
     */
    async checkpointSigner(): Promise<CheckpointSigner> {
      const id = await load();
      return {
        keyId: id.keyId,
        publicKeyHex: id.signer.publicKey,
        sign: (data) => id.signer.sign(data),
        verify: (data, signature, pub = id.signer.publicKey) => sm2Verify(pub, data, signature),
        envelope: (data, label) => envelopeWith(loaded ?? id, sm3Hex(data), label),
        verifyEnvelope: (data, envelope) => service.verify(data, envelope),
      };
    },

    /** The signer certificate chain (PEM, leaf first). */
    async chain(): Promise<string[]> {
      return (await load()).chain;
    },
  };
  return service;
}

/** SM3 of a file, streamed. */
export async function digestFile(path: string): Promise<string> {
  const h = createSm3();
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest().toString('hex');
}

export type SigningService = ReturnType<typeof createSigningService>;

/** Thrown by callers that require a valid signature. */
export const invalidSignature = (reason: string) => new InputError(`signature does not verify: ${reason}`, { code: 'signing.invalid' });
