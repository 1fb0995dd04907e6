import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisReplayStore, type IoRedisClientLike, type NodeRedisClientLike } from '../../src/redis/index.js';
import { toReplayKey } from '../../src/checks/replay.js';
import { createFixture } from '../helpers/fixture.js';

// The store's own logic with recording fake clients (no server): option checks, the exact command sent for each
// client flavour, reply mapping, timeout. The real-server behaviour is in real-redis.test.ts.

const FAR = Date.UTC(2030, 0, 1);
const KEY = toReplayKey('grant', 'svc@example.com', 'jti-1');

function ioredisFake(reply: () => Promise<unknown>): IoRedisClientLike & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    call(...args: string[]) {
      calls.push(args);
      return reply();
    },
  };
}

function nodeRedisFake(reply: () => Promise<unknown>): NodeRedisClientLike & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    set(...args: unknown[]) {
      calls.push(args);
      return reply();
    },
  };
}

describe('createRedisReplayStore options', () => {
  it('refuses a missing client or one with neither call nor set (TypeError)', () => {
    for (const client of [undefined, null, {}, 'redis://localhost', { get: () => null }, { set: 'x' }]) {
      expect(() => createRedisReplayStore({ client } as never)).toThrow(TypeError);
    }
    expect(() => createRedisReplayStore(undefined as never)).toThrow(TypeError);
  });

  it('refuses a prefix that is not a string of at most 256 characters (TypeError)', () => {
    const client = ioredisFake(async () => 'OK');
    for (const prefix of [1, null, 'p'.repeat(257)]) expect(() => createRedisReplayStore({ client, prefix } as never)).toThrow(TypeError);
    expect(() => createRedisReplayStore({ client, prefix: 'p'.repeat(256) })).not.toThrow();
    expect(() => createRedisReplayStore({ client, prefix: '' })).not.toThrow();
  });

  it('refuses a timeoutMs that is not a whole number from 1 to 60,000 (TypeError)', () => {
    const client = ioredisFake(async () => 'OK');
    for (const timeoutMs of [0, -1, 1.5, 60_001, Number.NaN, Number.POSITIVE_INFINITY, '1000']) {
      expect(() => createRedisReplayStore({ client, timeoutMs } as never), String(timeoutMs)).toThrow(TypeError);
    }
    for (const timeoutMs of [1, 60_000]) expect(() => createRedisReplayStore({ client, timeoutMs })).not.toThrow();
  });
});

describe('RFC 7523 §3 item 7: one atomic SET NX PXAT per consume', () => {
  it('ioredis (a client with call): call("SET", key, "1", "NX", "PXAT", expiresAt)', async () => {
    const client = ioredisFake(async () => 'OK');
    await createRedisReplayStore({ client }).consume(KEY, FAR);
    expect(client.calls).toHaveLength(1);
    const [command, key, value, ...rest] = client.calls[0] as string[];
    expect([command, value, ...rest]).toEqual(['SET', '1', 'NX', 'PXAT', String(FAR)]);
    expect(key).toMatch(/^jwt-bearer-grant:jti:[A-Za-z0-9_-]{43}$/);
  });

  it('node-redis (a client with set only): set(key, "1", { NX: true, PXAT: expiresAt })', async () => {
    const client = nodeRedisFake(async () => 'OK');
    await createRedisReplayStore({ client, prefix: 'app:' }).consume(KEY, FAR);
    expect(client.calls).toHaveLength(1);
    const [key, value, options] = client.calls[0] as [string, string, unknown];
    expect(value).toBe('1');
    expect(options).toEqual({ NX: true, PXAT: FAR });
    expect(key).toMatch(/^app:[A-Za-z0-9_-]{43}$/);
  });

  it('keys: SHA-256 of the verifier key, base64url — same input same key, bounded length, distinct (use, iss, jti)', async () => {
    const client = ioredisFake(async () => 'OK');
    const store = createRedisReplayStore({ client, prefix: '' });
    const inputs = [
      KEY,
      KEY,
      toReplayKey('client', 'svc@example.com', 'jti-1'),
      toReplayKey('grant', 'svc@example.com:jti', '1'),
      toReplayKey('grant', 'svc@example.com', 'j'.repeat(10_000)),
    ];
    for (const key of inputs) await store.consume(key, FAR);
    const keys = client.calls.map((call) => call[1] as string);
    const { createHash } = await import('node:crypto');
    expect(keys[0]).toBe(createHash('sha256').update(KEY).digest('base64url'));
    expect(keys[1]).toBe(keys[0]);
    expect(new Set(keys).size).toBe(4);
    for (const key of keys) expect(key).toHaveLength(43);
  });

  it('an expiresAt past or under one second away is kept one second from now (a past PXAT would store nothing)', async () => {
    const client = nodeRedisFake(async () => 'OK');
    const store = createRedisReplayStore({ client });
    const before = Date.now();
    await store.consume(KEY, before - 60_000);
    await store.consume(KEY, before);
    await store.consume(KEY, before + 500);
    const after = Date.now();
    for (const call of client.calls) {
      const pxat = (call[2] as { PXAT: number }).PXAT;
      expect(pxat).toBeGreaterThanOrEqual(before + 1000);
      expect(pxat).toBeLessThanOrEqual(after + 1000);
    }
    // Further ahead than that: exactly expiresAt.
    await store.consume(KEY, before + 5000);
    expect((client.calls[3]?.[2] as { PXAT: number }).PXAT).toBe(before + 5000);
  });

  it('a fractional expiresAt is rounded up (kept at least until then)', async () => {
    const client = nodeRedisFake(async () => 'OK');
    await createRedisReplayStore({ client }).consume(KEY, FAR + 0.2);
    expect((client.calls[0]?.[2] as { PXAT: number }).PXAT).toBe(FAR + 1);
  });
});

describe('SPEC F1: the reply is OK (first use) or null (replay); anything else is a failure', () => {
  for (const make of [ioredisFake, nodeRedisFake]) {
    it(`${make.name}: OK → true, null → false`, async () => {
      expect(await createRedisReplayStore({ client: make(async () => 'OK') }).consume(KEY, FAR)).toBe(true);
      expect(await createRedisReplayStore({ client: make(async () => null) }).consume(KEY, FAR)).toBe(false);
    });

    it(`${make.name}: any other reply rejects, never guessing first use`, async () => {
      for (const reply of [undefined, 'ok', '1', 1, 0, true, false, Buffer.from('OK'), {}, ['OK']]) {
        await expect(createRedisReplayStore({ client: make(async () => reply) }).consume(KEY, FAR), String(reply)).rejects.toThrow();
      }
    });

    it(`${make.name}: a rejected or synchronously throwing command rejects`, async () => {
      await expect(createRedisReplayStore({ client: make(() => Promise.reject(new Error('ECONNREFUSED'))) }).consume(KEY, FAR)).rejects.toThrow();
      const throwing = make(() => {
        throw new Error('The client is closed');
      });
      await expect(createRedisReplayStore({ client: throwing }).consume(KEY, FAR)).rejects.toThrow();
    });
  }

  it('a non-string key or non-finite expiresAt rejects', async () => {
    const store = createRedisReplayStore({ client: ioredisFake(async () => 'OK') });
    for (const expiresAt of [Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) await expect(store.consume(KEY, expiresAt)).rejects.toThrow(TypeError);
    await expect(store.consume(1 as never, FAR)).rejects.toThrow(TypeError);
  });
});

describe('SPEC F1: no answer within timeoutMs is a failure, not a hang', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A client whose command never settles by itself; `reached` resolves once the store has sent it. */
  function hangingClient() {
    let reached: () => void = () => {};
    let settle: { resolve: (reply: unknown) => void; reject: (error: Error) => void } = { resolve: () => {}, reject: () => {} };
    const sent = new Promise<void>((resolve) => (reached = resolve));
    const client = ioredisFake(
      () =>
        new Promise((resolve, reject) => {
          settle = { resolve, reject };
          reached();
        }),
    );
    return { client, sent, answer: (reply: unknown) => settle.resolve(reply), fail: (error: Error) => settle.reject(error) };
  }

  it('rejects at timeoutMs, not one millisecond before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const redis = hangingClient();
    let settled: 'pending' | 'rejected' = 'pending';
    const result = createRedisReplayStore({ client: redis.client, timeoutMs: 250 })
      .consume(KEY, FAR)
      .catch(() => {
        settled = 'rejected';
      });
    await redis.sent;
    await vi.advanceTimersByTimeAsync(249);
    expect(settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await result;
    expect(settled).toBe('rejected');
  });

  it('the default timeout is 1000 ms; an answer in time wins and clears the timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const early = hangingClient();
    const result = createRedisReplayStore({ client: early.client }).consume(KEY, FAR);
    await early.sent;
    await vi.advanceTimersByTimeAsync(999);
    early.answer('OK');
    await expect(result).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);

    const late = hangingClient();
    const rejected = expect(createRedisReplayStore({ client: late.client }).consume(KEY, FAR)).rejects.toThrow();
    await late.sent;
    await vi.advanceTimersByTimeAsync(1000);
    await rejected;
  });

  it('a late rejection of the abandoned command is handled (no unhandled rejection)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const redis = hangingClient();
    const result = expect(createRedisReplayStore({ client: redis.client, timeoutMs: 10 }).consume(KEY, FAR)).rejects.toThrow();
    await redis.sent;
    await vi.advanceTimersByTimeAsync(10);
    await result;
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    redis.fail(new Error('Connection is closed.'));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});

describe('SPEC F1: through the verifier, a failing Redis is temporarily_unavailable (503), never accepted', () => {
  const failures: Array<[string, () => Promise<unknown>]> = [
    ['a rejected command', () => Promise.reject(new Error('ECONNREFUSED'))],
    ['an unexpected reply', async () => 'QUEUED'],
    ['no answer', () => new Promise(() => {})],
  ];
  for (const [what, reply] of failures) {
    it(`${what} → ERR_JWT_BEARER_REPLAY_STORE_FAILED`, async () => {
      const f = await createFixture({ replayStore: () => createRedisReplayStore({ client: ioredisFake(reply), timeoutMs: 20 }) });
      const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_REPLAY_STORE_FAILED');
      expect(error.error).toBe('temporarily_unavailable');
      expect(error.status).toBe(503);
      expect(error.cause).toBeInstanceOf(Error);
    });
  }

  it('a replay (null) → ERR_JWT_BEARER_JTI_REPLAYED', async () => {
    const f = await createFixture({ replayStore: () => createRedisReplayStore({ client: nodeRedisFake(async () => null) }) });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_JTI_REPLAYED');
    expect(error.status).toBe(400);
  });
});
