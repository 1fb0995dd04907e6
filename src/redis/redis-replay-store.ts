import { createHash } from 'node:crypto';
import { clockOption } from '../defaults/clocks.js';
import { readWholeNumber } from '../lib/option-numbers.js';
import type { Clock } from '../ports/clock.js';
import type { ReplayStore } from '../ports/replay-store.js';

/**
 * The one method of a node-redis client the store uses (`redis` v4, v5 and v6: `createClient()` and
 * `createCluster()`). The deprecated-but-kept `{ NX, PXAT }` option form is used because it is the one all three
 * major versions understand.
 */
export interface NodeRedisClientLike {
  set(key: string, value: string, options: { NX: true; PXAT: number }): Promise<unknown>;
}

/**
 * The one method of an ioredis (v5) client the store uses (`new Redis()` and `new Cluster()`): the generic
 * `call(command, ...args)`, so the exact command sent is spelled out here and not left to an overload.
 */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * A Redis client the application already has, typed by shape so the library depends on neither client.
 * A client with a `call` method is driven as ioredis, any other as node-redis.
 */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /**
   * A connected node-redis or ioredis client (or cluster). The store never connects, quits or configures it:
   * see `docs/replay-stores.md` for the client settings that make an outage fail fast.
   */
  client: RedisClientLike;
  /**
   * Prepended to every key. At most 256 characters. In Redis Cluster, keep `{` `}` out of it: a hash tag would
   * put every replay key in one slot.
   * @defaultValue `'jwt-bearer-grant:jti:'`
   */
  prefix?: string;
  /**
   * Milliseconds to wait for Redis's answer to one consume before failing it (the verifier then answers 503).
   * A whole number from 1 to 60,000.
   * @defaultValue `1000`
   */
  timeoutMs?: number;
  /**
   * The time an expiry in the past is measured against. Redis expires keys on its own (real) clock, so keep the
   * default unless your clock is real time too. @defaultValue `systemClock`
   */
  clock?: Clock;
}

const DEFAULT_PREFIX = 'jwt-bearer-grant:jti:';
const DEFAULT_TIMEOUT_MS = 1000;
/** The shortest retention (ms): an entry due to expire sooner is kept this long, so a concurrent duplicate is refused. */
const MIN_RETENTION_MS = 1000;

/**
 * A {@link ReplayStore} shared by every instance of an authorization server: one atomic
 * `SET <prefix><sha256(key)> 1 NX PXAT <expiresAt>` per consume — no read-then-write, so of any number of
 * concurrent consumes of one key, across all processes on the same Redis, exactly one resolves `true`.
 *
 * - Keys: the verifier's key (unambiguous JSON of use, issuer, jti) hashed with SHA-256, base64url: the prefix
 *   plus 43 characters, whatever the length of `iss` and `jti`.
 * - Expiry: `PXAT expiresAt` (exp + tolerance, epoch ms, Redis's clock). An `expiresAt` less than one second ahead
 *   or already past (clock skew, a fake clock) is kept one second from now instead: a past `PXAT` stores nothing.
 * - Failure: a rejected command, an unexpected reply, or no answer within `timeoutMs` rejects, and the verifier
 *   refuses the request with `temporarily_unavailable` (503). A consume that timed out may still be applied by
 *   Redis later; that only refuses a later replay of the same assertion.
 *
 * Not validated: that the client is connected, its server version (PXAT needs Redis 6.2+) or its settings.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisReplayStore } from 'jwt-bearer-grant/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * client.on('error', (error) => log.warn(error));
 * await client.connect();
 * const replayStore = createRedisReplayStore({ client });
 * ```
 * @throws TypeError for a `client` with neither `call` nor `set`, a `prefix` that is not a string of at most 256
 *   characters, or a `timeoutMs` that is not a whole number from 1 to 60,000.
 * @see RFC 7523 §3 item 7, SPEC J14 / F1, `docs/replay-stores.md`
 */
export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  const client = options?.client as Partial<NodeRedisClientLike & IoRedisClientLike> | undefined;
  if (typeof client !== 'object' || client === null || (typeof client.call !== 'function' && typeof client.set !== 'function')) {
    throw new TypeError('createRedisReplayStore options.client: must be a node-redis or ioredis client');
  }
  const prefix = options.prefix === undefined ? DEFAULT_PREFIX : options.prefix;
  if (typeof prefix !== 'string' || prefix.length > 256) {
    throw new TypeError('createRedisReplayStore options.prefix: must be a string of at most 256 characters');
  }
  const clock = clockOption(options.clock, 'createRedisReplayStore options.clock');
  const timeoutMs = readWholeNumber(options.timeoutMs, 'createRedisReplayStore options.timeoutMs (milliseconds)', DEFAULT_TIMEOUT_MS, 1, 60_000);
  const call = client.call;
  const set = client.set;

  // One atomic command: set-if-absent with an absolute expiry. The two client libraries spell it differently.
  const setIfAbsent =
    typeof call === 'function'
      ? (key: string, pxat: number) => call.call(client, 'SET', key, '1', 'NX', 'PXAT', String(pxat))
      : (key: string, pxat: number) => (set as NodeRedisClientLike['set']).call(client, key, '1', { NX: true, PXAT: pxat });

  return {
    async consume(key, expiresAt) {
      if (typeof key !== 'string' || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
        throw new TypeError('RedisReplayStore.consume: key must be a string and expiresAt finite epoch milliseconds');
      }
      const redisKey = prefix + sha256Base64url(key);
      // SPEC J14: kept at least until expiresAt; a past PXAT would make Redis store nothing at all.
      const pxat = Math.max(Math.ceil(expiresAt), clock.now() + MIN_RETENTION_MS);
      const reply = await withTimeout(() => setIfAbsent(redisKey, pxat), timeoutMs);
      if (reply === 'OK') return true;
      if (reply === null) return false;
      // SPEC F1: a reply we do not understand is no answer; never guess "first use".
      throw new Error(`Redis SET NX answered neither OK nor null (${typeof reply})`);
    },
  };
}

// node:crypto, synchronous: ~1 us per key, where crypto.subtle.digest costs ~25 us of CPU on Node 20 (measured in
// docs/performance.md). Redis clients run on Node (or Bun, which has node:crypto), so this subpath may use it.
function sha256Base64url(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** Runs `run`, rejecting if it throws, rejects, or has not settled after `ms` milliseconds. */
function withTimeout<T>(run: () => Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  // Promise.race subscribes to the command too, so its late rejection is never an unhandled one.
  return Promise.race([Promise.resolve().then(run), timeout]).finally(() => clearTimeout(timer));
}
