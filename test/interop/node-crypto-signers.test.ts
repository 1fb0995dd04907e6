import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createMemoryReplayStore,
  createStaticKeyResolver,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type Jwk,
  type JwtBearerGrantOptions,
  type TrustedKey,
} from '../../src/index.js';
import { AS_ISSUER, expectOAuthError, SERVICE, T0, TOKEN_ENDPOINT } from '../helpers/fixture.js';
import { signCompact, type SignAlg } from './sign-compact.js';

// Assertions made without jose, by plain node:crypto (OpenSSL) the way other implementations and hand-rolled
// clients make them, are accepted when valid (RFC 7515 §3.1 compact serialization, RFC 7518 §3 algorithms),
// with the key configured as a JWK or as a PEM SubjectPublicKeyInfo. Known interop pitfalls are refused with
// SIGNATURE_INVALID: a PSS salt that is not the hash length, an ECDSA signature left in DER.

interface Pair {
  privateKey: KeyObject;
  jwk: Jwk;
  pem: string;
}
function pair(generated: { privateKey: KeyObject; publicKey: KeyObject }): Pair {
  return {
    privateKey: generated.privateKey,
    jwk: generated.publicKey.export({ format: 'jwk' }) as Jwk,
    pem: generated.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
const RSA = pair(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const KEYS: Record<string, Pair> = {
  RSA,
  'P-256': pair(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
  'P-384': pair(generateKeyPairSync('ec', { namedCurve: 'P-384' })),
  'P-521': pair(generateKeyPairSync('ec', { namedCurve: 'P-521' })),
  Ed25519: pair(generateKeyPairSync('ed25519')),
};
const KEY_FOR: Record<Exclude<SignAlg, 'HS256'>, Pair> = {
  RS256: RSA, RS384: RSA, RS512: RSA, PS256: RSA, PS384: RSA, PS512: RSA,
  ES256: KEYS['P-256'] as Pair, ES384: KEYS['P-384'] as Pair, ES512: KEYS['P-521'] as Pair,
  EdDSA: KEYS['Ed25519'] as Pair, Ed25519: KEYS['Ed25519'] as Pair,
};

let counter = 0;
function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: SERVICE, sub: SERVICE, aud: TOKEN_ENDPOINT, iat: T0, exp: T0 + 120, jti: `node-crypto-${++counter}`, ...extra };
}
function options(key: TrustedKey): JwtBearerGrantOptions {
  const clock = createFakeClock(T0 * 1000);
  return {
    issuer: AS_ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key] } }),
    replayStore: createMemoryReplayStore({ clock }),
    clock,
  };
}
const submit = (assertion: string, opts: JwtBearerGrantOptions) =>
  verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, opts);

describe('RFC 7518 §3 / SPEC J3, J15: assertions signed by node:crypto are accepted for every allowed algorithm', () => {
  for (const [alg, key] of Object.entries(KEY_FOR) as Array<[Exclude<SignAlg, 'HS256'>, Pair]>) {
    it(`${alg}: key as a JWK and as a PEM SPKI; header with typ JWT, and with no typ`, async () => {
      for (const configured of [key.jwk, key.pem]) {
        const opts = options(configured);
        await expect(submit(signCompact({ alg, typ: 'JWT' }, claims(), alg, key.privateKey), opts)).resolves.toMatchObject({ header: { alg } });
        await expect(submit(signCompact({ alg }, claims(), alg, key.privateKey), opts)).resolves.toMatchObject({ issuer: SERVICE });
      }
    });
  }

  it('non-integer NumericDates (RFC 7519 §2 allows them; clients using Date.now() / 1000 send them) are accepted', async () => {
    const opts = options(KEYS['P-256']?.jwk as Jwk);
    const assertion = signCompact({ alg: 'ES256' }, claims({ iat: T0 - 0.25, exp: T0 + 119.75, nbf: T0 - 0.5 }), 'ES256', KEY_FOR.ES256.privateKey);
    await expect(submit(assertion, opts)).resolves.toMatchObject({ expiresAt: new Date((T0 + 119.75) * 1000) });
  });

  it('header and claims JSON with whitespace and another member order verify (the signature is over the text as sent)', async () => {
    const opts = options(RSA.jwk);
    const header = '{\n  "typ" : "JWT",\n  "alg" : "RS256"\n}';
    const payload = `{ "jti": "spaced-1", "exp": ${T0 + 60}, "aud": ${JSON.stringify(AS_ISSUER)},\r\n  "sub": ${JSON.stringify(SERVICE)}, "iss": ${JSON.stringify(SERVICE)} }`;
    await expect(submit(signCompact(header, payload, 'RS256', RSA.privateKey), opts)).resolves.toMatchObject({ jti: 'spaced-1' });
  });
});

describe('RFC 7518 §3.4, §3.5 / SPEC J15: common interop mistakes are refused as SIGNATURE_INVALID', () => {
  it('PS256 with a salt other than the hash length (maximum salt, empty salt) is refused; salt = 32 is accepted', async () => {
    const opts = options(RSA.jwk);
    for (const saltLength of [constants.RSA_PSS_SALTLEN_MAX_SIGN, 0, 20, 64]) {
      await expectOAuthError(submit(signCompact({ alg: 'PS256' }, claims(), 'PS256', RSA.privateKey, { saltLength }), opts), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    }
    await submit(signCompact({ alg: 'PS256' }, claims(), 'PS256', RSA.privateKey, { saltLength: 32 }), opts);
  });

  it('ES256, ES384 and ES512 signatures in node:crypto’s default DER encoding are refused (JOSE wants raw r || s)', async () => {
    for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
      const opts = options(KEY_FOR[alg].jwk);
      await expectOAuthError(submit(signCompact({ alg }, claims(), alg, KEY_FOR[alg].privateKey, { dsaEncoding: 'der' }), opts), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
      await submit(signCompact({ alg }, claims(), alg, KEY_FOR[alg].privateKey), opts);
    }
  });

  it('a PKCS#1 v1.5 signature under a PS256 header, and a PSS signature under an RS256 header, are refused', async () => {
    const opts = options(RSA.jwk);
    const input = (alg: string) => `${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
    const ps = input('PS256');
    const pkcs1 = sign('sha256', Buffer.from(ps), RSA.privateKey);
    await expectOAuthError(submit(`${ps}.${pkcs1.toString('base64url')}`, opts), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    const rs = input('RS256');
    const pss = sign('sha256', Buffer.from(rs), { key: RSA.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    await expectOAuthError(submit(`${rs}.${pss.toString('base64url')}`, opts), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
  });
});
