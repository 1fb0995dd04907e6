import { describe, expect, it } from 'vitest';
import { createFakeClock, systemClock } from '../../src/index.js';

describe('clocks', () => {
  it('the fake clock moves only when told', () => {
    const clock = createFakeClock(new Date('2030-01-01T00:00:00Z'));
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1));
    clock.advance(1500);
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1) + 1500);
    clock.set(42);
    expect(clock.now()).toBe(42);
    expect(() => clock.set(Number.NaN)).toThrow(TypeError);
    expect(() => clock.advance(Infinity)).toThrow(TypeError);
    expect(() => createFakeClock(new Date('nope'))).toThrow(TypeError);
  });

  it('the system clock is epoch milliseconds', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(10_000);
  });
});
