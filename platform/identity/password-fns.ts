import { pbkdf2Sm3, randomBytes, randomToken, timingSafeEqual } from '../../core/crypto';
import type { SecurityPolicy } from './identity-schemas';

/** Iterations of PBKDF2-SM3; stored in each hash so it can be raised without invalidating old ones. */
export const PBKDF2_ITERATIONS = 100_000;
const KEY_LEN = 32;

/** `pbkdf2-sm3$<iterations>$<salt b64>$<hash b64>` with a per-account random salt. */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2Sm3(password, salt, iterations, KEY_LEN);
  return `pbkdf2-sm3$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time comparison against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== 'pbkdf2-sm3') return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1) return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = Buffer.from(parts[3]!, 'base64');
  const actual = await pbkdf2Sm3(password, salt, iterations, expected.length);
  return timingSafeEqual(actual, expected);
}

/** A hash to verify against when the account does not exist, so timing does not reveal that. */
export const DUMMY_HASH_PROMISE = (() => {
  let p: Promise<string> | undefined;
  return () => (p ??= hashPassword(randomToken(16)));
})();

const CLASSES: Array<[string, RegExp]> = [
  ['lower-case letters', /[a-z]/],
  ['upper-case letters', /[A-Z]/],
  ['digits', /\d/],
  ['symbols', /[^A-Za-z0-9]/],
];

/** The rules a new password breaks under the policy (empty when it is acceptable). */
export function passwordProblems(password: string, policy: SecurityPolicy, loginId?: string): string[] {
  const problems: string[] = [];
  if (password.length < policy.passwordMinLength) problems.push(`at least ${policy.passwordMinLength} characters`);
  const classes = CLASSES.filter(([, re]) => re.test(password)).length;
  if (classes < policy.passwordMinClasses) {
    problems.push(`at least ${policy.passwordMinClasses} of: ${CLASSES.map(([n]) => n).join(', ')}`);
  }
  if (loginId && loginId.length >= 3 && password.toLowerCase().includes(loginId.toLowerCase())) problems.push('must not contain the login id');
  return problems;
}

/** A random password that satisfies any policy (for first logins and resets; shown once). */
export function generatePassword(length = 16): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%^*-_=+'];
  const all = sets.join('');
  const bytes = randomBytes(length * 2);
  const chars: string[] = sets.map((s, i) => s[bytes[i]! % s.length]!);
  for (let i = chars.length; i < length; i++) chars.push(all[bytes[i]! % all.length]!);
  // Shuffle so the class-guaranteeing characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = bytes[length + i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
