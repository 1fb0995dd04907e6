import { fc, test } from '@fast-check/vitest';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createLruReplayStore,
  createMemoryReplayStore,
  createStaticKeyResolver,
  isOAuthError,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  verifyClientAssertion,
  verifyJwtBearerGrant,
  type ClientKeyResolver,
  type JwtBearerGrantOptions,
  type ReplayStore,
} from '../../src/index.js';
import { AS_ISSUER, SERVICE, T0, testKey } from '../helpers/fixture.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// RFC 7523 §3 item 7 / SPEC J14 and the ReplayStore contract: `consume` is ONE atomic set-if-absent, so of any
// number of concurrent consumes of one key exactly one wins — under EVERY interleaving, not just the one the
// event loop happens to pick. fast-check's scheduler decides the order in which calls start and in which
// their results come back (and, through the verifier, when key resolution and the store answer).

const FULL = 'ERR_JWT_BEARER_REPLAY_STORE_FULL';

type StoreKind = 'memory' | 'lru' | 'lru-small';
function makeStore(kind: StoreKind, clock = createFakeClock(T0 * 1000)): ReplayStore {
  if (kind === 'memory') return createMemoryReplayStore({ clock });
  return createLruReplayStore({ max: kind === 'lru' ? 1000 : 3, clock });
}

/** A store whose calls start, and whose answers arrive, in an order the scheduler picks. */
function scheduled(store: ReplayStore, s: fc.Scheduler): ReplayStore {
  return {
    async consume(key, expiresAt) {
      await s.schedule(Promise.resolve(), `start ${key}`);
      return s.schedule(store.consume(key, expiresAt), `answer ${key}`);
    },
  };
}

/** The mistake the contract forbids: read, await, then write. The property must catch it. */
function readThenWriteStore(s: fc.Scheduler): ReplayStore {
  const seen = new Set<string>();
  return {
    async consume(key) {
      const present = seen.has(key);
      await s.schedule(Promise.resolve(), `between read and write of ${key}`);
      if (present) return false;
      seen.add(key);
      return true;
    },
  };
}

/** Consumes every key concurrently and counts, per key, how many consumes answered `true`. */
async function consumeAll(store: ReplayStore, s: fc.Scheduler, keys: readonly string[]): Promise<{ wins: Map<string, number>; full: number }> {
  const wins = new Map<string, number>();
  let full = 0;
  const expiresAt = (T0 + 600) * 1000;
  const all = Promise.all(
    keys.map((key) =>
      store.consume(key, expiresAt).then(
        (first) => void (first && wins.set(key, (wins.get(key) ?? 0) + 1)),
        (error: unknown) => {
          if (!isOAuthError(error) || error.code !== FULL) throw error;
          full++;
        },
      ),
    ),
  );
  await s.waitFor(all);
  return { wins, full };
}

// Few distinct keys, many duplicates: collisions are the point.
const keys = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '["G","iss","a"]', '["C","iss","a"]'), { minLength: 1, maxLength: 16 });

describe('SPEC J14 / ReplayStore contract: consume is at-most-once under every interleaving', () => {
  for (const kind of ['memory', 'lru'] as const) {
    test.prop([fc.scheduler(), keys], fuzzParams(200))(
      `${kind} store: each key wins exactly once, however the calls interleave`,
      async (s, generated) => {
        const { wins, full } = await consumeAll(scheduled(makeStore(kind), s), s, generated);
        expect(full).toBe(0);
        for (const key of new Set(generated)) expect(wins.get(key), key).toBe(1);
      },
      PROPERTY_TIMEOUT,
    );
  }

  test.prop([fc.scheduler(), keys], fuzzParams(200))(
    'a full LRU store (max 3) refuses new keys but still never lets a key win twice',
    async (s, generated) => {
      const { wins } = await consumeAll(scheduled(makeStore('lru-small'), s), s, generated);
      for (const key of new Set(generated)) expect(wins.get(key) ?? 0).toBeLessThanOrEqual(1);
      expect([...wins.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    },
    PROPERTY_TIMEOUT,
  );

  it('the harness has teeth: it finds the interleaving that breaks a read-then-write store', async () => {
    const result = await fc.check(
      fc.asyncProperty(fc.scheduler(), keys, async (s, generated) => {
        const { wins } = await consumeAll(readThenWriteStore(s), s, generated);
        for (const key of new Set(generated)) if (wins.get(key) !== 1) return false;
        return true;
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });
});

// Through the verifier: the same assertion submitted several times at once, with key resolution and the store
// answering in any order, is accepted exactly once; grant and client assertions sharing an iss and jti live in
// separate namespaces (RFC 7523 §2.1 vs §2.2) and do not block each other.
const grantKey = await testKey('ES256');
// The client_id equals the grant issuer, so grant and client assertions share (iss, jti) and only the namespace differs.
const CLIENT = SERVICE;

function scheduledResolver(resolver: ClientKeyResolver, s: fc.Scheduler): ClientKeyResolver {
  return { resolve: s.scheduleFunction((issuer: string, context: Parameters<ClientKeyResolver['resolve']>[1]) => resolver.resolve(issuer, context)) };
}

async function sign(iss: string, aud: string, jti: string): Promise<string> {
  return new SignJWT({ iss, sub: iss, aud, iat: T0, exp: T0 + 60, jti }).setProtectedHeader({ alg: 'ES256' }).sign(grantKey.privateKey);
}

const submissions = fc.array(fc.record({ use: fc.constantFrom('grant' as const, 'client' as const), jti: fc.constantFrom('j1', 'j2', 'j3') }), {
  minLength: 1,
  maxLength: 10,
});

describe('RFC 7523 §3 item 7 / SPEC J14: through the verifier, one jti is accepted once per namespace under every interleaving', () => {
  for (const kind of ['memory', 'lru'] as const) {
    test.prop([fc.scheduler(), submissions], fuzzParams(100))(
      `${kind} store`,
      async (s, generated) => {
        const clock = createFakeClock(T0 * 1000);
        const store = scheduled(makeStore(kind, clock), s);
        const keys = { keys: [grantKey.publicJwk] };
        const options: JwtBearerGrantOptions & { clientKeyResolver: ClientKeyResolver } = {
          issuer: AS_ISSUER,
          keyResolver: scheduledResolver(createStaticKeyResolver({ [SERVICE]: keys }), s),
          clientKeyResolver: scheduledResolver(createStaticKeyResolver({ [CLIENT]: keys }), s),
          replayStore: store,
          clock,
        };
        const accepted = new Map<string, number>();
        const all = Promise.all(
          generated.map(async ({ use, jti }) => {
            const id = `${use}/${jti}`;
            try {
              if (use === 'grant') {
                await verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await sign(SERVICE, AS_ISSUER, jti) } }, options);
              } else {
                const assertion = await sign(CLIENT, AS_ISSUER, jti);
                await verifyClientAssertion({ body: { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion } }, options);
              }
              accepted.set(id, (accepted.get(id) ?? 0) + 1);
            } catch (error) {
              if (!isOAuthError(error) || error.code !== 'ERR_JWT_BEARER_JTI_REPLAYED') throw error;
            }
          }),
        );
        await s.waitFor(all);
        for (const { use, jti } of generated) expect(accepted.get(`${use}/${jti}`), `${use}/${jti}`).toBe(1);
      },
      PROPERTY_TIMEOUT,
    );
  }
});
