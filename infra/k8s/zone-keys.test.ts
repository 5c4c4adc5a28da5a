import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadOrCreateSigningKey } from '../../core/audit';
import { randomBytes } from '../../core/crypto';
import { zoneKeyFiles } from './zone-keys';

const hex = () => randomBytes(32).toString('hex');

test('the zone key files are what the app reads: it signs with the declared key instead of making one', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'yiyun-zone-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = { signing: hex(), sealer: hex(), kek: hex() };
  const files = zoneKeyFiles('liangcheng-dmz', bytes);
  t.deepEqual(Object.keys(files).sort(), ['audit-signing.json', 'kms-kek.key', 'secrets.key']);
  mkdirSync(path.join(dir, 'keys'));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, 'keys', name), body, { mode: 0o440 });

  const signer = loadOrCreateSigningKey(dir);
  const declared = JSON.parse(files['audit-signing.json']!) as { keyId: string; publicKey: string; privateKey: string };
  t.is(signer.publicKeyHex, declared.publicKey);
  t.is(signer.keyId, declared.keyId);
  t.is(declared.privateKey, bytes.signing);
  const sig = signer.sign(Buffer.from('checkpoint'));
  t.true(signer.verify(Buffer.from('checkpoint'), sig));
  // Nothing was rewritten: the mounted file is read-only in the pod.
  t.is(readFileSync(path.join(dir, 'keys', 'audit-signing.json'), 'utf8'), files['audit-signing.json']!);
  t.is(files['secrets.key'], bytes.sealer);
  t.is(files['kms-kek.key']!.trim(), bytes.kek);
});

test('the same bytes give the same files (the Secret is stable between runs); bad bytes are refused', (t) => {
  const bytes = { signing: hex(), sealer: hex(), kek: hex() };
  t.deepEqual(zoneKeyFiles('dev', bytes), zoneKeyFiles('dev', { ...bytes }));
  t.throws(() => zoneKeyFiles('dev', { ...bytes, kek: 'abc' }), { message: /kek/ });
  t.throws(() => zoneKeyFiles('dev', { ...bytes, signing: '0'.repeat(64) }), { message: /out of range/ });
});
