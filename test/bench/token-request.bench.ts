import { randomBytes, verify } from 'node:crypto';
import type { TokenEndpointOptions } from '../../src/index.js';
import { createBenchKey, ISSUER, SERVICE, signPool, type BenchAlg } from './assertions.js';
import { benchGroup, IS_NODE_SEAM, library } from './harness.js';

const { createMemoryReplayStore, createOpaqueTokenIssuer, createStaticKeyResolver, handleTokenRequest, JWT_BEARER_GRANT_TYPE } = library;

// A whole token request in-process, without the network: what `npm run bench:http`'s bare server does per request
// (parse the form with URLSearchParams, node:crypto.verify the assertion, mint a random token, JSON) against
// handleTokenRequest on the same body bytes (method and content type, form, the whole grant pipeline, replay, an
// opaque token, the response object and its JSON). Both read a pool of fresh assertions as request bodies. The
// difference is the library's own cost per request: `npm run bench:http -- --spin=<that many µs>` adds it as busy
// CPU to the bare server, to see what HTTP on this machine makes of that much extra work per request.

const ALGS: readonly BenchAlg[] = ['RS256', 'ES256'];
const BATCH = 16;
const CALLS: Record<string, number> = { RS256: 400, ES256: 250 };
const WARMUP_CALLS = 60;
const GRANT_TYPE = encodeURIComponent(JWT_BEARER_GRANT_TYPE);
const HEADERS = { host: '127.0.0.1', 'content-type': 'application/x-www-form-urlencoded', connection: 'keep-alive' };

for (const alg of ALGS) {
  const key = createBenchKey(alg);
  const total = (CALLS[alg] as number) + WARMUP_CALLS;
  const bodies = signPool(key, total * BATCH * 2, 3000).map((assertion) => Buffer.from(`grant_type=${GRANT_TYPE}&assertion=${assertion}`));
  const options: TokenEndpointOptions = {
    issuer: ISSUER,
    grantTypes: [JWT_BEARER_GRANT_TYPE],
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], maxLifetime: 3600 } }),
    replayStore: createMemoryReplayStore(),
    tokenIssuer: createOpaqueTokenIssuer(),
  };
  let nextBare = 0;
  let nextLibrary = total * BATCH;

  benchGroup(
    `token request in-process ${alg}`,
    [
      {
        name: 'bare: URLSearchParams + node:crypto.verify + random token JSON',
        fn: () => {
          for (let i = 0; i < BATCH; i++) {
            const assertion = new URLSearchParams((bodies[nextBare++] as Buffer).toString()).get('assertion') ?? '';
            const dot = assertion.lastIndexOf('.');
            if (!verify(key.hash, Buffer.from(assertion.slice(0, dot)), key.verifyKey, Buffer.from(assertion.slice(dot + 1), 'base64url'))) {
              throw new Error('bare: signature refused');
            }
            JSON.stringify({ access_token: randomBytes(32).toString('base64url'), token_type: 'Bearer', expires_in: 3600 });
          }
        },
        ops: BATCH,
        iterations: CALLS[alg] as number,
        warmupIterations: WARMUP_CALLS,
      },
      {
        name: 'handleTokenRequest + JSON of its body',
        fn: async () => {
          for (let i = 0; i < BATCH; i++) {
            const result = await handleTokenRequest({ method: 'POST', headers: HEADERS, body: bodies[nextLibrary++] }, options);
            if (result.status !== 200) throw new Error(`handleTokenRequest: ${result.status}`);
            JSON.stringify(result.body);
          }
        },
        ops: BATCH,
        iterations: CALLS[alg] as number,
        warmupIterations: WARMUP_CALLS,
      },
    ],
    {
      baselines: [{ label: 'bare', name: 'bare: URLSearchParams + node:crypto.verify + random token JSON' }],
      skip: IS_NODE_SEAM ? undefined : 'node:crypto seam only (the bare server is node:crypto)',
      note: 'Both over the same kind of fresh request bodies (Buffers). The CPU µs/op difference is what the library adds per request.',
    },
  );
}
