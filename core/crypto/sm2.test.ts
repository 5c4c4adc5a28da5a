import test from 'ava';
import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { sm2 as smV2 } from 'sm-crypto-v2';
import { InputError } from '../errors';
import { encodeElement, encodeInteger, TAG_SEQUENCE } from './der';
import { openssl, opensslSucceeds, scratchDir } from './openssl-testing';
import {
  createSm2Signer,
  createSm2Verifier,
  signDigestWithNonce,
  sm2Sign,
  sm2SignatureFromRaw,
  sm2SignatureToRaw,
  sm2Verify,
} from './sm2';
import { CURVE_N, invert } from './sm2-curve';
import { generateSm2KeyPair, parsePrivateKey, sm2PublicKeyFromPrivate, sm2ZValue } from './sm2-keys';
import { sm2PrivateKeyToPem, sm2PublicKeyToPem } from './sm2-pem';
import { sm3 } from './sm3';

// GB/T 32918.5-2017 Annex A (= GM/T 0003.5-2012): the signature example on the recommended curve.
const STD = {
  privateKey: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey:
    '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020' +
    'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  z: 'b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3',
  e: 'f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640',
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3',
  s: 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
};
const STD_SIG = sm2SignatureFromRaw(Buffer.from(STD.r + STD.s, 'hex'));

test('the standard key pair, Z and digest match GB/T 32918.5 Annex A', (t) => {
  t.is(sm2PublicKeyFromPrivate(STD.privateKey), STD.publicKey);
  t.is(sm2ZValue(STD.publicKey).toString('hex'), STD.z);
  t.is(sm3(Buffer.concat([Buffer.from(STD.z, 'hex'), Buffer.from(STD.message)])).toString('hex'), STD.e);
});

test('signing with the standard nonce k reproduces the published (r, s)', (t) => {
  const d = parsePrivateKey(STD.privateKey);
  const sig = signDigestWithNonce(d, invert(d + 1n, CURVE_N), BigInt(`0x${STD.e}`), () => STD.k);
  t.is(sm2SignatureToRaw(sig).toString('hex'), STD.r + STD.s);
});

test('the published signature verifies, and not for another message, ID or key', (t) => {
  t.true(sm2Verify(STD.publicKey, STD.message, STD_SIG));
  t.true(createSm2Verifier(STD.publicKey).verify(STD.message, STD_SIG));
  t.false(sm2Verify(STD.publicKey, 'message digesT', STD_SIG));
  t.false(sm2Verify(STD.publicKey, STD.message, STD_SIG, { userId: 'ALICE123@YAHOO.COM' }));
  t.false(sm2Verify(generateSm2KeyPair().publicKey, STD.message, STD_SIG));
});

test('sign/verify round-trips; a changed message, key or user ID fails', (t) => {
  const kp = generateSm2KeyPair();
  const other = generateSm2KeyPair();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (msg, at) => {
      const sig = sm2Sign(kp.privateKey, msg);
      const changed = Buffer.from(msg);
      changed[at % msg.length]! ^= 1;
      return (
        sm2Verify(kp.publicKey, msg, sig) &&
        !sm2Verify(kp.publicKey, changed, sig) &&
        !sm2Verify(other.publicKey, msg, sig) &&
        !sm2Verify(kp.publicKey, msg, sig, { userId: 'another-id' })
      );
    }),
    { numRuns: 40 },
  );
  t.pass();
});

test('signatures are randomised, and the default user ID is 1234567812345678', (t) => {
  const kp = generateSm2KeyPair();
  const a = sm2Sign(kp.privateKey, 'same');
  t.notDeepEqual(a, sm2Sign(kp.privateKey, 'same'));
  t.true(sm2Verify(kp.publicKey, 'same', a, { userId: '1234567812345678' }));
  const custom = sm2Sign(kp.privateKey, 'same', { userId: 'zone-dmz@yiyun' });
  t.true(sm2Verify(kp.publicKey, 'same', custom, { userId: Buffer.from('zone-dmz@yiyun') }));
  t.false(sm2Verify(kp.publicKey, 'same', custom));
});

test('a malformed signature answers false, never throws', (t) => {
  const kp = generateSm2KeyPair();
  const sig = sm2Sign(kp.privateKey, 'm');
  const raw = sm2SignatureToRaw(sig);
  const der = (r: bigint, s: bigint) => encodeElement(TAG_SEQUENCE, encodeInteger(r), encodeInteger(s));
  const r = raw.subarray(0, 32).toString('hex');
  const bad: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from('garbage'),
    raw, // r‖s is not DER
    sig.subarray(0, sig.length - 1),
    Buffer.concat([sig, Buffer.from([0])]),
    der(0n, 1n),
    der(1n, 0n),
    der(BigInt(`0x${r}`), CURVE_N),
    der(BigInt(`0x${r}`) + CURVE_N, BigInt(`0x${raw.subarray(32).toString('hex')}`)),
    // Same integers with a superfluous leading zero byte: BER, not DER.
    Buffer.concat([Buffer.from([0x30, sig[1]! + 1, 0x02, sig[3]! + 1, 0x00]), sig.subarray(4)]),
  ];
  for (let i = 0; i < sig.length; i++) {
    const flipped = Buffer.from(sig);
    flipped[i]! ^= 0x01;
    bad.push(flipped);
  }
  for (const [i, b] of bad.entries()) t.false(sm2Verify(kp.publicKey, 'm', b), `case ${i}`);
  t.true(sm2Verify(kp.publicKey, 'm', sig));
});

test('a key seen once (ladder) and a key in steady use (table) verify the same', (t) => {
  const kp = generateSm2KeyPair();
  const sig = sm2Sign(kp.privateKey, 'x');
  const forged = sm2Sign(generateSm2KeyPair().privateKey, 'x');
  for (let i = 0; i < 3; i++) {
    t.true(sm2Verify(kp.publicKey, 'x', sig), `round ${i}`);
    t.false(sm2Verify(kp.publicKey, 'x', forged), `round ${i}`);
  }
});

test('signer and verifier objects, including a streamed digest', (t) => {
  const kp = generateSm2KeyPair();
  const signer = createSm2Signer(kp.privateKey);
  const verifier = createSm2Verifier(kp.publicKey);
  t.is(signer.publicKey, kp.publicKey);
  t.true(verifier.verify('hello', signer.sign('hello')));
  const h = signer.hasher();
  h.update('part one, ').update(Buffer.from('part two'));
  const sig = signer.signDigest(h.digest());
  t.true(sm2Verify(kp.publicKey, 'part one, part two', sig));
  t.true(verifier.verifyDigest(verifier.hasher().update('part one, part two').digest(), sig));
  t.throws(() => signer.signDigest(Buffer.alloc(31)), { instanceOf: InputError });
});

test('invalid keys are refused with an InputError', (t) => {
  const n = CURVE_N.toString(16);
  for (const bad of ['', 'zz', '00'.repeat(32), n, (CURVE_N - 1n).toString(16), '01'.repeat(31)]) {
    t.throws(() => sm2Sign(bad, 'x'), { instanceOf: InputError }, bad);
  }
  const offCurve = `04${'11'.repeat(64)}`;
  t.throws(() => createSm2Verifier(offCurve), { instanceOf: InputError });
  t.throws(() => sm2Verify(offCurve, 'x', STD_SIG), { instanceOf: InputError });
  t.throws(() => sm2Verify(STD.publicKey.slice(2), 'x', STD_SIG), { instanceOf: InputError });
});

test('interop with openssl pkeyutl (distid 1234567812345678) both ways', (t) => {
  const dir = scratchDir();
  t.teardown(dir.remove);
  const kp = generateSm2KeyPair();
  const priv = dir.file('key.pem', sm2PrivateKeyToPem(kp.privateKey));
  const pub = dir.file('pub.pem', sm2PublicKeyToPem(kp.publicKey));
  const msg = dir.file('msg', '跨网闸摆渡文件 / ferried file\n');
  const ours = dir.file('ours.sig', sm2Sign(kp.privateKey, '跨网闸摆渡文件 / ferried file\n'));
  const verifyArgs = (sig: string, id: string) => [
    'pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', msg, '-sigfile', sig, '-digest', 'sm3',
    '-pkeyopt', `distid:${id}`,
  ];
  t.true(opensslSucceeds(verifyArgs(ours, '1234567812345678')), 'openssl verifies our signature');
  t.false(opensslSucceeds(verifyArgs(ours, 'someone-else')), 'and only under the same ID');

  const theirs = openssl([
    'pkeyutl', '-sign', '-inkey', priv, '-rawin', '-in', msg, '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678',
  ]);
  t.true(sm2Verify(kp.publicKey, '跨网闸摆渡文件 / ferried file\n', theirs));
  const theirsAlice = openssl([
    'pkeyutl', '-sign', '-inkey', priv, '-rawin', '-in', msg, '-digest', 'sm3', '-pkeyopt', 'distid:ALICE123@YAHOO.COM',
  ]);
  t.true(sm2Verify(kp.publicKey, '跨网闸摆渡文件 / ferried file\n', theirsAlice, { userId: 'ALICE123@YAHOO.COM' }));
  t.false(sm2Verify(kp.publicKey, '跨网闸摆渡文件 / ferried file\n', theirsAlice));
});

test('interop with sm-crypto 0.5.8 and sm-crypto-v2 ({hash: true, der: true}) both ways', (t) => {
  const old = smCrypto.sm2.generateKeyPairHex();
  const msg = 'audit checkpoint 00042';
  const theirs = Buffer.from(smCrypto.sm2.doSignature(msg, old.privateKey, { hash: true, der: true }), 'hex');
  t.true(sm2Verify(old.publicKey, msg, theirs));
  t.true(smCrypto.sm2.doVerifySignature(msg, sm2Sign(old.privateKey, msg).toString('hex'), old.publicKey, { hash: true, der: true }));
  const raw = smCrypto.sm2.doSignature(msg, old.privateKey, { hash: true, der: false });
  t.true(sm2Verify(old.publicKey, msg, sm2SignatureFromRaw(Buffer.from(raw, 'hex'))));

  const v2 = smV2.generateKeyPairHex();
  const v2Sig = smV2.doSignature(msg, v2.privateKey, { hash: true, der: true, userId: 'u-1' });
  t.true(sm2Verify(v2.publicKey, msg, Buffer.from(v2Sig, 'hex'), { userId: 'u-1' }));
  const oursHex = sm2Sign(v2.privateKey, msg, { userId: 'u-1' }).toString('hex');
  t.true(smV2.doVerifySignature(msg, oursHex, v2.publicKey, { hash: true, der: true, userId: 'u-1' }));
});
