import test from 'ava';
import { randomBytes, randomToken, timingSafeEqual } from './random';

test('randomBytes gives the requested length and differs between calls', (t) => {
  t.is(randomBytes(32).length, 32);
  t.notDeepEqual(randomBytes(16), randomBytes(16));
});

test('randomToken is base64url of the requested entropy and refuses weak sizes', (t) => {
  const token = randomToken();
  t.regex(token, /^[A-Za-z0-9_-]{43}$/);
  t.is(Buffer.from(randomToken(16), 'base64url').length, 16);
  t.not(randomToken(), randomToken());
  t.throws(() => randomToken(8), { instanceOf: RangeError });
});

test('timingSafeEqual compares contents and answers false for other lengths', (t) => {
  t.true(timingSafeEqual(Buffer.from('abc'), 'abc'));
  t.false(timingSafeEqual('abc', 'abd'));
  t.false(timingSafeEqual('abc', 'abcd'));
  t.true(timingSafeEqual(new Uint8Array(0), ''));
});
