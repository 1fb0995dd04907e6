/**
 * `npm run demo`: a real token endpoint on 127.0.0.1 with the embedded defaults (static key resolver, memory
 * replay store, JWT access tokens), and a backend service that uses it over HTTP. The service mints a key pair
 * and registers the public key; it signs an assertion the way a service-account library does and trades it for
 * an access token; then a replay, an expired assertion and an impersonation attempt are refused with their error
 * codes. `npm run demo -- --serve` then keeps the server up and prints a curl command to try it yourself.
 * Exit code 0 only when every outcome is the expected one. No network beyond loopback.
 */
import { parseArgs } from 'node:util';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  createJwtAccessTokenIssuer,
  createMemoryReplayStore,
  createStaticKeyResolver,
  JWT_BEARER_GRANT_TYPE,
  systemClock,
} from '../../index.js';
import { startTokenEndpoint, type DemoServer } from './demo-server.js';

const SERVICE = 'svc-reports@tenant.example.com';
const KID = 'reports-2026';

const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
const json = (value: unknown): string => JSON.stringify(value);

/** What the backend service does: sign an assertion about itself (or, in the attack, about someone else). */
function signAssertion(key: CryptoKey, audience: string, claims: { sub?: string; issuedAt?: number; lifetime?: number } = {}): Promise<string> {
  const iat = claims.issuedAt ?? Math.floor(systemClock.now() / 1000);
  return new SignJWT({ scope: 'reports.read' })
    .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
    .setIssuer(SERVICE)
    .setSubject(claims.sub ?? SERVICE)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (claims.lifetime ?? 120))
    .setJti(crypto.randomUUID())
    .sign(key);
}

/** POSTs an assertion to the token endpoint, as any HTTP client would. */
async function requestToken(server: DemoServer, assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One refusal: what the client sees, what the server logged, and whether it is the expected code. */
async function expectRefusal(server: DemoServer, title: string, assertion: string, expected: string): Promise<boolean> {
  say(title);
  const { status, body } = await requestToken(server, assertion);
  const code = server.served.at(-1)?.code;
  say(`   client sees  ${status} ${json(body)}`);
  const ok = status === 400 && body['error'] === 'invalid_grant' && code === expected;
  say(ok ? `   refused as expected: ${expected}` : `   UNEXPECTED: wanted 400 invalid_grant ${expected}, got ${status} ${code ?? 'no error'}`);
  say();
  return ok;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { serve: { type: 'boolean' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    say('Usage: npm run demo [-- --serve [--port <n>]]\n\n  --serve      keep the token endpoint up after the demo and print a curl command to try it (Ctrl+C stops)\n  --port <n>   listen on this port of 127.0.0.1 (default: an ephemeral port)');
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port: not a port number: ${values.port}`);

  // 1. The backend service generates its key pair; the public half is registered with the authorization server.
  const service = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(service.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  const serverKey = await generateKeyPair('ES256', { extractable: true });

  // 2. The authorization server: handleTokenRequest on node:http with the embedded defaults.
  const server = await startTokenEndpoint(async (issuer) => ({
    issuer,
    tokenEndpoint: `${issuer}/token`,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [publicJwk], scopes: ['reports.read'] } }),
    replayStore: createMemoryReplayStore(),
    tokenIssuer: createJwtAccessTokenIssuer({
      issuer,
      signingKey: { ...(await exportJWK(serverKey.privateKey)), alg: 'ES256', kid: 'as-1' },
      audience: 'https://api.example.com',
      expiresIn: 900,
    }),
  }), (line) => say(`   server log   ${line}`), port);

  say('jwt-bearer-grant demo: the OAuth 2.0 JWT bearer grant (RFC 7523) over real HTTP');
  say(`Token endpoint ${server.tokenEndpoint} (handleTokenRequest on node:http; static key resolver, memory replay store, JWT access tokens)`);
  say();
  say(`1. The backend service ${SERVICE} generates an ES256 key pair and registers its public key:`);
  say(`   ${json(publicJwk)}`);
  say();

  const assertion = await signAssertion(service.privateKey, server.tokenEndpoint);
  say('2. It signs an assertion about itself: iss = sub = the service, aud = the token endpoint, 2 minutes, a unique jti:');
  say(`   header ${json(decodeProtectedHeader(assertion))}`);
  say(`   claims ${json(decodeJwt(assertion))}`);
  say(`   ${assertion}`);
  say();

  say(`3. It POSTs grant_type=${JWT_BEARER_GRANT_TYPE}&assertion=... to the token endpoint:`);
  const issued = await requestToken(server, assertion);
  say(`   client sees  ${issued.status} ${json(issued.body)}`);
  const accessToken = issued.body['access_token'];
  const accepted = issued.status === 200 && typeof accessToken === 'string';
  if (accepted) say(`   access token claims ${json(decodeJwt(accessToken))}`);
  else say('   UNEXPECTED: wanted 200 and an access token');
  say();

  const expiredAt = Math.floor(systemClock.now() / 1000) - 600;
  const refusals = [
    await expectRefusal(server, '4. The same assertion again (a replay: its jti was consumed):', assertion, 'ERR_JWT_BEARER_JTI_REPLAYED'),
    await expectRefusal(server, '5. An assertion that expired 8 minutes ago:',
      await signAssertion(service.privateKey, server.tokenEndpoint, { issuedAt: expiredAt }), 'ERR_JWT_BEARER_ASSERTION_EXPIRED'),
    await expectRefusal(server, '6. Impersonation: the service asks for a token as alice@tenant.example.com (its policy is subjects "self"):',
      await signAssertion(service.privateKey, server.tokenEndpoint, { sub: 'alice@tenant.example.com' }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED'),
  ];

  const ok = accepted && refusals.every(Boolean);
  say(ok ? 'Result: as expected. One token issued; the replay, the expired assertion and the impersonation were refused.' : 'Result: UNEXPECTED outcome (see above).');
  if (!ok || values.serve !== true) {
    await server.close();
    return ok ? 0 : 1;
  }

  const fresh = await signAssertion(service.privateKey, server.tokenEndpoint, { lifetime: 300 });
  // Listen for Ctrl+C before printing the command, so a signal right after it is never missed.
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  say();
  say(`Serving ${server.tokenEndpoint} until Ctrl+C. Try it (a fresh assertion, valid for 5 minutes, single use: run it twice):`);
  say();
  say(`curl -sS ${server.tokenEndpoint} --data-urlencode 'grant_type=${JWT_BEARER_GRANT_TYPE}' --data-urlencode 'assertion=${fresh}'`);
  say();
  await stopped;
  await server.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
