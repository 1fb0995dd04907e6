import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecPointProblem, ed25519KeyProblem, rsaExponentProblem } from '../../src/lib/key-checks.js';

// The constants behind the key-value checks (curve primes and coefficients, the order-8 Ed25519 point), checked
// against keys the platform generates and against the curve arithmetic itself. End to end: test/keys/key-values.

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

describe('key-value checks', () => {
  it('SEC 2 / SP 800-186 curve constants: keys node:crypto generates are on their curve, and a changed y is not', () => {
    for (const crv of ['P-256', 'P-384', 'P-521'] as const) {
      for (let i = 0; i < 20; i++) {
        const jwk = generateKeyPairSync('ec', { namedCurve: crv }).publicKey.export({ format: 'jwk' }) as { x: string; y: string };
        expect(ecPointProblem(crv, bytes(jwk.x), bytes(jwk.y))).toBeUndefined();
        const y = bytes(jwk.y);
        y[y.length - 1] = (y[y.length - 1] as number) ^ 1;
        expect(ecPointProblem(crv, bytes(jwk.x), y)).toMatch(/not on/);
      }
    }
  });

  it('RFC 8032: generated Ed25519 keys pass; the small-order y refused is a point of order exactly 8', () => {
    for (let i = 0; i < 50; i++) {
      const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as { x: string };
      expect(ed25519KeyProblem(bytes(jwk.x))).toBeUndefined();
    }
    // Twisted Edwards arithmetic over GF(2^255 - 19): recover x from y, then double three times.
    const p = (1n << 255n) - 19n;
    const mod = (a: bigint) => ((a % p) + p) % p;
    const pow = (base: bigint, exponent: bigint) => {
      let result = 1n;
      for (let b = mod(base), e = exponent; e > 0n; e >>= 1n, b = mod(b * b)) if (e & 1n) result = mod(result * b);
      return result;
    };
    const inv = (a: bigint) => pow(a, p - 2n);
    const d = mod(-121665n * inv(121666n));
    const y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
    const x2 = mod((y * y - 1n) * inv(d * y * y + 1n));
    let x = pow(x2, (p + 3n) / 8n);
    if (mod(x * x) !== x2) x = mod(x * pow(2n, (p - 1n) / 4n));
    expect(mod(x * x)).toBe(x2);
    const double = ([x1, y1]: [bigint, bigint]): [bigint, bigint] => {
      const t = mod(d * x1 * x1 * y1 * y1);
      return [mod(2n * x1 * y1 * inv(1n + t)), mod((y1 * y1 + x1 * x1) * inv(1n - t))];
    };
    const twice = double([x, y]);
    const four = double(twice);
    expect(four).not.toEqual([0n, 1n]);
    expect(double(four)).toEqual([0n, 1n]);
    let encoded = 0n;
    for (let i = 0n; i < 32n; i++) encoded |= ((y >> (8n * i)) & 0xffn) << (8n * i);
    const key = new Uint8Array(32).map((_, i) => Number((encoded >> BigInt(8 * i)) & 0xffn));
    expect(ed25519KeyProblem(key)).toMatch(/small order/);
  });

  it('RSA exponent: odd, 3 or more, under 2^256', () => {
    const problem = (...e: number[]) => rsaExponentProblem(new Uint8Array(e));
    expect(problem(1, 0, 1)).toBeUndefined();
    expect(problem(3)).toBeUndefined();
    expect(problem(0, 3)).toBeUndefined(); // a leading zero byte changes nothing
    for (const e of [[0], [1], [2], [1, 0, 0], [1, ...new Array<number>(31).fill(0), 1]]) expect(problem(...e)).toBeDefined();
  });
});
