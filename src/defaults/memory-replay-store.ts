import { shortHash } from '../lib/short-hash.js';
import type { Clock } from '../ports/clock.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { clockOption } from './clocks.js';

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Time source for expiry. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * An in-process {@link ReplayStore}: a Set of live keys plus expiry buckets of one second, so expired entries are
 * dropped in O(expired) as time passes. Keys are held as a 106-bit digest (20 characters) rather than as given, so
 * a live entry costs about 65 bytes whatever the issuer and jti lengths: a million live entries fit in ~65 MB.
 * A digest collision could only make a fresh assertion look replayed (refused), never accept a replay.
 * Entries are kept THROUGH their `expiresAt` (and up to one second longer). Unbounded: only assertions that
 * passed signature and claim checks reach it, so its size is bounded by what trusted issuers send within
 * `maxLifetime`. Protects ONE process only; a cluster needs a shared store (Redis).
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & { readonly size: number } {
  const clock = clockOption(options.clock, 'createMemoryReplayStore options.clock');
  const live = new Set<string>();
  // Bucket b holds the keys whose expiresAt is in (b - 1, b] seconds; it is dropped once now > b seconds.
  const buckets = new Map<number, string[]>();
  let oldest = Number.POSITIVE_INFINITY; // no bucket below this one is left

  function drop(bucket: number): void {
    for (const key of buckets.get(bucket) ?? []) live.delete(key);
    buckets.delete(bucket);
  }

  function dropExpired(now: number): void {
    const last = Math.ceil(now / 1000) - 1; // every bucket b <= last has b * 1000 < now
    if (oldest > last) return;
    if (last - oldest > buckets.size) {
      // A long jump in time: visit the buckets that exist rather than every second in between.
      for (const bucket of [...buckets.keys()]) if (bucket <= last) drop(bucket);
    } else {
      for (let bucket = oldest; bucket <= last; bucket++) drop(bucket);
    }
    oldest = last + 1;
  }

  return {
    get size() {
      return live.size;
    },
    async consume(given, expiresAt) {
      dropExpired(clock.now());
      const key = shortHash(given);
      // Synchronous check-and-set: atomic within this process.
      if (live.has(key)) return false;
      live.add(key);
      const bucket = Math.ceil(expiresAt / 1000);
      let keys = buckets.get(bucket);
      if (keys === undefined) {
        keys = [];
        buckets.set(bucket, keys);
        if (bucket < oldest) oldest = bucket;
      }
      keys.push(key);
      return true;
    },
  };
}
