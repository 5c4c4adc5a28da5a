import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import { systemActor } from '../../../core/authz';
import { sm2KeyFromPem, sm2PublicKeyToPem } from '../../../core/crypto';
import { openssl, opensslSucceeds, scratchDir } from '../../../core/crypto/openssl-testing';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../../test/support/test-server';
import type { CaService } from './ca-service';
import { crlParts, parseCertificate } from './x509-fns';
import { createFerryDal } from '../ferry/ferry-dal';
import { createFerryService, type FerryService } from '../ferry/ferry-service';
import { ferryImportCommand } from '../ferry/ferry-command';
import type { FlowDirectory } from '../ferry/ferry-fns';
import { createSigningService, type SigningService } from '../signing/signing-service';
import { toBeSigned } from '../signing/signing-fns';

const DISTID = 'distid:1234567812345678';

test.serial('CA, signing service and ferry: openssl interop, revocation and CRL, signed bundles and quarantine', async (t) => {
  const srv = await startTestServer('postgres');
  const tmp = scratchDir();
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const sec = (await admin.post('/api/accounts', { loginId: 'sec.admin', displayName: '安全管理员', roles: ['secadmin'] })).body;
    const s = new ApiClient(srv.url);
    await loginThroughFirstSteps(s, 'sec.admin', sec.initialPassword, 'Security#Admin2026');

    // ---- CA: a 双证书 pair for a service, verified link by link by openssl with the standard SM2 ID.
    const auth = (await s.get('/api/ca/authorities')).body.items as Array<{ zone: string; kind: string; certificatePem: string }>;
    const root = auth.find((a) => a.zone === 'liangcheng-dmz' && a.kind === 'root')!.certificatePem;
    const inter = auth.find((a) => a.zone === 'liangcheng-dmz' && a.kind === 'intermediate')!.certificatePem;
    const otherRoot = auth.find((a) => a.zone === 'liangcheng-internet' && a.kind === 'root')!.certificatePem;
    const issued = await s.post('/api/ca/certificates', { profile: 'service', commonName: 'his.liangcheng.local', dnsNames: ['his.liangcheng.local'], ipAddresses: ['10.20.1.5'], validityDays: 365 });
    t.is(issued.status, 201, JSON.stringify(issued.body));
    const leaf = issued.body.signing.certificatePem as string;
    const encCert = issued.body.encryption.certificatePem as string;
    const rootF = tmp.file('root.pem', root);
    const interF = tmp.file('inter.pem', inter);
    const leafF = tmp.file('leaf.pem', leaf);
    const encF = tmp.file('enc.pem', encCert);
    t.regex(openssl(['verify', '-vfyopt', DISTID, '-CAfile', rootF, interF]).toString(), /OK/);
    t.regex(openssl(['verify', '-vfyopt', DISTID, '-partial_chain', '-CAfile', interF, leafF]).toString(), /OK/);
    t.regex(openssl(['verify', '-vfyopt', DISTID, '-partial_chain', '-CAfile', interF, encF]).toString(), /OK/);
    t.false(opensslSucceeds(['verify', '-vfyopt', DISTID, '-CAfile', tmp.file('other.pem', otherRoot), interF]));
    const text = openssl(['x509', '-in', leafF, '-noout', '-text']).toString();
    t.regex(text, /SM2-with-SM3/);
    t.regex(text, /Digital Signature, Non Repudiation/);
    t.regex(text, /DNS:his\.liangcheng\.local, IP Address:10\.20\.1\.5/);
    t.regex(openssl(['x509', '-in', encF, '-noout', '-text']).toString(), /Key Encipherment, Data Encipherment, Key Agreement/);
    // The returned keys belong to the certificates.
    t.is(sm2KeyFromPem(issued.body.signingPrivateKeyPem).publicKey, parseCertificate(leaf).publicKey);
    t.is(sm2KeyFromPem(issued.body.encryptionPrivateKeyPem).publicKey, parseCertificate(encCert).publicKey);
    // openssl signs with the issued key; the certificate's key verifies it.
    const keyF = tmp.file('leaf.key', issued.body.signingPrivateKeyPem);
    const msgF = tmp.file('msg.txt', 'hello');
    const sigF = path.join(tmp.dir, 'msg.sig');
    openssl(['pkeyutl', '-sign', '-inkey', keyF, '-rawin', '-digest', 'sm3', '-pkeyopt', DISTID, '-in', msgF, '-out', sigF]);
    const pubF = tmp.file('leaf.pub', openssl(['x509', '-in', leafF, '-pubkey', '-noout']));
    t.true(opensslSucceeds(['pkeyutl', '-verify', '-pubin', '-inkey', pubF, '-rawin', '-digest', 'sm3', '-pkeyopt', DISTID, '-in', msgF, '-sigfile', sigF]));

    const ca = srv.ctx.rooms.get('crypto')!.exports!.ca as CaService;
    t.true((await ca.verifyChain([leaf, inter])).valid);
    // Revocation: the CRL lists the serial, is signed by the issuing CA (checked by openssl), and the chain check fails.
    t.is((await s.post(`/api/ca/certificates/${issued.body.signing.id}/revoke`, { reason: 'keyCompromise' })).body.status, 'revoked');
    const crl = await fetch(`${srv.url}/api/ca/crl`).then((r) => r.text());
    const crlF = tmp.file('crl.pem', crl);
    const crlText = openssl(['crl', '-in', crlF, '-noout', '-text']).toString();
    t.regex(crlText, new RegExp(`Serial Number: ${issued.body.signing.serial.toUpperCase()}`));
    t.regex(crlText, /Key Compromise/);
    const parts = crlParts(crl);
    writeFileSync(path.join(tmp.dir, 'crl.tbs'), parts.tbsDer);
    writeFileSync(path.join(tmp.dir, 'crl.sig'), parts.signature);
    const interPub = tmp.file('inter.pub', openssl(['x509', '-in', interF, '-pubkey', '-noout']));
    t.true(opensslSucceeds(['pkeyutl', '-verify', '-pubin', '-inkey', interPub, '-rawin', '-digest', 'sm3', '-pkeyopt', DISTID, '-in', path.join(tmp.dir, 'crl.tbs'), '-sigfile', path.join(tmp.dir, 'crl.sig')]));
    const revoked = await s.post('/api/ca/verify', { chainPem: leaf + inter });
    t.false(revoked.body.valid);
    t.regex(revoked.body.reason, /revoked/);
    t.false((await ca.verifyChain([leaf.replace(/A/, 'B')])).valid);

    // ---- Signing service: detached envelope, tamper detection, openssl checks the signature.
    const signed = await s.post('/api/signing/sign', { payload: Buffer.from('evidence manifest').toString('base64'), label: 'evidence-pack' });
    const env = signed.body.envelope;
    t.true((await s.post('/api/signing/verify', { payload: Buffer.from('evidence manifest').toString('base64'), envelope: env })).body.valid);
    const tampered = await s.post('/api/signing/verify', { payload: Buffer.from('evidence manifesT').toString('base64'), envelope: env });
    t.false(tampered.body.valid);
    t.regex(tampered.body.reason, /digest/);
    const envSig = path.join(tmp.dir, 'env.sig');
    writeFileSync(envSig, Buffer.from(env.signature, 'base64'));
    const tbsF = tmp.file('env.tbs', toBeSigned(env));
    const envPub = tmp.file('env.pub', sm2PublicKeyToPem(parseCertificate(env.certificates[0]).publicKey));
    t.true(opensslSucceeds(['pkeyutl', '-verify', '-pubin', '-inkey', envPub, '-rawin', '-digest', 'sm3', '-pkeyopt', DISTID, '-in', tbsF, '-sigfile', envSig]));

    // ---- Ferry: the internet zone exports its audit trail; the DMZ (this server) imports it.
    const dmzFerry = srv.ctx.rooms.get('crypto')!.exports!.ferry as FerryService;
    const flows: FlowDirectory = { get: (n) => dmzFerry.flows().find((f) => f.id === n), list: () => dmzFerry.flows() };
    const db = srv.ctx.database.db;
    const internetSigning = createSigningService({ ca, audit: srv.ctx.audit, zone: 'liangcheng-internet', identityName: 'ferry' });
    const outDir = path.join(tmp.dir, 'gap');
    const internet = createFerryService({
      db, dal: createFerryDal(db), audit: srv.ctx.audit, signing: internetSigning, flows, zone: { short: 'internet', stack: 'liangcheng-internet' }, dir: path.join(tmp.dir, 'internet'),
      sources: { 'internet-audit-logs': { collect: async (c) => ({ files: [{ name: 'audit.ndjson', content: Buffer.from(`{"cursor":${c ?? 0}}\n`) }], cursor: String(Number(c ?? 0) + 1) }) } },
    });
    const actor = systemActor('test');
    await t.throwsAsync(internet.export(actor, { flow: 'dmz-config', outDir }), { message: /leaves zone dmz/ });
    await t.throwsAsync(internet.export(actor, { flow: 'exfiltrate', outDir }), { message: /not declared/ });
    const b1 = await internet.export(actor, { flow: 'internet-audit-logs', outDir });
    const b2 = await internet.export(actor, { flow: 'internet-audit-logs', outDir });
    const b3 = await internet.export(actor, { flow: 'internet-audit-logs', outDir });
    t.deepEqual([b1.sequence, b2.sequence, b3.sequence], [1, 2, 3]);
    const copy = (from: string, name: string) => {
      const to = path.join(tmp.dir, 'arrivals', name);
      cpSync(from, to, { recursive: true });
      return to;
    };
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    const replayCopy = copy(b1.path, 'replay-b1');
    t.is(await ferryImportCommand(dmzFerry, { bundle: copy(b1.path, 'b1') }, io), 0);
    const r1 = await dmzFerry.importBundle(actor, replayCopy);
    t.is(r1.status, 'quarantined');
    t.regex(r1.reason!, /replayed sequence 1/);
    t.truthy(readFileSync(path.join(r1.location, 'QUARANTINE-REASON.json'), 'utf8'));
    // Tampered payload.
    const tamperedDir = copy(b2.path, 'tampered');
    writeFileSync(path.join(tamperedDir, 'payload', 'audit.ndjson'), '{"cursor":666}\n');
    t.regex((await dmzFerry.importBundle(actor, tamperedDir)).reason!, /altered/);
    // Wrong signer: a valid certificate of the internet zone, but not its ferry agent.
    const wrongDir = copy(b2.path, 'wrong-signer');
    const other = createSigningService({ ca, audit: srv.ctx.audit, zone: 'liangcheng-internet', identityName: 'signing' });
    writeFileSync(path.join(wrongDir, 'manifest.sig.json'), JSON.stringify(await other.sign(readFileSync(path.join(wrongDir, 'manifest.json')))));
    t.regex((await dmzFerry.importBundle(actor, wrongDir)).reason!, /wrong signer/);
    // Forged signature (the DMZ's own ferry key signing an "internet" manifest) and an undeclared flow.
    const undeclared = copy(b2.path, 'undeclared');
    const m = JSON.parse(readFileSync(path.join(undeclared, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(undeclared, 'manifest.json'), JSON.stringify({ ...m, flow: 'exfiltrate' }));
    t.regex((await dmzFerry.importBundle(actor, undeclared)).reason!, /not declared/);
    // Gap: bundle 3 arrives before 2 → imported with a warning; 2 afterwards is a replay.
    const g = await dmzFerry.importBundle(actor, copy(b3.path, 'b3'));
    t.is(g.status, 'imported_with_gap');
    t.regex(g.warning!, /1 bundle\(s\) missing \(2\.\.2\)/);
    t.is((await dmzFerry.importBundle(actor, copy(b2.path, 'b2-late'))).status, 'quarantined');
    t.is(await ferryImportCommand(dmzFerry, { bundle: copy(b1.path, 'b1-again') }, io), 3);
    const hist = await s.get('/api/ferry/transfers?direction=in&limit=50');
    t.is(hist.body.items.filter((x: { status: string }) => x.status === 'quarantined').length, 6);
    t.true(readdirSync(path.join(srv.settings.YIYUN_DATA_DIR, 'ferry', 'inbox', 'internet-audit-logs')).length === 2);
    const inv = await s.get('/api/crypto/inventory');
    t.true(inv.body.algorithms.length >= 6);
    t.true(inv.body.authorities.length === 4);
  } finally {
    tmp.remove();
    await srv.cleanup();
  }
});
