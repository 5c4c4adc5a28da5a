import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateEvidencePack, verifyEvidencePack, type ComplianceService, type EvidencePackDeps } from '../../compliance';
import { systemActor } from '../../core/authz';
import { loadOrCreateSigningKey } from '../../core/audit';
import type { Settings } from '../../core/config';
import { createLogger } from '../../core/log';
import { verifyingSigner } from '../server/audit-signer';
import { buildContext, openConfiguredDatabase } from '../server/context';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** `yiyun evidence --out DIR [--zip]`: runs every check unless a recent run exists, then writes the signed pack. Progress goes to stderr. */
export async function evidenceCommand(settings: Settings, opts: { out: string; zip: boolean }, io: Io): Promise<number> {
  const ctx = await buildContext(settings, createLogger({ level: 'warn' }));
  try {
    const room = ctx.rooms.get('compliance')!.exports as { service: ComplianceService; pack: Omit<EvidencePackDeps, 'compliance'> };
    const actor = systemActor('evidence');
    // Same rule as the console's export: the latest run if it started within YIYUN_COMPLIANCE_EXPORT_MAX_AGE, else a fresh run.
    const fresh = await room.service.ensureFresh(actor, settings.YIYUN_COMPLIANCE_EXPORT_MAX_AGE, (p) => io.stderr.write(`\r  checks ${p.done}/${p.total}`));
    io.stderr.write(fresh.ran ? '\n' : `using the check run of ${fresh.startedAt.toISOString()} (within YIYUN_COMPLIANCE_EXPORT_MAX_AGE)\n`);
    const outDir = path.resolve(opts.out);
    const result = await generateEvidencePack(
      { compliance: room.service, ...room.pack },
      { outDir, zip: opts.zip, onProgress: (p) => io.stderr.write(`\r  ${p.phase} ${p.done}/${p.total} ${p.message.slice(0, 60).padEnd(60)}`) },
    );
    io.stderr.write('\n');
    await room.service.recordExport(actor, { files: result.files, manifestSm3: result.manifestSm3, outDir });
    io.stdout.write(
      `evidence pack written to ${result.outDir}${result.zipPath ? ` and ${result.zipPath}` : ''}: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB, ` +
        `等保 score ${result.dengbaoScore.toFixed(2)}, 密评 score ${result.mipingScore.toFixed(2)}, ${(result.durationMs / 1000).toFixed(1)} s\n` +
        `manifest SM3 ${result.manifestSm3}\n`,
    );
    return 0;
  } finally {
    await ctx.close();
  }
}

/** `yiyun evidence verify DIR`: 0 when every file matches the SM2-signed manifest, 3 otherwise. */
export async function evidenceVerifyCommand(settings: Settings, dir: string, opts: { publicKey?: string }, io: Io): Promise<number> {
  // An assessor off-site passes the zone's public key; on the zone itself the local key file is the trust anchor.
  const localKey = path.resolve(settings.YIYUN_DATA_DIR, 'keys', 'audit-signing.json');
  const trusted = opts.publicKey ?? (existsSync(localKey) ? loadOrCreateSigningKey(settings.YIYUN_DATA_DIR).publicKeyHex : undefined);
  // On the zone (a key file or DATABASE_URL), the envelope's certificate chain is checked against the zone CA's roots.
  const database = existsSync(localKey) || settings.DATABASE_URL ? await openConfiguredDatabase(settings) : null;
  try {
    const verifier = database ? verifyingSigner(database.db, loadOrCreateSigningKey(settings.YIYUN_DATA_DIR), settings.YIYUN_ZONE).verifyEnvelope : undefined;
    if (!trusted && !verifier) io.stderr.write('warning: no trusted public key (--public-key or a local key file): checking integrity against the key inside the pack only\n');
    const r = await verifyEvidencePack(path.resolve(dir), {
      trustedPublicKeyHex: trusted,
      verifyEnvelope: verifier
        ? (data, env) => verifier(data, env).catch((e: unknown) => ({ valid: false, reason: `the certificate chain cannot be checked here (${(e as Error).message})`, signer: null, publicKey: null }))
        : undefined,
    });
    if (r.ok) {
      const cert = typeof r.certificate === 'object' ? `; signer ${r.certificate.subject}, chain ${r.certificate.chain.join(' → ')} verified to the zone root` : r.certificate === 'unchecked' ? '; its certificate chain was not checked (no zone database here)' : '';
      io.stdout.write(`evidence pack verified: ${r.files} files match the SM2-signed manifest${cert}\n`);
      return 0;
    }
    io.stderr.write(`evidence pack FAILED verification:\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 3;
  } finally {
    await database?.close();
  }
}
