import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EnvelopeCheck } from '../../core/audit';
import { sm2Verify, sm3Hex } from '../../core/crypto';

/**
 * Signs the manifest; the audit signer (the signing service under the zone CA's "audit-signer" certificate) fits.
 * With `envelope`, the pack also carries the detached yiyun-sig/1 envelope with the certificate chain.
 */
export type PackSigner = { keyId: string; publicKeyHex: string; sign(data: Buffer): Buffer; envelope?: (data: Buffer, label: string) => Record<string, unknown> };

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
/** The signing service's detached envelope over manifest.json (docs/crypto.md, yiyun-sig/1). */
export const ENVELOPE_FILE = 'manifest.sig.json';
export const MANIFEST_FORMAT = 'yiyun-evidence-pack/1';

export type ManifestEntry = { path: string; size: number; sha256: string; sm3: string };

export type Manifest = {
  format: typeof MANIFEST_FORMAT;
  generatedAt: string;
  product: { name: string; version: string };
  scores: { dengbao: number; dengbaoGrade: string; miping: number };
  signer: { keyId: string; publicKey: string; algorithm: 'SM2-with-SM3'; userId: '1234567812345678' };
  files: ManifestEntry[];
};

/**
 * SHA-256 and SM3 of a file. Whole-buffer: pack files are bounded (evidence files ≤ 32 MiB each), and SM3 goes
 * through core/crypto only.
 */
export async function digestFile(abs: string): Promise<{ size: number; sha256: string; sm3: string }> {
  const b = await readFile(abs);
  return { size: b.length, sha256: createHash('sha256').update(b).digest('hex'), sm3: sm3Hex(b) };
}

/** Every file under dir, as POSIX relative paths, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(r);
      else out.push(r); // symlinks and the like are listed so verification can refuse them
    }
  }
  await walk('');
  return out.sort();
}

/** The bytes that are signed: the manifest file exactly as written. */
export function manifestBytes(m: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`, 'utf8');
}

export type VerifyResult = {
  ok: boolean;
  problems: string[];
  files: number;
  manifest?: Manifest;
  /** The signer certificate and its chain when the envelope was checked; `unchecked` when there was no verifier. */
  certificate?: { subject: string | null; chain: string[] } | 'unchecked' | 'absent';
};

/**
 * Checks a pack directory: the SM2 signature over manifest.json (with the key in it, or a trusted one), every
 * listed file's size, SHA-256 and SM3, and that no file was added or removed.
 */
export async function verifyEvidencePack(
  dir: string,
  opts: { trustedPublicKeyHex?: string; verifyEnvelope?: (data: Buffer, envelope: unknown) => Promise<EnvelopeCheck & { chain?: string[] }> } = {},
): Promise<VerifyResult> {
  const problems: string[] = [];
  let raw: Buffer;
  try {
    raw = await readFile(path.join(dir, MANIFEST_FILE));
  } catch {
    return { ok: false, problems: [`${MANIFEST_FILE} is missing`], files: 0 };
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(raw.toString('utf8')) as Manifest;
  } catch {
    return { ok: false, problems: [`${MANIFEST_FILE} is not valid JSON`], files: 0 };
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files) || !manifest.signer?.publicKey) {
    return { ok: false, problems: [`${MANIFEST_FILE} is not a ${MANIFEST_FORMAT} manifest`], files: 0 };
  }
  // A valid envelope makes the manifest's key trusted through its certificate chain to the zone root.
  let certificate: VerifyResult['certificate'] = 'absent';
  let envelope: unknown = null;
  try {
    envelope = JSON.parse(await readFile(path.join(dir, ENVELOPE_FILE), 'utf8'));
  } catch {
    envelope = null;
  }
  let certified = false;
  if (envelope !== null && opts.verifyEnvelope) {
    const check = await opts.verifyEnvelope(raw, envelope);
    certificate = { subject: check.signer, chain: check.chain ?? [] };
    if (!check.valid) problems.push(`${ENVELOPE_FILE} does not verify: ${check.reason}`);
    else if (check.publicKey !== manifest.signer.publicKey) problems.push(`${ENVELOPE_FILE} is signed by another key than the manifest names`);
    else certified = true;
  } else if (envelope !== null) certificate = 'unchecked';
  const key = certified ? manifest.signer.publicKey : (opts.trustedPublicKeyHex ?? manifest.signer.publicKey);
  if (!certified && opts.trustedPublicKeyHex && opts.trustedPublicKeyHex !== manifest.signer.publicKey) {
    problems.push(`the manifest names signing key ${manifest.signer.keyId}, which is not the trusted key`);
  }
  let sig: Buffer | null = null;
  try {
    sig = Buffer.from((await readFile(path.join(dir, SIGNATURE_FILE), 'utf8')).trim(), 'base64');
  } catch {
    problems.push(`${SIGNATURE_FILE} is missing`);
  }
  if (sig) {
    let good = false;
    try {
      good = sm2Verify(key, raw, sig);
    } catch {
      good = false;
    }
    if (!good) problems.push(`the SM2 signature over ${MANIFEST_FILE} does not verify`);
  }
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    if (f.path.includes('..') || path.isAbsolute(f.path)) {
      problems.push(`${f.path}: path escapes the pack`);
      continue;
    }
    const abs = path.join(dir, f.path);
    let d: { size: number; sha256: string; sm3: string };
    try {
      d = await digestFile(abs);
    } catch {
      problems.push(`${f.path}: listed in the manifest but missing`);
      continue;
    }
    if (d.size !== f.size) problems.push(`${f.path}: size ${d.size} differs from the manifest's ${f.size}`);
    if (d.sha256 !== f.sha256) problems.push(`${f.path}: SHA-256 differs from the manifest`);
    if (d.sm3 !== f.sm3) problems.push(`${f.path}: SM3 differs from the manifest`);
  }
  for (const p of await listFiles(dir)) {
    if (p === MANIFEST_FILE || p === SIGNATURE_FILE || p === ENVELOPE_FILE) continue;
    if (!listed.has(p)) problems.push(`${p}: present but not listed in the manifest`);
  }
  return { ok: problems.length === 0, problems, files: manifest.files.length, manifest, certificate };
}
