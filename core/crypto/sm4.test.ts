import test from 'ava';
import fc from 'fast-check';
import * as nodeCrypto from 'node:crypto';
import smCrypto from 'sm-crypto';
import { InputError } from '../errors';
import { openssl } from './openssl-testing';
import { hmacSm3 } from './sm3';
import {
  createSm4Cipher,
  sm4CbcDecrypt,
  sm4CbcEncrypt,
  sm4CtrDecrypt,
  sm4CtrEncrypt,
  sm4EncryptBlock,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
  sm4GcmOpen,
  sm4GcmSeal,
} from './sm4';
import { sm4CtrHmacOpen, sm4CtrHmacSeal } from './sm4-ctr-hmac';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const KEY = hex('0123456789abcdeffedcba9876543210');
const IV = hex('000102030405060708090a0b0c0d0e0f');

test('SM4 matches GB/T 32907 example 1', (t) => {
  t.is(sm4EncryptBlock(KEY, KEY).toString('hex'), '681edf34d206965e86b3e94f536e4246');
});

test('SM4 matches GB/T 32907 example 2 (1,000,000 encryptions)', (t) => {
  // One ECB cipher object for all rounds: creating a cipher per round would take minutes.
  const ecb = nodeCrypto.createCipheriv('sm4-ecb', KEY, null).setAutoPadding(false);
  let block: Buffer = KEY;
  for (let i = 0; i < 1_000_000; i++) block = ecb.update(block);
  t.is(block.toString('hex'), '595298c7c6fd271f0402f804c33d3f66');
});

test('CBC and CTR round-trip any length; CBC pads with PKCS#7', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (data) => {
      const cbc = sm4CbcEncrypt(KEY, IV, data);
      const ctr = sm4CtrEncrypt(KEY, IV, data);
      return (
        cbc.length === (Math.floor(data.length / 16) + 1) * 16 &&
        sm4CbcDecrypt(KEY, IV, cbc).equals(data) &&
        ctr.length === data.length &&
        sm4CtrDecrypt(KEY, IV, ctr).equals(data)
      );
    }),
  );
  t.pass();
});

test('CBC and CTR interoperate with openssl enc both ways', (t) => {
  const plain = Buffer.from('等保 2.0 三级 — 密评 SM4 interop, more than one block long.');
  const args = (mode: string) => [`enc`, `-sm4-${mode}`, '-K', KEY.toString('hex'), '-iv', IV.toString('hex')];
  for (const mode of ['cbc', 'ctr'] as const) {
    const ours = mode === 'cbc' ? sm4CbcEncrypt(KEY, IV, plain) : sm4CtrEncrypt(KEY, IV, plain);
    t.deepEqual(ours, openssl(args(mode), plain), mode);
    t.deepEqual(openssl([...args(mode), '-d'], ours), plain, mode);
  }
});

test('CBC agrees with sm-crypto 0.5.8', (t) => {
  const plain = Buffer.from('interop with the old library, 33 bytes');
  const theirs = smCrypto.sm4.encrypt(plain, KEY.toString('hex'), { mode: 'cbc', iv: IV.toString('hex'), output: 'array' });
  t.deepEqual(sm4CbcEncrypt(KEY, IV, plain), Buffer.from(theirs as number[]));
});

test('streaming ciphers equal the one-shot result for any chunking', (t) => {
  const data = nodeCrypto.randomBytes(1000);
  for (const mode of ['cbc', 'ctr'] as const) {
    const enc = createSm4Cipher(mode, 'encrypt', KEY, IV);
    const parts = [enc.update(data.subarray(0, 7)), enc.update(data.subarray(7, 500)), enc.update(data.subarray(500)), enc.final()];
    const whole = mode === 'cbc' ? sm4CbcEncrypt(KEY, IV, data) : sm4CtrEncrypt(KEY, IV, data);
    t.deepEqual(Buffer.concat(parts), whole, mode);
  }
});

test('bad keys, IVs and ciphertexts are refused with clear errors', (t) => {
  t.throws(() => sm4CbcEncrypt(KEY.subarray(1), IV, 'x'), { instanceOf: InputError, message: /SM4 key must be 16 bytes/ });
  t.throws(() => sm4CtrEncrypt(KEY, IV.subarray(4), 'x'), { instanceOf: InputError, message: /SM4 IV must be 16 bytes/ });
  t.throws(() => sm4GcmEncrypt(KEY, IV, 'x'), { instanceOf: InputError, message: /SM4 IV must be 12 bytes/ });
  t.throws(() => sm4CbcDecrypt(KEY, IV, Buffer.alloc(15)), { instanceOf: InputError });
  const ct = sm4CbcEncrypt(KEY, IV, 'attack at dawn');
  // With this key the last block decrypts to invalid padding (checked once; fixed inputs keep it deterministic).
  t.throws(() => sm4CbcDecrypt(hex('00112233445566778899aabbccddeeff'), IV, ct), { instanceOf: InputError });
});

// RFC 8998 Appendix A.1.
const GCM = {
  key: hex('0123456789ABCDEFFEDCBA9876543210'),
  iv: hex('00001234567800000000ABCD'),
  aad: hex('FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2'),
  plain: hex(`AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
              EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA`),
  cipher: hex(`17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735
               D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D`),
  tag: hex('83DE3541E4C2B58177E065A9BF7B62EC'),
};

test('SM4-GCM matches the RFC 8998 test vector', (t) => {
  const sealed = sm4GcmEncrypt(GCM.key, GCM.iv, GCM.plain, GCM.aad);
  t.deepEqual(sealed, Buffer.concat([GCM.cipher, GCM.tag]));
  t.deepEqual(sm4GcmDecrypt(GCM.key, GCM.iv, sealed, GCM.aad), GCM.plain);
});

test('SM4-GCM refuses a flipped bit anywhere, another AAD, IV or key', (t) => {
  const sealed = Buffer.concat([GCM.cipher, GCM.tag]);
  for (const i of [0, 31, 63, 64, 79]) {
    const bad = Buffer.from(sealed);
    bad[i]! ^= 1;
    t.throws(() => sm4GcmDecrypt(GCM.key, GCM.iv, bad, GCM.aad), { instanceOf: InputError }, `byte ${i}`);
  }
  t.throws(() => sm4GcmDecrypt(GCM.key, GCM.iv, sealed, Buffer.concat([GCM.aad, Buffer.from([0])])), { instanceOf: InputError });
  t.throws(() => sm4GcmDecrypt(GCM.key, Buffer.alloc(12), sealed, GCM.aad), { instanceOf: InputError });
  t.throws(() => sm4GcmDecrypt(hex('fedcba98765432100123456789abcdef'), GCM.iv, sealed, GCM.aad), { instanceOf: InputError });
  t.throws(() => sm4GcmDecrypt(GCM.key, GCM.iv, GCM.tag.subarray(0, 15), GCM.aad), { instanceOf: InputError });
});

test('sm4GcmSeal uses a fresh IV each time and opens only with the same AAD', (t) => {
  const a = sm4GcmSeal(GCM.key, 'patient record', 'record-42');
  const b = sm4GcmSeal(GCM.key, 'patient record', 'record-42');
  t.notDeepEqual(a.subarray(0, 12), b.subarray(0, 12));
  t.is(a.length, 12 + 14 + 16);
  t.is(sm4GcmOpen(GCM.key, a, 'record-42').toString(), 'patient record');
  t.throws(() => sm4GcmOpen(GCM.key, a, 'record-43'), { instanceOf: InputError });
});

test('SM4-CTR + HMAC-SM3 seal has the documented layout and round-trips', (t) => {
  const key = nodeCrypto.randomBytes(32);
  const sealed = sm4CtrHmacSeal(key, 'secret seed', 'account-7');
  t.is(sealed.length, 16 + 11 + 32);
  const iv = sealed.subarray(0, 16);
  const body = sealed.subarray(16, sealed.length - 32);
  // Layout: IV ‖ SM4-CTR(encKey = key[16..32]) ‖ HMAC-SM3(macKey = key[0..16], AAD ‖ IV ‖ C ‖ bitlen(AAD)).
  t.is(sm4CtrDecrypt(key.subarray(16), iv, body).toString(), 'secret seed');
  const bits = Buffer.alloc(8);
  bits.writeBigUInt64BE(BigInt('account-7'.length * 8));
  t.deepEqual(sealed.subarray(-32), hmacSm3(key.subarray(0, 16), Buffer.concat([Buffer.from('account-7'), iv, body, bits])));
  t.is(sm4CtrHmacOpen(key, sealed, 'account-7').toString(), 'secret seed');
  t.is(sm4CtrHmacOpen(key, sm4CtrHmacSeal(key, '')).length, 0);
});

test('SM4-CTR + HMAC-SM3 refuses any altered byte, other AAD, other key', (t) => {
  const key = nodeCrypto.randomBytes(32);
  const sealed = sm4CtrHmacSeal(key, 'twelve bytes', 'aad');
  for (let i = 0; i < sealed.length; i++) {
    const bad = Buffer.from(sealed);
    bad[i]! ^= 0x80;
    t.throws(() => sm4CtrHmacOpen(key, bad, 'aad'), { instanceOf: InputError }, `byte ${i}`);
  }
  t.throws(() => sm4CtrHmacOpen(key, sealed, 'aaD'), { instanceOf: InputError });
  t.throws(() => sm4CtrHmacOpen(nodeCrypto.randomBytes(32), sealed, 'aad'), { instanceOf: InputError });
  t.throws(() => sm4CtrHmacOpen(key, sealed.subarray(0, 47), 'aad'), { instanceOf: InputError });
  t.throws(() => sm4CtrHmacSeal(key.subarray(0, 16), 'x'), { instanceOf: InputError, message: /32 bytes/ });
});
