import { importJWK, jwtVerify } from 'jose';
import type { JwtBearerGrantOptions } from '../../src/index.js';
import { BENCH_ALGS, createBenchKey, createFloorFromTokens, createFloorVerify, ISSUER, SERVICE, signAssertion, signPool, type BenchAlg } from './assertions.js';
import { benchGroup, library, SEAM } from './harness.js';

const { createMemoryReplayStore, createStaticKeyResolver, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } = library;

// The cost of one verification, side by side in one run, for each algorithm:
// - the floor: node:crypto.verify of the same signing input with a pre-imported KeyObject (and the alg's PSS
//   padding or IEEE P1363 signature encoding), nothing else;
// - jose.jwtVerify with a pre-imported key (jose 6 verifies through WebCrypto), with issuer and audience checks;
// - verifyJwtBearerGrant, the whole pipeline (form, decode, header rules, static resolver, signature, claims,
//   subject and scope policy, replay): with a fresh jti every call on a memory store (a pool of pre-signed
//   assertions, one per timed call), and with singleUse: false (one assertion reused, no replay store);
// - 8 verifications in flight at once, where WebCrypto's thread pool can use the second core.
// CPU per operation counts every thread of the process, so the thread pool's work is charged to WebCrypto.
// Every timed call runs a batch of BATCH operations one after another (awaiting each), the floor included: the
// bench runner's own cost per call (timers, a promise per async call: a few µs) is then shared by the batch, so
// it does not land on the async cases only.

const BATCH = 16;
// Timed calls of the fresh-jti case: the pool is signed before the benches start (RSA signing is the slow part).
const FRESH_CALLS: Record<BenchAlg, number> = { RS256: 500, PS256: 500, ES256: 320, EdDSA: 320 };
const FRESH_WARMUP_CALLS = 100;
const IN_FLIGHT = 8;

const body = (assertion: string) => ({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });

for (const alg of BENCH_ALGS) {
  const key = createBenchKey(alg);
  const now = Math.floor(Date.now() / 1000);
  const reused = signAssertion(key, { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 290, jti: 'reused' });
  const pool = signPool(key, (FRESH_CALLS[alg] + FRESH_WARMUP_CALLS) * BATCH);
  const floor = createFloorVerify(key, reused);
  const floorFromTokens = createFloorFromTokens(key, pool);
  const cryptoKey = await importJWK(key.publicJwk, alg);
  const singleUse: JwtBearerGrantOptions = {
    issuer: ISSUER,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk] } }),
    replayStore: createMemoryReplayStore(),
  };
  const reusable: JwtBearerGrantOptions = {
    issuer: ISSUER,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], singleUse: false } }),
    replayStore: createMemoryReplayStore(),
  };
  // Warm: options compiled, keys imported; both paths accept before anything is timed.
  await verifyJwtBearerGrant({ body: body(signAssertion(key, { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 290, jti: 'warm' })) }, singleUse);
  await verifyJwtBearerGrant({ body: body(reused) }, reusable);
  await jwtVerify(reused, cryptoKey, { issuer: SERVICE, audience: ISSUER });
  let next = 0;
  let nextToken = 0;

  benchGroup(
    `verify ${alg}`,
    [
      {
        name: 'floor: node:crypto.verify',
        fn: () => {
          for (let i = 0; i < BATCH; i++) if (!floor()) throw new Error('floor: signature refused');
        },
        ops: BATCH,
      },
      {
        name: 'floor, bytes decoded from each fresh token',
        fn: () => {
          for (let i = 0; i < BATCH; i++) if (!floorFromTokens(nextToken++)) throw new Error('floor: signature refused');
        },
        ops: BATCH,
      },
      {
        name: 'jose.jwtVerify (pre-imported key)',
        fn: async () => {
          for (let i = 0; i < BATCH; i++) await jwtVerify(reused, cryptoKey, { issuer: SERVICE, audience: ISSUER });
        },
        ops: BATCH,
      },
      {
        name: 'verifyJwtBearerGrant (fresh jti, memory store)',
        fn: async () => {
          for (let i = 0; i < BATCH; i++) {
            const assertion = pool[next++];
            if (assertion === undefined) throw new Error('assertion pool exhausted');
            await verifyJwtBearerGrant({ body: body(assertion) }, singleUse);
          }
        },
        ops: BATCH,
        iterations: FRESH_CALLS[alg],
        warmupIterations: FRESH_WARMUP_CALLS,
      },
      {
        name: 'verifyJwtBearerGrant (singleUse: false)',
        fn: async () => {
          for (let i = 0; i < BATCH; i++) await verifyJwtBearerGrant({ body: body(reused) }, reusable);
        },
        ops: BATCH,
      },
      {
        name: `jose.jwtVerify, ${IN_FLIGHT} in flight`,
        fn: async () => Promise.all(Array.from({ length: IN_FLIGHT }, () => jwtVerify(reused, cryptoKey, { issuer: SERVICE, audience: ISSUER }))),
        ops: IN_FLIGHT,
      },
      {
        name: `verifyJwtBearerGrant (singleUse: false), ${IN_FLIGHT} in flight`,
        fn: async () => Promise.all(Array.from({ length: IN_FLIGHT }, () => verifyJwtBearerGrant({ body: body(reused) }, reusable))),
        ops: IN_FLIGHT,
      },
    ],
    {
      baselines: [
        { label: 'floor', name: 'floor: node:crypto.verify' },
        { label: 'jose', name: 'jose.jwtVerify (pre-imported key)' },
      ],
      note: `Signature seam of verifyJwtBearerGrant: ${SEAM}. jose.jwtVerify always verifies through WebCrypto. CPU counts every thread of the process.`,
    },
  );
}
