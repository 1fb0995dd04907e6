import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/lib/verify-signature.js';
import { createFixture, type Fixture } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw } from './raw-jws.js';

// RSASSA-PSS malleability: about 1 in 256 signatures starts with 0x00, and OpenSSL and WebCrypto accept the same
// signature with that byte dropped (one byte short of the modulus) — a second valid form of one assertion. PKCS #1
// v1.5 already refused it; both seams now refuse any RSA signature that is not exactly k bytes, for both.
// Run against both signature seams (WebCrypto and node:crypto, see vitest.config.ts).

const INVALID = 'ERR_JWT_BEARER_SIGNATURE_INVALID';
/** RSA-2048: k = 256 bytes. */
const K = 256;
/** (255/256)^10000 < 1e-16: a signature starting with 0x00 turns up long before this. */
const MAX_TRIES = 10_000;

const signatureOf = (assertion: string): Buffer => Buffer.from(assertion.slice(assertion.lastIndexOf('.') + 1), 'base64url');
const withSignature = (assertion: string, signature: Uint8Array): string =>
  `${assertion.slice(0, assertion.lastIndexOf('.'))}.${Buffer.from(signature).toString('base64url')}`;
const zero = Buffer.from([0]);

/** Signs assertions (each with its own jti) until one signature's first byte is 0x00. */
function signWithLeadingZero(f: Fixture): string {
  for (let i = 0; i < MAX_TRIES; i++) {
    const assertion = signRaw(headerText(f.key), claimsText(), f.key);
    if (signatureOf(assertion)[0] === 0) return assertion;
  }
  throw new Error('no signature starting with 0x00');
}

for (const alg of ['PS256', 'RS256'] as const) {
  describe(`RFC 8017 §8.1.2 and §8.2.2 step 1: an RSA signature MUST be exactly k bytes (${alg}, through the grant)`, () => {
    it('a valid signature starting with 0x00 is accepted at k bytes, refused with that byte stripped (k - 1)', async () => {
      // singleUse: false, so the jti cannot be what refuses the twin, in either order.
      const f = await createFixture({ alg, issuer: { singleUse: false } });
      const assertion = signWithLeadingZero(f);
      const signature = signatureOf(assertion);
      expect(signature).toHaveLength(K);
      const stripped = withSignature(assertion, signature.subarray(1));
      await f.reject(stripped, INVALID);
      await expect(f.verify(assertion)).resolves.toMatchObject({ header: { alg } });
      await f.reject(stripped, INVALID);
      await expect(f.verify(assertion)).resolves.toMatchObject({ header: { alg } });
    });

    it('a valid signature with an extra leading 0x00 (k + 1 bytes) is refused, also one that starts with 0x00', async () => {
      const f = await createFixture({ alg, issuer: { singleUse: false } });
      for (const assertion of [await f.sign(), signWithLeadingZero(f)]) {
        const signature = signatureOf(assertion);
        expect(signature).toHaveLength(K);
        await f.reject(withSignature(assertion, Buffer.concat([zero, signature])), INVALID);
        await f.reject(withSignature(assertion, Buffer.concat([zero, zero, signature])), INVALID);
        await expect(f.verify(assertion)).resolves.toMatchObject({ header: { alg } });
      }
    });
  });
}

// The same rule at the seam for the algorithms the fixture does not sign: one RSA key, imported per algorithm,
// with a modulus that is not a multiple of 8 bits (k = ceil(2052 / 8) = 257 bytes).
describe('RFC 8017 §8.1.2 and §8.2.2 step 1: an RSA signature MUST be exactly k bytes (RS384, RS512, PS384, PS512, at the seam)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2052 });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;

  const PARAMS = {
    RS384: { hash: 'sha384' },
    RS512: { hash: 'sha512' },
    PS384: { hash: 'sha384', saltLength: 48 },
    PS512: { hash: 'sha512', saltLength: 64 },
  } as const;

  function signCompact(input: string, alg: keyof typeof PARAMS, key: KeyObject): Buffer {
    const params: { hash: string; saltLength?: number } = PARAMS[alg];
    const data = Buffer.from(input, 'ascii');
    if (params.saltLength === undefined) return sign(params.hash, data, key);
    return sign(params.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength });
  }

  for (const alg of Object.keys(PARAMS) as (keyof typeof PARAMS)[]) {
    it(`${alg}: k bytes verify; k - 1 (leading 0x00 stripped) and k + 1 (0x00 prepended) do not`, async () => {
      const key = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
      const header = Buffer.from(JSON.stringify({ alg })).toString('base64url');
      let found: { input: string; signature: Buffer } | undefined;
      for (let i = 0; found === undefined && i < MAX_TRIES; i++) {
        const input = `${header}.${Buffer.from(`{"n":${i}}`).toString('base64url')}`;
        const signature = signCompact(input, alg, privateKey);
        if (signature[0] === 0) found = { input, signature };
      }
      if (found === undefined) throw new Error('no signature starting with 0x00');
      const { input, signature } = found;
      expect(signature).toHaveLength(257);
      const token = (bytes: Uint8Array) => `${input}.${Buffer.from(bytes).toString('base64url')}`;
      expect(await verifySignature(token(signature), key, alg)).toBe(true);
      expect(await verifySignature(token(signature.subarray(1)), key, alg)).toBe(false);
      expect(await verifySignature(token(Buffer.concat([zero, signature])), key, alg)).toBe(false);
      expect(await verifySignature(token(signature), key, alg)).toBe(true);
    });
  }
});
