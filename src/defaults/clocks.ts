import type { Clock } from '../ports/clock.js';

/** The real clock: `Date.now()`. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/**
 * Returns `clock`, or the system clock when it is undefined.
 * @throws TypeError naming `path` when it is not an object with a `now()` method.
 */
export function clockOption(clock: Clock | undefined, path: string): Clock {
  if (clock === undefined) return systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new TypeError(`${path}: must be an object with a now() method returning epoch milliseconds`);
  }
  return clock;
}

/** A {@link Clock} you move by hand: for tests of every time rule without sleeping. */
export interface FakeClock extends Clock {
  /** Moves time forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void;
  /** Sets the time to `time` (epoch milliseconds or a Date). */
  set(time: number | Date): void;
}

/** Epoch milliseconds of a Date or a number. @throws TypeError naming `what` for anything not finite. */
export function toMs(time: number | Date, what: string): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${what}: must be a finite number of milliseconds or a valid Date`);
  return ms;
}

/**
 * A clock that only moves when told to.
 *
 * @param start - epoch milliseconds or a Date. @defaultValue the current time
 * @example
 * ```ts
 * const clock = createFakeClock(new Date('2030-01-01T00:00:00Z'))
 * clock.advance(31_000) // 31 s later
 * ```
 */
export function createFakeClock(start: number | Date = Date.now()): FakeClock {
  let now = toMs(start, 'createFakeClock(start)');
  return {
    now: () => now,
    advance(ms) {
      now += toMs(ms, 'advance(ms)');
    },
    set(time) {
      now = toMs(time, 'set(time)');
    },
  };
}
