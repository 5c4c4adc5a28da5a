import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../../../core/authz';
import type { AuditTrail } from '../../../core/audit';
import { generateSm2KeyPair, sm2Encrypt, sm2KeyFromPem, sm2PrivateKeyToPem, sm2PublicKeyToPem, sm3Hex } from '../../../core/crypto';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import type { Keyring } from '../kms/kms-keyring';
import type { AuthorityRow, CaDal, CertificateRow } from './ca-dal';
import { buildCertificate, buildCrl, dnString, newSerial, parseCertificate, signatureValid, splitPemBundle, type DistinguishedName, type KeyUsageName } from './x509-fns';
import type { IssueInput } from './ca-schemas';

export type CaServiceDeps = { db: Kysely<any>; dal: CaDal; audit: Pick<AuditTrail, 'record'>; keyring: Keyring; organization?: string; crlUrl?: (zone: string) => string; now?: () => Date };

const YEAR = 365 * 86_400_000;
const REASONS = { unspecified: 0, keyCompromise: 1, cACompromise: 2, affiliationChanged: 3, superseded: 4, cessationOfOperation: 5 } as const;
export type RevocationReason = keyof typeof REASONS;
const USAGE: Record<'signing' | 'encryption', KeyUsageName[]> = { signing: ['digitalSignature', 'nonRepudiation'], encryption: ['keyEncipherment', 'dataEncipherment', 'keyAgreement'] };

/** The outcome of verifying a chain. */
export type ChainResult = { valid: boolean; reason: string | null; chain: Array<{ subject: string; serial: string; notAfter: Date }> };

/** The zone's SM2 certificate authority: a root, an issuing intermediate, 双证书 issuance, revocation, CRLs. */
export function createCaService(deps: CaServiceDeps) {
  const { db, dal, audit, keyring } = deps;
  const now = deps.now ?? (() => new Date());
  const org = deps.organization ?? '凉城县医共体';
  const dnOf = (zone: string, kind: 'root' | 'intermediate'): DistinguishedName => ({ country: 'CN', organization: org, organizationalUnit: zone, commonName: kind === 'root' ? `yiyun SM2 Root CA ${zone}` : `yiyun SM2 Issuing CA ${zone}` });
  const sealAad = (what: string) => `ca:${what}`;
  const authorityKey = (a: AuthorityRow) => keyring.open(a.sealed_private!, sealAad(`authority:${a.zone}:${a.kind}`)).toString('hex');

  async function publishCrl(authority: AuthorityRow, tx: Kysely<any>): Promise<AuthorityRow> {
    const locked = await dal.lockAuthority(authority.id, tx);
    const revoked = await dal.revokedBy(authority.id, tx);
    const at = now();
    const crlNumber = locked.crl_number + 1;
    const crl = buildCrl({
      issuer: dnOf(authority.zone, 'intermediate'),
      issuerPrivateKey: authorityKey(authority),
      issuerPublicKey: parseCertificate(authority.certificate).publicKey,
      crlNumber,
      thisUpdate: at,
      nextUpdate: new Date(at.getTime() + 7 * 86_400_000),
      revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: r.revoked_at!, reason: REASONS[(r.revocation_reason ?? 'unspecified') as RevocationReason] ?? 0 })),
    });
    return dal.updateAuthority(authority.id, { crl_number: crlNumber, crl }, tx);
  }

  async function intermediate(zone: string): Promise<AuthorityRow> {
    const a = await dal.authority(zone, 'intermediate');
    if (!a) throw new NotFoundError(`zone ${zone} has no certificate authority`, { code: 'ca.not_initialised' });
    return a;
  }

  function certView(r: CertificateRow) {
    return {
      id: r.id, zone: r.zone, tenantId: r.tenant_id, pairId: r.pair_id, usage: r.usage, profile: r.profile, subject: r.subject, commonName: r.common_name,
      san: r.san as Array<{ type: string; value: string }>, serial: r.serial, publicKey: r.public_key, certificatePem: r.certificate,
      notBefore: r.not_before, notAfter: r.not_after, status: r.status, revokedAt: r.revoked_at, revocationReason: r.revocation_reason, createdBy: r.created_by, createdAt: r.created_at,
      escrowed: r.sealed_private !== null,
    };
  }

  async function issueOne(tx: Kysely<any>, issuer: AuthorityRow, spec: { actor: Actor; tenantId: string | null; pairId: string; usage: 'signing' | 'encryption'; profile: 'service' | 'user'; subject: DistinguishedName; san: { dns?: string[]; ip?: string[]; email?: string[] }; publicKey: string; days: number; privateToStore?: string }) {
    const serial = newSerial();
    const notBefore = new Date(now().getTime() - 60_000);
    const notAfter = new Date(Math.min(notBefore.getTime() + spec.days * 86_400_000, issuer.not_after.getTime()));
    const pem = buildCertificate({
      subject: spec.subject, publicKey: spec.publicKey, issuer: dnOf(issuer.zone, 'intermediate'), issuerPrivateKey: authorityKey(issuer), issuerPublicKey: parseCertificate(issuer.certificate).publicKey,
      serial, notBefore, notAfter, keyUsage: USAGE[spec.usage],
      extendedKeyUsage: spec.usage === 'signing' ? (spec.profile === 'service' ? ['serverAuth', 'clientAuth'] : ['clientAuth', 'emailProtection']) : undefined,
      san: spec.san, crlUrl: deps.crlUrl?.(issuer.zone),
    });
    const id = randomUUID();
    return dal.insertCertificate({
      id, zone: issuer.zone, issuer_id: issuer.id, tenant_id: spec.tenantId, pair_id: spec.pairId, usage: spec.usage, profile: spec.profile, subject: dnString(spec.subject), common_name: spec.subject.commonName,
      san: [...(spec.san.dns ?? []).map((v) => ({ type: 'dns', value: v })), ...(spec.san.ip ?? []).map((v) => ({ type: 'ip', value: v })), ...(spec.san.email ?? []).map((v) => ({ type: 'email', value: v }))],
      serial, public_key: spec.publicKey, certificate: pem, sealed_private: spec.privateToStore ? keyring.seal(Buffer.from(spec.privateToStore, 'hex'), sealAad(`cert:${id}`)) : null,
      not_before: notBefore, not_after: notAfter, status: 'valid', revoked_at: null, revocation_reason: null, created_by: spec.actor.loginId,
    }, tx);
  }

  async function trustAnchors(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const a of await dal.authorities()) if (a.kind === 'root') out.set(sm3Hex(parseCertificate(a.certificate).der), a.certificate);
    for (const r of await dal.trustedRoots()) out.set(r.fingerprint, r.certificate);
    return out;
  }

  const service = {
    /** Creates the zone's root (20 years) and issuing intermediate (10 years) on first start; idempotent. */
    async ensureZone(actor: Actor, zone: string): Promise<void> {
      if (await dal.authority(zone, 'intermediate')) return;
      await db.transaction().execute(async (tx) => {
        const at = new Date(now().getTime() - 60_000);
        const rootPair = generateSm2KeyPair();
        const rootDn = dnOf(zone, 'root');
        const rootSerial = newSerial();
        const rootPem = buildCertificate({ subject: rootDn, issuer: rootDn, publicKey: rootPair.publicKey, issuerPublicKey: rootPair.publicKey, issuerPrivateKey: rootPair.privateKey, serial: rootSerial, notBefore: at, notAfter: new Date(at.getTime() + 20 * YEAR), ca: { pathLength: 1 }, keyUsage: ['keyCertSign', 'cRLSign'] });
        const root = await dal.insertAuthority({ zone, kind: 'root', subject: dnString(rootDn), certificate: rootPem, sealed_private: keyring.seal(Buffer.from(rootPair.privateKey, 'hex'), sealAad(`authority:${zone}:root`)), serial: rootSerial, not_after: new Date(at.getTime() + 20 * YEAR), parent_id: null, crl: null }, tx);
        if (!root) return; // another instance created it concurrently
        const interPair = generateSm2KeyPair();
        const interDn = dnOf(zone, 'intermediate');
        const interSerial = newSerial();
        const interPem = buildCertificate({ subject: interDn, issuer: rootDn, publicKey: interPair.publicKey, issuerPublicKey: rootPair.publicKey, issuerPrivateKey: rootPair.privateKey, serial: interSerial, notBefore: at, notAfter: new Date(at.getTime() + 10 * YEAR), ca: { pathLength: 0 }, keyUsage: ['keyCertSign', 'cRLSign'] });
        const inter = await dal.insertAuthority({ zone, kind: 'intermediate', subject: dnString(interDn), certificate: interPem, sealed_private: keyring.seal(Buffer.from(interPair.privateKey, 'hex'), sealAad(`authority:${zone}:intermediate`)), serial: interSerial, not_after: new Date(at.getTime() + 10 * YEAR), parent_id: root.id, crl: null }, tx);
        await publishCrl(inter!, tx);
        await audit.record({ actor, action: 'ca.created', target: { type: 'certificate_authority', id: inter!.id }, after: { zone, root: dnString(rootDn), intermediate: dnString(interDn) } }, tx);
      });
    },

    async authorities() {
      return (await dal.authorities()).map((a) => ({ id: a.id, zone: a.zone, kind: a.kind, subject: a.subject, serial: a.serial, notAfter: a.not_after, certificatePem: a.certificate, crlNumber: a.crl_number }));
    },

    /**
     * Issues a 双证书 pair: a signing certificate for the subject's signing key (given as a PEM public key, or generated
     * here and returned once) and an encryption certificate for a key pair the CA generates and escrows (sealed by the
     * root key). The encryption private key goes back SM2-encrypted to the signing public key when the caller holds the
     * signing key, or as PEM when both were generated here.
     */
    async issue(actor: Actor, input: IssueInput, opts: { zone: string; storeSigningKey?: boolean }) {
      const tenantId = actor.tenantId ?? input.tenantId ?? null;
      if (actor.tenantId && input.tenantId && input.tenantId !== actor.tenantId) throw new NotFoundError('no such tenant', { code: 'tenant.not_found' });
      let signingPub: string;
      let signingPriv: string | null = null;
      if (input.signingPublicKeyPem) {
        const k = sm2KeyFromPem(input.signingPublicKeyPem);
        signingPub = k.publicKey;
      } else {
        const p = generateSm2KeyPair();
        signingPub = p.publicKey;
        signingPriv = p.privateKey;
      }
      const enc = input.dual ? generateSm2KeyPair() : null;
      const issuer = await intermediate(opts.zone);
      const subject: DistinguishedName = { country: 'CN', organization: input.organization ?? org, organizationalUnit: input.organizationalUnit, commonName: input.commonName };
      const san = { dns: input.dnsNames, ip: input.ipAddresses, email: input.emails };
      const pairId = randomUUID();
      const rows = await db.transaction().execute(async (tx) => {
        const s = await issueOne(tx, issuer, { actor, tenantId, pairId, usage: 'signing', profile: input.profile, subject, san, publicKey: signingPub, days: input.validityDays, privateToStore: opts.storeSigningKey && signingPriv ? signingPriv : undefined });
        const e = enc ? await issueOne(tx, issuer, { actor, tenantId, pairId, usage: 'encryption', profile: input.profile, subject, san, publicKey: enc.publicKey, days: input.validityDays, privateToStore: enc.privateKey }) : null;
        await audit.record({ actor, action: 'certificate.issued', target: { type: 'certificate', id: s.id }, after: { subject: s.subject, serial: s.serial, encryptionSerial: e?.serial ?? null, profile: input.profile, notAfter: s.not_after.toISOString() }, tenantId }, tx);
        return { s, e };
      });
      const chainPem = issuer.certificate + (await dal.authority(opts.zone, 'root'))!.certificate;
      return {
        pairId,
        signing: certView(rows.s),
        encryption: rows.e ? certView(rows.e) : null,
        chainPem,
        signingPrivateKeyPem: signingPriv && !opts.storeSigningKey ? sm2PrivateKeyToPem(signingPriv) : null,
        encryptionPrivateKeyPem: enc && signingPriv ? sm2PrivateKeyToPem(enc.privateKey) : null,
        /** GM/T-style envelope: the encryption private key (32 bytes) SM2-encrypted (C1C3C2, base64) to the signing public key. */
        encryptionPrivateKeyEnvelope: enc && !signingPriv ? sm2Encrypt(signingPub, Buffer.from(enc.privateKey, 'hex')).toString('base64') : null,
      };
    },

    async list(actor: Actor, q: { status?: string; usage?: string; q?: string; offset: number; limit: number }) {
      const { rows, total } = await dal.list({ ...q, tenantId: actor.tenantId ?? undefined });
      return { items: rows.map(certView), total };
    },

    async get(actor: Actor, id: string) {
      const r = await dal.certificate(id);
      if (!r || (actor.tenantId && actor.tenantId !== r.tenant_id)) throw new NotFoundError('no such certificate', { code: 'ca.certificate_not_found' });
      return certView(r);
    },

    async revoke(actor: Actor, id: string, reason: RevocationReason) {
      const row = await db.transaction().execute(async (tx) => {
        const before = await dal.lockCertificate(id, tx);
        if (!before || (actor.tenantId && actor.tenantId !== before.tenant_id)) throw new NotFoundError('no such certificate', { code: 'ca.certificate_not_found' });
        if (before.status === 'revoked') throw new ConflictError('the certificate is already revoked', { code: 'ca.already_revoked' });
        const after = await dal.revoke(id, reason, now(), tx);
        const issuer = (await dal.authorityById(before.issuer_id, tx))!;
        const published = await publishCrl(issuer, tx);
        await audit.record({ actor, action: 'certificate.revoked', target: { type: 'certificate', id }, before: { status: 'valid' }, after: { status: 'revoked', reason, serial: before.serial, crlNumber: published.crl_number }, tenantId: before.tenant_id }, tx);
        return after;
      });
      return certView(row);
    },

    /** The zone's current CRL (PEM), published at each revocation. */
    async crl(zone: string): Promise<string> {
      let a = await intermediate(zone);
      if (!a.crl) a = await db.transaction().execute((tx) => publishCrl(a, tx));
      return a.crl!;
    },

    /** Adds another zone's root to the anchors this zone trusts (ferried bundles are signed under it). */
    async trustRoot(actor: Actor, pem: string, zone: string) {
      const cert = parseCertificate(pem);
      if (!cert.isCa || !signatureValid(cert, cert.publicKey)) throw new InputError('not a self-signed SM2 CA certificate', { code: 'ca.not_a_root' });
      const fingerprint = sm3Hex(cert.der);
      await db.transaction().execute(async (tx) => {
        await dal.insertTrustedRoot({ fingerprint, zone, certificate: pem }, tx);
        await audit.record({ actor, action: 'ca.root_trusted', target: { type: 'certificate_authority', id: fingerprint }, after: { zone, subject: cert.subject } }, tx);
      });
      return { fingerprint, subject: cert.subject };
    },

    /**
     * Verifies a chain (leaf first, as a PEM bundle or a list) up to a trusted root: SM2-with-SM3 signatures with the
     * standard ID, validity at `at`, CA flags on issuers, and revocation of anything this database issued.
     */
    async verifyChain(pems: string[] | string, at = now()): Promise<ChainResult> {
      const list = typeof pems === 'string' ? splitPemBundle(pems) : pems.flatMap(splitPemBundle);
      const chain: ChainResult['chain'] = [];
      const fail = (reason: string): ChainResult => ({ valid: false, reason, chain });
      if (list.length === 0) return fail('no certificate given');
      let certs;
      try {
        certs = list.map((p) => parseCertificate(p));
      } catch (e) {
        return fail(`not a certificate: ${(e as Error).message}`);
      }
      const anchors = await trustAnchors();
      for (const root of anchors.values()) certs.push(parseCertificate(root));
      let current = certs[0]!;
      for (let depth = 0; depth < 6; depth++) {
        chain.push({ subject: current.subject, serial: current.serial, notAfter: current.notAfter });
        if (at < current.notBefore || at > current.notAfter) return fail(`${current.subject} is not valid at ${at.toISOString()}`);
        const own = await dal.certificateBySerial(current.serial);
        if (own?.status === 'revoked') return fail(`${current.subject} (serial ${current.serial}) is revoked (${own.revocation_reason})`);
        const issuer = certs.find((c) => c.subject === current.issuer && c.isCa && signatureValid(current, c.publicKey));
        if (!issuer) return fail(`no trusted issuer signed ${current.subject} (issuer ${current.issuer})`);
        if (issuer.serial === current.serial && issuer.subject === current.subject) {
          return anchors.has(sm3Hex(current.der)) ? { valid: true, reason: null, chain } : fail(`${current.subject} is a self-signed root that this zone does not trust`);
        }
        if (anchors.has(sm3Hex(issuer.der))) {
          chain.push({ subject: issuer.subject, serial: issuer.serial, notAfter: issuer.notAfter });
          return { valid: true, reason: null, chain };
        }
        current = issuer;
      }
      return fail('the chain is too long');
    },

    /**
     * A service identity of the zone (the ferry agent, the signing service): an SM2 key pair and certificate issued by
     * the zone's intermediate, its private key sealed in the database. Created on first use.
     */
    async serviceIdentity(actor: Actor, zone: string, name: string): Promise<{ certificateId: string; privateKey: string; publicKey: string; certificatePem: string; chainPem: string }> {
      let link = await dal.serviceIdentity(zone, name);
      let row = link ? await dal.certificate(link.certificate_id) : undefined;
      if (!row || row.status !== 'valid' || row.not_after < now()) {
        const issued = await service.issue(actor, { profile: 'service', commonName: `${name}.${zone}.yiyun`, organizationalUnit: zone, dnsNames: [`${name}.${zone}.yiyun`], validityDays: 825, dual: false }, { zone, storeSigningKey: true });
        await dal.insertServiceIdentity({ zone, name, certificate_id: issued.signing.id });
        link = await dal.serviceIdentity(zone, name);
        row = (await dal.certificate(link!.certificate_id))!;
      }
      const inter = await intermediate(zone);
      const root = (await dal.authority(zone, 'root'))!;
      return {
        certificateId: row.id,
        privateKey: keyring.open(row.sealed_private!, sealAad(`cert:${row.id}`)).toString('hex'),
        publicKey: row.public_key,
        certificatePem: row.certificate,
        chainPem: row.certificate + inter.certificate + root.certificate,
      };
    },

    /**
     * A service identity for a key pair the caller already holds (the audit signer's key file): the zone's intermediate
     * certifies that public key, so signatures made with it before the certificate existed verify under it too. The
     * private key never reaches the CA. Re-issued when revoked, expired or the key changed.
     */
    async certifyKey(actor: Actor, zone: string, name: string, publicKeyHex: string): Promise<{ certificateId: string; publicKey: string; certificatePem: string; chainPem: string }> {
      const link = await dal.serviceIdentity(zone, name);
      let row = link ? await dal.certificate(link.certificate_id) : undefined;
      if (!row || row.status !== 'valid' || row.not_after < now() || row.public_key !== publicKeyHex) {
        const issued = await service.issue(actor, { profile: 'service', commonName: `${name}.${zone}.yiyun`, organizationalUnit: zone, dnsNames: [`${name}.${zone}.yiyun`], validityDays: 825, dual: false, signingPublicKeyPem: sm2PublicKeyToPem(publicKeyHex) }, { zone });
        await dal.insertServiceIdentity({ zone, name, certificate_id: issued.signing.id });
        row = (await dal.certificate(issued.signing.id))!;
      }
      const inter = await intermediate(zone);
      const root = (await dal.authority(zone, 'root'))!;
      return { certificateId: row.id, publicKey: row.public_key, certificatePem: row.certificate, chainPem: row.certificate + inter.certificate + root.certificate };
    },

    counts: () => dal.counts(),
    serviceIdentities: () => dal.serviceIdentities(),
  };
  return service;
}

export type CaService = ReturnType<typeof createCaService>;
