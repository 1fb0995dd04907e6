import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOAuthError } from '../../src/index.js';
import { toReplayKey } from '../../src/checks/replay.js';
import { createRedisReplayStore } from '../../src/redis/index.js';
import { createFixture, SERVICE, type Fixture } from '../helpers/fixture.js';
import { REDIS_SKIP_REASON, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { connectClient, type ClientFlavour, type TestClient } from './clients.js';

// Several authorization-server instances behind a load balancer: each its own verifier options, store object and
// Redis connection, all on one Redis. An assertion replayed to another instance must be refused there too.

const PAIRS: ReadonlyArray<readonly [ClientFlavour, ClientFlavour]> = [
  ['node-redis', 'node-redis'],
  ['ioredis', 'ioredis'],
  ['node-redis', 'ioredis'],
];
const PREFIX = 'jwt-bearer-grant:jti:';
const redisKey = (key: string) => PREFIX + createHash('sha256').update(key).digest('base64url');

describe.skipIf(REDIS_SKIP_REASON !== undefined)(`RFC 7523 §3 item 7 across instances sharing Redis ${REDIS_SKIP_REASON ?? ''}`, () => {
  let server: RedisServer;
  const open: TestClient[] = [];

  /** One verifier instance: its own fixture (options, clock) and store, on its own connection. */
  async function instance(flavour: ClientFlavour): Promise<{ fixture: Fixture; redis: TestClient }> {
    const redis = await connectClient(flavour, server.url);
    open.push(redis);
    const fixture = await createFixture({ replayStore: () => createRedisReplayStore({ client: redis.client }) });
    return { fixture, redis };
  }

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    for (const client of open) await client.close();
    await server?.stop();
  });

  for (const [first, second] of PAIRS) {
    it(`200 concurrent submissions of one assertion over two instances (${first} + ${second}): exactly one success`, async () => {
      const a = await instance(first);
      const b = await instance(second);
      const assertion = await a.fixture.sign();
      const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).fixture.verify(assertion)));
      const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(accepted).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') continue;
        const error: unknown = outcome.reason;
        expect(isOAuthError(error) && [error.code, error.error, error.status]).toEqual(['ERR_JWT_BEARER_JTI_REPLAYED', 'invalid_grant', 400]);
      }
      // Later, on either instance: still refused.
      await a.fixture.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
      await b.fixture.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
    });
  }

  for (const flavour of ['node-redis', 'ioredis'] as const) {
    it(`SPEC J14: the entry expires at exp + tolerance (${flavour}; PEXPIRETIME and PTTL in Redis)`, async () => {
      const { fixture, redis } = await instance(flavour);
      // Redis expiry runs on real time: put the fake clock on the real current second.
      const now = Math.floor(Date.now() / 1000);
      fixture.clock.set(now * 1000);
      const jti = `ttl-${flavour}`;
      await fixture.verify(await fixture.sign({ claims: { jti, iat: now, exp: now + 120 } }));
      const key = redisKey(toReplayKey('grant', SERVICE, jti));
      // Default clock tolerance: 30 s.
      expect(await redis.pexpiretime(key)).toBe((now + 120 + 30) * 1000);
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan((120 + 30 - 5) * 1000);
      expect(pttl).toBeLessThanOrEqual((120 + 30) * 1000);
    });
  }

  it('SPEC J14: a custom clock tolerance moves the expiry with it', async () => {
    const redis = await connectClient('ioredis', server.url);
    open.push(redis);
    const fixture = await createFixture({
      replayStore: () => createRedisReplayStore({ client: redis.client }),
      options: { clockTolerance: 5 },
    });
    const now = Math.floor(Date.now() / 1000);
    fixture.clock.set(now * 1000);
    await fixture.verify(await fixture.sign({ claims: { jti: 'ttl-tolerance', iat: now, exp: now + 60 } }));
    expect(await redis.pexpiretime(redisKey(toReplayKey('grant', SERVICE, 'ttl-tolerance')))).toBe((now + 60 + 5) * 1000);
  });
});
