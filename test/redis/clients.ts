import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RedisClientLike } from '../../src/redis/index.js';

// Real clients of both libraries, connected to a test server. "recommended" are the settings docs/replay-stores.md
// gives (fail fast while Redis is away); "default" leave the client's offline queue on, so only the store's
// timeoutMs turns an outage into a 503. Reconnection is fast in both, so tests do not wait long for recovery.

export type ClientFlavour = 'node-redis' | 'ioredis';
export type ClientSettings = 'recommended' | 'default';

export interface TestClient {
  flavour: ClientFlavour;
  client: RedisClientLike;
  /** PEXPIRETIME of a key (Redis 7+): absolute expiry in epoch ms, -1 without expiry, -2 when absent. */
  pexpiretime(key: string): Promise<number>;
  /** PTTL of a key in ms (-2 when absent). */
  pttl(key: string): Promise<number>;
  /** True while the client has a live, ready connection. */
  ready(): boolean;
  close(): Promise<void>;
}

const ignore = (): void => {};

export async function connectClient(flavour: ClientFlavour, url: string, settings: ClientSettings = 'recommended'): Promise<TestClient> {
  if (flavour === 'node-redis') {
    const client = createClient({
      url,
      ...(settings === 'recommended' ? { disableOfflineQueue: true } : {}),
      socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(20 * 2 ** retries, 200) },
    });
    // node-redis emits 'error' on every lost connection; an unlistened 'error' event would crash the process.
    client.on('error', ignore);
    await client.connect();
    return {
      flavour,
      client,
      pexpiretime: async (key) => Number(await client.sendCommand(['PEXPIRETIME', key])),
      pttl: async (key) => client.pTTL(key),
      ready: () => client.isReady,
      close: async () => {
        if (client.isOpen) client.destroy();
      },
    };
  }
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(20 * 2 ** times, 200),
    ...(settings === 'recommended' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : {}),
  });
  client.on('error', ignore);
  await client.connect();
  return {
    flavour,
    client,
    pexpiretime: async (key) => Number(await client.call('PEXPIRETIME', key)),
    pttl: async (key) => client.pttl(key),
    ready: () => client.status === 'ready',
    close: async () => client.disconnect(),
  };
}
