import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryReplayStore,
  createOpaqueTokenIssuer,
  createStaticKeyResolver,
  handleTokenRequest,
  JWT_BEARER_GRANT_TYPE,
  type TokenEndpointOptions,
} from '../../src/index.js';

// A real OAuth client library (openid-client 6, on oauth4webapi) against a node:http token endpoint built on
// handleTokenRequest, over real HTTP on 127.0.0.1. openid-client signs the private_key_jwt client assertion
// itself (aud = the issuer identifier, as rfc7523bis asks); we sign the grant assertion as a service would.
let server: Server;
let issuer: string;
let clientKey: CryptoKey;
let serviceKey: CryptoKey;
const SERVICE = 'svc-e2e@example.com';

beforeAll(async () => {
  const clientPair = await generateKeyPair('ES256', { extractable: true });
  const servicePair = await generateKeyPair('PS256', { extractable: true });
  clientKey = clientPair.privateKey;
  serviceKey = servicePair.privateKey;
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      handleTokenRequest({ method: req.method, headers: req.headers, body }, options).then(
        (result) => res.writeHead(result.status, result.headers).end(JSON.stringify(result.body)),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  options = {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [await exportJWK(servicePair.publicKey)], scopes: ['reports.read'] } }),
    clientKeyResolver: createStaticKeyResolver({ 'e2e-client': { keys: [await exportJWK(clientPair.publicKey)] } }),
    replayStore: createMemoryReplayStore(),
    tokenIssuer: createOpaqueTokenIssuer({ expiresIn: 300 }),
  };
});
let options: TokenEndpointOptions;

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function configuration(): client.Configuration {
  const config = new client.Configuration({ issuer, token_endpoint: `${issuer}/token` }, 'e2e-client', undefined, client.PrivateKeyJwt(clientKey));
  client.allowInsecureRequests(config);
  return config;
}

async function serviceAssertion(claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: SERVICE, sub: SERVICE, aud: `${issuer}/token`, iat: now, exp: now + 120, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'PS256' })
    .sign(serviceKey);
}

describe('interop: openid-client 6 as the client (private_key_jwt + jwt-bearer grant) over HTTP', () => {
  it('gets a token', async () => {
    const tokens = await client.genericGrantRequest(configuration(), JWT_BEARER_GRANT_TYPE, { assertion: await serviceAssertion(), scope: 'reports.read' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.expires_in).toBe(300);
  });

  it('is refused with invalid_grant for an expired grant assertion', async () => {
    const stale = await serviceAssertion({ iat: 1_000_000_000, exp: 1_000_000_060 });
    const error = await client.genericGrantRequest(configuration(), JWT_BEARER_GRANT_TYPE, { assertion: stale }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect((error as client.ResponseBodyError).error).toBe('invalid_grant');
    expect((error as client.ResponseBodyError).status).toBe(400);
  });

  it('is refused with invalid_scope for a scope the issuer may not have', async () => {
    const error = await client.genericGrantRequest(configuration(), JWT_BEARER_GRANT_TYPE, { assertion: await serviceAssertion(), scope: 'admin' }).catch((e: unknown) => e);
    expect((error as client.ResponseBodyError).error).toBe('invalid_scope');
  });

  it('is refused with invalid_client when the client signs with a key we do not know', async () => {
    const stranger = (await generateKeyPair('ES256')).privateKey;
    const config = new client.Configuration({ issuer, token_endpoint: `${issuer}/token` }, 'e2e-client', undefined, client.PrivateKeyJwt(stranger));
    client.allowInsecureRequests(config);
    const error = await client.genericGrantRequest(config, JWT_BEARER_GRANT_TYPE, { assertion: await serviceAssertion() }).catch((e: unknown) => e);
    expect((error as client.ResponseBodyError).error).toBe('invalid_client');
  });
});
