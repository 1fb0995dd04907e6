import { importJWK, jwtVerify } from 'jose';
import type { JwtBearerGrantOptions } from '../../src/index.js';
import { createBenchKey, createFloorVerify, ISSUER, SERVICE, signAssertion, type BenchAlg } from './assertions.js';
import { allocatedBytesPerCall, benchGroup, formatBytes, formatMicros, library, percentile, report } from './harness.js';

const { createMemoryReplayStore, createStaticKeyResolver, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } = library;

// Is anything that could be done once done on every call? Three ways to call verifyJwtBearerGrant on the same
// assertion: with one options object (validated once, keys imported once: the 10,000th call), with a new options
// object per call (the options schema is parsed again), and with a new resolver and options per call (the
// options schema, the trusted-issuer schema and the key import again). If the first is not clearly cheaper than
// the other two, something is redone per call. Then the first call against the 10,000th, and JS heap bytes
// allocated per call beside the floor and jose.jwtVerify.

const ALGS: readonly BenchAlg[] = ['ES256', 'RS256'];
const CALLS = 10_000;

const setups = ALGS.map((alg) => {
  const key = createBenchKey(alg);
  const now = Math.floor(Date.now() / 1000);
  const assertion = signAssertion(key, { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 290, jti: 'reused' });
  const newOptions = (): JwtBearerGrantOptions => ({
    issuer: ISSUER,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], singleUse: false } }),
    replayStore: createMemoryReplayStore(),
  });
  return { alg, key, assertion, newOptions, options: newOptions(), floor: createFloorVerify(key, assertion) };
});

const verify = (assertion: string, options: JwtBearerGrantOptions) =>
  verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, options);

// Declared first so it runs first: call 1 is as cold as a bench process allows (the first alg's call 1 also pays
// for lazy module initialisation and unoptimised code; the second alg's runs on code the first one warmed).
report(`first call vs ${CALLS.toLocaleString('en-US')}th call`, async () => {
  const rows: Record<string, string>[] = [];
  for (const { alg, assertion, options } of setups) {
    const times = new Float64Array(CALLS);
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now();
      await verify(assertion, options);
      times[i] = (performance.now() - start) * 1000;
    }
    const median = (from: number, to: number) => percentile(times.slice(from - 1, to).sort(), 50);
    rows.push({
      alg,
      'call 1 µs': formatMicros(times[0] as number),
      'calls 2-10, median µs': formatMicros(median(2, 10)),
      'calls 101-1,000, median µs': formatMicros(median(101, 1000)),
      'calls 9,001-10,000, median µs': formatMicros(median(9001, 10_000)),
      'call 10,000 µs': formatMicros(times[CALLS - 1] as number),
    });
  }
  return { rows, note: 'Wall time of each call, one in flight, one options object created before call 1.' };
});

for (const { alg, assertion, options, newOptions } of setups) {
  benchGroup(
    `per-call work ${alg}`,
    [
      { name: `one options object (after ${CALLS.toLocaleString('en-US')} calls)`, fn: async () => verify(assertion, options) },
      { name: 'new options object per call (schema parse)', fn: async () => verify(assertion, { ...options }) },
      { name: 'new resolver + options per call (schema parse + key import)', fn: async () => verify(assertion, newOptions()) },
    ],
    { baselines: [{ label: 'warmed', name: `one options object (after ${CALLS.toLocaleString('en-US')} calls)` }] },
  );
}

report('JS heap allocated per call', async () => {
  const rows: Record<string, string>[] = [];
  for (const { alg, key, assertion, options, floor } of setups) {
    const cryptoKey = await importJWK(key.publicJwk, alg);
    const perCall = async (fn: () => unknown) => formatBytes(await allocatedBytesPerCall(fn, 5000));
    rows.push({
      alg,
      'floor: node:crypto.verify': await perCall(floor),
      'jose.jwtVerify': await perCall(() => jwtVerify(assertion, cryptoKey, { issuer: SERVICE, audience: ISSUER })),
      'verifyJwtBearerGrant': await perCall(() => verify(assertion, options)),
      'same, new options object per call': await perCall(() => verify(assertion, { ...options })),
    });
  }
  return {
    rows,
    note: 'Bytes per call on the JS heap over 5,000 calls (used heap growth between collections, from V8\'s GC profiler); memory of OpenSSL and WebCrypto jobs is not counted.',
  };
});
