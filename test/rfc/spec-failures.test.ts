import { describe, expect, it } from 'vitest';
import { createLruReplayStore, OAuthError, type ClientKeyResolver, type ReplayStore } from '../../src/index.js';
import { createFixture, SERVICE } from '../helpers/fixture.js';

const failingStore: ReplayStore = { consume: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) };

describe('SPEC F1: a failing dependency is never invalid_grant and never accepts', () => {
  it('key resolver throws → temporarily_unavailable 503, cause kept', async () => {
    const cause = new Error('database down');
    const keyResolver: ClientKeyResolver = { resolve: () => Promise.reject(cause) };
    const f = await createFixture({ options: { keyResolver } });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    expect([error.error, error.status, error.cause]).toEqual(['temporarily_unavailable', 503, cause]);
    expect(JSON.stringify(error.toJSON())).not.toContain('database');
  });

  it('a resolver may throw its own 5xx OAuthError; a 4xx one is not trusted', async () => {
    const own = new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_FAILED', { detail: 'jwks timeout' });
    const f = await createFixture({ options: { keyResolver: { resolve: () => Promise.reject(own) } } });
    expect(await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED')).toBe(own);
    const g = await createFixture({ options: { keyResolver: { resolve: () => Promise.reject(new OAuthError('ERR_JWT_BEARER_SIGNATURE_INVALID')) } } });
    await g.reject(await g.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
  });

  it('a resolver returning an invalid entry → server_error 500', async () => {
    const f = await createFixture({ options: { keyResolver: { resolve: async () => ({ keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] }) } } });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
    expect(error.status).toBe(500);
  });

  it('replay store throws or answers garbage → 503; the assertion is not accepted', async () => {
    const f = await createFixture({ options: { replayStore: failingStore } });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_REPLAY_STORE_FAILED');
    expect([error.error, error.status]).toEqual(['temporarily_unavailable', 503]);
    const g = await createFixture({ options: { replayStore: { consume: async () => undefined as unknown as boolean } } });
    await g.reject(await g.sign(), 'ERR_JWT_BEARER_REPLAY_STORE_FAILED');
  });

  it('token issuer throws → server_error 500', async () => {
    const f = await createFixture({ options: { tokenIssuer: { issue: () => Promise.reject(new Error('HSM offline')) } } });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_TOKEN_ISSUER_FAILED');
    expect([error.error, error.status]).toEqual(['server_error', 500]);
  });

  it('a throwing policy hook → server_error 500; an OAuthError it throws is passed through', async () => {
    const f = await createFixture({ options: { authorizeSubject: () => { throw new Error('ldap down'); } } });
    expect((await f.reject(await f.sign(), 'ERR_JWT_BEARER_POLICY_HOOK_FAILED')).status).toBe(500);
    const g = await createFixture({ options: { authorizeSubject: () => { throw new OAuthError('ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED'); } } });
    await g.reject(await g.sign(), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });

  it('a clock that throws or returns a non-finite number fails the request instead of switching time rules off', async () => {
    for (const now of [() => Number.NaN, () => Infinity, () => '1893456000000' as unknown as number, () => { throw new Error('ntp'); }]) {
      const f = await createFixture();
      const assertion = await f.sign({ claims: { exp: 1000 } });
      const broken = await createFixture({ options: { clock: { now } } });
      const error = await broken.reject(assertion, 'ERR_JWT_BEARER_CLOCK_FAILED');
      expect(error.status).toBe(500);
    }
  });

  it('the store is only consulted after every other check passed', async () => {
    let calls = 0;
    const f = await createFixture({ options: { replayStore: { consume: async () => (calls++, true) } } });
    await f.reject(await f.sign({ claims: { aud: 'https://elsewhere' } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    await f.reject(await f.sign({ claims: { sub: 'x' } }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'admin' });
    expect(calls).toBe(0);
    await f.verify(await f.sign());
    expect(calls).toBe(1);
  });
});

describe('SPEC F2: a bounded store full of live entries refuses new ones and never evicts a live jti', () => {
  it('LRU store at max → 503, replays of held entries still refused, room again after expiry', async () => {
    const g = await createFixture({ replayStore: (clock) => createLruReplayStore({ max: 3, clock }) });
    const held: string[] = [];
    for (let i = 0; i < 3; i++) {
      const assertion = await g.sign();
      held.push(assertion);
      await g.verify(assertion);
    }
    const error = await g.reject(await g.sign(), 'ERR_JWT_BEARER_REPLAY_STORE_FULL');
    expect([error.error, error.status]).toEqual(['temporarily_unavailable', 503]);
    for (const assertion of held) await g.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
    g.clock.advance(151_000); // past exp (120 s) + tolerance (30 s)
    await expect(g.verify(await g.sign())).resolves.toMatchObject({ issuer: SERVICE });
  });
});
