import { createHash, X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createStaticKeyResolver } from '../../src/index.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { createFixture, SERVICE, testKey } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw } from './raw-jws.js';

const OTHER = 'svc-other@tenant.example.com';
const ATTACKER_URL = 'https://attacker.example/.well-known/jwks.json';

// A genuine self-signed X.509 certificate for the attacker's key, so `x5c` is not just junk that any parser
// would refuse: if the library ever trusted `x5c`, this certificate WOULD verify the attacker's signature.

describe('RFC 8725 §3.10 / RFC 7515 §4.1.3-4.1.6 / SPEC J4: jwk, jku, x5u and x5c headers are never used', () => {
  let fetchSpy: MockInstance<typeof fetch>;
  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
  });
  afterEach(() => {
    fetchSpy.mockRestore();
  });

  it('precondition: the attacker’s certificate is a real, self-signed X.509 certificate for the attacker key', async () => {
    const attacker = await testKey('ES256', 'attacker');
    const { der: certificate } = selfSignedCertificate(attacker, 'attacker');
    const x509 = new X509Certificate(certificate);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.publicKey.export({ format: 'jwk' })).toMatchObject({ x: attacker.publicJwk.x, y: attacker.publicJwk.y });
  });

  it('refuses an assertion signed by the attacker with the attacker key embedded as jwk (SIGNATURE_INVALID)', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    const jwk = { ...attacker.publicJwk, kid: f.key.publicJwk.kid };
    // kid of the real key: the lookup stays among the issuer's keys, and the real key does not verify it.
    await f.reject(await f.sign({ key: attacker, header: { jwk, kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    // No kid at all: same answer.
    await f.reject(await f.sign({ key: attacker, header: { jwk, kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    // The attacker's own kid names no configured key (same public description, SPEC J15).
    await f.reject(await f.sign({ key: attacker, header: { jwk: attacker.publicJwk } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });

  for (const member of ['jku', 'x5u'] as const) {
    it(`refuses an attacker-signed assertion whose ${member} points at the attacker’s URL, and fetches nothing`, async () => {
      const f = await createFixture();
      const attacker = await testKey('ES256', 'attacker');
      const header = { [member]: ATTACKER_URL, kid: f.key.publicJwk.kid };
      await f.reject(await f.sign({ key: attacker, header }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
      await f.reject(await f.sign({ key: attacker, header: { [member]: ATTACKER_URL, kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  }

  it('refuses an attacker-signed assertion carrying a valid self-signed x5c chain (and its x5t#S256)', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    const { der: certificate, base64 } = selfSignedCertificate(attacker, 'svc-billing');
    const x5tS256 = createHash('sha256').update(certificate).digest('base64url');
    const header = { x5c: [base64], 'x5t#S256': x5tS256, kid: f.key.publicJwk.kid };
    await f.reject(await f.sign({ key: attacker, header }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(await f.sign({ key: attacker, header: { x5c: [base64], kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('accepts the same header members on an assertion signed by the real key (they are simply ignored)', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    const { base64 } = selfSignedCertificate(attacker, 'attacker');
    const header = { jwk: attacker.publicJwk, jku: ATTACKER_URL, x5u: ATTACKER_URL, x5c: [base64] };
    const grant = await f.verify(await f.sign({ header }));
    expect(grant.header['jku']).toBe(ATTACKER_URL);
    await f.verify(await f.sign({ header: { ...header, kid: undefined } }));
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('RFC 8725 §3.10 / SPEC J4: kid is only a lookup hint among the issuer’s configured keys', () => {
  const HOSTILE_KIDS = ['../../etc/passwd', '/dev/random', "' OR 1=1 --", '"; DROP TABLE keys; --', '*', '%', '${jndi:ldap://x}', 'ES256-MAIN', 'ES256-main ', 'ES256-main\u0000'];

  it('refuses hostile kids naming no configured key, whether signed by the attacker or by the real key', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    for (const kid of HOSTILE_KIDS) {
      await f.reject(await f.sign({ key: attacker, header: { kid } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
      await f.reject(await f.sign({ header: { kid } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    }
    await f.verify(await f.sign());
  });

  it('with an unlabelled issuer key a hostile kid changes nothing: attacker refused, real key accepted', async () => {
    const key = await testKey('ES256');
    const { kid: _kid, ...unlabelled } = key.publicJwk;
    const f = await createFixture({ issuer: { keys: [unlabelled] } });
    const attacker = await testKey('ES256', 'attacker');
    for (const kid of HOSTILE_KIDS) {
      await f.reject(await f.sign({ key: attacker, header: { kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
      await f.verify(await f.sign({ header: { kid } }));
    }
  });

  it('refuses a token from issuer A carrying the kid of issuer B’s key (signed by either key)', async () => {
    const a = await testKey('ES256');
    const b = await testKey('ES256', 'other');
    const keyResolver = createStaticKeyResolver({
      [SERVICE]: { keys: [a.publicJwk], scopes: ['read'] },
      [OTHER]: { keys: [b.publicJwk], scopes: ['read'] },
    });
    const f = await createFixture({ options: { keyResolver } });
    const asB = { iss: OTHER, sub: OTHER };
    // Issuer A, B's kid, B's key: B's key is not A's, whatever the kid says.
    await f.reject(await f.sign({ key: b }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    // Issuer A, B's kid, A's key.
    await f.reject(await f.sign({ key: a, header: { kid: b.publicJwk.kid } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    // Issuer A, A's kid, B's key.
    await f.reject(await f.sign({ key: b, header: { kid: a.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    // Issuer B, A's kid, A's key.
    await f.reject(await f.sign({ key: a, claims: asB }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    // Accept side: each issuer with its own key.
    await f.verify(await f.sign({ key: a }));
    await f.verify(await f.sign({ key: b, claims: asB }));
  });

  it('kids are scoped per issuer: when A and B both use kid "shared", B’s key still cannot sign for A', async () => {
    const a = await testKey('ES256');
    const b = await testKey('ES256', 'other');
    const keyResolver = createStaticKeyResolver({
      [SERVICE]: { keys: [{ ...a.publicJwk, kid: 'shared' }], scopes: ['read'] },
      [OTHER]: { keys: [{ ...b.publicJwk, kid: 'shared' }], scopes: ['read'] },
    });
    const f = await createFixture({ options: { keyResolver } });
    await f.reject(await f.sign({ key: b, header: { kid: 'shared' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(await f.sign({ key: a, header: { kid: 'shared' }, claims: { iss: OTHER, sub: OTHER } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.verify(await f.sign({ key: a, header: { kid: 'shared' } }));
    await f.verify(await f.sign({ key: b, header: { kid: 'shared' }, claims: { iss: OTHER, sub: OTHER } }));
  });

  it('refuses a non-string or empty kid / x5t / x5t#S256 as ASSERTION_MALFORMED (real signature by the real key)', async () => {
    const f = await createFixture();
    const key = f.key;
    for (const member of ['kid', 'x5t', 'x5t#S256']) {
      for (const value of ['123', '{}', '["ES256-main"]', 'null', 'true', '""', '1e999']) {
        const header = `{"alg":"ES256",${JSON.stringify(member)}:${value}}`;
        await f.reject(signRaw(header, claimsText(), key), 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
      }
    }
    await f.verify(signRaw(headerText(key), claimsText(), key));
  });
});
