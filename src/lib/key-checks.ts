import { bitLength } from './der.js';

// Checks of public key VALUES, run once when a key is configured. WebCrypto refuses some of these keys only at
// import, on first use (a 500 for every request naming the issuer), and accepts others outright although anyone
// can forge signatures under them: an RSA exponent of 1 makes every padded hash its own signature, and an Ed25519
// key of small order verifies (R = identity, S = 0) for every message.

/** Big-endian bytes as an unsigned integer. */
function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * RSA public exponent (RFC 8017 §3.1; FIPS 186-5 §5.4 bounds it below 2^256): odd and at least 3. Returns the
 * problem, or undefined.
 */
export function rsaExponentProblem(e: Uint8Array): string | undefined {
  const bits = bitLength(e);
  if (bits < 2 || bits > 256 || ((e[e.length - 1] as number) & 1) === 0) return 'RSA public exponent must be odd, at least 3 and below 2^256';
  return undefined;
}

// Short Weierstrass curves y² = x³ - 3x + b over GF(p) (SEC 2 §2.4, FIPS 186-5 / SP 800-186 §3.2.1).
const CURVES = {
  'P-256': {
    bytes: 32,
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  'P-384': {
    bytes: 48,
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  'P-521': {
    bytes: 66,
    p: (1n << 521n) - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
} as const;

/**
 * An uncompressed EC public point (RFC 7518 §6.2.1): both coordinates of the curve's full length, below p, and on
 * the curve. (The point at infinity has no such encoding; the curves have cofactor 1, so every other point on the
 * curve generates the whole group.) Returns the problem, or undefined.
 */
export function ecPointProblem(crv: keyof typeof CURVES, x: Uint8Array, y: Uint8Array): string | undefined {
  const { bytes, p, b } = CURVES[crv];
  if (x.length !== bytes || y.length !== bytes) return `${crv} coordinates must be ${bytes} bytes each`;
  const X = toBigInt(x);
  const Y = toBigInt(y);
  if (X >= p || Y >= p) return `${crv} coordinates must be below the field prime`;
  if ((Y * Y - (X * X * X - 3n * X + b)) % p !== 0n) return `the point is not on ${crv}`;
  return undefined;
}

const P25519 = (1n << 255n) - 19n;
// The y of the points of order 8 are this and p minus this (libsodium's small-order blocklist, RFC 8032 §5.1).
const ORDER_8_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
const SMALL_ORDER_Y = new Set([0n, 1n, P25519 - 1n, ORDER_8_Y, P25519 - ORDER_8_Y]);

/**
 * An Ed25519 public key (RFC 8032 §5.1.2-3): 32 bytes, y below p (canonical), and not one of the points of small
 * order, under which a signature with R = identity and S = 0 verifies for every message. Returns the problem, or
 * undefined.
 */
export function ed25519KeyProblem(key: Uint8Array): string | undefined {
  if (key.length !== 32) return 'Ed25519 public key must be 32 bytes';
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? (key[i] as number) & 0x7f : (key[i] as number));
  if (y >= P25519) return 'Ed25519 public key is not canonically encoded';
  if (SMALL_ORDER_Y.has(y)) return 'Ed25519 public key is a point of small order';
  return undefined;
}
