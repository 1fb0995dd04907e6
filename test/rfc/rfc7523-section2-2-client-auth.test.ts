import { describe, expect, it } from 'vitest';
import { createStaticKeyResolver, JWT_BEARER_GRANT_TYPE, verifyClientAssertion, verifyJwtBearerGrant } from '../../src/index.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { CLIENT_ID, createClientFixture } from '../helpers/client-fixture.js';
import { AS_ISSUER, expectOAuthError, T0, TOKEN_ENDPOINT, testKey } from '../helpers/fixture.js';

const verify = (body: Record<string, string>, options: Parameters<typeof verifyClientAssertion>[1], headers?: Record<string, string>) =>
  verifyClientAssertion(headers === undefined ? { body } : { body, headers }, options);

describe('RFC 7523 §2.2: a valid client assertion authenticates the client', () => {
  it('returns the client and its policy', async () => {
    const f = await createClientFixture({ client: { grantTypes: ['client_credentials'] } });
    const client = await verify(f.clientAuth(await f.clientAssertion({ claims: { jti: 'c-1' } })), f.options);
    expect(client).toMatchObject({ clientId: CLIENT_ID, method: 'private_key_jwt', grantTypes: ['client_credentials'], scopes: ['jobs.run'], jti: 'c-1' });
  });
});

describe('SPEC R9: client_assertion_type and client_assertion together, one method per request (RFC 7521 §4.2)', () => {
  it('a missing half is invalid_request', async () => {
    const f = await createClientFixture();
    const assertion = await f.clientAssertion();
    for (const body of [{ client_assertion: assertion }, { client_assertion_type: f.clientAuth(assertion).client_assertion_type as string }, {}]) {
      const error = await expectOAuthError(verify(body, f.options), 'ERR_JWT_BEARER_CLIENT_ASSERTION_INCOMPLETE');
      expect(error.error).toBe('invalid_request');
    }
  });

  it('another assertion type is invalid_client (an unsupported method, RFC 6749 §5.2)', async () => {
    const f = await createClientFixture();
    const body = { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await f.clientAssertion() };
    expect((await expectOAuthError(verify(body, f.options), 'ERR_JWT_BEARER_CLIENT_ASSERTION_TYPE_UNSUPPORTED')).error).toBe('invalid_client');
  });

  it('an assertion together with a secret or an Authorization header is invalid_request', async () => {
    const f = await createClientFixture();
    const auth = f.clientAuth(await f.clientAssertion());
    await expectOAuthError(verify({ ...auth, client_secret: 's' }, f.options), 'ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE');
    await expectOAuthError(verify(auth, f.options, { authorization: 'Basic YTpi' }), 'ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE');
    await expect(verify(auth, f.options)).resolves.toBeDefined();
    // An Authorization header alone is one method, just not this one: the assertion is missing.
    await expectOAuthError(verify({}, f.options, { authorization: 'Basic YTpi' }), 'ERR_JWT_BEARER_CLIENT_ASSERTION_INCOMPLETE');
  });
});

describe('SPEC R10: a client_id parameter must equal the assertion sub', () => {
  it('refuses a different client_id, accepts the same', async () => {
    const f = await createClientFixture();
    const error = await expectOAuthError(verify({ ...f.clientAuth(await f.clientAssertion()), client_id: 'app-2' }, f.options), 'ERR_JWT_BEARER_CLIENT_ID_MISMATCH');
    expect([error.error, error.status, error.wwwAuthenticate]).toEqual(['invalid_client', 400, undefined]);
    await expect(verify({ ...f.clientAuth(await f.clientAssertion()), client_id: CLIENT_ID }, f.options)).resolves.toBeDefined();
  });
});

describe('RFC 7523 §3 item 2 (client form) / SPEC J8 C: sub = iss = client_id', () => {
  it('refuses a missing sub or one that differs from iss', async () => {
    const f = await createClientFixture();
    expect((await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ omit: ['sub'] })), f.options), 'ERR_JWT_BEARER_SUBJECT_MISSING')).error).toBe('invalid_client');
    await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ claims: { sub: 'app-2' } })), f.options), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });

  it('a client policy cannot open impersonation', async () => {
    const f = await createClientFixture({ client: { subjects: 'any' } });
    await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ claims: { sub: 'app-2' } })), f.options), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });
});

describe('RFC 7523 §3 item 3 + rfc7523bis / SPEC J9 C: aud is the issuer identifier as the sole value', () => {
  it('accepts the issuer as a string or a one-element array', async () => {
    const f = await createClientFixture();
    for (const aud of [AS_ISSUER, [AS_ISSUER]]) await expect(verify(f.clientAuth(await f.clientAssertion({ claims: { aud } })), f.options)).resolves.toBeDefined();
  });

  it('refuses the token endpoint unless the client opts in, and any second value', async () => {
    const f = await createClientFixture();
    const error = await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ claims: { aud: TOKEN_ENDPOINT } })), f.options), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    expect(error.error).toBe('invalid_client');
    await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ claims: { aud: [AS_ISSUER, AS_ISSUER] } })), f.options), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    const legacy = await createClientFixture({ client: { audiences: [TOKEN_ENDPOINT] } });
    await expect(verify(legacy.clientAuth(await legacy.clientAssertion({ claims: { aud: TOKEN_ENDPOINT } })), legacy.options)).resolves.toBeDefined();
    await expect(verify(legacy.clientAuth(await legacy.clientAssertion()), legacy.options)).resolves.toBeDefined();
    await expectOAuthError(
      verify(legacy.clientAuth(await legacy.clientAssertion({ claims: { aud: [AS_ISSUER, TOKEN_ENDPOINT] } })), legacy.options),
      'ERR_JWT_BEARER_AUDIENCE_MISMATCH',
    );
  });
});

describe('SPEC J6 C: typ absent, JWT or client-authentication+jwt', () => {
  it('accepts the client type, refuses other token types', async () => {
    const f = await createClientFixture();
    for (const typ of ['client-authentication+jwt', 'JWT']) await expect(verify(f.clientAuth(await f.clientAssertion({ header: { typ } })), f.options)).resolves.toBeDefined();
    for (const typ of ['at+jwt', 'dpop+jwt']) await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ header: { typ } })), f.options), 'ERR_JWT_BEARER_TYP_INVALID');
  });
});

describe('RFC 7521 §4.2.1: every invalid client assertion is invalid_client', () => {
  it('expired, unknown client, bad signature: invalid_client (400: no Authorization header, so no challenge)', async () => {
    const f = await createClientFixture();
    const cases: Array<[string, string]> = [
      [await f.clientAssertion({ claims: { exp: T0 - 31 } }), 'ERR_JWT_BEARER_ASSERTION_EXPIRED'],
      [await f.clientAssertion({ claims: { iss: 'app-9', sub: 'app-9' } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN'],
      [await f.clientAssertion({ key: f.grantKey, header: { kid: f.clientKey.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID'],
      ['not.a.jwt', 'ERR_JWT_BEARER_ASSERTION_MALFORMED'],
    ];
    for (const [assertion, code] of cases) {
      const error = await expectOAuthError(verify(f.clientAuth(assertion), f.options), code);
      expect([error.error, error.status, error.wwwAuthenticate]).toEqual(['invalid_client', 400, undefined]);
    }
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14 C: client jti single-use, in its own namespace', () => {
  it('refuses a replayed client assertion', async () => {
    const f = await createClientFixture();
    const auth = f.clientAuth(await f.clientAssertion());
    await verify(auth, f.options);
    expect((await expectOAuthError(verify(auth, f.options), 'ERR_JWT_BEARER_JTI_REPLAYED')).error).toBe('invalid_client');
  });

  it('a client and a grant assertion with the same iss and jti do not collide', async () => {
    const f = await createClientFixture();
    const { SignJWT } = await import('jose');
    const shared = { options: { ...f.options, keyResolver: createStaticKeyResolver({ [CLIENT_ID]: { keys: [f.clientKey.publicJwk] } }) } };
    const grantAssertion = await new SignJWT({ iss: CLIENT_ID, sub: CLIENT_ID, aud: AS_ISSUER, exp: T0 + 60, jti: 'same' })
      .setProtectedHeader({ alg: 'ES256', kid: f.clientKey.publicJwk.kid as string })
      .sign(f.clientKey.privateKey);
    await verify(f.clientAuth(await f.clientAssertion({ claims: { jti: 'same' } })), shared.options);
    await expect(verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: grantAssertion } }, shared.options)).resolves.toBeDefined();
  });

  it('singleUse: false lets a client resend a cached assertion (MSAL)', async () => {
    const f = await createClientFixture({ client: { singleUse: false, maxLifetime: 600 } });
    const auth = f.clientAuth(await f.clientAssertion({ claims: { exp: T0 + 600 } }));
    await verify(auth, f.options);
    await expect(verify(auth, f.options)).resolves.toBeDefined();
  });
});

describe('key selection for clients: kid, x5t and x5t#S256 (Microsoft Entra sends x5t#S256 and no kid)', () => {
  it('a PEM certificate key is found by x5t#S256 and by x5t', async () => {
    const rsa = await testKey('RS256', 'entra');
    const cert = selfSignedCertificate(rsa, 'entra-app');
    const f = await createClientFixture({ alg: 'RS256', client: { keys: [cert.pem] } });
    const sign = (header: Record<string, unknown>) => f.clientAssertion({ key: rsa, header: { kid: undefined, ...header } });
    await expect(verify(f.clientAuth(await sign({ 'x5t#S256': cert.x5tS256 })), f.options)).resolves.toBeDefined();
    await expect(verify(f.clientAuth(await sign({ x5t: cert.x5t })), f.options)).resolves.toBeDefined();
    await expectOAuthError(verify(f.clientAuth(await sign({ 'x5t#S256': 'AAAA' })), f.options), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });

  it('a JWK with x5c is found by the certificate thumbprint', async () => {
    const ec = await testKey('ES256', 'x5c-client');
    const cert = selfSignedCertificate(ec, 'app');
    const { kid: _kid, ...jwk } = ec.publicJwk;
    const f = await createClientFixture({ client: { keys: [{ ...jwk, x5c: [cert.base64] }] } });
    await expect(verify(f.clientAuth(await f.clientAssertion({ key: ec, header: { kid: undefined, 'x5t#S256': cert.x5tS256 } })), f.options)).resolves.toBeDefined();
  });

  it('an expired or not yet valid certificate is not a usable key', async () => {
    const ec = await testKey('ES256', 'old-cert');
    const expired = selfSignedCertificate(ec, 'old', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2029-12-31T23:59:59Z') });
    const future = selfSignedCertificate(ec, 'new', { notBefore: new Date('2030-01-01T00:00:01Z'), notAfter: new Date('2031-01-01T00:00:00Z') });
    for (const cert of [expired, future]) {
      const f = await createClientFixture({ client: { keys: [cert.pem] } });
      await expectOAuthError(verify(f.clientAuth(await f.clientAssertion({ key: ec, header: { kid: undefined } })), f.options), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
      f.clock.set(Date.parse('2030-06-01T00:00:00Z'));
      const later = cert === expired ? 'ERR_JWT_BEARER_KEY_NOT_FOUND' : undefined;
      const attempt = verify(f.clientAuth(await f.clientAssertion({ key: ec, header: { kid: undefined } })), f.options);
      if (later === undefined) await expect(attempt).resolves.toBeDefined();
      else await expectOAuthError(attempt, later);
    }
  });
});

describe('client_secret_jwt: an HMAC client assertion with a configured shared secret', () => {
  it('reports the method', async () => {
    const { generateSecret, exportJWK, SignJWT } = await import('jose');
    const secret = await generateSecret('HS256', { extractable: true });
    const f = await createClientFixture({ client: { keys: [{ ...(await exportJWK(secret)), alg: 'HS256' }], algorithms: ['HS256'] } });
    const assertion = await new SignJWT({ iss: CLIENT_ID, sub: CLIENT_ID, aud: AS_ISSUER, exp: T0 + 60, jti: 'hs' }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    await expect(verify(f.clientAuth(assertion), f.options)).resolves.toMatchObject({ method: 'client_secret_jwt' });
  });
});

describe('options', () => {
  it('verifyClientAssertion needs a clientKeyResolver', async () => {
    const f = await createClientFixture();
    const { clientKeyResolver: _omitted, ...rest } = f.options;
    await expect(verifyClientAssertion({ body: {} }, rest as never)).rejects.toThrow(/clientKeyResolver/);
  });
});
