import * as nodeCrypto from 'node:crypto';
import { InputError } from '../errors';
import { toBuffer, type Bytes } from './bytes';
import { timingSafeEqual } from './random';

// Dynamic passwords after GM/T 0021-2012 (动态口令密码应用技术规范), SM3 variant, for hardware tokens:
//   T  = floor((t - T0) / Tc) as a 64-bit big-endian time factor (T0 = 0, Tc = 60 s by default);
//   ID = T ‖ C ‖ Q  (C: optional 32-bit big-endian event counter, Q: optional challenge, ≥ 4 bytes), right-padded
//        with zero bytes to at least 128 bits;
//   S  = SM3(K ‖ ID)  (K: the token seed, ≥ 128 bits);
//   OD = (S1 + S2 + … + S8) mod 2^32, Si the eight big-endian 32-bit words of S;
//   P  = OD mod 10^N  (N ≥ 6 digits), zero-padded.

export type Sm3OtpOptions = {
  /** The moment to compute for (ms since the epoch); default now. */
  timeMs?: number;
  /** Tc in seconds; default 60. */
  stepSeconds?: number;
  /** N, 6 to 8; default 6. */
  digits?: number;
  /** The event counter C, if the token uses one. */
  counter?: number;
  /** The challenge Q, if the token uses one (at least 4 bytes). */
  challenge?: Bytes;
};

/** The GM/T 0021 ID for a time factor, counter and challenge. */
export function sm3OtpId(timeFactor: bigint, counter?: number, challenge?: Bytes): Buffer {
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(timeFactor);
  const parts: Buffer[] = [t];
  if (counter !== undefined) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter >>> 0);
    parts.push(c);
  }
  if (challenge !== undefined) {
    const q = toBuffer(challenge);
    if (q.length < 4) throw new InputError('an OTP challenge is at least 4 bytes', { code: 'crypto.invalid_input' });
    parts.push(q);
  }
  const id = Buffer.concat(parts);
  return id.length >= 16 ? id : Buffer.concat([id, Buffer.alloc(16 - id.length)]);
}

/** The OTP of a seed for an explicit ID (the core of GM/T 0021's SM3 algorithm). */
export function sm3OtpForId(seed: Uint8Array, id: Uint8Array, digits = 6): string {
  if (seed.length < 16) throw new InputError('an OTP seed is at least 128 bits', { code: 'crypto.invalid_key' });
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new InputError('an OTP has 6 to 8 digits', { code: 'crypto.invalid_input' });
  const s = nodeCrypto.createHash('sm3').update(seed).update(id).digest();
  let od = 0;
  for (let i = 0; i < 32; i += 4) od = (od + s.readUInt32BE(i)) >>> 0;
  return String(od % 10 ** digits).padStart(digits, '0');
}

/** The SM3 OTP at a moment (time-based, optionally with counter and challenge). */
export function sm3OtpAt(seed: Uint8Array, opts: Sm3OtpOptions = {}): string {
  const step = opts.stepSeconds ?? 60;
  const t = BigInt(Math.floor((opts.timeMs ?? Date.now()) / 1000 / step));
  return sm3OtpForId(seed, sm3OtpId(t, opts.counter, opts.challenge), opts.digits ?? 6);
}

/**
 * The time factor whose OTP equals `code` within ±`window` steps of now, or null. Callers store the last accepted
 * factor and refuse one not greater than it, so each code works once (as with TOTP).
 */
export function verifySm3Otp(seed: Uint8Array, code: string, opts: Sm3OtpOptions & { window?: number } = {}): number | null {
  const digits = opts.digits ?? 6;
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return null;
  const step = opts.stepSeconds ?? 60;
  const now = Math.floor((opts.timeMs ?? Date.now()) / 1000 / step);
  const w = opts.window ?? 1;
  let found: number | null = null;
  for (let f = now - w; f <= now + w; f++) {
    // Every candidate is computed and compared in constant time, so timing does not reveal which step matched.
    const ok = timingSafeEqual(sm3OtpForId(seed, sm3OtpId(BigInt(f), opts.counter, opts.challenge), digits), code);
    if (ok && found === null) found = f;
  }
  return found;
}
