import { describe, expect, it } from 'vitest';
import {
  createLruReplayStore,
  createMemoryReplayStore,
  createStaticKeyResolver,
  isOAuthError,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type JwtBearerGrantOptions,
  type ReplayStore,
} from '../../src/index.js';
import { createFixture, expectOAuthError, SERVICE, T0, testKey, type Fixture } from '../helpers/fixture.js';

const REPLAYED = 'ERR_JWT_BEARER_JTI_REPLAYED';
const TOLERANCE = 30;

function submit(options: JwtBearerGrantOptions, assertion: string, extra: Record<string, string> = {}) {
  return verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra } }, options);
}

/** A fixture whose replay store is one we can inspect (`size`), on the fixture's own fake clock. */
async function withStore<S extends ReplayStore>(make: (f: Fixture) => S): Promise<{ f: Fixture; store: S; options: JwtBearerGrantOptions }> {
  const f = await createFixture();
  const store = make(f);
  return { f, store, options: { ...f.options, replayStore: store } };
}

describe('RFC 7523 §3 item 7 / SPEC J14: a jti is single-use', () => {
  it('refuses a sequential replay; a different jti is accepted', async () => {
    const f = await createFixture();
    const assertion = await f.sign({ claims: { jti: 'seq-1' } });
    await f.verify(assertion);
    const error = await f.reject(assertion, REPLAYED);
    expect(error.error).toBe('invalid_grant');
    expect(error.status).toBe(400);
    await f.verify(await f.sign({ claims: { jti: 'seq-2' } }));
  });

  it('refuses a freshly re-signed assertion reusing a consumed jti (replay is by jti, not by token bytes)', async () => {
    const f = await createFixture();
    await f.verify(await f.sign({ claims: { jti: 'resigned' } }));
    f.clock.advance(5_000);
    await f.reject(await f.sign({ claims: { jti: 'resigned', scope: 'read' } }), REPLAYED);
  });

  it('refuses a malleated twin (ECDSA s -> n - s: other bytes, still a valid signature) of a consumed assertion', async () => {
    const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const f = await createFixture();
    const assertion = await f.sign({ claims: { jti: 'malleable' } });
    const [h = '', p = '', s = ''] = assertion.split('.');
    const signature = Buffer.from(s, 'base64url');
    const low = BigInt(`0x${signature.subarray(32).toString('hex')}`);
    const twin = `${h}.${p}.${Buffer.concat([signature.subarray(0, 32), Buffer.from((P256_N - low).toString(16).padStart(64, '0'), 'hex')]).toString('base64url')}`;
    expect(twin).not.toBe(assertion);
    // Precondition: on its own, the twin verifies (a fresh fixture with its own store accepts it).
    const fresh = await createFixture();
    await fresh.verify(twin);
    // After the original was consumed, the twin is a replay of the same jti.
    await f.verify(assertion);
    await f.reject(twin, REPLAYED);
  });

  it('of 50 concurrent submissions of one assertion, exactly one succeeds and 49 are JTI_REPLAYED', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        f.verify(assertion).then(
          () => 'accepted',
          (e: unknown) => (isOAuthError(e) ? e.code : `unexpected: ${String(e)}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === REPLAYED)).toHaveLength(49);
  });

  it('the same holds with the bounded LRU store', async () => {
    const { f, options } = await withStore((fx) => createLruReplayStore({ max: 1000, clock: fx.clock }));
    const assertion = await f.sign();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => submit(options, assertion).then(() => 'accepted', (e: unknown) => (isOAuthError(e) ? e.code : 'unexpected'))),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === REPLAYED)).toHaveLength(49);
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14: the jti is consumed LAST, so a rejected assertion never burns it', () => {
  it('a forged (bad signature) assertion does not burn its jti', async () => {
    const { f, store, options } = await withStore((fx) => createMemoryReplayStore({ clock: fx.clock }));
    const attacker = await testKey('ES256', 'attacker');
    await expectOAuthError(submit(options, await f.sign({ key: attacker, header: { kid: f.key.publicJwk.kid }, claims: { jti: 'victim' } })), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(store.size).toBe(0);
    await submit(options, await f.sign({ claims: { jti: 'victim' } }));
    expect(store.size).toBe(1);
  });

  it('an expired, not-yet-valid, wrong-audience, wrong-subject or out-of-scope assertion does not burn its jti', async () => {
    const { f, store, options } = await withStore((fx) => createMemoryReplayStore({ clock: fx.clock }));
    const jti = 'victim-2';
    const now = T0;
    const cases: Array<[string, Promise<string>, Record<string, string>?]> = [
      ['ERR_JWT_BEARER_ASSERTION_EXPIRED', f.sign({ claims: { jti, iat: now - 200, exp: now - TOLERANCE - 1 } })],
      ['ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', f.sign({ claims: { jti, nbf: now + TOLERANCE + 1 } })],
      ['ERR_JWT_BEARER_AUDIENCE_MISMATCH', f.sign({ claims: { jti, aud: 'https://elsewhere.example' } })],
      ['ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', f.sign({ claims: { jti, sub: 'admin@tenant.example.com' } })],
      ['ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', f.sign({ claims: { jti } }), { scope: 'admin' }],
      ['ERR_JWT_BEARER_LIFETIME_TOO_LONG', f.sign({ claims: { jti, exp: now + 3600 } })],
    ];
    for (const [code, assertion, extra] of cases) await expectOAuthError(submit(options, await assertion, extra), code);
    expect(store.size).toBe(0);
    await submit(options, await f.sign({ claims: { jti } }), { scope: 'read' });
    expect(store.size).toBe(1);
  });

  it('a store that fails or answers a non-boolean refuses the request with 503, never accepts (SPEC F1)', async () => {
    const f = await createFixture();
    const stores: ReplayStore[] = [
      { consume: () => Promise.reject(new Error('redis down')) },
      { consume: () => Promise.resolve('yes' as unknown as boolean) },
      { consume: () => Promise.resolve(1 as unknown as boolean) },
      { consume: () => Promise.resolve(undefined as unknown as boolean) },
    ];
    for (const replayStore of stores) {
      const error = await expectOAuthError(submit({ ...f.options, replayStore }, await f.sign()), 'ERR_JWT_BEARER_REPLAY_STORE_FAILED');
      expect(error.status).toBe(503);
      expect(error.error).toBe('temporarily_unavailable');
    }
    await f.verify(await f.sign());
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14: the replay key is unambiguous (kind, iss, jti)', () => {
  it('the same jti from two different issuers does not collide', async () => {
    const other = 'svc-other@tenant.example.com';
    const a = await testKey('ES256');
    const b = await testKey('ES256', 'other');
    const keyResolver = createStaticKeyResolver({ [SERVICE]: { keys: [a.publicJwk] }, [other]: { keys: [b.publicJwk] } });
    const f = await createFixture({ options: { keyResolver } });
    await f.verify(await f.sign({ claims: { jti: 'shared-jti' } }));
    await f.verify(await f.sign({ key: b, claims: { iss: other, sub: other, jti: 'shared-jti' } }));
    await f.reject(await f.sign({ key: b, claims: { iss: other, sub: other, jti: 'shared-jti' } }), REPLAYED);
  });

  it('issuer/jti pairs that would collide under naive concatenation stay distinct', async () => {
    const k = await testKey('ES256');
    const pairs: Array<[string, string]> = [
      ['a|b', 'c'],
      ['a', 'b|c'],
      ['a","b', 'c'],
      ['a', 'b","c'],
      ['a:b', 'c'],
      ['a', 'b:c'],
    ];
    const keyResolver = createStaticKeyResolver(Object.fromEntries(pairs.map(([iss]) => [iss, { keys: [k.publicJwk] }])));
    const f = await createFixture({ options: { keyResolver } });
    for (const [iss, jti] of pairs) await f.verify(await f.sign({ claims: { iss, sub: iss, jti } }));
    for (const [iss, jti] of pairs) await f.reject(await f.sign({ claims: { iss, sub: iss, jti } }), REPLAYED);
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14: consumed jti kept until exp + tolerance, then droppable', () => {
  it('memory store: the entry is kept while the assertion could be accepted, dropped after exp + tolerance', async () => {
    const { f, store, options } = await withStore((fx) => createMemoryReplayStore({ clock: fx.clock }));
    const first = await f.sign({ claims: { jti: 'kept' } }); // exp = T0 + 120
    await submit(options, first);
    expect(store.size).toBe(1);
    // One second before exp + tolerance: still acceptable by time, so the replay must be refused by the store.
    f.clock.set((T0 + 120 + TOLERANCE - 1) * 1000);
    await expectOAuthError(submit(options, first), REPLAYED);
    expect(store.size).toBe(1);
    // Past exp + tolerance: a new assertion drops the stale entry; the old one is now refused as expired.
    f.clock.set((T0 + 120 + TOLERANCE) * 1000 + 1);
    await submit(options, await f.sign());
    expect(store.size).toBe(1);
    await expectOAuthError(submit(options, first), 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
  });

  // Regression: the memory store once dropped entries at expiresAt <= now, so for one millisecond a consumed
  // assertion (still accepted by the time check at exactly exp + tolerance) could be replayed.
  it('memory store: a replay at exactly exp + tolerance is refused (boundary from the accepting side)', async () => {
    const { f, options } = await withStore((fx) => createMemoryReplayStore({ clock: fx.clock }));
    const first = await f.sign({ claims: { jti: 'edge' } });
    await submit(options, first);
    f.clock.set((T0 + 120 + TOLERANCE) * 1000);
    await expectOAuthError(submit(options, first), REPLAYED);
  });

  it('LRU store: a replay at exactly exp + tolerance is refused; one ms later it is expired', async () => {
    const { f, options } = await withStore((fx) => createLruReplayStore({ max: 10, clock: fx.clock }));
    const first = await f.sign({ claims: { jti: 'edge-lru' } });
    await submit(options, first);
    f.clock.set((T0 + 120 + TOLERANCE) * 1000);
    await expectOAuthError(submit(options, first), REPLAYED);
    f.clock.advance(1);
    await expectOAuthError(submit(options, first), 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
  });

  it('control: the time check itself accepts at exactly exp + tolerance (so the store boundary matters)', async () => {
    const f = await createFixture();
    const assertion = await f.sign({ claims: { jti: 'edge-control' } });
    f.clock.set((T0 + 120 + TOLERANCE) * 1000);
    await f.verify(assertion);
    f.clock.advance(1);
    await f.reject(await f.sign({ claims: { iat: T0, exp: T0 + 120 } }), 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
  });
});
