import { KeyObject, randomUUID, type webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createMemoryReplayStore,
  createOpaqueTokenIssuer,
  createStaticKeyResolver,
  handleTokenRequest,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  verifyClientAssertion,
  verifyJwtBearerGrant,
  type TrustedIssuer,
} from '../../src/index.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { AS_ISSUER, expectOAuthError, T0, TOKEN_ENDPOINT, testKey } from '../helpers/fixture.js';
import { signCompact } from './sign-compact.js';

// SPEC §5: the assertion shapes big providers' client libraries send, signed with node:crypto the way those
// libraries sign (RS256 PKCS#1 v1.5, PS256 with a 32-byte salt). Each is accepted with the per-issuer policy
// that describes it and refused without it — with the specific code of the first rule the shape breaks — so
// serving these clients never means weakening the defaults.

const rsa = await testKey('RS256', 'providers');
const rsaPrivate = KeyObject.from(rsa.privateKey as unknown as webcrypto.CryptoKey);
const NOW = T0;

function options(entry: TrustedIssuer, issuer: string) {
  const clock = createFakeClock(NOW * 1000);
  const resolver = createStaticKeyResolver({ [issuer]: entry });
  return {
    issuer: AS_ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    keyResolver: resolver,
    clientKeyResolver: resolver,
    replayStore: createMemoryReplayStore({ clock }),
    clock,
  };
}
const grant = (assertion: string, opts: ReturnType<typeof options>, extra: Record<string, string> = {}) =>
  verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra } }, opts);

// Google service accounts (google-auth-library / gtoken, the OAuth 2.0 "JWT bearer" service-account flow):
// RS256 with kid = the key's private_key_id, aud = the token endpoint, iat = now, exp = iat + 3600, scope as a
// claim, no jti, and sub only for domain-wide delegation.
describe('SPEC §5 / RFC 7523 §2.1: Google service-account assertions', () => {
  const SA = 'reports@my-project.iam.gserviceaccount.com';
  const KID = '6f1b2c3d4e5f60718293a4b5c6d7e8f901234567';
  const SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';
  const key = { ...rsa.publicJwk, kid: KID };
  const GOOGLE: TrustedIssuer = { keys: [key], requireJti: false, requireSubject: false, maxLifetime: 3600, scopes: [SCOPE] };
  const assertion = (extra: Record<string, unknown> = {}) =>
    signCompact({ alg: 'RS256', typ: 'JWT', kid: KID }, { iss: SA, scope: SCOPE, aud: TOKEN_ENDPOINT, exp: NOW + 3600, iat: NOW, ...extra }, 'RS256', rsaPrivate);

  it('accepted with requireJti: false, requireSubject: false, maxLifetime: 3600: the grant is for the service account, scope from the claim', async () => {
    await expect(grant(assertion(), options(GOOGLE, SA))).resolves.toMatchObject({ issuer: SA, subject: SA, scope: [SCOPE], audience: [TOKEN_ENDPOINT] });
  });

  it('refused under the default policy, each opt-in removing exactly one refusal: LIFETIME_TOO_LONG, JTI_MISSING, SUBJECT_MISSING', async () => {
    await expectOAuthError(grant(assertion(), options({ keys: [key], scopes: [SCOPE] }, SA)), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
    await expectOAuthError(grant(assertion(), options({ keys: [key], scopes: [SCOPE], maxLifetime: 3600 }, SA)), 'ERR_JWT_BEARER_JTI_MISSING');
    await expectOAuthError(grant(assertion(), options({ keys: [key], scopes: [SCOPE], maxLifetime: 3600, requireJti: false }, SA)), 'ERR_JWT_BEARER_SUBJECT_MISSING');
    // And the scope must still be one the issuer may be granted.
    await expectOAuthError(grant(assertion({ scope: 'https://www.googleapis.com/auth/cloud-platform' }), options(GOOGLE, SA)), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED');
  });

  it('domain-wide delegation (sub = a user) needs the user in subjects; the Google policy alone refuses it', async () => {
    const delegated = assertion({ sub: 'alice@example.com' });
    await expectOAuthError(grant(delegated, options(GOOGLE, SA)), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    await expect(grant(delegated, options({ ...GOOGLE, subjects: ['alice@example.com'] }, SA))).resolves.toMatchObject({ subject: 'alice@example.com' });
  });

  it('the one-hour window is still bounded: iat beyond the tolerance, or exp past 3600 + 30 s, are refused', async () => {
    await expectOAuthError(grant(assertion({ exp: NOW + 3631 }), options(GOOGLE, SA)), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
    // A client clock up to 30 s ahead (the tolerance) is accepted; 31 s ahead is ISSUED_IN_FUTURE.
    await expectOAuthError(grant(assertion({ iat: NOW + 31, exp: NOW + 31 + 3600 }), options(GOOGLE, SA)), 'ERR_JWT_BEARER_ISSUED_IN_FUTURE');
    await grant(assertion({ iat: NOW + 30, exp: NOW + 30 + 3600 }), options(GOOGLE, SA));
  });
});

// Salesforce OAuth 2.0 JWT bearer flow: header {"alg":"RS256"} only, iss = the connected app's consumer key,
// sub = the user's username, aud = the login host URL (issuer-like, not the token endpoint), exp within 3
// minutes, no iat, no jti.
describe('SPEC §5 / RFC 7523 §2.1: Salesforce-style assertions', () => {
  const CONSUMER_KEY = '3MVG9example.consumer.key.AbCdEfGhIjKlMnOp';
  const LOGIN = 'https://login.example.com';
  const USER = 'alice@example.com';
  const SALESFORCE: TrustedIssuer = { keys: [rsa.publicJwk], audiences: [LOGIN], subjects: [USER], requireJti: false };
  const assertion = (extra: Record<string, unknown> = {}) =>
    signCompact({ alg: 'RS256' }, { iss: CONSUMER_KEY, sub: USER, aud: LOGIN, exp: NOW + 180, ...extra }, 'RS256', rsaPrivate);

  it('accepted with audiences [login URL], subjects [the username] and requireJti: false (no kid: the issuer’s keys are tried)', async () => {
    await expect(grant(assertion(), options(SALESFORCE, CONSUMER_KEY))).resolves.toMatchObject({ issuer: CONSUMER_KEY, subject: USER, audience: [LOGIN], scope: [] });
  });

  it('refused without each opt-in: JTI_MISSING, then AUDIENCE_MISMATCH, then SUBJECT_NOT_ALLOWED', async () => {
    await expectOAuthError(grant(assertion(), options({ keys: [rsa.publicJwk] }, CONSUMER_KEY)), 'ERR_JWT_BEARER_JTI_MISSING');
    await expectOAuthError(grant(assertion(), options({ keys: [rsa.publicJwk], requireJti: false }, CONSUMER_KEY)), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    await expectOAuthError(grant(assertion(), options({ keys: [rsa.publicJwk], requireJti: false, audiences: [LOGIN] }, CONSUMER_KEY)), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });

  it('the policy admits exactly its users and its audience: another username, or aud = this issuer, are refused', async () => {
    await expectOAuthError(grant(assertion({ sub: 'mallory@example.com' }), options(SALESFORCE, CONSUMER_KEY)), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    // audiences REPLACE the defaults for this issuer: the AS issuer identifier is no longer an accepted aud.
    await expectOAuthError(grant(assertion({ aud: AS_ISSUER }), options(SALESFORCE, CONSUMER_KEY)), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    await expectOAuthError(grant(assertion({ aud: [LOGIN, 'https://other.example.com'] }), options(SALESFORCE, CONSUMER_KEY)), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
  });

  it('"exp within 3 minutes" fits the default lifetime; a jti, when sent anyway, is still single-use', async () => {
    const opts = options(SALESFORCE, CONSUMER_KEY);
    const withJti = assertion({ jti: 'sf-1' });
    await grant(withJti, opts);
    await expectOAuthError(grant(withJti, opts), 'ERR_JWT_BEARER_JTI_REPLAYED');
  });
});

// Microsoft Entra (MSAL) client assertions, RFC 7523 §2.2 / OpenID Connect private_key_jwt: the key is an X.509
// certificate identified by x5t#S256 (PS256, current MSAL) or x5t (RS256, older), no kid; aud = the token
// endpoint; iss = sub = client_id; jti a GUID; nbf = iat = now; exp = now + 600. MSAL may add x5c.
describe('SPEC §5 / RFC 7523 §2.2, rfc7523bis: Microsoft Entra client assertions', () => {
  const CLIENT_ID = '2f6c1a8e-9b4d-4c3e-8a71-5d0e9f3b7c21';
  const certificate = selfSignedCertificate(rsa, 'entra-app');
  const ENTRA: TrustedIssuer = { keys: [certificate.pem], audiences: [TOKEN_ENDPOINT], maxLifetime: 600 };
  const msal = (header: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    signCompact(
      { typ: 'JWT', ...header },
      { aud: TOKEN_ENDPOINT, exp: NOW + 600, iss: CLIENT_ID, jti: randomUUID(), nbf: NOW, sub: CLIENT_ID, iat: NOW, ...extra },
      header['alg'] as 'PS256' | 'RS256',
      rsaPrivate,
    );
  const authenticate = (assertion: string, opts: ReturnType<typeof options>) =>
    verifyClientAssertion({ body: { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion, client_id: CLIENT_ID } }, opts);

  it('accepted with a certificate key, audiences [token endpoint] and maxLifetime 600: PS256 + x5t#S256, RS256 + x5t, with and without x5c', async () => {
    const opts = options(ENTRA, CLIENT_ID);
    for (const header of [
      { alg: 'PS256', 'x5t#S256': certificate.x5tS256 },
      { alg: 'RS256', x5t: certificate.x5t },
      { alg: 'PS256', 'x5t#S256': certificate.x5tS256, x5c: [certificate.base64] },
    ]) {
      await expect(authenticate(msal(header), opts)).resolves.toMatchObject({ clientId: CLIENT_ID, method: 'private_key_jwt' });
    }
  });

  it('refused without the opt-ins (invalid_client): LIFETIME_TOO_LONG for the 10-minute exp, then AUDIENCE_MISMATCH for aud = token endpoint', async () => {
    const assertion = msal({ alg: 'PS256', 'x5t#S256': certificate.x5tS256 });
    const tooLong = await expectOAuthError(authenticate(assertion, options({ keys: [certificate.pem] }, CLIENT_ID)), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
    expect(tooLong.error).toBe('invalid_client');
    const audience = await expectOAuthError(authenticate(assertion, options({ keys: [certificate.pem], maxLifetime: 600 }, CLIENT_ID)), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    expect(audience.error).toBe('invalid_client');
    // Control: the rfc7523bis audience (this server's issuer identifier) needs no audience opt-in.
    await authenticate(msal({ alg: 'PS256', 'x5t#S256': certificate.x5tS256 }, { aud: AS_ISSUER }), options({ keys: [certificate.pem], maxLifetime: 600 }, CLIENT_ID));
  });

  it('a thumbprint of another certificate is KEY_NOT_FOUND; an x5c of an attacker certificate is ignored', async () => {
    const opts = options(ENTRA, CLIENT_ID);
    const other = selfSignedCertificate(await testKey('RS256', 'providers-other'), 'other-app');
    await expectOAuthError(authenticate(msal({ alg: 'PS256', 'x5t#S256': other.x5tS256 }), opts), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    const attacker = KeyObject.from((await testKey('RS256', 'providers-other')).privateKey as unknown as webcrypto.CryptoKey);
    const forged = signCompact({ alg: 'PS256', typ: 'JWT', 'x5t#S256': other.x5tS256, x5c: [other.base64] }, { aud: TOKEN_ENDPOINT, exp: NOW + 600, iss: CLIENT_ID, sub: CLIENT_ID, jti: randomUUID(), iat: NOW }, 'PS256', attacker);
    await expectOAuthError(authenticate(forged, opts), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });

  it('end to end: client_credentials at handleTokenRequest with the MSAL assertion answers 200', async () => {
    const base = options(ENTRA, CLIENT_ID);
    const { keyResolver: _unused, ...rest } = base;
    const response = await handleTokenRequest(
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT_ID,
          client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
          client_assertion: msal({ alg: 'PS256', 'x5t#S256': certificate.x5tS256 }),
        }).toString(),
      },
      { ...rest, grantTypes: ['client_credentials'], tokenIssuer: createOpaqueTokenIssuer({ clock: base.clock }) },
    );
    expect(response.status).toBe(200);
    expect(response.client).toMatchObject({ clientId: CLIENT_ID, method: 'private_key_jwt' });
  });
});
