import { describe, expect, it } from 'vitest';
import {
  createJwtAccessTokenIssuer,
  handleTokenRequest,
  JWT_BEARER_GRANT_TYPE,
  type HttpTokenRequest,
  type SecretClient,
  type TokenEndpointOptions,
} from '../../src/index.js';
import { CLIENT_ID, createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { AS_ISSUER, SERVICE, T0 } from '../helpers/fixture.js';
import { SignJWT } from 'jose';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function grantAssertion(f: ClientFixture, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: f.grantKey.publicJwk.kid as string })
    .sign(f.grantKey.privateKey);
}

function post(body: unknown, headers: Record<string, string> = {}): HttpTokenRequest {
  return { method: 'POST', headers: { ...FORM, ...headers }, body };
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

// Constant-time comparison, as the docs recommend for the hook.
async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map((s) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))));
  const u = new Uint8Array(x as ArrayBuffer);
  const v = new Uint8Array(y as ArrayBuffer);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= (u[i] as number) ^ (v[i] as number);
  return diff === 0;
}

const secretClients: Record<string, { secret: string; client: SecretClient }> = {
  'web-1': { secret: 's3cr3t/+=', client: { clientId: 'web-1', scopes: ['jobs.run'] } },
  'jobs-only': { secret: 'x', client: { clientId: 'jobs-only', grantTypes: ['client_credentials'] } },
};
const authenticateClient: NonNullable<TokenEndpointOptions['authenticateClient']> = async ({ clientId, clientSecret }) => {
  const entry = Object.hasOwn(secretClients, clientId) ? secretClients[clientId] : undefined;
  return entry !== undefined && (await sameSecret(entry.secret, clientSecret)) ? entry.client : undefined;
};

function expectNoStore(response: { headers: Record<string, string> }): void {
  expect(response.headers['Cache-Control']).toBe('no-store');
  expect(response.headers['Pragma']).toBe('no-cache');
  expect(response.headers['Content-Type']).toBe('application/json;charset=UTF-8');
}

describe('handleTokenRequest: the JWT bearer grant end to end', () => {
  it('answers 200 with the token response (raw string, parsed object and URLSearchParams bodies)', async () => {
    const f = await createClientFixture();
    for (const toBody of [form, (p: Record<string, string>) => p, (p: Record<string, string>) => new URLSearchParams(p)]) {
      const response = await handleTokenRequest(post(toBody({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), scope: 'read' })), f.options);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
      expect(response.grant).toMatchObject({ issuer: SERVICE, scope: ['read'] });
      expect(response.error).toBeUndefined();
      expectNoStore(response);
    }
  });

  it('ignores parameters and headers it does not use (telemetry, client_info, DPoP)', async () => {
    const f = await createClientFixture();
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), client_info: '1', 'x-client-SKU': 'MSAL.NET' });
    expect((await handleTokenRequest(post(body, { DPoP: 'eyJ...' }), f.options)).status).toBe(200);
  });

  it('never returns an id_token, even if the token issuer adds one', async () => {
    const f = await createClientFixture({ options: { tokenIssuer: { issue: async () => ({ access_token: 'a', token_type: 'Bearer', expires_in: 60, id_token: 'x' }) } } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) })), f.options);
    expect(response.body).toEqual({ access_token: 'a', token_type: 'Bearer', expires_in: 60 });
  });
});

describe('SPEC R6: every token endpoint response carries Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1)', () => {
  it('success, 400, 401, 405 and 503 alike', async () => {
    const f = await createClientFixture({ options: { authenticateClient } });
    const down = await createClientFixture({ options: { replayStore: { consume: () => Promise.reject(new Error('down')) } } });
    const responses = [
      await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) })), f.options),
      await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'x' })), f.options),
      await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { authorization: basic('web-1', 'no') }), f.options),
      await handleTokenRequest({ method: 'GET', headers: {}, body: undefined }, f.options),
      await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(down) })), down.options),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 405, 503]);
    for (const response of responses) expectNoStore(response);
  });
});

describe('SPEC R5: POST with an application/x-www-form-urlencoded body', () => {
  it('any other method is 405 with Allow: POST', async () => {
    const f = await createClientFixture();
    for (const method of ['GET', 'PUT', 'post', 'poſt', undefined, 5 as unknown as string]) {
      const response = await handleTokenRequest({ method, headers: FORM, body: '' }, f.options);
      expect(response.status).toBe(405);
      expect(response.headers['Allow']).toBe('POST');
      expect(response.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      expectNoStore(response);
    }
  });

  it('another or no content type is invalid_request; a UTF-8 charset parameter is fine', async () => {
    const f = await createClientFixture();
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=ISO-8859-1']) {
      const response = await handleTokenRequest({ method: 'POST', headers: { 'content-type': type }, body }, f.options);
      expect([response.status, response.error?.code]).toEqual([400, 'ERR_JWT_BEARER_CONTENT_TYPE_INVALID']);
    }
    expect((await handleTokenRequest({ method: 'POST', headers: {}, body }, f.options)).status).toBe(400);
    const ok = await handleTokenRequest({ method: 'POST', headers: { 'Content-Type': 'Application/X-WWW-Form-URLEncoded; charset="UTF-8"' }, body }, f.options);
    expect(ok.status).toBe(200);
    const alias = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
    expect((await handleTokenRequest({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf8' }, body: alias }, f.options)).status).toBe(200);
  });
});

describe('SPEC R7: the error body is exactly { error, error_description }', () => {
  it('for a bad assertion', async () => {
    const f = await createClientFixture();
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'a.b.c' })), f.options);
    expect(response.status).toBe(400);
    expect(Object.keys(response.body).sort()).toEqual(['error', 'error_description']);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
    expect(response.error?.code).toBe('ERR_JWT_BEARER_ASSERTION_MALFORMED');
    expectNoStore(response);
  });

  it('an unsupported or missing grant type', async () => {
    const f = await createClientFixture();
    expect((await handleTokenRequest(post(form({ grant_type: 'password' })), f.options)).body).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await handleTokenRequest(post(form({ grant_type: 'client_credentials' })), f.options)).body).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await handleTokenRequest(post(form({})), f.options)).body).toMatchObject({ error: 'invalid_request' });
  });
});

describe('SPEC R8 / RFC 6749 §5.2: invalid_client with the Authorization header is 401 + WWW-Authenticate', () => {
  it('a wrong Basic secret', async () => {
    const f = await createClientFixture({ options: { authenticateClient } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { authorization: basic('web-1', 'wrong') }), f.options);
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe(`Basic realm="${AS_ISSUER}"`);
    expect(response.body).toMatchObject({ error: 'invalid_client' });
    expectNoStore(response);
  });

  it('a failed client assertion: 400 without a challenge when Basic is not offered, 401 + Basic when it is', async () => {
    const f = await createClientFixture();
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...f.clientAuth(await f.clientAssertion({ claims: { exp: T0 - 60 } })) });
    const plain = await handleTokenRequest(post(body), f.options);
    expect([plain.status, plain.headers['WWW-Authenticate'], plain.body.error]).toEqual([400, undefined, 'invalid_client']);
    const g = await createClientFixture({ options: { authenticateClient } });
    const withBasic = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(g), ...g.clientAuth(await g.clientAssertion({ claims: { exp: T0 - 60 } })) })), g.options);
    expect([withBasic.status, withBasic.headers['WWW-Authenticate']]).toEqual([401, `Basic realm="${AS_ISSUER}"`]);
  });
});

describe('SPEC R11 / RFC 7523 §3.1: client credentials that are present are validated, never ignored', () => {
  it('a secret or Authorization header with no authenticateClient is refused', async () => {
    const f = await createClientFixture();
    const assertion = await grantAssertion(f);
    const viaBody = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, client_id: 'web-1', client_secret: 'x' })), f.options);
    expect([viaBody.body.error, viaBody.error?.code]).toEqual(['invalid_client', 'ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED']);
    const viaHeader = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }), { authorization: basic('web-1', 'x') }), f.options);
    expect([viaHeader.status, viaHeader.error?.code]).toEqual([401, 'ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED']);
  });

  it('a client assertion with no clientKeyResolver is refused', async () => {
    const f = await createClientFixture();
    const { clientKeyResolver: _none, ...options } = f.options;
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...f.clientAuth(await f.clientAssertion()) })), options);
    expect(response.error?.code).toBe('ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED');
  });

  it('client_secret_basic (form-encoded id and secret) and client_secret_post succeed with the right secret', async () => {
    const f = await createClientFixture({ options: { authenticateClient } });
    const viaHeader = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { authorization: basic('web-1', 's3cr3t/+=') }), f.options);
    expect([viaHeader.status, viaHeader.client?.clientId, viaHeader.client?.method]).toEqual([200, 'web-1', 'client_secret_basic']);
    const viaBody = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), client_id: 'web-1', client_secret: 's3cr3t/+=' })), f.options);
    expect([viaBody.status, viaBody.client?.method]).toEqual([200, 'client_secret_post']);
    const wrong = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), client_id: 'web-1', client_secret: 'nope' })), f.options);
    expect([wrong.status, wrong.error?.code]).toEqual([401, 'ERR_JWT_BEARER_CLIENT_AUTH_FAILED']);
  });

  it('malformed Basic credentials and a foreign scheme are invalid_client', async () => {
    const f = await createClientFixture({ options: { authenticateClient } });
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    for (const authorization of ['Basic !!!', `Basic ${b64('no-colon')}`, 'Bearer abc', `Basic ${b64(':secret')}`, `Basic ${b64('web-1:')}`, `Basic ${b64('%ZZ:x')}`]) {
      const response = await handleTokenRequest(post(body, { authorization }), f.options);
      expect([response.status, response.error?.code]).toEqual([401, 'ERR_JWT_BEARER_CLIENT_AUTH_MALFORMED']);
    }
  });

  it('an OAuthError thrown by authenticateClient is its answer (a disabled client, say)', async () => {
    const { OAuthError } = await import('../../src/index.js');
    const f = await createClientFixture({ options: { authenticateClient: async () => { throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_FAILED', { detail: 'disabled' }); } } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), client_id: 'web-1', client_secret: 'x' })), f.options);
    expect([response.status, response.error?.code, response.error?.detail]).toEqual([401, 'ERR_JWT_BEARER_CLIENT_AUTH_FAILED', 'disabled']);
  });

  it('an authenticateClient failure is 503, never a grant', async () => {
    const f = await createClientFixture({ options: { authenticateClient: async () => { throw new Error('db down'); } } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), client_id: 'web-1', client_secret: 'x' })), f.options);
    expect([response.status, response.body.error, response.error?.code]).toEqual([503, 'temporarily_unavailable', 'ERR_JWT_BEARER_AUTHENTICATE_CLIENT_FAILED']);
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14: the client assertion jti is spent only when the whole request passes', () => {
  it('a refused grant does not burn the client assertion; a successful one does', async () => {
    const f = await createClientFixture();
    const auth = f.clientAuth(await f.clientAssertion());
    const refused = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'a.b.c', ...auth })), f.options);
    expect(refused.error?.code).toBe('ERR_JWT_BEARER_ASSERTION_MALFORMED');
    const ok = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...auth })), f.options);
    expect(ok.status).toBe(200);
    const replay = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...auth })), f.options);
    expect([replay.status, replay.body.error, replay.error?.code]).toEqual([400, 'invalid_client', 'ERR_JWT_BEARER_JTI_REPLAYED']);
  });

  it('client_credentials: a scope refusal does not burn it either', async () => {
    const f = await createClientFixture({ options: { grantTypes: ['client_credentials'] } });
    const auth = f.clientAuth(await f.clientAssertion());
    expect((await handleTokenRequest(post(form({ grant_type: 'client_credentials', scope: 'admin', ...auth })), f.options)).body.error).toBe('invalid_scope');
    expect((await handleTokenRequest(post(form({ grant_type: 'client_credentials', ...auth })), f.options)).status).toBe(200);
    expect((await handleTokenRequest(post(form({ grant_type: 'client_credentials', ...auth })), f.options)).error?.code).toBe('ERR_JWT_BEARER_JTI_REPLAYED');
  });
});

describe('SPEC R9: more than one client authentication method is invalid_request', () => {
  it('assertion + Basic, secret + Basic, assertion + secret', async () => {
    const f = await createClientFixture({ options: { authenticateClient } });
    const assertion = await grantAssertion(f);
    const auth = f.clientAuth(await f.clientAssertion());
    const cases: HttpTokenRequest[] = [
      post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...auth }), { authorization: basic('web-1', 's3cr3t/+=') }),
      post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, client_id: 'web-1', client_secret: 'x' }), { authorization: basic('web-1', 's3cr3t/+=') }),
      post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...auth, client_secret: 'x' })),
    ];
    for (const request of cases) {
      const response = await handleTokenRequest(request, f.options);
      expect([response.status, response.body.error, response.error?.code]).toEqual([400, 'invalid_request', 'ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE']);
    }
  });
});

describe('SPEC R12: a known client must be allowed the grant type', () => {
  it('unauthorized_client for a client limited to client_credentials', async () => {
    const f = await createClientFixture({ options: { authenticateClient, grantTypes: [JWT_BEARER_GRANT_TYPE, 'client_credentials'] } });
    const refused = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { authorization: basic('jobs-only', 'x') }), f.options);
    expect([refused.status, refused.body.error]).toEqual([400, 'unauthorized_client']);
    const allowed = await handleTokenRequest(post(form({ grant_type: 'client_credentials' }), { authorization: basic('jobs-only', 'x') }), f.options);
    expect(allowed.status).toBe(200);
  });

  it('a client assertion client limited by its grantTypes policy', async () => {
    const f = await createClientFixture({ client: { grantTypes: ['client_credentials'] }, options: { grantTypes: [JWT_BEARER_GRANT_TYPE, 'client_credentials'] } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...f.clientAuth(await f.clientAssertion()) })), f.options);
    expect(response.body.error).toBe('unauthorized_client');
  });
});

describe('client_credentials (RFC 6749 §4.4), when enabled; SPEC S2 against the client scopes', () => {
  it('needs client authentication; grants within the client scopes; the token is for the client', async () => {
    const issued: unknown[] = [];
    const f = await createClientFixture({
      options: {
        grantTypes: ['client_credentials'],
        keyResolver: undefined as never,
        tokenIssuer: { issue: async (context) => (issued.push(context), { access_token: 't', token_type: 'Bearer', expires_in: 60 }) },
      },
    });
    delete (f.options as { keyResolver?: unknown }).keyResolver;
    const anonymous = await handleTokenRequest(post(form({ grant_type: 'client_credentials' })), f.options);
    expect([anonymous.status, anonymous.error?.code]).toEqual([400, 'ERR_JWT_BEARER_CLIENT_AUTH_REQUIRED']);
    const ok = await handleTokenRequest(post(form({ grant_type: 'client_credentials', scope: 'jobs.run', ...f.clientAuth(await f.clientAssertion()) })), f.options);
    expect(ok.status).toBe(200);
    expect(issued[0]).toMatchObject({ grantType: 'client_credentials', subject: CLIENT_ID, scope: ['jobs.run'], client: { clientId: CLIENT_ID }, grant: undefined });
    const tooMuch = await handleTokenRequest(post(form({ grant_type: 'client_credentials', scope: 'admin', ...f.clientAuth(await f.clientAssertion()) })), f.options);
    expect(tooMuch.body.error).toBe('invalid_scope');
  });
});

describe('a JWT bearer grant with an authenticated client', () => {
  it('the RFC 9068 access token names the client', async () => {
    const { generateKeyPair, exportJWK, decodeJwt } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const f = await createClientFixture();
    const options = { ...f.options, tokenIssuer: createJwtAccessTokenIssuer({ issuer: AS_ISSUER, signingKey: { ...(await exportJWK(privateKey)), alg: 'ES256' }, audience: 'https://api', clock: f.clock }) };
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), ...f.clientAuth(await f.clientAssertion()) })), options);
    expect(response.status).toBe(200);
    expect(decodeJwt((response.body as { access_token: string }).access_token)).toMatchObject({ sub: SERVICE, client_id: CLIENT_ID });
  });
});

describe('SPEC F1 over HTTP: dependencies failing are 5xx with a JSON body', () => {
  it('a failing replay store is 503 temporarily_unavailable', async () => {
    const f = await createClientFixture({ options: { replayStore: { consume: () => Promise.reject(new Error('down')) } } });
    const response = await handleTokenRequest(post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) })), f.options);
    expect([response.status, response.body]).toEqual([503, { error: 'temporarily_unavailable', error_description: expect.any(String) }]);
    expectNoStore(response);
  });

  it('options are programmer input: a missing tokenIssuer throws TypeError', async () => {
    const f = await createClientFixture();
    await expect(handleTokenRequest(post(''), { ...f.options, tokenIssuer: undefined as never })).rejects.toThrow(/tokenIssuer/);
  });
});
