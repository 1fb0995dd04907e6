import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toReplayKey } from '../../src/checks/replay.js';
import { createRedisReplayStore } from '../../src/redis/index.js';
import { REDIS_SKIP_REASON, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { connectClient, type ClientFlavour, type TestClient } from './clients.js';

// The store against a real redis-server, with each client library: set-if-absent, the key it writes, the
// expiry Redis holds. Redis expiry runs on real time, so expiresAt here is relative to Date.now().

const FLAVOURS: readonly ClientFlavour[] = ['node-redis', 'ioredis'];
const redisKey = (prefix: string, key: string) => prefix + createHash('sha256').update(key).digest('base64url');

describe.skipIf(REDIS_SKIP_REASON !== undefined)(`createRedisReplayStore on a real redis-server ${REDIS_SKIP_REASON ?? ''}`, () => {
  let server: RedisServer;
  const clients = new Map<ClientFlavour, TestClient>();

  beforeAll(async () => {
    server = await startRedisServer();
    for (const flavour of FLAVOURS) clients.set(flavour, await connectClient(flavour, server.url));
  });

  afterAll(async () => {
    for (const client of clients.values()) await client.close();
    await server?.stop();
  });

  for (const flavour of FLAVOURS) {
    describe(flavour, () => {
      const client = () => clients.get(flavour) as TestClient;
      const prefix = `test:${flavour}:`;

      it('RFC 7523 §3 item 7: consume is set-if-absent — true once, then false', async () => {
        const store = createRedisReplayStore({ client: client().client, prefix });
        const key = toReplayKey('grant', 'svc@example.com', 'once');
        expect(await store.consume(key, Date.now() + 60_000)).toBe(true);
        expect(await store.consume(key, Date.now() + 60_000)).toBe(false);
        expect(await store.consume(toReplayKey('client', 'svc@example.com', 'once'), Date.now() + 60_000)).toBe(true);
      });

      it('writes prefix + base64url(SHA-256(key)) whatever the jti length', async () => {
        const store = createRedisReplayStore({ client: client().client, prefix });
        const key = toReplayKey('grant', 'svc@example.com', 'j'.repeat(4096));
        await store.consume(key, Date.now() + 60_000);
        expect(await client().pttl(redisKey(prefix, key))).toBeGreaterThan(0);
        expect(redisKey(prefix, key)).toHaveLength(prefix.length + 43);
      });

      it('keeps the entry until expiresAt exactly (PEXPIRETIME), and PTTL counts down to it', async () => {
        const store = createRedisReplayStore({ client: client().client, prefix });
        const key = toReplayKey('grant', 'svc@example.com', 'ttl');
        const expiresAt = Date.now() + 150_000;
        await store.consume(key, expiresAt);
        expect(await client().pexpiretime(redisKey(prefix, key))).toBe(expiresAt);
        const pttl = await client().pttl(redisKey(prefix, key));
        expect(pttl).toBeGreaterThan(149_000);
        expect(pttl).toBeLessThanOrEqual(150_000);
      });

      it('an expiresAt already past is still recorded (for one second), so an immediate duplicate is refused', async () => {
        const store = createRedisReplayStore({ client: client().client, prefix });
        const key = toReplayKey('grant', 'svc@example.com', 'past');
        expect(await store.consume(key, Date.now() - 5000)).toBe(true);
        expect(await store.consume(key, Date.now() - 5000)).toBe(false);
        const pttl = await client().pttl(redisKey(prefix, key));
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(1000);
      });

      it('200 concurrent consumes of one key from two store objects: exactly one true', async () => {
        const stores = [createRedisReplayStore({ client: client().client, prefix }), createRedisReplayStore({ client: client().client, prefix })];
        const key = toReplayKey('grant', 'svc@example.com', 'race');
        const expiresAt = Date.now() + 60_000;
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (stores[i % 2] as (typeof stores)[0]).consume(key, expiresAt)));
        expect(results.filter((first) => first)).toHaveLength(1);
      });
    });
  }

  it('both client libraries write the same key for the same input (a mixed fleet shares one replay set)', async () => {
    const key = toReplayKey('grant', 'svc@example.com', 'mixed');
    const viaNodeRedis = createRedisReplayStore({ client: (clients.get('node-redis') as TestClient).client });
    const viaIoredis = createRedisReplayStore({ client: (clients.get('ioredis') as TestClient).client });
    expect(await viaNodeRedis.consume(key, Date.now() + 60_000)).toBe(true);
    expect(await viaIoredis.consume(key, Date.now() + 60_000)).toBe(false);
  });
});
