import test from 'ava';
import { newTotpSecret, totpAt, totpUri, verifyTotp } from './totp';

// RFC 6238 Appendix B, SHA-1 seed "12345678901234567890"; 6-digit codes are the last 6 of the 8-digit ones.
const RFC = { secretBase32: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
const VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

test('codes match RFC 6238 Appendix B (SHA-1)', (t) => {
  for (const [seconds, code] of VECTORS) t.is(totpAt(RFC, seconds * 1000), code, `T=${seconds}`);
});

test('verifyTotp returns the matched step within ±1 step, else null', (t) => {
  const now = 1234567890_000;
  const step = Math.floor(now / 30_000);
  t.is(verifyTotp(RFC, '005924', now), step);
  t.is(verifyTotp(RFC, totpAt(RFC, now - 30_000), now), step - 1);
  t.is(verifyTotp(RFC, totpAt(RFC, now + 30_000), now), step + 1);
  t.is(verifyTotp(RFC, totpAt(RFC, now - 90_000), now), null);
  t.is(verifyTotp(RFC, 'abcdef', now), null);
  t.is(verifyTotp(RFC, '0059245', now), null);
});

test('new secrets are 160-bit base32 and enrol through an otpauth URI', (t) => {
  const secret = newTotpSecret();
  t.regex(secret, /^[A-Z2-7]{32}$/);
  t.not(secret, newTotpSecret());
  const uri = totpUri({ issuer: 'yiyun', label: 'alice', secretBase32: secret });
  t.true(uri.startsWith('otpauth://totp/yiyun:alice?'));
  t.true(uri.includes(`secret=${secret}`));
  t.is(verifyTotp({ secretBase32: secret }, totpAt({ secretBase32: secret }, 1e12), 1e12), Math.floor(1e12 / 30_000));
});
