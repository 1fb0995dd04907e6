import { describe, expect, it } from 'vitest';
import { createLruReplayStore, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant, type JwtBearerGrantOptions } from '../../src/index.js';
import { createFixture, expectOAuthError, T0, type Fixture } from '../helpers/fixture.js';

const MAX = 50;
const FULL = 'ERR_JWT_BEARER_REPLAY_STORE_FULL';
const REPLAYED = 'ERR_JWT_BEARER_JTI_REPLAYED';
/** Default lifetime the fixture signs (120 s) plus the default clock tolerance (30 s): how long an entry is live. */
const LIVE_MS = (120 + 30) * 1000;

async function setup(): Promise<{ f: Fixture; options: JwtBearerGrantOptions; store: ReturnType<typeof createLruReplayStore> }> {
  const f = await createFixture();
  const store = createLruReplayStore({ max: MAX, clock: f.clock });
  return { f, store, options: { ...f.options, replayStore: store } };
}

function submit(options: JwtBearerGrantOptions, assertion: string) {
  return verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, options);
}

describe('SPEC F2 / RFC 7523 §3 item 7: a full bounded replay store fails closed and never evicts a live jti', () => {
  it('refuses the 51st valid assertion with 503 REPLAY_STORE_FULL; all 50 earlier jtis stay refused', async () => {
    const { f, store, options } = await setup();
    const accepted: string[] = [];
    for (let i = 0; i < MAX; i++) {
      const assertion = await f.sign();
      await submit(options, assertion);
      accepted.push(assertion);
    }
    expect(store.size).toBe(MAX);

    const overflow = await f.sign();
    const error = await expectOAuthError(submit(options, overflow), FULL);
    expect(error.status).toBe(503);
    expect(error.error).toBe('temporarily_unavailable');
    expect(store.size).toBe(MAX);

    // Nothing was evicted to make room: every live jti is still a replay, the oldest included.
    for (const assertion of accepted) await expectOAuthError(submit(options, assertion), REPLAYED);
    // The refused one was not recorded, and still is refused while the store is full.
    await expectOAuthError(submit(options, overflow), FULL);

    // Once the 50 entries are past exp + tolerance, a fresh assertion is accepted again.
    f.clock.advance(LIVE_MS + 1);
    await submit(options, await f.sign());
    expect(store.size).toBe(1);
  });

  it('boundary: while the entries are still live (exactly at exp + tolerance) the store stays full', async () => {
    const { f, options } = await setup();
    for (let i = 0; i < MAX; i++) await submit(options, await f.sign());
    f.clock.set(T0 * 1000 + LIVE_MS);
    await expectOAuthError(submit(options, await f.sign()), FULL);
    f.clock.advance(1_000);
    await submit(options, await f.sign());
  });

  it('only expired entries make room: live ones from a later batch stay refused', async () => {
    const { f, store, options } = await setup();
    const early: string[] = [];
    const late: string[] = [];
    for (let i = 0; i < MAX / 2; i++) {
      const assertion = await f.sign();
      await submit(options, assertion);
      early.push(assertion);
    }
    f.clock.advance(60_000);
    for (let i = 0; i < MAX / 2; i++) {
      const assertion = await f.sign();
      await submit(options, assertion);
      late.push(assertion);
    }
    await expectOAuthError(submit(options, await f.sign()), FULL);

    // The early batch expires; the late batch has 60 s to live.
    f.clock.advance(LIVE_MS - 60_000 + 1_000);
    for (let i = 0; i < MAX / 2; i++) await submit(options, await f.sign());
    expect(store.size).toBe(MAX);
    await expectOAuthError(submit(options, await f.sign()), FULL);
    for (const assertion of late) await expectOAuthError(submit(options, assertion), REPLAYED);
    for (const assertion of early) await expectOAuthError(submit(options, assertion), 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
  });

  it('a concurrent flood at capacity never accepts more than max assertions', async () => {
    const { f, store, options } = await setup();
    const assertions = await Promise.all(Array.from({ length: MAX * 2 }, () => f.sign()));
    const outcomes = await Promise.all(assertions.map((a) => submit(options, a).then(() => 'accepted', (e: { code?: string }) => e.code)));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(MAX);
    expect(outcomes.filter((o) => o === FULL)).toHaveLength(MAX);
    expect(store.size).toBe(MAX);
  });

  it('refuses an unbounded or invalid max at creation (TypeError)', async () => {
    const { f } = await setup();
    for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 10_000_001]) {
      expect(() => createLruReplayStore({ max, clock: f.clock })).toThrow(TypeError);
    }
    expect(() => createLruReplayStore({ max: 1, clock: f.clock })).not.toThrow();
  });
});
