import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as X from '@peculiar/asn1-x509';
import { randomBytes, sm2KeyFromDer, sm2PublicKeyToDer, sm2Sign, sm2Verify, sm3 } from '../../../core/crypto';

// SM2-with-SM3 (OID 1.2.156.10197.1.501) certificates and CRLs, built with the ASN.1 classes of @peculiar/asn1-x509
// and signed with core/crypto's SM2 (standard user ID 1234567812345678, as `openssl verify -vfyopt distid:…` expects).

export const OID_SM2_WITH_SM3 = '1.2.156.10197.1.501';
const OID = { cn: '2.5.4.3', o: '2.5.4.10', ou: '2.5.4.11', c: '2.5.4.6', l: '2.5.4.7' };
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', codeSigning: '1.3.6.1.5.5.7.3.3', emailProtection: '1.3.6.1.5.5.7.3.4' };

export type DistinguishedName = { commonName: string; organization?: string; organizationalUnit?: string; country?: string; locality?: string };
export type SubjectAltNames = { dns?: string[]; ip?: string[]; email?: string[] };
export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';

export type CertificateSpec = {
  subject: DistinguishedName;
  /** 04‖x‖y hex. */
  publicKey: string;
  issuer: DistinguishedName;
  issuerPrivateKey: string;
  /** The issuer's public key (for the authority key identifier); the subject's own for a self-signed root. */
  issuerPublicKey: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  ca?: { pathLength?: number };
  keyUsage: KeyUsageName[];
  extendedKeyUsage?: Array<keyof typeof EKU>;
  san?: SubjectAltNames;
  crlUrl?: string;
};

const sigAlg = () => new X.AlgorithmIdentifier({ algorithm: OID_SM2_WITH_SM3 });

/** A positive random serial (16 bytes, top bit clear, non-zero first byte) as hex. */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/** The DN as an X.501 Name (UTF8String, PrintableString for the country). */
export function toName(dn: DistinguishedName): X.Name {
  const rdn = (type: string, value: string, printable = false) =>
    new X.RelativeDistinguishedName([new X.AttributeTypeAndValue({ type, value: new X.AttributeValue(printable ? { printableString: value } : { utf8String: value }) })]);
  const out: X.RelativeDistinguishedName[] = [];
  if (dn.country) out.push(rdn(OID.c, dn.country, true));
  if (dn.locality) out.push(rdn(OID.l, dn.locality));
  if (dn.organization) out.push(rdn(OID.o, dn.organization));
  if (dn.organizationalUnit) out.push(rdn(OID.ou, dn.organizationalUnit));
  out.push(rdn(OID.cn, dn.commonName));
  return new X.Name(out);
}

/** "C=CN, O=…, CN=…" for display and storage. */
export function dnString(dn: DistinguishedName): string {
  return [dn.country && `C=${dn.country}`, dn.locality && `L=${dn.locality}`, dn.organization && `O=${dn.organization}`, dn.organizationalUnit && `OU=${dn.organizationalUnit}`, `CN=${dn.commonName}`].filter(Boolean).join(', ');
}

/** Key identifier: the first 20 bytes of SM3 over the public key bits (RFC 7093 method 1, with SM3). */
export function keyIdentifier(publicKey: string): Buffer {
  return sm3(Buffer.from(publicKey, 'hex')).subarray(0, 20);
}

const ext = (extnID: string, critical: boolean, value: unknown) => new X.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

function ipBytes(ip: string): ArrayBuffer {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string?];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
    return new Uint8Array(b).buffer;
  }
  return new Uint8Array(ip.split('.').map(Number)).buffer;
}

function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with `label`. */
export function fromPem(pem: string, label = 'CERTIFICATE'): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!m) throw new Error(`no ${label} PEM block`);
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/** Every certificate PEM block of a bundle, in order. */
export function splitPemBundle(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\n?/g)?.map((p) => (p.endsWith('\n') ? p : `${p}\n`)) ?? [];
}

function signed(tbsDer: ArrayBuffer, privateKey: string): ArrayBuffer {
  return new Uint8Array(sm2Sign(privateKey, Buffer.from(tbsDer))).buffer;
}

/** Builds and signs an SM2-with-SM3 X.509 v3 certificate; returns PEM. */
export function buildCertificate(spec: CertificateSpec): string {
  const usage = spec.keyUsage.reduce((acc, k) => acc | X.KeyUsageFlags[k], 0);
  const extensions: X.Extension[] = [
    ext(X.id_ce_basicConstraints, true, new X.BasicConstraints(spec.ca ? { cA: true, pathLenConstraint: spec.ca.pathLength } : { cA: false })),
    ext(X.id_ce_keyUsage, true, new X.KeyUsage(usage)),
    ext(X.id_ce_subjectKeyIdentifier, false, new X.SubjectKeyIdentifier(new Uint8Array(keyIdentifier(spec.publicKey)).buffer)),
    ext(X.id_ce_authorityKeyIdentifier, false, new X.AuthorityKeyIdentifier({ keyIdentifier: new X.KeyIdentifier(new Uint8Array(keyIdentifier(spec.issuerPublicKey)).buffer) })),
  ];
  if (spec.extendedKeyUsage?.length) extensions.push(ext(X.id_ce_extKeyUsage, false, new X.ExtendedKeyUsage(spec.extendedKeyUsage.map((k) => EKU[k]))));
  const names: X.GeneralName[] = [
    ...(spec.san?.dns ?? []).map((d) => new X.GeneralName({ dNSName: d })),
    ...(spec.san?.ip ?? []).map((ip) => new X.GeneralName({ iPAddress: ipBytesString(ip) })),
    ...(spec.san?.email ?? []).map((e) => new X.GeneralName({ rfc822Name: e })),
  ];
  if (names.length) extensions.push(ext(X.id_ce_subjectAltName, false, new X.SubjectAlternativeName(names)));
  if (spec.crlUrl) {
    extensions.push(ext(X.id_ce_cRLDistributionPoints, false, new X.CRLDistributionPoints([new X.DistributionPoint({ distributionPoint: new X.DistributionPointName({ fullName: [new X.GeneralName({ uniformResourceIdentifier: spec.crlUrl })] }) })])));
  }
  const tbs = new X.TBSCertificate({
    version: X.Version.v3,
    serialNumber: new Uint8Array(Buffer.from(spec.serial, 'hex')).buffer,
    signature: sigAlg(),
    issuer: toName(spec.issuer),
    validity: new X.Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: toName(spec.subject),
    subjectPublicKeyInfo: AsnConvert.parse(sm2PublicKeyToDer(spec.publicKey), X.SubjectPublicKeyInfo),
    extensions: new X.Extensions(extensions),
  });
  const tbsDer = AsnConvert.serialize(tbs);
  const cert = new X.Certificate({ tbsCertificate: tbs, signatureAlgorithm: sigAlg(), signatureValue: signed(tbsDer, spec.issuerPrivateKey) });
  return toPem('CERTIFICATE', new Uint8Array(AsnConvert.serialize(cert)));
}

// asn1-x509's GeneralName takes an IP as its textual form and converts it itself.
function ipBytesString(ip: string): string {
  ipBytes(ip); // validates the shape early
  return ip;
}

/** Builds and signs a v2 CRL with a CRL number; returns PEM. */
export function buildCrl(spec: { issuer: DistinguishedName; issuerPrivateKey: string; issuerPublicKey: string; crlNumber: number; thisUpdate: Date; nextUpdate: Date; revoked: Array<{ serial: string; revokedAt: Date; reason?: number }> }): string {
  const tbs = new X.TBSCertList({
    version: X.Version.v2,
    signature: sigAlg(),
    issuer: toName(spec.issuer),
    thisUpdate: new X.Time(spec.thisUpdate),
    nextUpdate: new X.Time(spec.nextUpdate),
    revokedCertificates: spec.revoked.length
      ? spec.revoked.map(
          (r) =>
            new X.RevokedCertificate({
              userCertificate: new Uint8Array(Buffer.from(r.serial, 'hex')).buffer,
              revocationDate: new X.Time(r.revokedAt),
              crlEntryExtensions: r.reason !== undefined ? [ext(X.id_ce_cRLReasons, false, new X.CRLReason(r.reason))] : undefined,
            }),
        )
      : undefined,
    crlExtensions: [
      ext(X.id_ce_authorityKeyIdentifier, false, new X.AuthorityKeyIdentifier({ keyIdentifier: new X.KeyIdentifier(new Uint8Array(keyIdentifier(spec.issuerPublicKey)).buffer) })),
      ext(X.id_ce_cRLNumber, false, new X.CRLNumber(spec.crlNumber)),
    ],
  });
  const tbsDer = AsnConvert.serialize(tbs);
  const crl = new X.CertificateList({ tbsCertList: tbs, signatureAlgorithm: sigAlg(), signature: signed(tbsDer, spec.issuerPrivateKey) });
  return toPem('X509 CRL', new Uint8Array(AsnConvert.serialize(crl)));
}

/** What we read back from a certificate. */
export type ParsedCertificate = {
  der: Buffer;
  tbsDer: Buffer;
  signature: Buffer;
  signatureAlgorithm: string;
  serial: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: string;
  isCa: boolean;
  keyUsage: number | null;
};

// The exact bytes of the first element inside a DER SEQUENCE (the signed TBS part), without re-encoding it.
function firstChild(der: Buffer): Buffer {
  const lenAt = (off: number): [number, number] => {
    const l = der[off]!;
    if (l < 0x80) return [l, off + 1];
    const n = l & 0x7f;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + der[off + 1 + i]!;
    return [v, off + 1 + n];
  };
  const [, outerStart] = lenAt(1);
  const [innerLen, innerStart] = lenAt(outerStart + 1);
  return der.subarray(outerStart, innerStart + innerLen);
}

function nameString(name: X.Name): string {
  const short: Record<string, string> = { [OID.c]: 'C', [OID.l]: 'L', [OID.o]: 'O', [OID.ou]: 'OU', [OID.cn]: 'CN' };
  return name.map((rdn) => rdn.map((a) => `${short[a.type] ?? a.type}=${a.value.toString()}`).join('+')).join(', ');
}

/** Parses a PEM or DER certificate. */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  const der = typeof input === 'string' ? fromPem(input) : Buffer.from(input);
  const cert = AsnConvert.parse(der, X.Certificate);
  const tbs = cert.tbsCertificate;
  const spki = Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo));
  const parsedKey = sm2KeyFromDer(spki, 'spki');
  let isCa = false;
  let keyUsage: number | null = null;
  for (const e of tbs.extensions ?? []) {
    if (e.extnID === X.id_ce_basicConstraints) isCa = AsnConvert.parse(e.extnValue, X.BasicConstraints).cA;
    if (e.extnID === X.id_ce_keyUsage) keyUsage = AsnConvert.parse(e.extnValue, X.KeyUsage).toNumber();
  }
  return {
    der,
    tbsDer: firstChild(der),
    signature: Buffer.from(cert.signatureValue),
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    serial: Buffer.from(tbs.serialNumber).toString('hex'),
    subject: nameString(tbs.subject),
    issuer: nameString(tbs.issuer),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    publicKey: parsedKey.publicKey,
    isCa,
    keyUsage,
  };
}

/** True when `cert` carries a valid SM2-with-SM3 signature by `issuerPublicKey`. */
export function signatureValid(cert: ParsedCertificate, issuerPublicKey: string): boolean {
  return cert.signatureAlgorithm === OID_SM2_WITH_SM3 && sm2Verify(issuerPublicKey, cert.tbsDer, cert.signature);
}

export { toPem };

/** The signed part and the signature of a CRL (to check it with another implementation). */
export function crlParts(pem: string): { tbsDer: Buffer; signature: Buffer } {
  const der = fromPem(pem, 'X509 CRL');
  return { tbsDer: firstChild(der), signature: Buffer.from(AsnConvert.parse(der, X.CertificateList).signature) };
}
