import test from 'ava';
import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { sm3 as smV2Sm3 } from 'sm-crypto-v2';
import { InputError } from '../errors';
import { openssl } from './openssl-testing';
import { createHmacSm3, createSm3, hmacSm3, pbkdf2Sm3, pbkdf2Sm3Sync, sm3, sm3Hex } from './sm3';

// GB/T 32905-2016 Appendix A.
const ABC = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
const ABCD16 = 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732';

test('SM3 matches both examples of GB/T 32905', (t) => {
  t.is(sm3Hex('abc'), ABC);
  t.is(sm3('abcd'.repeat(16)).toString('hex'), ABCD16);
  t.is(sm3(Buffer.from('abc')).toString('hex'), ABC);
  t.is(sm3(new Uint8Array(Buffer.from('abc'))).length, 32);
});

test('strings are hashed as UTF-8', (t) => {
  t.is(sm3Hex('医云'), sm3Hex(Buffer.from('医云', 'utf8')));
  t.is(sm3Hex('医云'), smCrypto.sm3('医云'));
});

test('SM3 agrees with openssl, sm-crypto and sm-crypto-v2 on random data', (t) => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff));
  const expected = openssl(['dgst', '-sm3', '-binary'], data).toString('hex');
  t.is(sm3Hex(data), expected);
  t.is(smCrypto.sm3(data), expected);
  t.is(smV2Sm3(data), expected);
});

test('the incremental hasher equals the one-shot digest for any split', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 4 }), (data, cuts) => {
      const h = createSm3();
      let prev = 0;
      for (const cut of [...cuts].sort((a, b) => a - b).map((c) => Math.min(c, data.length))) {
        h.update(data.subarray(prev, cut));
        prev = cut;
      }
      h.update(data.subarray(prev));
      return h.digest().equals(sm3(data));
    }),
  );
  t.pass();
});

test('copy() forks a running hash without disturbing it (hash chains)', (t) => {
  const h = createSm3().update('ab');
  const fork = h.copy().update('c');
  t.is(fork.digest().toString('hex'), ABC);
  t.is(h.update('cd').digest().toString('hex'), sm3Hex('abcd'));
});

test('HMAC-SM3 agrees with openssl and sm-crypto, for short and long keys', (t) => {
  const msg = Buffer.from('The quick brown fox jumps over the lazy dog');
  for (const key of [Buffer.from('key'), Buffer.alloc(64, 0x0b), Buffer.alloc(100, 0xaa)]) {
    const expected = openssl(['mac', '-digest', 'SM3', '-macopt', `hexkey:${key.toString('hex')}`, '-in', '-', 'HMAC'], msg)
      .toString()
      .trim()
      .toLowerCase();
    t.is(hmacSm3(key, msg).toString('hex'), expected, `key of ${key.length} bytes`);
    t.is(smCrypto.sm3(msg, { key }), expected);
  }
  // `openssl dgst -hmac` takes the key as text, as a string key is taken here.
  const dgst = openssl(['dgst', '-sm3', '-hmac', 'secret key', '-binary'], msg).toString('hex');
  t.is(hmacSm3('secret key', msg).toString('hex'), dgst);
});

test('incremental HMAC-SM3 equals one-shot, and another key gives another tag', (t) => {
  const mac = createHmacSm3('k');
  mac.update('hello ');
  mac.update(Buffer.from('world'));
  t.deepEqual(mac.digest(), hmacSm3('k', 'hello world'));
  t.notDeepEqual(hmacSm3('k2', 'hello world'), hmacSm3('k', 'hello world'));
});

test('PBKDF2-SM3 (async and sync) agrees with openssl kdf', async (t) => {
  for (const [iter, keyLen] of [
    [1, 32],
    [1000, 32],
    [2048, 50], // more than one SM3 block of output
  ] as const) {
    const expected = openssl([
      'kdf',
      '-keylen',
      String(keyLen),
      '-kdfopt',
      'digest:SM3',
      '-kdfopt',
      'pass:correct horse',
      '-kdfopt',
      'salt:NaCl-salt',
      '-kdfopt',
      `iter:${iter}`,
      'PBKDF2',
    ])
      .toString()
      .trim()
      .replace(/:/g, '')
      .toLowerCase();
    t.is((await pbkdf2Sm3('correct horse', 'NaCl-salt', iter, keyLen)).toString('hex'), expected);
    t.is(pbkdf2Sm3Sync('correct horse', Buffer.from('NaCl-salt'), iter, keyLen).toString('hex'), expected);
  }
});

test('PBKDF2-SM3 refuses nonsense parameters', (t) => {
  t.throws(() => pbkdf2Sm3Sync('p', 's', 0, 32), { instanceOf: InputError });
  t.throws(() => pbkdf2Sm3Sync('p', 's', 1.5, 32), { instanceOf: InputError });
  t.throws(() => pbkdf2Sm3('p', 's', 10, 0), { instanceOf: InputError });
});
