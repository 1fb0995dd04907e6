import { constants, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

// Keys and assertions for the benches, made with node:crypto directly: signing a pool of thousands of
// single-use assertions through jose would take longer than the benches themselves.

export const ISSUER = 'https://as.example.com';
export const SERVICE = 'svc@example.com';

export type BenchAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const BENCH_ALGS: readonly BenchAlg[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface BenchKey {
  alg: BenchAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK with `kid` and `alg`, as an application would configure it. */
  publicJwk: JWK;
  /** `hash` argument of node:crypto sign/verify for this alg (`null` for EdDSA). */
  hash: string | null;
  /** The key argument of node:crypto.verify: the KeyObject with this alg's padding or signature encoding. */
  verifyKey: KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' };
}

export function createBenchKey(alg: BenchAlg): BenchKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { publicKey, privateKey } = pair;
  // RFC 7518 §3.5: PS256 is RSASSA-PSS with SHA-256 and a 32-byte salt; §3.4: ES256 signatures are raw r||s.
  const verifyKey =
    alg === 'PS256'
      ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : alg === 'ES256'
        ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const }
        : publicKey;
  return {
    alg,
    privateKey,
    publicKey,
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: `${alg}-bench`, alg },
    hash: alg === 'EdDSA' ? null : 'sha256',
    verifyKey,
  };
}

function signWith(key: BenchKey, data: Buffer): Buffer {
  const signKey =
    'dsaEncoding' in key.verifyKey || 'padding' in key.verifyKey
      ? { ...key.verifyKey, key: key.privateKey }
      : key.privateKey;
  return sign(key.hash, data, signKey);
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS over `claims`, header `{ alg, kid, typ: 'JWT' }`, as one flat string: a form parser hands the
 * library a string decoded from the body, never V8's rope of three joined pieces, whose first read would add the
 * cost of flattening it to whichever case touches it first.
 */
export function signAssertion(key: BenchKey, claims: Record<string, unknown>): string {
  const input = `${encode({ alg: key.alg, kid: key.publicJwk.kid, typ: 'JWT' })}.${encode(claims)}`;
  return Buffer.from(`${input}.${signWith(key, Buffer.from(input)).toString('base64url')}`, 'latin1').toString('latin1');
}

/**
 * `count` assertions from SERVICE (iss = sub) to ISSUER with distinct `jti`s, valid for `lifetime` seconds from
 * now: every one verifies, and each can be consumed once.
 */
export function signPool(key: BenchKey, count: number, lifetime = 290, prefix = 'jti'): string[] {
  const now = Math.floor(Date.now() / 1000);
  const pool: string[] = [];
  for (let i = 0; i < count; i++) {
    pool.push(signAssertion(key, { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + lifetime, jti: `${prefix}-${i}` }));
  }
  return pool;
}

/** The floor: node:crypto.verify of a compact JWS with a pre-imported KeyObject, nothing else. */
export function createFloorVerify(key: BenchKey, assertion: string): () => boolean {
  const dot = assertion.lastIndexOf('.');
  const data = Buffer.from(assertion.slice(0, dot));
  const signature = Buffer.from(assertion.slice(dot + 1), 'base64url');
  if (!verify(key.hash, data, key.verifyKey, signature)) throw new Error(`${key.alg} floor: signature does not verify`);
  return () => verify(key.hash, data, key.verifyKey, signature);
}

/**
 * The floor plus getting its bytes out of the token, over a pool of distinct assertions: node:crypto.verify with
 * the signing input and signature decoded from each compact string per call, as any verifier must. Shown beside
 * the floor so the cost of reading fresh tokens is not mistaken for pipeline overhead.
 */
export function createFloorFromTokens(key: BenchKey, pool: readonly string[]): (i: number) => boolean {
  return (i) => {
    const token = pool[i % pool.length] as string;
    const dot = token.lastIndexOf('.');
    return verify(key.hash, Buffer.from(token.slice(0, dot), 'latin1'), key.verifyKey, Buffer.from(token.slice(dot + 1), 'base64url'));
  };
}
