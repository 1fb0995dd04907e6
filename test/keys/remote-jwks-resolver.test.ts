import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRemoteJwksResolver,
  JWT_BEARER_GRANT_TYPE,
  verifyClientAssertion,
  verifyJwtBearerGrant,
  type KeyResolutionContext,
  type RemoteJwksIssuer,
} from '../../src/index.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { CLIENT_ID, createClientFixture } from '../helpers/client-fixture.js';
import { createFixture, expectOAuthError, SERVICE, testKey } from '../helpers/fixture.js';
import { behaviours, startJwksServer, type JwksServer } from './jwks-server.js';
import { COOLDOWN_MS, createRemoteFixture, jwksOf, MAX_AGE_MS } from './remote-fixture.js';

let server: JwksServer;
beforeEach(async () => {
  server = await startJwksServer();
});
afterEach(async () => {
  await server.close();
});

const grantContext = (header: Record<string, unknown> = { alg: 'ES256' }): KeyResolutionContext => ({ header: header as KeyResolutionContext['header'], use: 'grant' });

describe('remote JWKS: cached with a max age (RFC 7517 §5)', () => {
  it('fetches once and serves every assertion from the cache until cacheMaxAge, then fetches again', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server);
    for (let i = 0; i < 3; i++) await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(server.requests()).toBe(1);
    f.clock.advance(MAX_AGE_MS - 1);
    await f.verify(await f.sign());
    expect(server.requests()).toBe(1);
    f.clock.advance(1);
    await f.verify(await f.sign());
    expect(server.requests()).toBe(2);
  });

  it('returns the same TrustedIssuer object while the JWKS is unchanged (keys prepared once), a new one when it changes', async () => {
    const a = await testKey('ES256', 'a');
    const b = await testKey('ES256', 'b');
    server.setJwks(jwksOf(a));
    const f = await createRemoteFixture(server);
    const first = await f.keyResolver.resolve(SERVICE, grantContext());
    expect(await f.keyResolver.resolve(SERVICE, grantContext())).toBe(first);
    f.clock.advance(MAX_AGE_MS);
    expect(await f.keyResolver.resolve(SERVICE, grantContext())).toBe(first);
    expect(server.requests()).toBe(2);
    server.setJwks(jwksOf(a, b));
    f.clock.advance(MAX_AGE_MS);
    const changed = await f.keyResolver.resolve(SERVICE, grantContext());
    expect(changed).not.toBe(first);
    expect(changed?.keys).toHaveLength(2);
    expect(changed).toMatchObject({ scopes: ['read', 'write'] });
    expect(Object.isFrozen(changed)).toBe(true);
  });

  it('issuers on one jwks_uri share one fetch; equal policies share one object, different policies do not', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const resolver = createRemoteJwksResolver({
      issuers: {
        'iss-1': { jwksUri: server.url(), scopes: ['read'] },
        'iss-2': { jwksUri: server.url(), scopes: ['read'] },
        'iss-3': { jwksUri: server.url(), scopes: ['write'] },
      },
      allowHttp: true,
    });
    const [one, two, three] = await Promise.all(['iss-1', 'iss-2', 'iss-3'].map((iss) => resolver.resolve(iss, grantContext())));
    expect(server.requests()).toBe(1);
    expect(one).toBe(two);
    expect(three).not.toBe(one);
    expect(three?.keys).toBe(one?.keys);
  });

  it('an issuer it does not know resolves undefined without any fetch (ISSUER_UNKNOWN, like a bad signature)', async () => {
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ claims: { iss: 'someone-else', sub: 'someone-else' } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
    for (const hostile of ['__proto__', 'constructor', 'toString']) {
      expect(await f.keyResolver.resolve(hostile, grantContext())).toBeUndefined();
    }
    expect(server.requests()).toBe(0);
  });

  it('100 parallel verifications cause one fetch', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    server.behave(behaviours.delayed(50));
    const f = await createRemoteFixture(server);
    const assertions = await Promise.all(Array.from({ length: 100 }, () => f.sign()));
    const results = await Promise.allSettled(assertions.map((assertion) => f.verify(assertion)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    expect(server.requests()).toBe(1);
  });

  it('clear() forgets the cached sets: the next request fetches', async () => {
    server.setJwks(jwksOf(await testKey('ES256')));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign());
    f.keyResolver.clear();
    await f.verify(await f.sign());
    expect(server.requests()).toBe(2);
  });
});

describe('remote JWKS: an unknown kid triggers a refetch, rate-limited by the cooldown', () => {
  it('finds a key published after the cache was filled, by its kid', async () => {
    const a = await testKey('ES256', 'a');
    const b = await testKey('ES256', 'b');
    server.setJwks(jwksOf(a));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign({ key: a }));
    f.clock.advance(COOLDOWN_MS);
    server.setJwks(jwksOf(a, b));
    await expect(f.verify(await f.sign({ key: b }))).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
  });

  it('refetches at most once per cooldown, whatever the attacker sends, and the unknown kid is invalid_grant', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign());
    expect(server.requests()).toBe(1);
    // Within the cooldown of the first fetch: no refetch at all.
    for (const kid of ['nope-1', 'nope-2', '__proto__', 'constructor']) await f.reject(await f.sign({ header: { kid } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    expect(server.requests()).toBe(1);
    f.clock.advance(COOLDOWN_MS - 1);
    await f.reject(await f.sign({ header: { kid: 'nope-3' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    expect(server.requests()).toBe(1);
    f.clock.advance(1);
    const flood = await Promise.all(Array.from({ length: 50 }, (_, i) => f.sign({ header: { kid: `flood-${i}` } })));
    const errors = await Promise.all(flood.map((assertion) => f.reject(assertion, 'ERR_JWT_BEARER_KEY_NOT_FOUND')));
    expect(errors.every((error) => error.error === 'invalid_grant')).toBe(true);
    expect(server.requests()).toBe(2);
    // A known kid never refetches.
    await f.verify(await f.sign());
    expect(server.requests()).toBe(2);
  });

  it('100 parallel assertions with a newly published kid cause one refetch and all verify', async () => {
    const a = await testKey('ES256', 'a');
    const b = await testKey('ES256', 'b');
    server.setJwks(jwksOf(a));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign({ key: a }));
    f.clock.advance(COOLDOWN_MS);
    server.setJwks(jwksOf(a, b));
    server.behave(behaviours.delayed(50));
    const assertions = await Promise.all(Array.from({ length: 100 }, () => f.sign({ key: b })));
    const results = await Promise.allSettled(assertions.map((assertion) => f.verify(assertion)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    expect(server.requests()).toBe(2);
  });

  it('x5t#S256 (Entra: no kid) finds a certificate key published later, computed from its x5c', async () => {
    const a = await testKey('RS256', 'entra-a');
    const b = await testKey('RS256', 'entra-b');
    const certA = selfSignedCertificate(a, 'a');
    const certB = selfSignedCertificate(b, 'b');
    const entry = (key: typeof a, cert: typeof certA) => {
      const { kid: _kid, ...jwk } = key.publicJwk;
      return { ...jwk, x5c: [cert.base64] };
    };
    server.setJwks({ keys: [entry(a, certA)] });
    const f = await createRemoteFixture(server);
    const sign = (key: typeof a, cert: typeof certA) => f.sign({ key, header: { kid: undefined, 'x5t#S256': cert.x5tS256 } });
    await expect(f.verify(await sign(a, certA))).resolves.toBeDefined();
    f.clock.advance(COOLDOWN_MS);
    server.setJwks({ keys: [entry(a, certA), entry(b, certB)] });
    await expect(f.verify(await sign(b, certB))).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
    // x5t (SHA-1) works as well, from the same certificate.
    await expect(f.verify(await f.sign({ key: b, header: { kid: undefined, x5t: certB.x5t } }))).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
  });

  it('a kid naming a key the set has but refused (hygiene) does not refetch', async () => {
    const good = await testKey('ES256', 'good');
    server.setJwks({ keys: [good.publicJwk, { ...(await testKey('ES256', 'enc')).publicJwk, use: 'enc', kid: 'enc-key' }] });
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign({ key: good }));
    f.clock.advance(COOLDOWN_MS);
    await f.reject(await f.sign({ key: good, header: { kid: 'enc-key' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    expect(server.requests()).toBe(1);
  });

  it('an assertion without kid, x5t or x5t#S256 never triggers a refetch', async () => {
    const a = await testKey('ES256', 'a');
    const other = await testKey('ES256', 'other');
    server.setJwks(jwksOf(a));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign({ key: a, header: { kid: undefined } }));
    f.clock.advance(COOLDOWN_MS);
    await f.reject(await f.sign({ key: other, header: { kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(server.requests()).toBe(1);
  });
});

describe('remote JWKS: rotation', () => {
  it('old + new both verify; once the old key is removed and the cache refreshes, its assertions are refused', async () => {
    const oldKey = await testKey('ES256', 'old');
    const newKey = await testKey('ES256', 'new');
    server.setJwks(jwksOf(oldKey, newKey));
    const f = await createRemoteFixture(server);
    await expect(f.verify(await f.sign({ key: oldKey }))).resolves.toBeDefined();
    await expect(f.verify(await f.sign({ key: newKey }))).resolves.toBeDefined();
    server.setJwks(jwksOf(newKey));
    // Still trusted until the cache is refreshed (max age): the rotation runbook waits that long.
    f.clock.advance(MAX_AGE_MS - 1);
    await expect(f.verify(await f.sign({ key: oldKey }))).resolves.toBeDefined();
    f.clock.advance(1);
    await f.reject(await f.sign({ key: oldKey }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await f.reject(await f.sign({ key: oldKey, header: { kid: newKey.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(await f.sign({ key: oldKey, header: { kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await expect(f.verify(await f.sign({ key: newKey }))).resolves.toBeDefined();
    expect(server.requests()).toBe(2);
  });

  it('a key removed from the JWKS is refused as soon as an unknown-kid refetch has seen the new set', async () => {
    const oldKey = await testKey('ES256', 'old');
    const newKey = await testKey('ES256', 'new');
    const newest = await testKey('ES256', 'newest');
    server.setJwks(jwksOf(oldKey, newKey));
    const f = await createRemoteFixture(server);
    await f.verify(await f.sign({ key: oldKey }));
    f.clock.advance(COOLDOWN_MS);
    server.setJwks(jwksOf(newKey, newest));
    await f.verify(await f.sign({ key: newest }));
    await f.reject(await f.sign({ key: oldKey }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });
});

describe('remote JWKS for JWT client authentication (RFC 7523 §2.2)', () => {
  it('verifies a client assertion against the client jwks_uri; a removed key is invalid_client after refresh', async () => {
    const holder: { now?: () => number } = {};
    const resolver = createRemoteJwksResolver({
      issuers: { [CLIENT_ID]: { jwksUri: server.url('/clients/app-1/jwks'), grantTypes: ['client_credentials'] } },
      allowHttp: true,
      clock: { now: () => (holder.now as () => number)() },
    });
    const f = await createClientFixture({ options: { clientKeyResolver: resolver } });
    holder.now = () => f.clock.now();
    server.setJwks(jwksOf(f.clientKey), '/clients/app-1/jwks');
    const client = await verifyClientAssertion({ body: f.clientAuth(await f.clientAssertion()) }, f.options);
    expect(client).toMatchObject({ clientId: CLIENT_ID, grantTypes: ['client_credentials'] });
    server.setJwks({ keys: [(await testKey('ES256', 'replacement')).publicJwk] }, '/clients/app-1/jwks');
    f.clock.advance(MAX_AGE_MS);
    const error = await expectOAuthError(verifyClientAssertion({ body: f.clientAuth(await f.clientAssertion()) }, f.options), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    expect(error.error).toBe('invalid_client');
    // The endpoint down: temporarily_unavailable, never invalid_client.
    server.behave(behaviours.text('oops', 500), '/clients/app-1/jwks');
    f.clock.advance(MAX_AGE_MS);
    const down = await expectOAuthError(verifyClientAssertion({ body: f.clientAuth(await f.clientAssertion()) }, f.options), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect([down.error, down.status]).toEqual(['temporarily_unavailable', 503]);
  });
});

describe('remote JWKS: issuers as a function', () => {
  const lookupFixture = async (lookup: (issuer: string, context: KeyResolutionContext) => RemoteJwksIssuer | undefined | Promise<RemoteJwksIssuer | undefined>) => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const holder: { now?: () => number } = {};
    const keyResolver = createRemoteJwksResolver({ issuers: lookup, allowHttp: true, clock: { now: () => (holder.now as () => number)() } });
    const f = await createFixture({ options: { keyResolver } });
    holder.now = () => f.clock.now();
    return { f, keyResolver };
  };

  it('is asked with the issuer and the use; a fresh but equal result each time still yields one object', async () => {
    const calls: Array<[string, string]> = [];
    const { f, keyResolver } = await lookupFixture((issuer, context) => {
      calls.push([issuer, context.use]);
      return issuer === SERVICE ? { jwksUri: server.url(), scopes: ['read'] } : undefined;
    });
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(calls).toEqual([[SERVICE, 'grant']]);
    expect(await keyResolver.resolve(SERVICE, grantContext())).toBe(await keyResolver.resolve(SERVICE, grantContext()));
    await f.reject(await f.sign({ claims: { iss: 'other', sub: 'other' } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
    expect(server.requests()).toBe(1);
  });

  it('a throwing lookup is 503; an invalid result (http without allowHttp, bad policy) is 500', async () => {
    const { f } = await lookupFixture(() => {
      throw new Error('database down');
    });
    const down = await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect(down.status).toBe(503);
    const strict = createRemoteJwksResolver({ issuers: () => ({ jwksUri: server.url() }) });
    const bad = await expectOAuthError(strict.resolve(SERVICE, grantContext()), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
    expect(bad.status).toBe(500);
    const badPolicy = createRemoteJwksResolver({ issuers: () => ({ jwksUri: server.url(), subject: 'any' }) as never, allowHttp: true });
    await expectOAuthError(badPolicy.resolve(SERVICE, grantContext()), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
    const hmac = createRemoteJwksResolver({ issuers: async () => ({ jwksUri: server.url(), algorithms: ['HS256'] }), allowHttp: true });
    await expectOAuthError(hmac.resolve(SERVICE, grantContext()), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
    expect(server.requests()).toBe(0);
  });

  it('verifyJwtBearerGrant end to end on the system clock (no clock option)', async () => {
    const key = await testKey('ES256');
    server.setJwks(jwksOf(key));
    const resolver = createRemoteJwksResolver({ issuers: { [SERVICE]: { jwksUri: server.url() } }, allowHttp: true });
    const f = await createFixture({ options: { keyResolver: resolver } });
    f.clock.set(Date.now());
    const assertion = await f.sign();
    await expect(verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, f.options)).resolves.toMatchObject({ issuer: SERVICE });
  });
});
