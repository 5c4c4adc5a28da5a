import test from 'ava';
import { systemActor } from '../../../core/authz';
import type { KmsService } from './kms-service';
import { openssl, scratchDir } from '../../../core/crypto/openssl-testing';
import { randomBytes, sm4CtrHmacOpen, sm4CtrHmacSeal } from '../../../core/crypto';
import { ADMIN_PASSWORD, ApiClient, loginThroughFirstSteps, startTestServer } from '../../../test/support/test-server';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

test.serial('KMS through the API: envelope encryption, rotation, disable, deletion, BYOK, crypto-erase, tenant isolation, audit', async (t) => {
  const srv = await startTestServer('postgres');
  const tmp = scratchDir();
  try {
    const admin = new ApiClient(srv.url);
    await loginThroughFirstSteps(admin, 'admin', ADMIN_PASSWORD, 'Changed#Root2026');
    const ta = (await admin.post('/api/tenants', { code: 'kms-a', name: '甲医院', kind: 'county_hospital' })).body;
    const tb = (await admin.post('/api/tenants', { code: 'kms-b', name: '乙卫生院', kind: 'township_centre' })).body;
    const acctA = (await admin.post('/api/accounts', { loginId: 'kms.a', displayName: 'A', roles: ['tenant-admin'], tenantId: ta.id })).body;
    const acctB = (await admin.post('/api/accounts', { loginId: 'kms.b', displayName: 'B', roles: ['tenant-admin'], tenantId: tb.id })).body;
    const a = new ApiClient(srv.url);
    await loginThroughFirstSteps(a, 'kms.a', acctA.initialPassword, 'Tenant#KmsA2026');
    const b = new ApiClient(srv.url);
    await loginThroughFirstSteps(b, 'kms.b', acctB.initialPassword, 'Tenant#KmsB2026');

    const key = await a.post('/api/kms/keys', { alias: 'emr-data', description: '电子病历数据' });
    t.is(key.status, 201, JSON.stringify(key.body));
    t.is(key.body.tenantId, ta.id);
    t.is(key.body.currentVersion, 1);
    t.is((await a.post('/api/kms/keys', { alias: 'EMR-data' })).status, 409);
    const keyId = key.body.id as string;

    // Encrypt / decrypt with an encryption context; tampering and a wrong context are refused.
    const ctx = { patient: 'P-001' };
    const enc1 = await a.post('/api/kms/encrypt', { keyId, plaintext: b64('病历 v1'), context: ctx });
    t.is(enc1.status, 200);
    const ct1 = Buffer.from(enc1.body.ciphertext, 'base64');
    t.is(ct1[0], 1); // format version byte
    t.is(Buffer.from((await a.post('/api/kms/decrypt', { ciphertext: enc1.body.ciphertext, context: ctx })).body.plaintext, 'base64').toString(), '病历 v1');
    t.is((await a.post('/api/kms/decrypt', { ciphertext: enc1.body.ciphertext, context: { patient: 'P-002' } })).body.code, 'kms.decrypt_failed');
    for (const at of [30, ct1.length - 1, 20]) {
      const bad = Buffer.from(ct1);
      bad[at]! ^= 1;
      const r = await a.post('/api/kms/decrypt', { ciphertext: bad.toString('base64'), context: ctx });
      t.true(r.status === 400 || r.status === 404, `flip at ${at}: ${r.status}`);
    }

    // Rotation keeps old ciphertexts decryptable; new ones use version 2.
    t.is((await a.post(`/api/kms/keys/${keyId}/rotate`)).body.currentVersion, 2);
    const enc2 = await a.post('/api/kms/encrypt', { keyId, plaintext: b64('v2') });
    t.is(enc2.body.keyVersion, 2);
    t.is(Buffer.from((await a.post('/api/kms/decrypt', { ciphertext: enc1.body.ciphertext, context: ctx })).body.plaintext, 'base64').toString(), '病历 v1');
    const re = await a.post('/api/kms/re-encrypt', { ciphertext: enc1.body.ciphertext, destinationKeyId: keyId, sourceContext: ctx, destinationContext: ctx });
    t.is(re.body.keyVersion, 2);
    t.is(re.body.sourceKeyVersion, 1);

    // Tenant B cannot see or use tenant A's key through any route: 404 every time.
    t.is((await b.get(`/api/kms/keys/${keyId}`)).status, 404);
    t.is((await b.get('/api/kms/keys')).body.total, 0);
    t.is((await b.post('/api/kms/encrypt', { keyId, plaintext: b64('x') })).status, 404);
    t.is((await b.post('/api/kms/decrypt', { ciphertext: enc1.body.ciphertext, context: ctx })).status, 404);
    t.is((await b.post('/api/kms/generate-data-key', { keyId })).status, 404);
    t.is((await b.post('/api/kms/re-encrypt', { ciphertext: enc2.body.ciphertext, destinationKeyId: keyId })).status, 404);
    for (const op of ['rotate', 'disable', 'enable', 'cancel-deletion', 'import-parameters']) t.is((await b.post(`/api/kms/keys/${keyId}/${op}`)).status, 404, op);
    t.is((await b.post(`/api/kms/keys/${keyId}/schedule-deletion`, { pendingDays: 7 })).status, 404);
    t.is((await b.patch(`/api/kms/keys/${keyId}`, { description: 'x' })).status, 404);
    t.is((await b.post('/api/kms/data-keys', { keyId, resource: 'disk:x' })).status, 404);
    t.is((await b.get(`/api/kms/usage?keyId=${keyId}`)).status, 404);

    // GenerateDataKey: the plaintext key and its wrapped form, which decrypts back to it.
    const dk = await a.post('/api/kms/generate-data-key', { keyId, keySpec: 'SM4_CTR_HMAC_256' });
    t.is(Buffer.from(dk.body.plaintext, 'base64').length, 32);
    t.is((await a.post('/api/kms/decrypt', { ciphertext: dk.body.ciphertext })).body.plaintext, dk.body.plaintext);

    // Crypto-erase: a disk's data key, destroyed, leaves its content unrecoverable for good.
    const disk = await a.post('/api/kms/data-keys', { keyId, resource: 'disk:vol-1' });
    t.is(disk.status, 201);
    const diskKey = Buffer.from(disk.body.plaintext, 'base64');
    const content = sm4CtrHmacSeal(diskKey, 'disk sector data');
    t.is((await b.post(`/api/kms/data-keys/${disk.body.id}/unwrap`)).status, 404);
    const unwrapped = await a.post(`/api/kms/data-keys/${disk.body.id}/unwrap`);
    t.is(sm4CtrHmacOpen(Buffer.from(unwrapped.body.plaintext, 'base64'), content).toString(), 'disk sector data');
    t.is((await b.post(`/api/kms/data-keys/${disk.body.id}/destroy`)).status, 404);
    t.is((await a.post(`/api/kms/data-keys/${disk.body.id}/destroy`)).body.state, 'destroyed');
    const after = await a.post(`/api/kms/data-keys/${disk.body.id}/unwrap`);
    t.is(after.status, 409);
    t.is(after.body.code, 'kms.data_key_destroyed');
    const { rows } = await srv.ctx.database.db.selectFrom('crypto.data_keys').select(['wrapped']).where('id', '=', disk.body.id).execute().then((r) => ({ rows: r }));
    t.is(rows[0]!.wrapped, null);

    // Disable refuses every use; enable restores; scheduled deletion refuses and can be cancelled; purge destroys.
    t.is((await a.post(`/api/kms/keys/${keyId}/disable`)).body.state, 'disabled');
    const refused = await a.post('/api/kms/decrypt', { ciphertext: enc2.body.ciphertext });
    t.is(refused.body.code, 'kms.key_disabled');
    t.is((await a.post('/api/kms/encrypt', { keyId, plaintext: b64('x') })).body.code, 'kms.key_disabled');
    t.is((await a.post(`/api/kms/keys/${keyId}/enable`)).body.state, 'enabled');
    t.is((await a.post(`/api/kms/keys/${keyId}/schedule-deletion`, { pendingDays: 3 })).status, 400);
    const sched = await a.post(`/api/kms/keys/${keyId}/schedule-deletion`, { pendingDays: 7 });
    t.is(sched.body.state, 'pending_deletion');
    t.is((await a.post('/api/kms/decrypt', { ciphertext: enc2.body.ciphertext })).body.code, 'kms.key_pending_deletion');
    t.is((await a.post(`/api/kms/keys/${keyId}/cancel-deletion`)).body.state, 'disabled');
    await a.post(`/api/kms/keys/${keyId}/schedule-deletion`, { pendingDays: 7 });
    const kms = srv.ctx.rooms.get('crypto')!.exports!.kms as KmsService;
    t.is(await kms.purgeDue(systemActor('test'), new Date(Date.now() + 6 * 86_400_000)), 0);
    t.is(await kms.purgeDue(systemActor('test'), new Date(Date.now() + 8 * 86_400_000)), 1);
    const gone = await a.get(`/api/kms/keys/${keyId}`);
    t.is(gone.body.state, 'deleted');
    t.true(gone.body.versions.every((v: { destroyed: boolean }) => v.destroyed));
    t.is((await a.post('/api/kms/decrypt', { ciphertext: enc1.body.ciphertext, context: ctx })).body.code, 'kms.key_deleted');

    // BYOK: wrap a tenant's SM4 key with openssl (SM2 encryption, ASN.1) and import it.
    const ext = await a.post('/api/kms/keys', { alias: 'byok', origin: 'external' });
    t.is(ext.body.state, 'pending_import');
    t.is((await a.post('/api/kms/encrypt', { keyId: ext.body.id, plaintext: b64('x') })).status, 409);
    const params = await a.post(`/api/kms/keys/${ext.body.id}/import-parameters`);
    const material = randomBytes(16);
    const wrapped = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', tmp.file('import.pem', params.body.publicKeyPem), '-in', tmp.file('m.bin', material)]);
    const imported = await a.post(`/api/kms/keys/${ext.body.id}/import`, { importToken: params.body.importToken, encryptedKeyMaterial: wrapped.toString('base64'), format: 'asn1' });
    t.is(imported.status, 200, JSON.stringify(imported.body));
    t.is(imported.body.state, 'enabled');
    const again = await a.post(`/api/kms/keys/${ext.body.id}/import`, { importToken: params.body.importToken, encryptedKeyMaterial: wrapped.toString('base64'), format: 'asn1' });
    t.is(again.body.code, 'kms.import_token_used');
    const e3 = await a.post('/api/kms/encrypt', { keyId: ext.body.id, plaintext: b64('byok data') });
    t.is(Buffer.from((await a.post('/api/kms/decrypt', { ciphertext: e3.body.ciphertext })).body.plaintext, 'base64').toString(), 'byok data');

    // Every use is audited: usage rows and key.used audit records (with refusals).
    const usage = srv.ctx.rooms.get('crypto')!.exports!.usage as { flush(): Promise<void> };
    await usage.flush();
    const log = await a.get(`/api/kms/usage?limit=500`);
    t.true(log.body.items.some((u: { operation: string; outcome: string }) => u.operation === 'decrypt' && u.outcome === 'failure'));
    t.true(log.body.items.some((u: { operation: string; outcome: string; reason: string }) => u.outcome === 'denied' && u.reason === 'key_disabled'));
    t.true(log.body.items.every((u: { tenantId: string }) => u.tenantId === ta.id));
    const trail = await srv.ctx.audit.search({ offset: 0, limit: 200, targetType: 'kms_key' });
    const actions = new Set(trail.items.map((r) => r.action));
    for (const x of ['key.created', 'key.rotated', 'key.disabled', 'key.enabled', 'key.deletion_scheduled', 'key.deletion_cancelled', 'key.deleted', 'key.material_imported', 'key.used']) t.true(actions.has(x), x);
    t.true(trail.items.some((r) => r.action === 'key.used' && r.outcome === 'denied' && r.actorLogin === 'kms.b'));
    t.true((await srv.ctx.audit.verify()).ok);
  } finally {
    tmp.remove();
    await srv.cleanup();
  }
});
