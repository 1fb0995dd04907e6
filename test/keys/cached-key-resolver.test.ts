import { describe, expect, it } from 'vitest';
import {
  createCachedKeyResolver,
  createFakeClock,
  type CachedKeyResolverOptions,
  type ClientKeyResolver,
  type KeyResolutionContext,
  type TrustedIssuer,
} from '../../src/index.js';
import { CLIENT_ID, createClientFixture } from '../helpers/client-fixture.js';
import { createFixture, expectOAuthError, SERVICE, T0, testKey } from '../helpers/fixture.js';

interface FakeDatabase {
  rows: Map<string, TrustedIssuer>;
  calls: number;
  down: boolean;
  delayMs: number;
  resolver: ClientKeyResolver;
}

/** A stand-in for a database: a table of issuers, a call counter, and a switch to make it fail. */
function fakeDatabase(rows: Record<string, TrustedIssuer>): FakeDatabase {
  const db: FakeDatabase = {
    rows: new Map(Object.entries(rows)),
    calls: 0,
    down: false,
    delayMs: 0,
    resolver: {
      async resolve(issuer: string) {
        db.calls++;
        if (db.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, db.delayMs));
        if (db.down) throw new Error('connection refused');
        const row: TrustedIssuer | undefined = db.rows.get(issuer);
        // A new object per call, like a row mapped from a query result.
        return row === undefined ? undefined : { ...row, keys: [...row.keys] };
      },
    },
  };
  return db;
}

const context = (use: 'grant' | 'client' = 'grant'): KeyResolutionContext => ({ header: { alg: 'ES256' }, use });

async function cachedFixture(options: Partial<CachedKeyResolverOptions> = {}) {
  const key = await testKey('ES256');
  const db = fakeDatabase({ [SERVICE]: { keys: [key.publicJwk], scopes: ['read'] } });
  const clock = createFakeClock(T0 * 1000);
  const resolver = createCachedKeyResolver(db.resolver, { max: 100, clock, ...options });
  const f = await createFixture({ options: { keyResolver: resolver, clock } });
  return { f, db, clock, resolver, key };
}

describe('createCachedKeyResolver: caches the resolved object, so keys are prepared and imported once', () => {
  it('asks the inner resolver once per ttl and returns the same object', async () => {
    const { f, db, resolver } = await cachedFixture({ ttl: 60 });
    for (let i = 0; i < 5; i++) await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(db.calls).toBe(1);
    expect(await resolver.resolve(SERVICE, context())).toBe(await resolver.resolve(SERVICE, context()));
    expect(resolver.size).toBe(1);
  });

  it('reuses an entry for ttl seconds on the configured clock (boundary: at ttl cached, 1 ms later asked again)', async () => {
    const { f, db, clock } = await cachedFixture({ ttl: 60 });
    await f.verify(await f.sign());
    clock.advance(60_000);
    f.clock.advance(60_000);
    await f.verify(await f.sign());
    expect(db.calls).toBe(1);
    clock.advance(1);
    f.clock.advance(1);
    await f.verify(await f.sign());
    expect(db.calls).toBe(2);
  });

  it('a key removed from the database is refused once the entry expires, or at once after invalidate()', async () => {
    const { f, db, resolver, key } = await cachedFixture({ ttl: 300 });
    const other = await testKey('ES256', 'db-other');
    await f.verify(await f.sign());
    db.rows.set(SERVICE, { keys: [other.publicJwk], scopes: ['read'] });
    await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
    resolver.invalidate(SERVICE);
    await f.reject(await f.sign({ key }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: other }))).resolves.toBeDefined();
    db.rows.set(SERVICE, { keys: [key.publicJwk], scopes: ['read'] });
    resolver.invalidate();
    expect(resolver.size).toBe(0);
    await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
  });

  it('is bounded by max: the least recently used issuer is dropped', async () => {
    const key = await testKey('ES256');
    const rows: Record<string, TrustedIssuer> = {};
    for (let i = 0; i < 5; i++) rows[`iss-${i}`] = { keys: [key.publicJwk] };
    const db = fakeDatabase(rows);
    const resolver = createCachedKeyResolver(db.resolver, { max: 3 });
    for (let i = 0; i < 5; i++) await resolver.resolve(`iss-${i}`, context());
    expect(resolver.size).toBe(3);
    await resolver.resolve('iss-4', context());
    expect(db.calls).toBe(5);
    await resolver.resolve('iss-0', context());
    expect(db.calls).toBe(6);
  });

  it('keeps grant and client answers apart (the cache key is use + issuer)', async () => {
    const { db, resolver } = await cachedFixture();
    await resolver.resolve(SERVICE, context('grant'));
    await resolver.resolve(SERVICE, context('client'));
    await resolver.resolve(SERVICE, context('grant'));
    expect(db.calls).toBe(2);
    expect(resolver.size).toBe(2);
    resolver.invalidate(SERVICE);
    expect(resolver.size).toBe(0);
  });

  it('100 parallel verifications cause one inner call', async () => {
    const { f, db } = await cachedFixture();
    db.delayMs = 20;
    const assertions = await Promise.all(Array.from({ length: 100 }, () => f.sign()));
    const results = await Promise.allSettled(assertions.map((assertion) => f.verify(assertion)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    expect(db.calls).toBe(1);
  });
});

describe('createCachedKeyResolver: failures are not cached, and unknown issuers are not cached', () => {
  it('an inner failure is 503 and the next request asks again (never remembered as "unknown issuer")', async () => {
    const { f, db } = await cachedFixture();
    db.down = true;
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect([error.error, error.status]).toEqual(['temporarily_unavailable', 503]);
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect(db.calls).toBe(2);
    db.down = false;
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
    expect(db.calls).toBe(3);
  });

  it('an expired entry is not served when the refresh fails (fail closed)', async () => {
    const { f, db, clock } = await cachedFixture({ ttl: 60 });
    await f.verify(await f.sign());
    db.down = true;
    clock.advance(60_001);
    f.clock.advance(60_001);
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
  });

  it('an unknown issuer is not cached: a client registered a moment later is found at once', async () => {
    const { f, db, resolver, key } = await cachedFixture();
    const newcomer = 'svc-new@tenant.example.com';
    await f.reject(await f.sign({ claims: { iss: newcomer, sub: newcomer } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
    expect(resolver.size).toBe(0);
    db.rows.set(newcomer, { keys: [key.publicJwk] });
    await expect(f.verify(await f.sign({ claims: { iss: newcomer, sub: newcomer } }))).resolves.toBeDefined();
  });

  it('an invalid entry (unsafe key, unknown field) is 500 and not cached', async () => {
    const key = await testKey('ES256');
    const db = fakeDatabase({ weak: { keys: [{ ...key.publicJwk, use: 'enc' }] }, typo: { keys: [key.publicJwk], subject: 'any' } as never });
    const resolver = createCachedKeyResolver(db.resolver, { max: 10 });
    for (const issuer of ['weak', 'typo']) {
      const error = await expectOAuthError(resolver.resolve(issuer, context()), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
      expect(error.status).toBe(500);
    }
    expect(resolver.size).toBe(0);
  });

  it('client authentication through a cached database resolver; within ttl the cached answer serves while the database is down', async () => {
    const f = await createClientFixture();
    const db = fakeDatabase({ [CLIENT_ID]: { keys: [f.clientKey.publicJwk], grantTypes: ['client_credentials'] } });
    const options = { ...f.options, clientKeyResolver: createCachedKeyResolver(db.resolver, { max: 10, clock: f.clock }) };
    const { verifyClientAssertion } = await import('../../src/index.js');
    for (let i = 0; i < 3; i++) {
      await expect(verifyClientAssertion({ body: f.clientAuth(await f.clientAssertion()) }, options)).resolves.toMatchObject({ clientId: CLIENT_ID });
    }
    expect(db.calls).toBe(1);
    db.down = true;
    db.rows.clear();
    await expect(verifyClientAssertion({ body: f.clientAuth(await f.clientAssertion()) }, options)).resolves.toBeDefined();
  });
});

describe('createCachedKeyResolver: options (bounded by type and at run time)', () => {
  const inner: ClientKeyResolver = { resolve: async () => undefined };
  it('requires max, a whole number from 1 to 1,000,000', () => {
    for (const max of [undefined, 0, -1, 1.5, 1_000_001, Number.NaN, Number.POSITIVE_INFINITY, '10']) {
      expect(() => createCachedKeyResolver(inner, { max } as never)).toThrow(/\.max/);
    }
    expect(() => createCachedKeyResolver(inner, undefined as never)).toThrow(TypeError);
    expect(() => createCachedKeyResolver(inner, { max: 1 })).not.toThrow();
    expect(() => createCachedKeyResolver(inner, { max: 1_000_000 })).not.toThrow();
  });

  it('ttl is seconds from 1 to 86,400', () => {
    for (const ttl of [0, 86_401, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createCachedKeyResolver(inner, { max: 1, ttl })).toThrow(/\.ttl/);
    }
    expect(() => createCachedKeyResolver(inner, { max: 1, ttl: 1 })).not.toThrow();
    expect(() => createCachedKeyResolver(inner, { max: 1, ttl: 86_400 })).not.toThrow();
  });

  it('refuses something that is not a resolver, and a bad clock', () => {
    expect(() => createCachedKeyResolver({} as never, { max: 1 })).toThrow(/resolver/);
    expect(() => createCachedKeyResolver(null as never, { max: 1 })).toThrow(/resolver/);
    expect(() => createCachedKeyResolver(inner, { max: 1, clock: { now: 5 } as never })).toThrow(/\.clock/);
  });
});
