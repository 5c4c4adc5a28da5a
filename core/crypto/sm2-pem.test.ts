import test from 'ava';
import { InputError } from '../errors';
import { openssl, scratchDir } from './openssl-testing';
import { sm2Sign, sm2Verify } from './sm2';
import { generateSm2KeyPair } from './sm2-keys';
import {
  sm2KeyFromDer,
  sm2KeyFromPem,
  sm2PrivateKeyToDer,
  sm2PrivateKeyToPem,
  sm2PublicKeyToDer,
  sm2PublicKeyToPem,
} from './sm2-pem';

test('our PEM is byte for byte what openssl writes for the same key', (t) => {
  const dir = scratchDir();
  t.teardown(dir.remove);
  const kp = generateSm2KeyPair();
  const priv = dir.file('key.pem', sm2PrivateKeyToPem(kp.privateKey));
  const pub = dir.file('pub.pem', sm2PublicKeyToPem(kp.publicKey));
  t.is(openssl(['pkey', '-in', priv]).toString(), sm2PrivateKeyToPem(kp.privateKey));
  t.is(openssl(['pkey', '-in', priv, '-pubout']).toString(), sm2PublicKeyToPem(kp.publicKey));
  t.is(openssl(['pkey', '-pubin', '-in', pub, '-pubout']).toString(), sm2PublicKeyToPem(kp.publicKey));
  t.regex(openssl(['pkey', '-in', priv, '-text', '-noout']).toString(), /ASN1 OID: SM2/);
});

test('reads keys openssl generates: PKCS#8, SEC1 and SPKI', (t) => {
  const dir = scratchDir();
  t.teardown(dir.remove);
  const pkcs8 = openssl(['genpkey', '-algorithm', 'SM2']).toString();
  const sec1 = openssl(['ec'], Buffer.from(pkcs8)).toString();
  const spki = openssl(['pkey', '-pubout'], Buffer.from(pkcs8)).toString();
  t.regex(sec1, /BEGIN (SM2|EC) PRIVATE KEY/);
  const fromPkcs8 = sm2KeyFromPem(pkcs8);
  const fromSec1 = sm2KeyFromPem(sec1);
  const fromSpki = sm2KeyFromPem(spki);
  t.is(fromPkcs8.type, 'private');
  if (fromPkcs8.type !== 'private') return;
  t.deepEqual(fromSec1, fromPkcs8);
  t.deepEqual(fromSpki, { type: 'public', publicKey: fromPkcs8.publicKey });
  t.deepEqual(sm2KeyFromPem(sec1.replace(/SM2 PRIVATE KEY/g, 'EC PRIVATE KEY')), fromPkcs8);
  // `openssl ecparam -genkey` writes a parameters block first.
  const withParams = openssl(['ecparam', '-name', 'SM2', '-genkey']).toString();
  t.regex(withParams, /PARAMETERS[\s\S]*PRIVATE KEY/);
  t.is(sm2KeyFromPem(withParams).type, 'private');
  // The parsed private key really is openssl's: openssl verifies what we sign with it.
  const sig = dir.file('sig', sm2Sign(fromPkcs8.privateKey, 'ping'));
  const args = ['pkeyutl', '-verify', '-pubin', '-inkey', dir.file('pub.pem', spki), '-rawin', '-in', dir.file('msg', 'ping')];
  t.notThrows(() => openssl([...args, '-sigfile', sig, '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678']));
});

test('DER round-trips', (t) => {
  const kp = generateSm2KeyPair();
  t.deepEqual(sm2KeyFromDer(sm2PrivateKeyToDer(kp.privateKey), 'pkcs8'), { type: 'private', ...kp });
  t.deepEqual(sm2KeyFromDer(sm2PublicKeyToDer(kp.publicKey), 'spki'), { type: 'public', publicKey: kp.publicKey });
  t.true(sm2Verify(kp.publicKey, 'x', sm2Sign(kp.privateKey, 'x')));
});

test('other curves, encrypted keys, mismatched halves and garbage are refused', (t) => {
  const p256 = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']).toString();
  t.throws(() => sm2KeyFromPem(p256), { instanceOf: InputError, message: /not an SM2 key/ });
  t.throws(() => sm2KeyFromPem(openssl(['pkey', '-pubout'], Buffer.from(p256)).toString()), { instanceOf: InputError });
  t.throws(() => sm2KeyFromPem(openssl(['ec'], Buffer.from(p256)).toString()), { instanceOf: InputError });
  const encrypted = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:x'], Buffer.from(sm2PrivateKeyToPem(generateSm2KeyPair().privateKey)));
  t.throws(() => sm2KeyFromPem(encrypted.toString()), { instanceOf: InputError, message: /encrypted/ });
  t.throws(() => sm2KeyFromPem('hello'), { instanceOf: InputError });
  t.throws(() => sm2KeyFromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), { instanceOf: InputError });

  // A PKCS#8 whose embedded public key belongs to another private key.
  const a = generateSm2KeyPair();
  const b = generateSm2KeyPair();
  const der = sm2PrivateKeyToDer(a.privateKey);
  const forged = Buffer.from(der.toString('hex').replace(a.publicKey, b.publicKey), 'hex');
  t.throws(() => sm2KeyFromDer(forged, 'pkcs8'), { instanceOf: InputError, message: /does not belong/ });
});
