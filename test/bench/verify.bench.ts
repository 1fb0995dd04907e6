import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { bench, describe } from 'vitest';
import { createMemoryReplayStore, createStaticKeyResolver, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant, type JwtBearerGrantOptions } from '../../src/index.js';

// Each case verifies the SAME kind of assertion side by side in one run: the floor (node:crypto.verify with a
// pre-imported KeyObject), a bare jose.jwtVerify with a pre-imported key, and the library's whole pipeline
// (form parse, decode, header rules, static resolver, signature, claims, policy; singleUse off so one
// assertion can be reused; the replay store has its own bench). Ratios are what count on a shared machine.
const ISSUER = 'https://as.example.com';
const SERVICE = 'svc@example.com';
const ALGS = [
  ['RS256', { hash: 'sha256' }],
  ['PS256', { hash: 'sha256' }],
  ['ES256', { hash: 'sha256' }],
  ['EdDSA', { hash: null }],
] as const;

interface Case {
  assertion: string;
  body: Record<string, string>;
  cryptoKey: CryptoKey;
  keyObject: KeyObject;
  data: Buffer;
  signature: Buffer;
  options: JwtBearerGrantOptions;
}

async function prepare(alg: string): Promise<Case> {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k', alg };
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 3600, jti: 'bench' })
    .setProtectedHeader({ alg, kid: 'k' })
    .sign(pair.privateKey);
  const dot = assertion.lastIndexOf('.');
  const options: JwtBearerGrantOptions = {
    issuer: ISSUER,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [jwk], singleUse: false, maxLifetime: 3600 } }),
    replayStore: createMemoryReplayStore(),
  };
  const body = { grant_type: JWT_BEARER_GRANT_TYPE, assertion };
  await verifyJwtBearerGrant({ body }, options); // warm: options compiled, key imported
  return {
    assertion,
    body,
    cryptoKey: (await importJWK(jwk, alg)) as CryptoKey,
    keyObject: createPublicKey({ key: jwk as never, format: 'jwk' }),
    data: Buffer.from(assertion.slice(0, dot)),
    signature: Buffer.from(assertion.slice(dot + 1), 'base64url'),
    options,
  };
}

const cases = new Map<string, Case>();
for (const [alg] of ALGS) cases.set(alg, await prepare(alg));

for (const [alg, { hash }] of ALGS) {
  const c = cases.get(alg) as Case;
  const keyOptions =
    alg === 'PS256'
      ? { key: c.keyObject, padding: 6, saltLength: 32 }
      : alg === 'ES256'
        ? { key: c.keyObject, dsaEncoding: 'ieee-p1363' as const }
        : c.keyObject;
  describe(alg, () => {
    bench('floor: node:crypto.verify', () => {
      if (!nodeVerify(hash, c.data, keyOptions as never, c.signature)) throw new Error('floor failed');
    });
    bench('jose.jwtVerify (pre-imported key)', async () => {
      await jwtVerify(c.assertion, c.cryptoKey, { issuer: SERVICE, audience: ISSUER });
    });
    bench('verifyJwtBearerGrant', async () => {
      await verifyJwtBearerGrant({ body: c.body }, c.options);
    });
  });
}
