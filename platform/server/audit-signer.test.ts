import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { sql } from 'kysely';
import { systemActor } from '../../core/authz';
import { createAuditTrail, loadOrCreateSigningKey } from '../../core/audit';
import { openssl, scratchDir } from '../../core/crypto/openssl-testing';
import { TEST_POSTGRES_ADMIN_URL } from '../../core/db/testing';
import { generateEvidencePack, verifyEvidencePack, type ComplianceService, type EvidencePackDeps } from '../../compliance';
import { auditVerifyCommand } from '../cli/audit-command';
import { evidenceVerifyCommand } from '../cli/evidence-command';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../test/support/test-server';
import type { CaService, SigningService } from '../../security/crypto';
import { parseCertificate } from '../../security/crypto/ca/x509-fns';

const DISTID = 'distid:1234567812345678';
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough().on('data', (d: Buffer) => out.push(d.toString()));
  const stderr = new PassThrough().on('data', (d: Buffer) => err.push(d.toString()));
  return { stdout, stderr, out, err };
};

test.serial('the audit signer is the signing service under a zone-CA certificate for the existing key: checkpoints, archives and the evidence pack carry the chain; old checkpoints still verify', async (t) => {
  const srv = await startTestServer('postgres');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'yiyun-audit-signing-'));
  const files = scratchDir();
  try {
    const db = srv.ctx.database.db;
    const keyFile = loadOrCreateSigningKey(srv.settings.YIYUN_DATA_DIR);
    // A checkpoint as written before the signing service existed: the bare key file, no envelope.
    const legacy = createAuditTrail({ db, signer: keyFile, checkpointEvery: 1_000_000 });
    const old = await legacy.checkpoint('legacy');
    t.truthy(old);

    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    t.is((await admin.post('/api/accounts', { loginId: 'auditor.one', displayName: '审计员', roles: ['auditadmin'] })).status, 201);
    await srv.ctx.audit.checkpoint('manual');

    const rows = (await sql<{ seq: string; public_key: string; envelope: any }>`select seq, public_key, envelope from audit.checkpoints order by seq`.execute(db)).rows;
    const legacyRow = rows.find((r) => Number(r.seq) === old!.seq)!;
    const certified = rows.at(-1)!;
    t.is(legacyRow.envelope, null);
    t.is(certified.envelope.format, 'yiyun-sig/1');
    // Key continuity: the certificate certifies the key file's own public key.
    t.is(certified.public_key, keyFile.publicKeyHex);
    const leaf = parseCertificate(certified.envelope.certificates[0]);
    t.is(leaf.publicKey, keyFile.publicKeyHex);
    t.regex(leaf.subject, /audit-signer\.liangcheng-dmz\.yiyun/);
    // openssl accepts the chain the envelope carries, link by link (-vfyopt sets the SM2 ID for one link only).
    const [leafPem, interPem, rootPem] = certified.envelope.certificates as string[];
    const interF = files.file('inter.pem', interPem!);
    t.regex(openssl(['verify', '-vfyopt', DISTID, '-CAfile', files.file('root.pem', rootPem!), interF]).toString(), /OK/);
    t.regex(openssl(['verify', '-vfyopt', DISTID, '-partial_chain', '-CAfile', interF, files.file('leaf.pem', leafPem!)]).toString(), /OK/);

    // The running trail and `yiyun audit verify` accept both kinds of checkpoint.
    t.like(await srv.ctx.audit.verify(), { ok: true });
    // The CLI runs against the same database, as an operator on the zone would.
    const url = new URL(TEST_POSTGRES_ADMIN_URL);
    url.pathname = `/${(await sql<{ n: string }>`select current_database() as n`.execute(db)).rows[0]!.n}`;
    const cli = { ...srv.settings, DATABASE_URL: url.toString() };
    const a = io();
    t.is(await auditVerifyCommand(cli, { json: true }, a), 0, a.err.join(''));
    t.like(JSON.parse(a.out.join('')), { ok: true, checkpoints: rows.length });

    // The log-audit archive of a closed day carries the envelope, and restore checks it.
    const la = srv.ctx.rooms.get('log-audit')!.exports!.logAudit as { archive: { archiveDay(day: string): Promise<unknown>; restoreDay(actor: unknown, day: string): Promise<{ restored: number }> } };
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await la.archive.archiveDay(day);
    const archiveDir = path.join(srv.settings.YIYUN_DATA_DIR, 'log-archives');
    const shipped = JSON.parse(readFileSync(path.join(archiveDir, readdirSync(archiveDir).find((f) => f.endsWith('.manifest.json'))!), 'utf8'));
    t.is(shipped.envelope.format, 'yiyun-sig/1');
    t.is(shipped.envelope.label, `log-archive:${day}`);
    t.like(await la.archive.restoreDay(systemActor('test'), day), { restored: 0 });

    // The evidence pack: manifest.sig (raw) plus manifest.sig.json (envelope with chain), verified to the zone root.
    const room = srv.ctx.rooms.get('compliance')!.exports as { service: ComplianceService; pack: Omit<EvidencePackDeps, 'compliance'> };
    const outDir = path.join(tmp, 'pack');
    await generateEvidencePack({ compliance: room.service, ...room.pack, reportsDirs: [] }, { outDir, zip: false });
    const signing = srv.ctx.rooms.get('crypto')!.exports!.auditSigning as SigningService;
    const v = await verifyEvidencePack(outDir, { verifyEnvelope: (d, e) => signing.verify(d, e) });
    t.true(v.ok, v.problems.join('\n'));
    t.like(v.certificate, { subject: leaf.subject });
    t.is((v.certificate as { chain: string[] }).chain.length, 3);
    const e = io();
    t.is(await evidenceVerifyCommand(cli, outDir, {}, e), 0, e.err.join(''));
    t.regex(e.out.join(''), /audit-signer\.liangcheng-dmz\.yiyun.*verified to the zone root/);

    // Revoking the audit-signer certificate makes every certified signature fail verification, with the reason.
    const ca = srv.ctx.rooms.get('crypto')!.exports!.ca as CaService;
    const certRow = (await ca.list(systemActor('test'), { q: 'audit-signer', offset: 0, limit: 10 })).items.find((c) => c.serial === leaf.serial)!;
    await ca.revoke(systemActor('test'), certRow.id, 'keyCompromise');
    const broken = await srv.ctx.audit.verify();
    t.false(broken.ok);
    t.regex(broken.firstBad!.reason, /revoked/);
    const a2 = io();
    t.is(await auditVerifyCommand(cli, { json: false }, a2), 3);
    t.regex(a2.err.join(''), /BROKEN.*revoked/);
    const bad = await verifyEvidencePack(outDir, { verifyEnvelope: (d, env) => signing.verify(d, env) });
    t.false(bad.ok);
    t.regex(bad.problems.join('\n'), /revoked/);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await srv.cleanup();
  }
});
