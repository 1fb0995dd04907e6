import { createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey as NodeJwk } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createStaticKeyResolver,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type JwtBearerGrantOptions,
  type TrustedIssuer,
} from '../../src/index.js';
import { AS_ISSUER, createFixture, SERVICE, T0, tamper, testKey, type TestKey } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw } from './raw-jws.js';

let jtiCounter = 0;
const claims = () => ({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 120, jti: `confusion-${++jtiCounter}` });

/** HS256 over the default claims with `secret` as the HMAC key (jose accepts any bytes as an HMAC secret). */
function signHs256(secret: Uint8Array, kid?: string): Promise<string> {
  return new SignJWT(claims()).setProtectedHeader(kid === undefined ? { alg: 'HS256' } : { alg: 'HS256', kid }).sign(secret);
}

/** Every text an attacker could plausibly feed as "the issuer's public key" into an HMAC. */
function publicKeyAsSecrets(jwk: JWK): Array<[string, Uint8Array]> {
  const publicKey = createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const enc = new TextEncoder();
  return [
    ['PEM SPKI text', enc.encode(pem)],
    ['PEM SPKI text without trailing newline', enc.encode(pem.trimEnd())],
    ['JSON JWK text', enc.encode(JSON.stringify(jwk))],
    ['JSON JWK text without kid', enc.encode(JSON.stringify({ kty: jwk.kty, n: jwk.n, e: jwk.e }))],
    ['SPKI DER bytes', new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))],
  ];
}

function hmacJwk(secret: Uint8Array, kid = 'hmac-1'): JWK {
  return { kty: 'oct', k: Buffer.from(secret).toString('base64url'), alg: 'HS256', kid };
}

describe('RFC 8725 §3.1 / SPEC J3: an RSA public key is never an HMAC secret (HS256/RS256 confusion)', () => {
  it('control: the issuer’s own RS256 assertion is accepted', async () => {
    const f = await createFixture({ alg: 'RS256' });
    await f.verify(await f.sign());
  });

  for (const withKid of [true, false]) {
    it(`refuses HS256 signed with the public key as secret (default allowlist, ${withKid ? 'kid of the RSA key' : 'no kid'})`, async () => {
      const f = await createFixture({ alg: 'RS256' });
      for (const [, secret] of publicKeyAsSecrets(f.key.publicJwk)) {
        const error = await f.reject(await signHs256(secret, withKid ? f.key.publicJwk.kid : undefined), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
        expect(error.error).toBe('invalid_grant');
      }
      await f.verify(await f.sign());
    });
  }

  it('refuses it when the issuer also has a configured HMAC secret: the kid of the RSA key gives ALG_KEY_MISMATCH', async () => {
    const rsa = await testKey('RS256');
    const secret = randomBytes(32);
    const f = await createFixture({ alg: 'RS256', issuer: { keys: [rsa.publicJwk, hmacJwk(secret)], algorithms: ['RS256', 'HS256'] } });
    for (const [, asSecret] of publicKeyAsSecrets(rsa.publicJwk)) {
      await f.reject(await signHs256(asSecret, rsa.publicJwk.kid), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
      // Without a kid the only HS256-capable key is the real secret, and the signature does not verify with it.
      await f.reject(await signHs256(asSecret), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    }
    // Accept side: both configured keys work for their own algorithm.
    await f.verify(await f.sign());
    await f.verify(await signHs256(secret, 'hmac-1'));
    await f.verify(await signHs256(secret));
  });
});

describe('RFC 8725 §3.1 / SPEC J3: the algorithm comes from the allowlist, never from the token', () => {
  it('refuses a valid RS256 assertion when options.algorithms is [ES256], accepts it with the default list', async () => {
    const strict = await createFixture({ alg: 'RS256', options: { algorithms: ['ES256'] } });
    await strict.reject(await strict.sign(), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    const open = await createFixture({ alg: 'RS256' });
    await open.verify(await open.sign());
  });

  it('refuses a valid ES256 assertion when the issuer’s own algorithms list excludes it', async () => {
    const f = await createFixture({ issuer: { algorithms: ['ES384'] } });
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    const control = await createFixture({ issuer: { algorithms: ['ES256'] } });
    await control.verify(await control.sign());
  });

  it('refuses algorithms the library does not list at all (ES256K, HS256 by default, RSA1_5, names with odd casing)', async () => {
    const f = await createFixture();
    for (const alg of ['ES256K', 'HS256', 'HS512', 'RSA1_5', 'es256', 'Rs256', 'ES256 ', 'RSA-OAEP', 'dir']) {
      const assertion = tamper(await f.sign(), { header: { alg } });
      await f.reject(assertion, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    }
  });

  it('refuses HMAC algorithms in the global options (programmer mistake: TypeError, not an OAuth error)', async () => {
    const f = await createFixture();
    const options = { ...f.options, algorithms: ['HS256'] } as unknown as JwtBearerGrantOptions;
    await expect(
      verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await f.sign() } }, options),
    ).rejects.toBeInstanceOf(TypeError);
  });
});

describe('RFC 8725 §3.1 / SPEC J3: one key, one algorithm (key type, curve and the key’s own alg must fit)', () => {
  it('refuses a header alg of ES384 when the issuer only has a P-256 key (with and without kid)', async () => {
    const f = await createFixture();
    const es384 = await testKey('ES384');
    await f.reject(await f.sign({ key: es384, header: { kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await f.reject(await f.sign({ key: es384, header: { kid: undefined } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await f.reject(tamper(await f.sign(), { header: { alg: 'ES384' } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await f.reject(tamper(await f.sign(), { header: { alg: 'ES512' } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await f.verify(await f.sign());
  });

  it('refuses RS256 and EdDSA headers on an EC key, ES256 on an RSA key', async () => {
    const ec = await createFixture();
    for (const alg of ['RS256', 'PS256', 'EdDSA', 'Ed25519']) {
      await ec.reject(tamper(await ec.sign(), { header: { alg } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    }
    const rsa = await createFixture({ alg: 'RS256' });
    await rsa.reject(tamper(await rsa.sign(), { header: { alg: 'ES256' } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await ec.verify(await ec.sign());
    await rsa.verify(await rsa.sign());
  });

  it('refuses PS256 on an RSA key whose JWK pins alg RS256, though the PS256 signature is genuine', async () => {
    const rsa = await testKey('RS256');
    const pinned = { ...rsa.publicJwk, alg: 'RS256' };
    const f = await createFixture({ alg: 'RS256', issuer: { keys: [pinned] } });
    // A real RSASSA-PSS signature by the very same private key.
    const pss: TestKey = { ...rsa, alg: 'PS256' };
    const assertion = signRaw(headerText(pss), claimsText(), pss);
    await f.reject(assertion, 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await f.verify(await f.sign());
    // Accept side: without the pin the same PS256 assertion verifies, so the pin alone is what refused it.
    const unpinned = await createFixture({ alg: 'RS256' });
    await unpinned.verify(signRaw(headerText(pss), claimsText(), pss));
  });

  it('a PS256 assertion re-labelled RS256 (signature kept) does not verify', async () => {
    const f = await createFixture({ alg: 'PS256' });
    await f.reject(tamper(await f.sign(), { header: { alg: 'RS256' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.verify(await f.sign());
  });
});

describe('SPEC J3: HS* only where a shared secret is explicitly configured for that issuer', () => {
  it('accepts HS256 with the issuer’s configured oct key and algorithms [HS256]', async () => {
    const secret = randomBytes(32);
    const f = await createFixture({ issuer: { keys: [hmacJwk(secret)], algorithms: ['HS256'] } });
    const grant = await f.verify(await signHs256(secret, 'hmac-1'));
    expect(grant.header.alg).toBe('HS256');
    // Refuse side: a different secret, and an alg the issuer did not list.
    await f.reject(await signHs256(randomBytes(32), 'hmac-1'), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(tamper(await signHs256(secret, 'hmac-1'), { header: { alg: 'HS512' } }), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });

  it('refuses the same HS256 assertion for an issuer without that configuration', async () => {
    const secret = randomBytes(32);
    const f = await createFixture();
    await f.reject(await signHs256(secret, 'hmac-1'), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });

  it('refuses, at resolver creation, an oct key without algorithms, algorithms HS256 without an oct key, an oct key without alg, a short secret', async () => {
    const secret = randomBytes(32);
    const ec = await testKey('ES256');
    const bad: Array<[string, TrustedIssuer]> = [
      ['oct key, no algorithms', { keys: [hmacJwk(secret)] }],
      ['HS256 listed without an oct key', { keys: [ec.publicJwk], algorithms: ['ES256', 'HS256'] }],
      ['oct key without alg', { keys: [{ kty: 'oct', k: Buffer.from(secret).toString('base64url') }], algorithms: ['HS256'] }],
      ['16-byte HS256 secret', { keys: [hmacJwk(randomBytes(16))], algorithms: ['HS256'] }],
    ];
    for (const [, entry] of bad) expect(() => createStaticKeyResolver({ [SERVICE]: entry })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [hmacJwk(secret)], algorithms: ['HS256'] } })).not.toThrow();
  });
});

describe('RFC 7518 §3.3 / RFC 8725 §3.5 / SPEC J3: weak RSA keys are refused at resolver creation', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const strong = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('throws TypeError for a 1024-bit RSA JWK and a 1024-bit SPKI PEM', () => {
    const jwk = weak.publicKey.export({ format: 'jwk' });
    const pem = weak.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [jwk] } })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [pem] } })).toThrow(TypeError);
  });

  it('control: the 2048-bit key is accepted in both forms', () => {
    const jwk = strong.publicKey.export({ format: 'jwk' });
    const pem = strong.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [jwk] } })).not.toThrow();
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [pem] } })).not.toThrow();
  });

  it('refuses private key material configured as a trusted key', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const publicJwk = await exportJWK(pair.publicKey);
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [privateJwk] } })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ [SERVICE]: { keys: [publicJwk] } })).not.toThrow();
  });
});
