import type { Clock } from '../ports/clock.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { clockOption } from './clocks.js';

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Time source for expiry. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * An in-process {@link ReplayStore}: a Map of key to expiry plus a min-heap by expiry, so expired entries are
 * dropped in O(log n) as time passes. Unbounded: only assertions that passed signature and claim checks reach
 * it, so its size is bounded by what trusted issuers send within `maxLifetime`. Protects ONE process only; a
 * cluster needs a shared store (Redis).
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & { readonly size: number } {
  const clock = clockOption(options.clock, 'createMemoryReplayStore options.clock');
  const entries = new Map<string, number>();
  const heap: Array<[expiresAt: number, key: string]> = [];

  function push(item: [number, string]): void {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as [number, string])[0] <= item[0]) break;
      heap[i] = heap[parent] as [number, string];
      heap[parent] = item;
      i = parent;
    }
  }

  function popMin(): void {
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left] as [number, string])[0] < (heap[smallest] as [number, string])[0]) smallest = left;
      if (right < heap.length && (heap[right] as [number, string])[0] < (heap[smallest] as [number, string])[0]) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest] as [number, string], heap[i] as [number, string]];
      i = smallest;
    }
  }

  function dropExpired(now: number): void {
    // Kept THROUGH expiresAt (the verifier still accepts at exp + tolerance exactly): dropped only after it.
    for (let top = heap[0]; top !== undefined && top[0] < now; top = heap[0]) {
      // Only delete if the map still holds this expiry for the key (it may have been re-consumed later).
      if (entries.get(top[1]) === top[0]) entries.delete(top[1]);
      popMin();
    }
  }

  return {
    get size() {
      return entries.size;
    },
    async consume(key, expiresAt) {
      const now = clock.now();
      dropExpired(now);
      // Synchronous check-and-set: atomic within this process.
      if (entries.has(key)) return false;
      entries.set(key, expiresAt);
      push([expiresAt, key]);
      return true;
    },
  };
}
