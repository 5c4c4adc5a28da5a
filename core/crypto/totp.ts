import { Secret, TOTP } from 'otpauth';
import { InputError } from '../errors';

// TOTP (RFC 6238) for second-factor login. HMAC-SHA1, 6 digits, 30-second steps: the only profile that every
// authenticator app accepts — an SM3 TOTP would be refused by the apps staff actually carry. This is an
// authentication code, not a 国密 protection of data; the seed itself is stored sealed with SM4.

const PERIOD = 30;
const DIGITS = 6;
/** Accept the previous and next step too, for clock drift between server and phone. */
const WINDOW = 1;

/** A TOTP seed as its base32 text (how authenticator apps and otpauth:// URIs carry it). */
export interface TotpKey {
  secretBase32: string;
}

function totpOf(key: TotpKey, issuer = '', label = 'yiyun'): TOTP {
  let secret: Secret;
  try {
    secret = Secret.fromBase32(key.secretBase32);
  } catch (e) {
    throw new InputError('TOTP secret is not base32', { code: 'crypto.invalid_key', cause: e });
  }
  return new TOTP({ issuer, label, secret, algorithm: 'SHA1', digits: DIGITS, period: PERIOD });
}

/** A new random TOTP seed (160 bits, RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans (as a QR code) to enrol the seed. */
export function totpUri(opts: { issuer: string; label: string; secretBase32: string }): string {
  return totpOf(opts, opts.issuer, opts.label).toString();
}

/** The code for time `timeMs` (default now) — for tests and tooling. */
export function totpAt(key: TotpKey, timeMs: number = Date.now()): string {
  return totpOf(key).generate({ timestamp: timeMs });
}

/**
 * The time step (a counter) whose code equals `code` within ±1 step of `nowMs`, or null. Callers store the last
 * accepted step and refuse a step not greater than it, so each code works once.
 */
export function verifyTotp(key: TotpKey, code: string, nowMs: number = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpOf(key);
  const delta = totp.validate({ token: code, timestamp: nowMs, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: nowMs }) + delta;
}
