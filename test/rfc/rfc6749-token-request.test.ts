import { describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } from '../../src/index.js';
import { createFixture, expectOAuthError, SERVICE } from '../helpers/fixture.js';

describe('SPEC R1: grant_type is exactly the JWT bearer URN (RFC 7523 §2.1)', () => {
  it('a missing grant_type is invalid_request', async () => {
    const f = await createFixture();
    const error = await expectOAuthError(verifyJwtBearerGrant({ body: { assertion: await f.sign() } }, f.options), 'ERR_JWT_BEARER_GRANT_TYPE_MISSING');
    expect(error.error).toBe('invalid_request');
    expect(error.status).toBe(400);
  });

  it('another grant type is unsupported_grant_type; the exact URN is accepted', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    for (const grantType of ['client_credentials', `${JWT_BEARER_GRANT_TYPE} `, JWT_BEARER_GRANT_TYPE.toUpperCase(), 'urn:ietf:params:oauth:grant-type:saml2-bearer']) {
      const error = await expectOAuthError(verifyJwtBearerGrant({ body: { grant_type: grantType, assertion } }, f.options), 'ERR_JWT_BEARER_GRANT_TYPE_UNSUPPORTED');
      expect(error.error).toBe('unsupported_grant_type');
    }
    await expect(f.verify(assertion)).resolves.toMatchObject({ issuer: SERVICE });
  });
});

describe('SPEC R2: assertion is required (RFC 7521 §4.1)', () => {
  it('a missing assertion is invalid_request', async () => {
    const f = await createFixture();
    const error = await expectOAuthError(verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE } }, f.options), 'ERR_JWT_BEARER_ASSERTION_MISSING');
    expect(error.error).toBe('invalid_request');
  });
});

describe('SPEC R3: no parameter may appear more than once (RFC 6749 §3.2)', () => {
  it('a repeated key in a raw form string is refused', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    const body = `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}&assertion=${assertion}`;
    const error = await expectOAuthError(verifyJwtBearerGrant({ body }, f.options), 'ERR_JWT_BEARER_PARAMETER_REPEATED');
    expect(error.error).toBe('invalid_request');
    await expect(verifyJwtBearerGrant({ body: `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}` }, f.options)).resolves.toBeDefined();
  });

  it('an array value from a body parser is refused; a one-element array is a single value', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    await expectOAuthError(
      verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: [assertion, assertion] } }, f.options),
      'ERR_JWT_BEARER_PARAMETER_REPEATED',
    );
    await expectOAuthError(
      verifyJwtBearerGrant({ body: { grant_type: [JWT_BEARER_GRANT_TYPE, 'x'], assertion } }, f.options),
      'ERR_JWT_BEARER_PARAMETER_REPEATED',
    );
    await expect(verifyJwtBearerGrant({ body: { grant_type: [JWT_BEARER_GRANT_TYPE], assertion } }, f.options)).resolves.toBeDefined();
  });

  it('a repeated unknown parameter is refused too', async () => {
    const f = await createFixture();
    const params = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await f.sign() });
    params.append('foo', '1');
    params.append('foo', '2');
    await expectOAuthError(verifyJwtBearerGrant({ body: params }, f.options), 'ERR_JWT_BEARER_PARAMETER_REPEATED');
  });
});

describe('SPEC R4: an empty value counts as absent; unknown parameters are ignored (RFC 6749 §3.2)', () => {
  it('an empty assertion is a missing assertion', async () => {
    const f = await createFixture();
    await expectOAuthError(verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: '' } }, f.options), 'ERR_JWT_BEARER_ASSERTION_MISSING');
  });

  it('an empty scope counts as no scope, and unknown parameters are ignored', async () => {
    const f = await createFixture();
    const grant = await f.verify(await f.sign(), { scope: '', client_info: '1', x_telemetry: 'abc' });
    expect(grant.scope).toEqual([]);
  });
});

describe('request body shapes', () => {
  it('accepts a parsed object, URLSearchParams, a raw string and bytes', async () => {
    const f = await createFixture();
    const form = async () => ({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await f.sign() });
    await expect(verifyJwtBearerGrant({ body: await form() }, f.options)).resolves.toBeDefined();
    await expect(verifyJwtBearerGrant({ body: new URLSearchParams(await form()) }, f.options)).resolves.toBeDefined();
    await expect(verifyJwtBearerGrant({ body: new URLSearchParams(await form()).toString() }, f.options)).resolves.toBeDefined();
    await expect(verifyJwtBearerGrant({ body: new TextEncoder().encode(new URLSearchParams(await form()).toString()) }, f.options)).resolves.toBeDefined();
  });

  it('an Express-like req (body + Node headers) and a null-prototype body fit as they are', async () => {
    const f = await createFixture();
    const body = Object.assign(Object.create(null) as Record<string, string>, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await f.sign() });
    const req = { method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
    await expect(verifyJwtBearerGrant(req, f.options)).resolves.toBeDefined();
  });

  it('a missing or non-form body is invalid_request, never a crash', async () => {
    const f = await createFixture();
    for (const body of [undefined, null, 42, true, ['grant_type'], { grant_type: { nested: 'x' } }, { grant_type: 7 }, new Uint8Array([0xff, 0xfe])]) {
      const error = await expectOAuthError(verifyJwtBearerGrant({ body }, f.options), 'ERR_JWT_BEARER_REQUEST_MALFORMED');
      expect(error.error).toBe('invalid_request');
    }
  });
});

describe('SPEC R11: client credentials that are present MUST be validated (RFC 7523 §3.1)', () => {
  it('refuses credentials nothing validates: Authorization header, client_secret, client_assertion', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    const body = { grant_type: JWT_BEARER_GRANT_TYPE, assertion };
    const cases = [
      { body, headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' } },
      { body, headers: new Headers({ Authorization: 'Basic Y2xpZW50OnNlY3JldA==' }) },
      { body, headers: { Authorization: 'Basic Y2xpZW50OnNlY3JldA==' } },
      { body: { ...body, client_id: 'c', client_secret: 's' } },
      { body: { ...body, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'x.y.z' } },
    ];
    for (const [index, request] of cases.entries()) {
      const error = await expectOAuthError(verifyJwtBearerGrant(request, f.options), 'ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED');
      expect(error.error).toBe('invalid_client');
      // RFC 6749 §5.2 / SPEC R8: 401 with a Basic challenge when the Authorization header was used, else 400.
      const viaHeader = index < 3;
      expect([error.status, error.wwwAuthenticate]).toEqual(viaHeader ? [401, 'Basic realm="https://as.example.com"'] : [400, undefined]);
    }
    // client_id alone is not a credential; with no credentials the grant is accepted.
    await expect(verifyJwtBearerGrant({ body: { ...body, client_id: 'c' } }, f.options)).resolves.toBeDefined();
  });

  it("clientCredentials: 'verified-by-caller' leaves client authentication to the embedding server", async () => {
    const f = await createFixture({ options: { clientCredentials: 'verified-by-caller' } });
    const request = { body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await f.sign() }, headers: { authorization: 'Basic Y2xpZW50OnNlY3JldA==' } };
    await expect(verifyJwtBearerGrant(request, f.options)).resolves.toBeDefined();
  });
});
