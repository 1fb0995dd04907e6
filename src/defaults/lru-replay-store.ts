import { LRUCache } from 'lru-cache';
import { OAuthError } from '../errors.js';
import { readWholeNumber } from '../lib/option-numbers.js';
import type { Clock } from '../ports/clock.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { clockOption } from './clocks.js';

/** Options of {@link createLruReplayStore}. */
export interface LruReplayStoreOptions {
  /** Most entries held (1 to 10,000,000). Size it as peak assertions per second × (maxLifetime + 2 × clockTolerance) seconds. */
  max: number;
  /** Time source for expiry. @defaultValue `systemClock` */
  clock?: Clock;
}

/** How many of the oldest entries a full store examines per consume. */
const SCAN_WHEN_FULL = 64;

/**
 * A bounded in-process {@link ReplayStore} on `lru-cache`. It never evicts an unexpired entry (that would let
 * the evicted assertion be replayed): when it is full of live entries it FAILS CLOSED, refusing new ones with
 * `ERR_JWT_BEARER_REPLAY_STORE_FULL` (503) until entries expire (SPEC F2). When full, each consume drops up to
 * 64 expired entries from the old end, stopping at the first live one (bounded work: no full scan, no
 * event-loop stall); an expired entry behind a live older one waits until it reaches the old end, so size `max`
 * with headroom.
 *
 * @throws TypeError for a `max` that is not a whole number from 1 to 10,000,000.
 */
export function createLruReplayStore(options: LruReplayStoreOptions): ReplayStore & { readonly size: number } {
  if (options?.max === undefined) throw new TypeError('createLruReplayStore options.max: required (a whole number from 1 to 10000000)');
  const max = readWholeNumber(options.max, 'createLruReplayStore options.max', 0, 1, 10_000_000);
  const clock = clockOption(options.clock, 'createLruReplayStore options.clock');
  // allowStale lets rkeys() show expired entries so they can be found and dropped; has() never counts them.
  const cache = new LRUCache<string, true>({ max, ttlAutopurge: false, perf: clock, ttlResolution: 0, allowStale: true });

  // When full, drop expired entries from the old end (insertion order: recency is never updated), stopping at
  // the first live one or after SCAN_WHEN_FULL: bounded work per call, so a flood at capacity never stalls the
  // event loop with a full scan. Entries live about as long as each other, so the oldest expire first.
  function dropOldestExpired(): void {
    const expired: string[] = [];
    for (const key of cache.rkeys()) {
      if (cache.has(key) || expired.length === SCAN_WHEN_FULL) break;
      expired.push(key);
    }
    for (const key of expired) cache.delete(key);
  }

  return {
    get size() {
      return cache.size;
    },
    async consume(key, expiresAt) {
      const now = clock.now();
      if (cache.has(key)) return false;
      if (cache.size >= max) dropOldestExpired();
      // SPEC F2: full of live entries means refusing, never evicting a jti that could still be replayed.
      if (cache.size >= max) throw new OAuthError('ERR_JWT_BEARER_REPLAY_STORE_FULL', { detail: `${max} live entries` });
      cache.set(key, true, { ttl: Math.max(1, expiresAt - now), start: now });
      return true;
    },
  };
}
