import { InputError } from '../errors';
import { bigIntToBytes, bytesToBigInt, toBuffer } from './bytes';
import {
  DerError,
  encodeElement,
  encodeInteger,
  integerValue,
  readChildren,
  readOnly,
  TAG_BIT_STRING,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  type DerElement,
} from './der';
import { normaliseSm2PublicKey, parsePrivateKey, sm2PublicKeyFromPrivate } from './sm2-keys';

// SM2 keys in the standard containers, shaped exactly as OpenSSL 3 writes them:
//   private: PKCS#8 { 0, { id-ecPublicKey, sm2 }, OCTET STRING(SEC1 ECPrivateKey { 1, d, [1] publicKey }) }
//   public:  SubjectPublicKeyInfo { { id-ecPublicKey, sm2 }, BIT STRING(04 ‖ x ‖ y) }
// Parsed ourselves rather than through node:crypto KeyObjects, which mishandle SM2 (see TOOLCHAIN.md).

const OID_EC_PUBLIC_KEY = Buffer.from('2a8648ce3d0201', 'hex'); // 1.2.840.10045.2.1
const OID_SM2 = Buffer.from('2a811ccf5501822d', 'hex'); // 1.2.156.10197.1.301
const TAG_CONTEXT_0 = 0xa0;
const TAG_CONTEXT_1 = 0xa1;

/** A key read from PEM/DER: a private key (with its public key) or a public key alone, as hex. */
export type Sm2ParsedKey =
  | { type: 'private'; privateKey: string; publicKey: string }
  | { type: 'public'; publicKey: string };

/** The DER container of an SM2 key. */
export type Sm2KeyDerFormat = 'pkcs8' | 'spki' | 'sec1';

function badKey(message: string, cause?: unknown): InputError {
  return new InputError(message, { code: 'crypto.invalid_key', cause });
}

const algorithmIdentifier = () =>
  encodeElement(TAG_SEQUENCE, encodeElement(TAG_OID, OID_EC_PUBLIC_KEY), encodeElement(TAG_OID, OID_SM2));

const publicBitString = (publicKey: string) =>
  encodeElement(TAG_BIT_STRING, Buffer.from([0]), Buffer.from(normaliseSm2PublicKey(publicKey), 'hex'));

/** SubjectPublicKeyInfo DER of a public key (hex) — the form certificates embed. */
export function sm2PublicKeyToDer(publicKey: string): Buffer {
  return encodeElement(TAG_SEQUENCE, algorithmIdentifier(), publicBitString(publicKey));
}

/** Unencrypted PKCS#8 DER of a private key (hex), with its public key included as OpenSSL does. */
export function sm2PrivateKeyToDer(privateKey: string): Buffer {
  const d = parsePrivateKey(privateKey);
  const ecPrivateKey = encodeElement(
    TAG_SEQUENCE,
    encodeInteger(1n),
    encodeElement(TAG_OCTET_STRING, bigIntToBytes(d)),
    encodeElement(TAG_CONTEXT_1, publicBitString(sm2PublicKeyFromPrivate(privateKey))),
  );
  return encodeElement(TAG_SEQUENCE, encodeInteger(0n), algorithmIdentifier(), encodeElement(TAG_OCTET_STRING, ecPrivateKey));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** SPKI PEM ('PUBLIC KEY') of a public key (hex), as `openssl pkey -pubout` writes it. */
export function sm2PublicKeyToPem(publicKey: string): string {
  return toPem('PUBLIC KEY', sm2PublicKeyToDer(publicKey));
}

/** Unencrypted PKCS#8 PEM ('PRIVATE KEY') of a private key (hex), as `openssl genpkey -algorithm SM2` writes it. */
export function sm2PrivateKeyToPem(privateKey: string): string {
  return toPem('PRIVATE KEY', sm2PrivateKeyToDer(privateKey));
}

function requireSm2Algorithm(alg: DerElement): void {
  const [oid, param] = readChildren(alg.content);
  const isEc = oid?.tag === TAG_OID && oid.content.equals(OID_EC_PUBLIC_KEY) && param?.tag === TAG_OID;
  // Some Chinese toolkits put the sm2 OID itself in the algorithm field.
  const isSm2 = oid?.tag === TAG_OID && oid.content.equals(OID_SM2);
  if (!(isEc && param.content.equals(OID_SM2)) && !isSm2) throw badKey('not an SM2 key (another curve or algorithm)');
}

function publicFromBitString(el: DerElement): string {
  if (el.tag !== TAG_BIT_STRING || el.content[0] !== 0) throw new DerError('bad public key BIT STRING');
  return normaliseSm2PublicKey(el.content.subarray(1).toString('hex'));
}

// ECPrivateKey (RFC 5915): { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }.
function fromEcPrivateKey(content: Buffer, curveKnown: boolean): Sm2ParsedKey {
  const [version, secret, ...optional] = readChildren(content);
  if (!version || integerValue(version) !== 1n || secret?.tag !== TAG_OCTET_STRING || secret.content.length > 32) {
    throw new DerError('bad ECPrivateKey');
  }
  const privateKey = bigIntToBytes(bytesToBigInt(secret.content)).toString('hex');
  const publicKey = sm2PublicKeyFromPrivate(privateKey);
  let sawCurve = curveKnown;
  for (const el of optional) {
    if (el.tag === TAG_CONTEXT_0) {
      const oid = readOnly(el.content, TAG_OID);
      if (!oid.content.equals(OID_SM2)) throw badKey('not an SM2 key (another curve)');
      sawCurve = true;
    } else if (el.tag === TAG_CONTEXT_1) {
      if (publicFromBitString(readOnly(el.content, TAG_BIT_STRING)) !== publicKey) {
        throw badKey('the public key stored with the private key does not belong to it');
      }
    }
  }
  // A bare SEC1 key without its curve could be P-256 or anything else: refuse to guess.
  if (!sawCurve) throw badKey('the key does not name its curve');
  return { type: 'private', privateKey, publicKey };
}

/** Reads an SM2 key from DER: PKCS#8 or SEC1 private key, or SubjectPublicKeyInfo. */
export function sm2KeyFromDer(der: Uint8Array, format: Sm2KeyDerFormat): Sm2ParsedKey {
  try {
    const top = readOnly(toBuffer(der), TAG_SEQUENCE);
    if (format === 'sec1') return fromEcPrivateKey(top.content, false);
    const fields = readChildren(top.content);
    if (format === 'spki') {
      const [alg, bits] = fields;
      if (fields.length !== 2 || alg?.tag !== TAG_SEQUENCE || !bits) throw new DerError('bad SubjectPublicKeyInfo');
      requireSm2Algorithm(alg);
      return { type: 'public', publicKey: publicFromBitString(bits) };
    }
    const [version, alg, octets] = fields;
    if (!version || integerValue(version) > 1n || alg?.tag !== TAG_SEQUENCE || octets?.tag !== TAG_OCTET_STRING) {
      throw new DerError('bad PKCS#8 PrivateKeyInfo');
    }
    requireSm2Algorithm(alg);
    return fromEcPrivateKey(readOnly(octets.content, TAG_SEQUENCE).content, true);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw badKey(`not a valid SM2 ${format} key`, e);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----/g;

/**
 * Reads an SM2 key from PEM: 'PRIVATE KEY' (PKCS#8), 'EC PRIVATE KEY' / 'SM2 PRIVATE KEY' (SEC1, as `openssl ec`
 * writes) or 'PUBLIC KEY' (SPKI). A leading parameters block (`openssl ecparam -genkey`) is skipped. Encrypted
 * keys are refused: decrypt them with openssl first.
 */
export function sm2KeyFromPem(pem: string): Sm2ParsedKey {
  for (const [, label, body] of pem.matchAll(PEM_BLOCK)) {
    const der = Buffer.from(body!.replace(/\s+/g, ''), 'base64');
    switch (label) {
      case 'EC PARAMETERS':
      case 'SM2 PARAMETERS':
        continue;
      case 'PRIVATE KEY':
        return sm2KeyFromDer(der, 'pkcs8');
      case 'EC PRIVATE KEY':
      case 'SM2 PRIVATE KEY':
        return sm2KeyFromDer(der, 'sec1');
      case 'PUBLIC KEY':
        return sm2KeyFromDer(der, 'spki');
      case 'ENCRYPTED PRIVATE KEY':
        throw badKey('encrypted private keys are not supported here; decrypt it first (openssl pkey)');
      default:
        throw badKey(`unsupported PEM type '${label}'`);
    }
  }
  throw badKey('no PEM key block found');
}
