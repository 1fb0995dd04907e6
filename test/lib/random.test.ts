import { base64url } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';

// randomToken hands out CSPRNG output from a pool that getRandomValues fills 4 KiB at a time. A token must be
// bytes nobody got before: every byte of every fill goes out at most once, in order.

async function freshRandomToken(): Promise<(bytes: number) => string> {
  vi.resetModules(); // a pool of its own, empty until first use
  return (await import('../../src/lib/random.js')).randomToken;
}

/** Records a copy of everything the platform CSPRNG hands out. */
function recordFills(): Uint8Array[] {
  const fills: Uint8Array[] = [];
  const real = crypto.getRandomValues.bind(crypto);
  vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    real(array as never);
    fills.push(new Uint8Array((array as unknown as Uint8Array).slice()));
    return array;
  });
  return fills;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('randomToken', () => {
  it('hands out each byte of each CSPRNG fill once, in order, across refills', async () => {
    const randomToken = await freshRandomToken();
    const fills = recordFills();
    const sizes = [32, 16, 32, 7, 256, 1];
    const tokens: Uint8Array[] = [];
    for (let i = 0; i < 1200; i++) {
      const bytes = sizes[i % sizes.length] as number;
      const token = base64url.decode(randomToken(bytes));
      expect(token).toHaveLength(bytes);
      tokens.push(token);
    }
    expect(fills.length).toBeGreaterThan(10);
    expect(fills.every((fill) => fill.length === 4096)).toBe(true);
    // Replay what the pool must have done: take bytes in order, skip a fill's tail that is too short.
    let fill = -1;
    let next = 4096;
    for (const token of tokens) {
      if (next + token.length > 4096) {
        fill++;
        next = 0;
      }
      expect(token).toEqual((fills[fill] as Uint8Array).subarray(next, next + token.length));
      next += token.length;
    }
    expect(fill).toBe(fills.length - 1);
    const long = tokens.filter((token) => token.length >= 16).map((token) => base64url.encode(token));
    expect(new Set(long).size).toBe(long.length);
  });

  it('gives a request that the rest of the pool cannot cover bytes of a new fill, never a short token', async () => {
    const randomToken = await freshRandomToken();
    const fills = recordFills();
    for (let i = 0; i < 15; i++) randomToken(256);
    randomToken(250); // 4,090 of 4,096 bytes handed out
    const token = base64url.decode(randomToken(7));
    expect(fills).toHaveLength(2);
    expect(token).toEqual((fills[1] as Uint8Array).subarray(0, 7));
    expect(base64url.decode(randomToken(6))).toEqual((fills[1] as Uint8Array).subarray(7, 13));
  });

  it('draws nothing at module load, only on first use', async () => {
    vi.resetModules();
    const fills = recordFills();
    const { randomToken } = await import('../../src/lib/random.js');
    expect(fills).toHaveLength(0);
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fills).toHaveLength(1);
  });

  it('after a CSPRNG that throws, hands out neither the unfilled pool nor bytes already given', async () => {
    const randomToken = await freshRandomToken();
    const fails = vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(() => {
      throw new DOMException('no entropy', 'QuotaExceededError');
    });
    expect(() => randomToken(32)).toThrow('no entropy'); // the first fill: the pool is still all zeros
    fails.mockRestore();
    const fills = recordFills();
    const seen = new Set<string>();
    for (let i = 0; i < 128; i++) seen.add(randomToken(32)); // the whole first fill, exactly
    expect(fills).toHaveLength(1);
    expect(fills[0]?.some((byte) => byte !== 0)).toBe(true);
    vi.mocked(crypto.getRandomValues).mockImplementationOnce(() => {
      throw new Error('refill failed');
    });
    expect(() => randomToken(32)).toThrow('refill failed');
    for (let i = 0; i < 200; i++) {
      const token = randomToken(32);
      expect(seen.has(token)).toBe(false);
      seen.add(token);
    }
  });

  it('refuses a getRandomValues that returns new bytes instead of filling the array it is given', async () => {
    const randomToken = await freshRandomToken();
    // A polyfill shape seen in test setups: it would leave the pool all zeros, every token the same.
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(((array: Uint8Array) => new Uint8Array(array.length).fill(7)) as never);
    expect(() => randomToken(32)).toThrow(TypeError);
  });

  it('refuses a length outside 1-256 bytes rather than hand out a short or overlapping token', async () => {
    const randomToken = await freshRandomToken();
    for (const bytes of [0, -1, 1.5, 257, Number.NaN]) expect(() => randomToken(bytes)).toThrow(RangeError);
    expect(base64url.decode(randomToken(256))).toHaveLength(256);
    expect(base64url.decode(randomToken(1))).toHaveLength(1);
  });
});
