import { sm2 as smV2 } from 'sm-crypto-v2';

// The SM2 curve (GB/T 32918.5) as sm-crypto-v2 builds it on noble-curves. sm-crypto-v2 exports no curve object, but
// every point it returns is an instance of the curve's point class, so we take the class from one of them and
// check at load that it is the curve we expect. Secret scalars (signing nonces, private keys) only ever go through
// noble's constant-operation-count `multiply`; the faster table walk below is for public scalars (verification).

/** A point of the SM2 curve (noble-curves' projective point, immutable). */
export type Point = ReturnType<typeof smV2.precomputePublicKey>;

interface PointClass {
  readonly BASE: Point;
  readonly ZERO: Point;
  fromHex(hex: string | Uint8Array): Point;
  fromAffine(p: { x: bigint; y: bigint }): Point;
}

/** The recommended curve's parameters (GB/T 32918.5): field prime p, a = p - 3, b, order n, generator G. */
export const CURVE_P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const CURVE_A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
export const CURVE_B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const CURVE_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
export const CURVE_GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const CURVE_GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

const G_HEX = `04${CURVE_GX.toString(16).padStart(64, '0')}${CURVE_GY.toString(16).padStart(64, '0')}`;

const PointCls: PointClass = (() => {
  const g = smV2.precomputePublicKey(G_HEX, 1);
  const cls = g.constructor as unknown as PointClass;
  const base = cls.BASE?.toAffine();
  const ok =
    typeof cls.fromAffine === 'function' &&
    base?.x === CURVE_GX &&
    base.y === CURVE_GY &&
    cls.ZERO?.is0() === true &&
    // (n - 1)·G = -G pins the group order, hence the curve, not just a curve through G.
    cls.BASE.multiply(CURVE_N - 1n).equals(cls.BASE.negate());
  if (!ok) {
    throw new Error('sm-crypto-v2 no longer exposes the SM2 point class this module relies on');
  }
  return cls;
})();

/** The generator G. */
export const BASE = PointCls.BASE;
/** The point at infinity. */
export const ZERO = PointCls.ZERO;

/** a mod m in [0, m). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Inverse of a modulo the prime m (extended Euclid); throws for a ≡ 0. */
export function invert(a: bigint, m: bigint): bigint {
  let r0 = mod(a, m);
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const s2 = s0 - q * s1;
    s0 = s1;
    s1 = s2;
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return mod(s0, m);
}

/** Parses an encoded point (04‖x‖y, or compressed 02/03‖x) and checks it is on the curve and not infinity. */
export function pointFromBytes(bytes: Uint8Array): Point {
  return PointCls.fromHex(bytes);
}

/** The uncompressed encoding 04‖x‖y (65 bytes). */
export function pointToBytes(point: Point): Buffer {
  const { x, y } = point.toAffine();
  return Buffer.from(`04${x.toString(16).padStart(64, '0')}${y.toString(16).padStart(64, '0')}`, 'hex');
}

/** k·G for a secret k in [1, n-1], with a data-independent sequence of point operations. */
export function mulBaseSecret(k: bigint): Point {
  return BASE.multiply(k);
}

/** k·P for a secret k in [1, n-1] (encryption and decryption). */
export function mulSecret(point: Point, k: bigint): Point {
  return point.multiply(k);
}

/**
 * Fixed-window table of a point: row i holds j·2^(W·i)·P for j = 1..2^(W-1), normalised to Z = 1 (noble's
 * complete addition is cheaper with Z = 1). A 256-bit multiple then costs about 256/W additions and no doublings.
 */
export interface PointTable {
  readonly window: number;
  readonly rows: readonly (readonly Point[])[];
}

/** Builds the table of `point` for window width `window` (2..8): ~2^(W-1)·(256/W) additions. */
export function buildTable(point: Point, window: number): PointTable {
  const half = 2 ** (window - 1);
  const count = Math.ceil(256 / window) + 1; // one extra row absorbs the last carry
  const rows: Point[][] = [];
  let base = point;
  for (let i = 0; i < count; i++) {
    const row: Point[] = [base];
    for (let j = 1; j < half; j++) row.push(row[j - 1]!.add(base));
    rows.push(normalise(row));
    base = row[half - 1]!.double();
  }
  return { window, rows };
}

// Montgomery's trick: one inversion for a whole row instead of one per point.
function normalise(points: Point[]): Point[] {
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const p of points) {
    prefix.push(acc);
    acc = mod(acc * p.Z, CURVE_P);
  }
  let inv = invert(acc, CURVE_P);
  const out: Point[] = new Array<Point>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    const zInv = mod(inv * prefix[i]!, CURVE_P);
    inv = mod(inv * p.Z, CURVE_P);
    out[i] = PointCls.fromAffine({ x: mod(p.X * zInv, CURVE_P), y: mod(p.Y * zInv, CURVE_P) });
  }
  return out;
}

/**
 * acc + k·P from P's table, with signed window digits. Variable time: public scalars only (verification).
 */
export function mulTablePublic(table: PointTable, k: bigint, acc: Point = ZERO): Point {
  const { window, rows } = table;
  const mask = BigInt(2 ** window - 1);
  const shift = BigInt(window);
  const full = 2 ** window;
  const half = full / 2;
  let carry = 0;
  let rest = k;
  let sum = acc;
  for (const row of rows) {
    let digit = Number(rest & mask) + carry;
    rest >>= shift;
    carry = 0;
    if (digit > half) {
      digit -= full;
      carry = 1;
    }
    if (digit > 0) sum = sum.add(row[digit - 1]!);
    else if (digit < 0) sum = sum.add(row[-digit - 1]!.negate());
  }
  if (rest !== 0n || carry !== 0) throw new RangeError('scalar too large for the table');
  return sum;
}

let baseTable: PointTable | undefined;

/** G's table (window 8: 4,224 points, built once on first use in ~60 ms). */
export function baseTableOnce(): PointTable {
  return (baseTable ??= buildTable(BASE, 8));
}

/**
 * Whether the affine x of `point` is ≡ v (mod n), checked in projective coordinates (x = X/Z) so verification
 * needs no field inversion: x < p < 2n, so x is v or v + n.
 */
export function affineXModNEquals(point: Point, v: bigint): boolean {
  if (point.is0()) return false;
  const { X, Z } = point;
  if (mod(v * Z, CURVE_P) === X) return true;
  const v2 = v + CURVE_N;
  return v2 < CURVE_P && mod(v2 * Z, CURVE_P) === X;
}
