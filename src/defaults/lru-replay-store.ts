import { LRUCache } from 'lru-cache';
import { OAuthError } from '../errors.js';
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

/**
 * A bounded in-process {@link ReplayStore} on `lru-cache`. It never evicts an unexpired entry (that would let
 * the evicted assertion be replayed): when it is full of live entries it FAILS CLOSED, refusing new ones with
 * `ERR_JWT_BEARER_REPLAY_STORE_FULL` (503) until entries expire (SPEC F2). Expired entries are dropped.
 *
 * @throws TypeError for a `max` that is not a whole number from 1 to 10,000,000.
 */
export function createLruReplayStore(options: LruReplayStoreOptions): ReplayStore & { readonly size: number } {
  const max = options?.max;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000_000) {
    throw new TypeError('createLruReplayStore options.max: must be a whole number from 1 to 10,000,000');
  }
  const clock = clockOption(options.clock, 'createLruReplayStore options.clock');
  const cache = new LRUCache<string, true>({ max, ttlAutopurge: false, perf: clock, ttlResolution: 0 });
  let lastPurge = Number.NEGATIVE_INFINITY;
  return {
    get size() {
      return cache.size;
    },
    async consume(key, expiresAt) {
      const now = clock.now();
      if (cache.has(key)) return false;
      if (cache.size >= max && now - lastPurge >= 1000) {
        // A full scan, at most once a second, so a flood at capacity costs O(1) per call.
        lastPurge = now;
        cache.purgeStale();
      }
      // SPEC F2: full of live entries means refusing, never evicting a jti that could still be replayed.
      if (cache.size >= max) throw new OAuthError('ERR_JWT_BEARER_REPLAY_STORE_FULL', { detail: `${max} live entries` });
      cache.set(key, true, { ttl: Math.max(1, expiresAt - now), start: now });
      return true;
    },
  };
}
