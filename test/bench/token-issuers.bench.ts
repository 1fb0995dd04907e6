import { randomBytes, sign } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { TokenIssuer, TokenRequestContext } from '../../src/index.js';
import { createBenchKey, ISSUER, SERVICE, signAssertion, type BenchAlg } from './assertions.js';
import { benchGroup, IS_NODE_SEAM, library } from './harness.js';

const { createJwtAccessTokenIssuer, createOpaqueTokenIssuer, createStaticKeyResolver, createMemoryReplayStore, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } = library;

// What minting the access token costs after a grant is verified: an RFC 9068 JWT access token signed with ES256
// or EdDSA beside the floor (node:crypto.sign of a signing input of the same size with a pre-imported
// KeyObject) and jose's SignJWT with a pre-imported key; an opaque token beside 32 bytes from randomBytes.

const API = 'https://api.example.com';

// The context the token issuer is really handed: captured from one verified grant.
const context = await (async () => {
  const key = createBenchKey('ES256');
  let captured: TokenRequestContext | undefined;
  const now = Math.floor(Date.now() / 1000);
  await verifyJwtBearerGrant(
    {
      body: {
        grant_type: JWT_BEARER_GRANT_TYPE,
        assertion: signAssertion(key, { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 290, jti: 'context', scope: 'reports.read' }),
      },
    },
    {
      issuer: ISSUER,
      keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], scopes: ['reports.read'] } }),
      replayStore: createMemoryReplayStore(),
      tokenIssuer: {
        issue: async (request) => {
          captured = request;
          return { access_token: 'x', token_type: 'Bearer' };
        },
      },
    },
  );
  return captured as TokenRequestContext;
})();

for (const alg of ['ES256', 'EdDSA'] as const satisfies readonly BenchAlg[]) {
  const key = createBenchKey(alg);
  const signingKey: JWK = { ...(key.privateKey.export({ format: 'jwk' }) as JWK), kid: `${alg}-as`, alg };
  const issuer: TokenIssuer = createJwtAccessTokenIssuer({ issuer: ISSUER, signingKey, audience: API });
  const sample = await issuer.issue(context);
  const [encodedHeader, encodedPayload] = sample.access_token.split('.');
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  const signKey = alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' as const } : key.privateKey;
  const cryptoKey = await importJWK(signingKey, alg);
  const payload = JSON.parse(Buffer.from(encodedPayload as string, 'base64url').toString()) as Record<string, unknown>;

  benchGroup(
    `JWT access token ${alg}`,
    [
      { name: 'floor: node:crypto.sign', fn: () => sign(key.hash, signingInput, signKey) },
      { name: 'jose SignJWT (pre-imported key)', fn: async () => new SignJWT(payload).setProtectedHeader({ alg, typ: 'at+jwt', kid: `${alg}-as` }).sign(cryptoKey) },
      { name: 'createJwtAccessTokenIssuer().issue', fn: async () => issuer.issue(context) },
    ],
    {
      baselines: [
        { label: 'floor', name: 'floor: node:crypto.sign' },
        { label: 'jose', name: 'jose SignJWT (pre-imported key)' },
      ],
      note: `A ${sample.access_token.length}-character token: typ at+jwt; iss, exp, aud, sub, client_id, iat, jti, scope. The issuer signs through src/lib/${IS_NODE_SEAM ? 'sign-jwt.node.ts (node:crypto)' : 'sign-jwt.ts (jose, WebCrypto)'}; jose SignJWT always signs through WebCrypto.`,
    },
  );
}

const opaque = createOpaqueTokenIssuer();
benchGroup(
  'opaque access token',
  [
    { name: 'floor: randomBytes(32).toString(base64url)', fn: () => randomBytes(32).toString('base64url') },
    { name: 'createOpaqueTokenIssuer().issue', fn: async () => opaque.issue(context) },
  ],
  { baselines: [{ label: 'floor', name: 'floor: randomBytes(32).toString(base64url)' }] },
);
