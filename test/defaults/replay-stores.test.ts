import { describe, expect, it } from 'vitest';
import { createFakeClock, createLruReplayStore, createMemoryReplayStore, isOAuthError, type ReplayStore } from '../../src/index.js';

const T = 1_900_000_000_000;

describe.each([
  ['memory', (clock: ReturnType<typeof createFakeClock>) => createMemoryReplayStore({ clock })],
  ['lru', (clock: ReturnType<typeof createFakeClock>) => createLruReplayStore({ max: 1000, clock })],
] as const)('%s replay store contract', (_name, create) => {
  it('consume is set-if-absent: true the first time, false after', async () => {
    const store = create(createFakeClock(T));
    expect(await store.consume('a', T + 60_000)).toBe(true);
    expect(await store.consume('a', T + 60_000)).toBe(false);
    expect(await store.consume('b', T + 60_000)).toBe(true);
  });

  it('keeps an entry until expiresAt and drops it after', async () => {
    const clock = createFakeClock(T);
    const store = create(clock);
    await store.consume('a', T + 60_000);
    clock.set(T + 60_000);
    expect(await store.consume('a', T + 120_000)).toBe(false);
    clock.set(T + 60_001);
    expect(await store.consume('a', T + 120_000)).toBe(true);
  });

  it('exactly one of many concurrent consumes of one key wins', async () => {
    const store: ReplayStore = create(createFakeClock(T));
    const results = await Promise.all(Array.from({ length: 100 }, () => store.consume('same', T + 1000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('memory replay store', () => {
  it('drops expired entries as time passes, at most one second after their expiry', async () => {
    const clock = createFakeClock(T);
    const store = createMemoryReplayStore({ clock });
    for (let i = 0; i < 1000; i++) await store.consume(`k${i}`, T + 1001 + i); // expire within (T+1 s, T+2 s]
    expect(store.size).toBe(1000);
    clock.set(T + 2000);
    await store.consume('late', T + 10_000);
    expect(store.size).toBe(1001);
    expect(await store.consume('k999', T + 10_000)).toBe(false);
    clock.set(T + 2001);
    await store.consume('later', T + 10_000);
    expect(store.size).toBe(2);
    expect(await store.consume('k999', T + 10_000)).toBe(true);
  });

  it('answers with a promise even when its clock throws: a rejection the verifier turns into a 503', async () => {
    const store = createMemoryReplayStore({
      clock: {
        now: () => {
          throw new Error('clock down');
        },
      },
    });
    let result: Promise<boolean> | undefined;
    expect(() => {
      result = store.consume('a', T + 1000);
    }).not.toThrow();
    await expect(result).rejects.toThrow('clock down');
  });

  it('survives a long jump in time without visiting every second', async () => {
    const clock = createFakeClock(T);
    const store = createMemoryReplayStore({ clock });
    await store.consume('a', T + 1000);
    clock.set(T + 1e12);
    expect(await store.consume('b', T + 2e12)).toBe(true);
    expect(store.size).toBe(1);
  });
});

describe('LRU replay store (SPEC F2)', () => {
  it('refuses a bad max with a TypeError', () => {
    for (const max of [0, -1, 1.5, Number.NaN, Infinity, 10_000_001, '10' as unknown as number]) {
      expect(() => createLruReplayStore({ max })).toThrow(TypeError);
    }
  });

  it('fails closed when full of live entries and never evicts one', async () => {
    const clock = createFakeClock(T);
    const store = createLruReplayStore({ max: 2, clock });
    await store.consume('a', T + 10_000);
    await store.consume('b', T + 20_000);
    const error = await store.consume('c', T + 10_000).catch((e: unknown) => e);
    expect(isOAuthError(error) && error.code).toBe('ERR_JWT_BEARER_REPLAY_STORE_FULL');
    expect(await store.consume('a', T + 10_000)).toBe(false);
    clock.set(T + 10_001);
    expect(await store.consume('c', T + 30_000)).toBe(true);
    expect(await store.consume('b', T + 30_000)).toBe(false);
  });
});
