import test from 'ava';
import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { sm2 as smV2 } from 'sm-crypto-v2';
import { InputError } from '../errors';
import { openssl, scratchDir } from './openssl-testing';
import { encryptWithNonce, sm2Decrypt, sm2Encrypt } from './sm2-encrypt';
import { generateSm2KeyPair, parsePublicKey } from './sm2-keys';
import { sm2PrivateKeyToPem, sm2PublicKeyToPem } from './sm2-pem';

// GB/T 32918.5-2017 Annex A (= GM/T 0003.5-2012): the encryption example on the recommended curve.
const STD = {
  privateKey: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'encryption standard',
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  c1x: '04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73',
  c1y: 'e858f9d81e5430a57b36daab8f950a3c64e6ee6a63094d99283aff767e124df0',
  c3: '59983c18f809e262923c53aec295d30383b54e39d609d160afcb1908d0bd8766',
  c2: '21886ca989ca9c7d58087307ca93092d651efa',
};

test('encryption with the standard nonce reproduces the published C1, C3, C2 in both formats', (t) => {
  const pub = parsePublicKey(STD.publicKey);
  const msg = Buffer.from(STD.message);
  const raw = encryptWithNonce(pub, msg, 'c1c3c2', () => STD.k);
  t.is(raw.toString('hex'), `04${STD.c1x}${STD.c1y}${STD.c3}${STD.c2}`);
  const asn1 = encryptWithNonce(pub, msg, 'asn1', () => STD.k);
  // x1 starts with 0x04 (< 0x80): 32-byte INTEGER; y1 starts with 0xe8: 33 bytes with a leading zero.
  t.is(asn1.toString('hex'), `307c0220${STD.c1x}022100${STD.c1y}0420${STD.c3}0413${STD.c2}`);
  t.is(sm2Decrypt(STD.privateKey, raw).toString(), STD.message);
  t.is(sm2Decrypt(STD.privateKey, asn1, { format: 'asn1' }).toString(), STD.message);
});

test('round-trips any non-empty message in both formats', (t) => {
  const kp = generateSm2KeyPair();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.constantFrom('c1c3c2' as const, 'asn1' as const), (msg, format) => {
      const ct = sm2Encrypt(kp.publicKey, msg, { format });
      return (format === 'asn1' || ct.length === 97 + msg.length) && sm2Decrypt(kp.privateKey, ct, { format }).equals(msg);
    }),
    { numRuns: 20 },
  );
  t.pass();
});

test('tampering, a wrong key or the wrong format makes decryption throw', (t) => {
  const kp = generateSm2KeyPair();
  const ct = sm2Encrypt(kp.publicKey, 'sealed for the DMZ zone');
  for (const i of [0, 1, 40, 64, 65, 80, 96, 97, ct.length - 1]) {
    const bad = Buffer.from(ct);
    bad[i]! ^= 0x01;
    t.throws(() => sm2Decrypt(kp.privateKey, bad), { instanceOf: InputError }, `byte ${i}`);
  }
  t.throws(() => sm2Decrypt(generateSm2KeyPair().privateKey, ct), { instanceOf: InputError });
  t.throws(() => sm2Decrypt(kp.privateKey, ct.subarray(0, 97)), { instanceOf: InputError });
  t.throws(() => sm2Decrypt(kp.privateKey, ct, { format: 'asn1' }), { instanceOf: InputError });
  t.throws(() => sm2Encrypt(kp.publicKey, ''), { instanceOf: InputError });
});

test('ASN.1 format interoperates with openssl pkeyutl both ways', (t) => {
  const dir = scratchDir();
  t.teardown(dir.remove);
  const kp = generateSm2KeyPair();
  const priv = dir.file('key.pem', sm2PrivateKeyToPem(kp.privateKey));
  const pub = dir.file('pub.pem', sm2PublicKeyToPem(kp.publicKey));
  const ours = dir.file('ours.ct', sm2Encrypt(kp.publicKey, '给 openssl 的密文', { format: 'asn1' }));
  t.is(openssl(['pkeyutl', '-decrypt', '-inkey', priv, '-in', ours]).toString(), '给 openssl 的密文');
  const theirs = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-in', '-'], Buffer.from('from openssl'));
  t.is(sm2Decrypt(kp.privateKey, theirs, { format: 'asn1' }).toString(), 'from openssl');
});

test('C1C3C2 interoperates with sm-crypto 0.5.8 and sm-crypto-v2 (cipherMode 1, hex without 04)', (t) => {
  const old = smCrypto.sm2.generateKeyPairHex();
  const theirs = smCrypto.sm2.doEncrypt('来自旧库', old.publicKey, 1);
  t.is(sm2Decrypt(old.privateKey, Buffer.from(`04${theirs}`, 'hex')).toString(), '来自旧库');
  const ours = sm2Encrypt(old.publicKey, 'to the old library').toString('hex').slice(2);
  t.is(smCrypto.sm2.doDecrypt(ours, old.privateKey, 1), 'to the old library');

  const v2 = smV2.generateKeyPairHex();
  const v2Asn1 = smV2.doEncrypt('v2 asn1', v2.publicKey, 1, { asn1: true });
  t.is(sm2Decrypt(v2.privateKey, Buffer.from(v2Asn1, 'hex'), { format: 'asn1' }).toString(), 'v2 asn1');
  const oursV2 = sm2Encrypt(v2.publicKey, 'to v2').toString('hex').slice(2);
  t.is(smV2.doDecrypt(oursV2, v2.privateKey, 1, { output: 'string' }), 'to v2');
});
