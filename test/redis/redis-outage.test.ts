import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOAuthError } from '../../src/index.js';
import { createRedisReplayStore } from '../../src/redis/index.js';
import { createFixture, type Fixture } from '../helpers/fixture.js';
import { REDIS_SKIP_REASON, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { connectClient, type ClientFlavour, type ClientSettings, type TestClient } from './clients.js';

// SPEC F1: Redis stopped, crashed or hung → every verification fails closed with temporarily_unavailable (503):
// nothing accepted, never invalid_grant. Redis back → verifications work again without restarting anything.
// Each client library runs with the settings docs/replay-stores.md recommends and with its defaults (offline
// queue on), where only the store's timeoutMs stands between an outage and a hung request.

const SETUPS: ReadonlyArray<readonly [ClientFlavour, ClientSettings]> = [
  ['node-redis', 'recommended'],
  ['node-redis', 'default'],
  ['ioredis', 'recommended'],
  ['ioredis', 'default'],
];
const TIMEOUT_MS = 300;

interface Instance {
  name: string;
  fixture: Fixture;
  redis: TestClient;
}

type Outcome = 'accepted' | 'unavailable' | string;

/** Accepted, 503 with the replay-store code, or the unexpected code (which fails the test). */
async function outcome(instance: Instance, assertion: string): Promise<Outcome> {
  try {
    await instance.fixture.verify(assertion);
    return 'accepted';
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    const ok = error.code === 'ERR_JWT_BEARER_REPLAY_STORE_FAILED' && error.error === 'temporarily_unavailable' && error.status === 503;
    return ok ? 'unavailable' : error.code;
  }
}

/** Fresh assertions on every instance, concurrently: one outcome per (instance, assertion). */
async function submitFresh(instances: readonly Instance[], perInstance: number): Promise<Outcome[]> {
  const runs: Array<Promise<Outcome>> = [];
  for (const instance of instances) {
    for (let i = 0; i < perInstance; i++) runs.push(instance.fixture.sign().then((assertion) => outcome(instance, assertion)));
  }
  return Promise.all(runs);
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function untilEveryInstanceAccepts(instances: readonly Instance[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  const pending = new Set(instances);
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`not recovered: ${[...pending].map((i) => i.name).join(', ')}`);
    for (const instance of [...pending]) {
      if ((await outcome(instance, await instance.fixture.sign())) === 'accepted') pending.delete(instance);
    }
  }
}

describe.skipIf(REDIS_SKIP_REASON !== undefined)(`SPEC F1: Redis down fails closed with 503 ${REDIS_SKIP_REASON ?? ''}`, () => {
  let server: RedisServer;
  const instances: Instance[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    for (const [flavour, settings] of SETUPS) {
      const redis = await connectClient(flavour, server.url, settings);
      const fixture = await createFixture({ replayStore: () => createRedisReplayStore({ client: redis.client, timeoutMs: TIMEOUT_MS }) });
      instances.push({ name: `${flavour} (${settings} settings)`, fixture, redis });
    }
  });

  afterAll(async () => {
    for (const instance of instances) await instance.redis.close();
    await server?.stop();
  });

  it('Redis stopped mid-run → 503s and nothing accepted; Redis back → works again', async () => {
    // Before: every instance accepts, and refuses a replay.
    const used = new Map<Instance, string>();
    for (const instance of instances) {
      const assertion = await instance.fixture.sign();
      expect(await outcome(instance, assertion), instance.name).toBe('accepted');
      expect(await outcome(instance, assertion)).toBe('ERR_JWT_BEARER_JTI_REPLAYED');
      used.set(instance, assertion);
    }

    // Stopped mid-run: every instance keeps verifying fresh assertions while Redis is killed under it. Only a
    // verification already in flight at the kill may have been recorded; any started after it is a 503.
    let stopped = false;
    const log: Array<{ instance: Instance; afterStop: boolean; result: Outcome }> = [];
    const afterStop = (instance: Instance) => log.filter((entry) => entry.instance === instance && entry.afterStop).length;
    const traffic = instances.map(async (instance) => {
      while (afterStop(instance) < 3) {
        const assertion = await instance.fixture.sign();
        const startedAfterStop = stopped;
        log.push({ instance, afterStop: startedAfterStop, result: await outcome(instance, assertion) });
      }
    });
    await until(() => log.filter((entry) => entry.result === 'accepted').length >= 20);
    await server.stop('SIGKILL');
    stopped = true;
    await Promise.all(traffic);
    for (const entry of log) expect(['accepted', 'unavailable']).toContain(entry.result);
    for (const entry of log.filter((e) => e.afterStop)) expect(entry.result, entry.instance.name).toBe('unavailable');

    // While down: fresh assertions and replays alike are 503, never accepted and never invalid_grant.
    for (const result of await submitFresh(instances, 5)) expect(result).toBe('unavailable');
    const replays = await Promise.all([...used].map(async ([instance, assertion]) => [instance.name, await outcome(instance, assertion)]));
    for (const [name, result] of replays) expect(result, name).toBe('unavailable');

    // With the recommended client settings the refusal is immediate, not a wait for timeoutMs.
    for (const instance of instances.filter((i) => i.name.includes('recommended'))) {
      const assertion = await instance.fixture.sign();
      const started = performance.now();
      expect(await outcome(instance, assertion), instance.name).toBe('unavailable');
      expect(performance.now() - started, instance.name).toBeLessThan(TIMEOUT_MS);
    }

    // Back (empty, no persistence): every instance recovers by itself and enforces single use again.
    await server.start();
    await untilEveryInstanceAccepts(instances);
    for (const instance of instances) {
      const assertion = await instance.fixture.sign();
      expect(await outcome(instance, assertion), instance.name).toBe('accepted');
      expect(await outcome(instance, assertion), instance.name).toBe('ERR_JWT_BEARER_JTI_REPLAYED');
    }
  });

  it('a hung Redis (process frozen, connections open) → 503 within timeoutMs; thawed → works again', async () => {
    await untilEveryInstanceAccepts(instances);
    server.pause();
    try {
      const started = Date.now();
      for (const result of await submitFresh(instances, 3)) expect(result).toBe('unavailable');
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000);
    } finally {
      server.resume();
    }
    await untilEveryInstanceAccepts(instances);
    for (const instance of instances) {
      const assertion = await instance.fixture.sign();
      expect(await outcome(instance, assertion), instance.name).toBe('accepted');
      expect(await outcome(instance, assertion), instance.name).toBe('ERR_JWT_BEARER_JTI_REPLAYED');
    }
  });
});
