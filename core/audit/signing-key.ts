import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createSm2Signer, createSm2Verifier, generateSm2KeyPair, sm2Verify, sm3Hex } from '../crypto';
import type { CheckpointSigner } from './audit-types';

const keyFileSchema = z.object({
  keyId: z.string().min(1),
  algorithm: z.literal('SM2'),
  privateKey: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
  createdAt: z.string(),
});

/** A signer over an SM2 key pair held in memory. */
export function signerFromKeyPair(keyId: string, privateKeyHex: string, publicKeyHex: string): CheckpointSigner {
  // Signer and verifier objects cache the derived key state: checkpoints and pack manifests sign with one key.
  const signer = createSm2Signer(privateKeyHex);
  const verifier = createSm2Verifier(publicKeyHex);
  return {
    keyId,
    publicKeyHex,
    sign: (data) => signer.sign(data),
    verify: (data, signature, pub = publicKeyHex) => (pub === publicKeyHex ? verifier.verify(data, signature) : sm2Verify(pub, data, signature)),
  };
}

/**
 * The zone's audit signing key, kept in a file readable by its owner only (never in the database, so a
 * database administrator cannot re-sign a rewritten trail). Created on first start.
 */
export function loadOrCreateSigningKey(dataDir: string, name = 'audit-signing'): CheckpointSigner {
  const file = signingKeyPath(dataDir, name);
  const dir = path.dirname(file);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = generateSm2KeyPair();
    const body = {
      keyId: `${name}-${sm3Hex(pair.publicKey).slice(0, 16)}`,
      algorithm: 'SM2' as const,
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return readKeyFile(file);
}

/** The path of a zone's key file in the data dir. */
export function signingKeyPath(dataDir: string, name = 'audit-signing'): string {
  return path.join(path.resolve(dataDir, 'keys'), `${name}.json`);
}

/** The existing signing key, or null when there is none: for readers (verification) that must never create one. */
export function loadSigningKey(dataDir: string, name = 'audit-signing'): CheckpointSigner | null {
  const file = signingKeyPath(dataDir, name);
  return existsSync(file) ? readKeyFile(file) : null;
}

function readKeyFile(file: string): CheckpointSigner {
  const parsed = keyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a valid yiyun SM2 key file`);
  return signerFromKeyPair(parsed.data.keyId, parsed.data.privateKey, parsed.data.publicKey);
}
