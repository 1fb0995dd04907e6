import { describe, expect, it } from 'vitest';
import { createKeyDigest } from '../../src/lib/key-digest.js';

const hex = (digest: Readonly<Uint32Array>) => Array.from(digest, (word) => word.toString(16).padStart(8, '0')).join('');

describe('the memory store digest (src/lib/key-digest.ts)', () => {
  it('is a function of its input under one seed: a replayed key always gives the same digest', () => {
    const digest = createKeyDigest();
    const key = JSON.stringify(['G', 'svc@example.com', 'jti-1']);
    const first = hex(digest(key));
    expect(hex(digest(`${key} `.trim()))).toBe(first);
    expect(hex(digest(JSON.stringify(['G', 'svc@example.com', 'jti-2'])))).not.toBe(first);
  });

  it('is keyed with a secret seed per function, so a collision cannot be computed in advance', () => {
    const key = JSON.stringify(['G', 'svc@example.com', 'jti-1']);
    const digests = new Set(Array.from({ length: 8 }, () => hex(createKeyDigest()(key))));
    expect(digests.size).toBe(8);
  });

  it('spreads 200,000 similar keys without a collision, in the full 128 bits and in the low bits a table indexes by', () => {
    const digest = createKeyDigest();
    const full = new Set<string>();
    const low = new Uint32Array(1 << 16);
    for (let i = 0; i < 200_000; i++) {
      const d = digest(JSON.stringify(['G', 'svc@example.com', `jti-${i}`]));
      full.add(hex(d));
      low[(d[0] as number) & 0xffff]! += 1;
    }
    expect(full.size).toBe(200_000);
    // ~3 per bucket on average: no bucket of a 65,536-slot index should hold more than a few dozen.
    expect(Math.max(...low)).toBeLessThan(20);
  });
});
