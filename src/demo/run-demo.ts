/**
 * `npm run demo`: the whole JWT bearer flow in one process on the embedded defaults. A backend service mints
 * a key pair and registers its public key; it signs an assertion the way a service-account library does; the
 * authorization server verifies it and issues an RFC 9068 access token; then a replay and an expired assertion
 * are refused with their error codes.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  createFakeClock,
  createJwtAccessTokenIssuer,
  createMemoryReplayStore,
  createStaticKeyResolver,
  isOAuthError,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type JwtBearerGrantOptions,
} from '../index.js';

const AS = 'https://as.example.com';
const SERVICE = 'svc-reports@tenant.example.com';

function print(title: string, value: unknown): void {
  process.stdout.write(`\n== ${title}\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
}

async function attempt(title: string, assertion: string, options: JwtBearerGrantOptions): Promise<boolean> {
  const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, scope: 'reports.read' }).toString();
  try {
    const grant = await verifyJwtBearerGrant({ body }, options);
    print(`${title}: 200 OK`, grant.token);
    return true;
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    print(`${title}: ${error.status} refused (${error.code})`, error.toJSON());
    return false;
  }
}

async function main(): Promise<void> {
  // The demo's own clock, so "expired" is shown without waiting.
  const clock = createFakeClock();

  // 1. The service generates its key pair and registers the public half with the authorization server.
  const service = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(service.publicKey)), kid: 'reports-2026', alg: 'ES256', use: 'sig' };
  print('registered public key', publicJwk);

  // 2. The authorization server's configuration, created once.
  const server = await generateKeyPair('ES256', { extractable: true });
  const options: JwtBearerGrantOptions = {
    issuer: AS,
    tokenEndpoint: `${AS}/oauth2/token`,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [publicJwk], scopes: ['reports.read', 'reports.write'] } }),
    replayStore: createMemoryReplayStore({ clock }),
    clock,
    tokenIssuer: createJwtAccessTokenIssuer({
      issuer: AS,
      signingKey: { ...(await exportJWK(server.privateKey)), alg: 'ES256', kid: 'as-1' },
      audience: 'https://api.example.com',
      expiresIn: 900,
      clock,
    }),
  };

  // 3. The service signs an assertion: iss = sub = itself, aud = the token endpoint, 2 minutes, unique jti.
  const sign = (now: number) =>
    new SignJWT({ scope: 'reports.read' })
      .setProtectedHeader({ alg: 'ES256', kid: 'reports-2026', typ: 'JWT' })
      .setIssuer(SERVICE)
      .setSubject(SERVICE)
      .setAudience(`${AS}/oauth2/token`)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 120)
      .setJti(crypto.randomUUID())
      .sign(service.privateKey);
  const assertion = await sign(clock.now());
  print('assertion (compact JWS)', assertion);

  const accepted = await attempt('fresh assertion', assertion, options);
  const replayed = await attempt('same assertion again (replay)', assertion, options);
  const old = await sign(clock.now() - 10 * 60_000);
  const expired = await attempt('assertion that expired 8 minutes ago', old, options);

  const ok = accepted && !replayed && !expired;
  print('result', ok ? 'as expected: 1 accepted, replay and expired refused' : 'UNEXPECTED outcome');
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${String(error)}\n`);
  process.exitCode = 1;
});
