import { createKeyDigest } from '../lib/key-digest.js';
import type { Clock } from '../ports/clock.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { clockOption } from './clocks.js';

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Time source for expiry. @defaultValue `systemClock` */
  clock?: Clock;
}

// One settled promise per answer, shared by every call: the store's work is synchronous, so a new promise per
// consume would only be garbage.
const ACCEPTED = Promise.resolve(true);
const REFUSED = Promise.resolve(false);

const MIN_SLOTS = 1024;
// The table is rebuilt once this share of its slots has been used (live or expired); a rebuild leaves the live
// entries at most half of the new table, so rebuilds stay rare and their cost is shared by many consumes.
const MAX_USED = 0.75;
const MAX_LIVE_AFTER_REBUILD = 0.5;
const EMPTY = Number.NEGATIVE_INFINITY;

/**
 * An in-process {@link ReplayStore}: an open-addressing hash table held in two typed arrays, so a million live
 * entries are two flat buffers (about 48 MiB) rather than a million objects for the garbage collector to trace.
 *
 * - Keys are held as a 128-bit digest, keyed with a secret seed drawn per store (see `key-digest.ts`): equal keys
 *   always collide, so a replay is always seen. A collision between different keys could only make a fresh
 *   assertion look replayed (refused), never accept a replay: for keys nobody chose to collide the odds are of the
 *   order of 1 in 10^31 per consume with a million live entries, and with the seed secret no one can aim a
 *   collision at another issuer's `jti` or pile keys into one probe run. (An issuer can pick `jti`s that make its
 *   own keys collide with each other more often than chance; that only refuses its own assertions.)
 * - An entry is live through the whole second its `expiresAt` falls in (kept up to one second longer), judged by
 *   the clock at each consume. A slot is never emptied while the table is in use: an expired entry stays as a
 *   dead slot that probing walks past and an insert may reuse, so a live key is never cut off from the probe run
 *   that leads to it. Only a rebuild drops dead slots, by copying the live entries into a fresh table.
 * - If the clock steps back, an expired entry that is still in the table counts as live again (a replay of it is
 *   refused), and an entry consumed meanwhile is kept until the clock passes its own `expiresAt` again.
 * - A clock that does not return a finite number makes every consume fail (the verifier answers 503), since
 *   nothing could be judged expired or not.
 * - Unbounded: only assertions that passed signature and claim checks reach it, so its size is bounded by what
 *   trusted issuers send within `maxLifetime`. The table shrinks only at a rebuild: after a burst has expired,
 *   its memory stays until enough consumes bring the table to its next rebuild. Protects ONE process only; a
 *   cluster needs a shared store (Redis).
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & { readonly size: number } {
  const clock = clockOption(options.clock, 'createMemoryReplayStore options.clock');
  const digest = createKeyDigest();

  let mask = MIN_SLOTS - 1;
  let words = new Uint32Array(MIN_SLOTS * 4); // slot i: digest words 4i..4i+3
  let until = new Float64Array(MIN_SLOTS).fill(EMPTY); // slot i: the second its entry expires after; EMPTY = never used
  let used = 0; // slots written since the last rebuild (live or dead)

  function nowSecond(): number {
    const now = clock.now();
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('clock.now(): must return finite epoch milliseconds');
    return Math.ceil(now / 1000);
  }

  // Entries live at `current`, read from the table itself: O(slots), for `size` and rebuilds only.
  function countLive(current: number): number {
    let live = 0;
    for (let i = 0; i < until.length; i++) if ((until[i] as number) >= current) live++;
    return live;
  }

  // Copies the entries live at `current` into a table where they fill at most half the slots. The new table is
  // built aside and swapped in only once complete: if an allocation fails halfway (memory pressure), the consume
  // fails (503) and the old table stays whole, every live entry still reachable.
  function rebuild(current: number): void {
    const live = countLive(current);
    let slots = MIN_SLOTS;
    while (live + 1 > slots * MAX_LIVE_AFTER_REBUILD) slots *= 2;
    const nextMask = slots - 1;
    const nextWords = new Uint32Array(slots * 4);
    const nextUntil = new Float64Array(slots).fill(EMPTY);
    for (let from = 0; from < until.length; from++) {
      const second = until[from] as number;
      if (second === EMPTY || second < current) continue;
      const w = from * 4;
      let i = (words[w] as number) & nextMask;
      while (nextUntil[i] !== EMPTY) i = (i + 1) & nextMask;
      const to = i * 4;
      nextWords[to] = words[w] as number;
      nextWords[to + 1] = words[w + 1] as number;
      nextWords[to + 2] = words[w + 2] as number;
      nextWords[to + 3] = words[w + 3] as number;
      nextUntil[i] = second;
    }
    mask = nextMask;
    words = nextWords;
    until = nextUntil;
    used = live;
  }

  // Synchronous find-or-insert: atomic within this process.
  function add(key: string, expiresAt: number): boolean {
    // A key that is not a string would digest like '' (and collide with every other such key).
    if (typeof key !== 'string') throw new TypeError('key: must be a string');
    // NaN or -Infinity would make a slot look never used and cut the probe runs through it.
    if (typeof expiresAt !== 'number' || !(expiresAt > EMPTY)) throw new TypeError('expiresAt: must be epoch milliseconds');
    const current = nowSecond();
    const d = digest(key);
    const d0 = d[0] as number;
    const d1 = d[1] as number;
    const d2 = d[2] as number;
    const d3 = d[3] as number;
    let reusable = -1;
    let i = d0 & mask;
    for (;;) {
      const second = until[i] as number;
      if (second === EMPTY) break; // end of the probe run: the key is not in the table
      const w = i * 4;
      if (words[w] === d0 && words[w + 1] === d1 && words[w + 2] === d2 && words[w + 3] === d3) {
        if (second >= current) return false; // live: a replay
        reusable = i; // this very key, expired: it may be used again, in its own slot
        break;
      }
      if (reusable === -1 && second < current) reusable = i;
      i = (i + 1) & mask;
    }
    // A never-used slot at the end of the run: keep the table sparse enough that runs stay short.
    if (reusable === -1 && used + 1 > (mask + 1) * MAX_USED) {
      rebuild(current);
      return add(key, expiresAt);
    }
    if (reusable === -1) used++;
    else i = reusable;
    const w = i * 4;
    words[w] = d0;
    words[w + 1] = d1;
    words[w + 2] = d2;
    words[w + 3] = d3;
    until[i] = Math.ceil(expiresAt / 1000);
    return true;
  }

  return {
    /**
     * Live entries: consumed and not expired by the clock now (counted in whole seconds). Reads every slot of the
     * table (~10 ms at a million entries on a small VM): for metrics and tests, not for every request.
     */
    get size() {
      return countLive(nowSecond());
    },
    consume(key, expiresAt) {
      try {
        return add(key, expiresAt) ? ACCEPTED : REFUSED;
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
