import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteJwksResolver, type OAuthError } from '../../src/index.js';
import { expectOAuthError, SERVICE, testKey } from '../helpers/fixture.js';
import { behaviours, startJwksServer, type Behaviour, type JwksServer } from './jwks-server.js';
import { COOLDOWN_MS, createRemoteFixture, jwksOf, MAX_AGE_MS, type RemoteFixture } from './remote-fixture.js';

let server: JwksServer;
beforeEach(async () => {
  server = await startJwksServer();
});
afterEach(async () => {
  await server.close();
});

/** SPEC F1: the remote side failing is temporarily_unavailable (503), never invalid_grant, and never accepts. */
async function refusedAsUnavailable(f: RemoteFixture, given?: string): Promise<OAuthError> {
  const assertion = given ?? (await f.sign());
  const error = await f.reject(assertion, 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
  expect([error.error, error.status]).toEqual(['temporarily_unavailable', 503]);
  expect(error.detail).toBeDefined();
  expect(error.detail).not.toContain(assertion.split('.')[1]);
  return error;
}

describe('SPEC F1: every failure of the JWKS endpoint refuses the grant with temporarily_unavailable (503)', () => {
  const cases: Array<[string, Behaviour]> = [
    ['returning HTML with status 200', behaviours.html],
    ['returning invalid JSON', behaviours.text('{"keys": [')],
    ['returning an empty body', behaviours.text('')],
    ['returning JSON that is not a JWKS (an array)', behaviours.text('[]')],
    ['returning JSON that is not a JWKS (keys not an array)', behaviours.text('{"keys":"none"}')],
    ['returning JSON that is not a JWKS (a key that is not an object)', behaviours.text('{"keys":[1]}')],
    ['answering 500', behaviours.text('{"keys":[]}', 500)],
    ['answering 404', behaviours.text('{"keys":[]}', 404)],
    ['redirecting (redirects are not followed)', behaviours.redirect('/elsewhere.json')],
    ['dropping the connection', behaviours.reset],
    ['sending a body over maxResponseSize with Content-Length', behaviours.huge(600_000, false)],
    ['sending a body over maxResponseSize chunked, without Content-Length', behaviours.huge(600_000, true)],
  ];
  for (const [name, behaviour] of cases) {
    it(name, async () => {
      const key = await testKey('ES256');
      server.setJwks(jwksOf(key));
      server.setJwks(jwksOf(key), '/elsewhere.json');
      server.behave(behaviour);
      const f = await createRemoteFixture(server);
      await refusedAsUnavailable(f);
      expect(server.requests('/elsewhere.json')).toBe(0);
    });
  }

  it('down: nothing listening on the port', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server);
    await server.close();
    await refusedAsUnavailable(f);
    server = await startJwksServer();
  });

  it('slow: no headers within the timeout (0.2 s), refused in real time well before the server would answer', async () => {
    server.setJwks(jwksOf(await testKey('ES256')));
    server.behave(behaviours.slowHeaders(3000));
    const f = await createRemoteFixture(server, { resolver: { timeout: 0.2 } });
    const started = performance.now();
    await refusedAsUnavailable(f);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('slow: the body stalls after the headers past the timeout (0.2 s)', async () => {
    server.setJwks(jwksOf(await testKey('ES256')));
    server.behave(behaviours.slowBody(3000));
    const f = await createRemoteFixture(server, { resolver: { timeout: 0.2 } });
    const started = performance.now();
    await refusedAsUnavailable(f);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a body just under maxResponseSize is read; one byte over is refused', async () => {
    const key = await testKey('ES256');
    const body = JSON.stringify(jwksOf(key));
    server.setJwks(jwksOf(key));
    const exact = await createRemoteFixture(server, { resolver: { maxResponseSize: Math.max(1024, Buffer.byteLength(body)) } });
    await expect(exact.verify(await exact.sign())).resolves.toBeDefined();
    const padded = { ...jwksOf(key), pad: 'x'.repeat(1024) };
    server.setJwks(padded);
    const size = Buffer.byteLength(JSON.stringify(padded));
    const fits = await createRemoteFixture(server, { resolver: { maxResponseSize: size } });
    await expect(fits.verify(await fits.sign())).resolves.toBeDefined();
    const over = await createRemoteFixture(server, { resolver: { maxResponseSize: size - 1 } });
    await refusedAsUnavailable(over);
  });
});

describe('SPEC F1: a JWKS with no usable key is 503 (the remote side is broken), not invalid_grant', () => {
  it('an empty key set', async () => {
    server.setJwks({ keys: [] });
    await refusedAsUnavailable(await createRemoteFixture(server));
  });

  it('only keys that fail hygiene: 1024-bit RSA, use enc, key_ops without verify, symmetric, private, unknown kty', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const ec = (await testKey('ES256')).publicJwk;
    server.setJwks({
      keys: [
        { ...weak, kid: 'weak' },
        { ...ec, use: 'enc' },
        { ...ec, key_ops: ['encrypt'] },
        { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0', alg: 'HS256' },
        { ...ec, d: 'AAAA' },
        { kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA' },
      ],
    });
    const f = await createRemoteFixture(server);
    const error = await refusedAsUnavailable(f);
    expect(error.detail).toContain('6 refused');
  });

  it('a set that loses its last usable key on refresh refuses from then on, and recovers when the keys return', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign());
    server.setJwks({ keys: [] });
    f.clock.advance(MAX_AGE_MS);
    await refusedAsUnavailable(f);
    server.setJwks(jwksOf(key));
    // An empty set is looked at again after the cooldown, not only at max age.
    f.clock.advance(COOLDOWN_MS);
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(server.requests()).toBe(3);
  });
});

describe('stale trust: no assertion is accepted on keys older than cacheMaxAge', () => {
  it('within max age the cached keys serve while the endpoint is down; at max age they do not (503, fail closed)', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server, { resolver: { cacheMaxAge: 120, cooldown: 10 } });
    await f.verify(await f.sign());
    server.behave(behaviours.text('down', 503));
    f.clock.advance(120_000 - 1);
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
    f.clock.advance(1);
    await refusedAsUnavailable(f);
    // Still refused later: the old keys are never used again.
    f.clock.advance(10_000);
    await refusedAsUnavailable(f);
    f.clock.advance(3_600_000);
    await refusedAsUnavailable(f);
  });

  it('after a failed fetch, requests that need the set are refused without a new fetch until the cooldown; then it recovers', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    server.behave(behaviours.text('down', 500));
    const f = await createRemoteFixture(server);
    await refusedAsUnavailable(f);
    for (let i = 0; i < 10; i++) await refusedAsUnavailable(f);
    expect(server.requests()).toBe(1);
    server.serve();
    f.clock.advance(COOLDOWN_MS - 1);
    await refusedAsUnavailable(f);
    expect(server.requests()).toBe(1);
    f.clock.advance(1);
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
  });

  it('an unknown kid while the endpoint is down is 503, not invalid_grant; known kids still verify within max age', async () => {
    const key = await testKey('ES256');
    const rotated = await testKey('ES256', 'rotated');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign());
    server.behave(behaviours.reset);
    f.clock.advance(COOLDOWN_MS);
    await refusedAsUnavailable(f, await f.sign({ key: rotated }));
    // Within the cooldown of that failure: still 503 for the unknown kid, without another fetch.
    await refusedAsUnavailable(f, await f.sign({ key: rotated }));
    expect(server.requests()).toBe(2);
    await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
  });

  it('100 parallel verifications against a failing endpoint: one fetch, all 503', async () => {
    server.behave(behaviours.text('nope', 502));
    const f = await createRemoteFixture(server);
    const assertions = await Promise.all(Array.from({ length: 100 }, () => f.sign()));
    const errors = await Promise.all(assertions.map((assertion) => f.reject(assertion, 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED')));
    expect(errors.every((error) => error.status === 503)).toBe(true);
    expect(server.requests()).toBe(1);
  });

  it('a clock that returns NaN fails the request (500) instead of making the cache fresh forever', async () => {
    server.setJwks(jwksOf(await testKey('ES256')));
    const resolver = createRemoteJwksResolver({ issuers: { [SERVICE]: { jwksUri: server.url() } }, allowHttp: true, clock: { now: () => Number.NaN } });
    const error = await expectOAuthError(resolver.resolve(SERVICE, { header: { alg: 'ES256' }, use: 'grant' }), 'ERR_JWT_BEARER_CLOCK_FAILED');
    expect(error.status).toBe(500);
    expect(server.requests()).toBe(0);
  });

  it('a clock failing in the middle of a fetch does not leave the resolver stuck (503, then it recovers)', async () => {
    server.setJwks(jwksOf(await testKey('ES256')));
    let time = Date.now();
    let calls = 0;
    const resolver = createRemoteJwksResolver({
      issuers: { [SERVICE]: { jwksUri: server.url() } },
      allowHttp: true,
      // The second reading is the one taken when the fetch completes.
      clock: { now: () => (++calls === 2 ? Number.NaN : time) },
    });
    const header = { header: { alg: 'ES256' }, use: 'grant' } as const;
    await expectOAuthError(resolver.resolve(SERVICE, header), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    time += COOLDOWN_MS;
    await expect(resolver.resolve(SERVICE, header)).resolves.toMatchObject({ keys: [expect.objectContaining({ kty: 'EC' })] });
    expect(server.requests()).toBe(2);
  });

  it('https: a JWKS URL that cannot be reached is 503 (the https path, no server there)', async () => {
    const resolver = createRemoteJwksResolver({ issuers: { [SERVICE]: { jwksUri: 'https://127.0.0.1:1/jwks.json' } }, timeout: 2 });
    const error = await expectOAuthError(resolver.resolve(SERVICE, { header: { alg: 'ES256' }, use: 'grant' }), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect(error.error).toBe('temporarily_unavailable');
  });
});
