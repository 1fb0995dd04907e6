import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createFakeClock, createJwtAccessTokenIssuer, createOpaqueTokenIssuer, type OpaqueTokenRecord, type TokenRequestContext } from '../../src/index.js';

const context: TokenRequestContext = {
  grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  subject: 'alice@example.com',
  scope: ['read', 'write'],
  client: undefined,
  grant: {
    issuer: 'svc@example.com',
    subject: 'alice@example.com',
    audience: ['https://as.example.com'],
    scope: ['read', 'write'],
    expiresAt: new Date(0),
    claims: {},
    header: { alg: 'ES256' },
  },
  requestedScope: ['read', 'write'],
};

describe('createOpaqueTokenIssuer', () => {
  it('issues 256-bit random base64url bearer tokens and hands them to save', async () => {
    const saved: OpaqueTokenRecord[] = [];
    const clock = createFakeClock(1_000_000);
    const issuer = createOpaqueTokenIssuer({ expiresIn: 600, clock, save: (record) => void saved.push(record) });
    const a = await issuer.issue(context);
    const b = await issuer.issue(context);
    expect(a).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 600 });
    expect(a.access_token).not.toBe(b.access_token);
    expect(saved[0]).toEqual({ accessToken: a.access_token, expiresAt: new Date(1_000_000 + 600_000), context });
  });

  it('refuses bad options', () => {
    for (const expiresIn of [0, 1.5, 86_401, Number.NaN]) expect(() => createOpaqueTokenIssuer({ expiresIn })).toThrow(TypeError);
    expect(() => createOpaqueTokenIssuer({ save: 'x' as never })).toThrow(TypeError);
  });
});

describe('createJwtAccessTokenIssuer (RFC 9068)', () => {
  it('signs an at+jwt with the RFC 9068 claims', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const clock = createFakeClock(1_893_456_000_000);
    const issuer = createJwtAccessTokenIssuer({
      issuer: 'https://as.example.com',
      signingKey: { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' },
      audience: 'https://api.example.com',
      expiresIn: 900,
      clock,
      claims: () => ({ tenant: 't1', sub: 'overridden?' }),
    });
    const response = await issuer.issue(context);
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const { payload, protectedHeader } = await jwtVerify(response.access_token, publicKey, {
      typ: 'at+jwt',
      issuer: 'https://as.example.com',
      audience: 'https://api.example.com',
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(payload).toEqual({
      iss: 'https://as.example.com',
      aud: 'https://api.example.com',
      sub: 'alice@example.com',
      client_id: 'svc@example.com',
      scope: 'read write',
      tenant: 't1',
      iat: 1_893_456_000,
      exp: 1_893_456_900,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
  });

  it('accepts a private CryptoKey with an explicit alg, and refuses unsafe or incomplete options', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const issuer = createJwtAccessTokenIssuer({ issuer: 'https://as.example.com', signingKey: privateKey, alg: 'EdDSA', audience: ['https://a', 'https://b'] });
    const { payload } = await jwtVerify((await issuer.issue(context)).access_token, publicKey);
    expect(payload.aud).toEqual(['https://a', 'https://b']);
    const viaClient = await issuer.issue({ ...context, client: { clientId: 'app-1', method: 'private_key_jwt' } });
    expect((await jwtVerify(viaClient.access_token, publicKey)).payload.client_id).toBe('app-1');
    const publicJwk = await exportJWK(publicKey);
    const base = { issuer: 'https://as.example.com', audience: 'https://api' };
    expect(() => createJwtAccessTokenIssuer({ ...base, signingKey: { ...publicJwk, alg: 'EdDSA' } })).toThrow(/private/);
    expect(() => createJwtAccessTokenIssuer({ ...base, signingKey: publicKey, alg: 'EdDSA' })).toThrow(/private/);
    expect(() => createJwtAccessTokenIssuer({ ...base, signingKey: privateKey })).toThrow(/alg/);
    expect(() => createJwtAccessTokenIssuer({ ...base, signingKey: { kty: 'oct', k: 'AAAA', alg: 'HS256' } })).toThrow(TypeError);
    expect(() => createJwtAccessTokenIssuer({ ...base, issuer: 'not a url', signingKey: privateKey, alg: 'EdDSA' })).toThrow(/issuer/);
  });
});
