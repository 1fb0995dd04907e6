import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createFakeClock, createMemoryReplayStore } from '../../src/index.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// The memory store is a hash table in typed arrays that never empties a slot while in use and rebuilds itself
// as it fills. A mistake there (a probe run cut short, a live entry left behind by a rebuild, an expired one
// kept) would accept a replay or refuse a fresh jti. So every sequence of consumes and clock moves fast-check
// generates is replayed against a plain model of the contract, answer by answer and size by size, including
// bursts large enough to force rebuilds.

const T = 1_900_000_000_000;

/** A replay key as the verifier builds it (src/checks/replay.ts: JSON of use, issuer and jti). */
const replayKey = (jti: number) => JSON.stringify(['G', 'https://issuer.example', `jti-${jti}`]);

/** The contract, plainly: an entry is live through the whole second its expiresAt falls in. */
class Model {
  private readonly seconds = new Map<string, number>();

  consume(key: string, expiresAt: number, now: number): boolean {
    const second = this.seconds.get(key);
    if (second !== undefined && second >= Math.ceil(now / 1000)) return false;
    this.seconds.set(key, Math.ceil(expiresAt / 1000));
    return true;
  }

  size(now: number): number {
    let live = 0;
    for (const second of this.seconds.values()) if (second >= Math.ceil(now / 1000)) live++;
    return live;
  }
}

type Step =
  | { kind: 'consume'; key: number; ttl: number }
  | { kind: 'burst'; first: number; count: number; ttl: number }
  | { kind: 'tick'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('consume' as const), key: fc.nat(3000), ttl: fc.integer({ min: -3000, max: 8000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('burst' as const), first: fc.nat(3000), count: fc.integer({ min: 1, max: 1500 }), ttl: fc.integer({ min: 0, max: 8000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 4000 }) }) },
);

async function check(steps: readonly Step[]): Promise<void> {
  const clock = createFakeClock(T);
  const store = createMemoryReplayStore({ clock });
  const model = new Model();
  for (const s of steps) {
    if (s.kind === 'tick') {
      clock.advance(s.ms);
      continue;
    }
    const first = s.kind === 'consume' ? s.key : s.first;
    const count = s.kind === 'consume' ? 1 : s.count;
    for (let k = first; k < first + count; k++) {
      const key = replayKey(k);
      const now = clock.now();
      const expected = model.consume(key, now + s.ttl, now);
      const actual = await store.consume(key, now + s.ttl);
      if (actual !== expected) throw new Error(`key ${k} at +${now - T} ms: store ${actual}, model ${expected}`);
    }
    expect(store.size).toBe(model.size(clock.now()));
  }
}

describe('memory replay store against a model of the ReplayStore contract', () => {
  test.prop([fc.array(step, { maxLength: 60 })], { ...fuzzParams(60), timeout: PROPERTY_TIMEOUT })(
    'answers every consume and counts every live entry as the model does, across rebuilds',
    async (steps) => {
      await check(steps);
    },
  );

  it('keeps live entries reachable past dead slots and through every rebuild, then lets them go when they expire', async () => {
    const clock = createFakeClock(T);
    const store = createMemoryReplayStore({ clock });
    for (let i = 0; i < 20_000; i++) expect(await store.consume(replayKey(i), T + 60_000 + (i % 2) * 60_000)).toBe(true);
    expect(store.size).toBe(20_000);
    for (let i = 0; i < 20_000; i++) expect(await store.consume(replayKey(i), T + 60_000)).toBe(false);
    clock.set(T + 60_001); // the even ones have expired: many odd ones now sit behind a dead slot in their run
    let refused = 0;
    for (let i = 1; i < 20_000; i += 2) if (!(await store.consume(replayKey(i), T + 200_000))) refused++;
    expect(refused).toBe(10_000);
    // A flood of fresh keys forces rebuilds, which drop the dead slots and must carry every live one over.
    for (let i = 20_000; i < 60_000; i++) expect(await store.consume(replayKey(i), T + 200_000)).toBe(true);
    for (let i = 0; i < 20_000; i++) expect(await store.consume(replayKey(i), T + 200_000)).toBe(i % 2 === 0);
    expect(store.size).toBe(60_000);
  });

  it('stays whole when growing fails for want of memory: that consume rejects (503), no live entry is lost', async () => {
    const clock = createFakeClock(T);
    const store = createMemoryReplayStore({ clock });
    // 768 live entries fill the first table to its rebuild point; the 769th consume must build a larger one.
    for (let i = 0; i < 768; i++) expect(await store.consume(replayKey(i), T + 300_000)).toBe(true);
    const Real = globalThis.Uint32Array;
    globalThis.Uint32Array = class extends Real {
      constructor(length: number) {
        if (length > 4096) throw new RangeError('Array buffer allocation failed');
        super(length);
      }
    } as typeof Uint32Array;
    try {
      await expect(store.consume(replayKey(768), T + 300_000)).rejects.toThrow(RangeError);
    } finally {
      globalThis.Uint32Array = Real;
    }
    let replays = 0;
    for (let i = 0; i < 768; i++) if (await store.consume(replayKey(i), T + 300_000)) replays++;
    expect(replays).toBe(0);
    expect(await store.consume(replayKey(768), T + 300_000)).toBe(true);
    expect(store.size).toBe(769);
  });

  it('when the clock steps back, keeps what it consumes until the clock passes its expiresAt again', async () => {
    const clock = createFakeClock(T + 3_600_000); // an hour ahead, then corrected
    const store = createMemoryReplayStore({ clock });
    expect(await store.consume('ahead', T + 3_700_000)).toBe(true);
    clock.set(T);
    expect(await store.consume('a', T + 60_000)).toBe(true);
    expect(await store.consume('a', T + 60_000)).toBe(false);
    expect(await store.consume('ahead', T + 3_700_000)).toBe(false);
    clock.set(T + 61_000);
    expect(await store.consume('a', T + 120_000)).toBe(true);
  });

  it('refuses a key that is not a string, an expiresAt that is not a number and a clock that gives none, as rejections', async () => {
    const store = createMemoryReplayStore();
    for (const bad of [Number.NaN, Number.NEGATIVE_INFINITY, '1' as unknown as number]) {
      await expect(store.consume('a', bad)).rejects.toThrow(TypeError);
    }
    expect(await store.consume('a', Date.now() + 1000)).toBe(true);
    // A key that is not a string would digest like '' and collide with every other one.
    for (const bad of [123, undefined, null]) await expect(store.consume(bad as unknown as string, Date.now() + 1000)).rejects.toThrow(TypeError);
    expect(await store.consume('', Date.now() + 1000)).toBe(true);
    expect(await store.consume('forever', Number.POSITIVE_INFINITY)).toBe(true);
    expect(await store.consume('forever', Number.POSITIVE_INFINITY)).toBe(false);
    const broken = createMemoryReplayStore({ clock: { now: () => Number.NaN } });
    await expect(broken.consume('a', Date.now() + 1000)).rejects.toThrow(TypeError);
  });
});
