import { join } from 'node:path';
import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

// The `node` export condition gets the same library with the signature seam swapped for its node:crypto twin
// (src/lib/verify-signature.node.ts). Everything else is the same source.
const nodeSignatureSeam: Plugin = {
  name: 'node-signature-seam',
  setup(build) {
    build.onResolve({ filter: /\/(verify-signature|sign-jwt)\.js$/ }, (args) => ({
      path: join(args.resolveDir, args.path.replace(/\.js$/, '.node.ts')),
    }));
  },
};

const library = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  sourcemap: true,
  target: 'es2022',
  splitting: false,
  treeshake: true,
};

export default defineConfig([
  {
    // Runtime-agnostic build (WebCrypto): browsers, Deno, Bun, Workers, bundlers.
    ...library,
    entry: { index: 'src/index.ts' },
    dts: true,
    platform: 'neutral',
  },
  {
    // Node build: node:crypto signature checks (see docs/performance.md for why this is the Node default).
    ...library,
    entry: { 'node/index': 'src/index.ts' },
    platform: 'node',
    target: 'node20',
    removeNodeProtocol: false,
    esbuildPlugins: [nodeSignatureSeam],
  },
  {
    // Node subpaths: the framework adapters (jwt-bearer-grant/express, /koa, /fastify) and the Redis replay store
    // (jwt-bearer-grant/redis, hashing keys with node:crypto). They import the core by the package's own name,
    // kept external, so an app and its adapter share one copy of the core, and Node's "node" condition picks the
    // node:crypto build for both. The frameworks and Redis clients themselves are only imported as types.
    ...library,
    entry: { express: 'src/adapters/express.ts', koa: 'src/adapters/koa.ts', fastify: 'src/adapters/fastify.ts', redis: 'src/redis/index.ts' },
    dts: true,
    platform: 'node',
    target: 'node20',
    removeNodeProtocol: false,
    external: ['jwt-bearer-grant'],
  },
  {
    // jwt-bearer-grant/fetch: Web Request/Response only, for any runtime (Bun, Deno, Workers, Next.js, Hono).
    ...library,
    entry: { fetch: 'src/adapters/fetch.ts' },
    dts: true,
    platform: 'neutral',
    external: ['jwt-bearer-grant'],
  },
  {
    // Programs, not part of the library API: the demo (excluded by "files") and the jwt-bearer-grant CLI (bin).
    entry: { demo: 'src/cli/demo/run-demo.ts', cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    external: ['jose'],
    banner: { js: '#!/usr/bin/env node' },
    // Each program one self-contained file: no shared chunk for "files" to publish or leave out.
    splitting: false,
    esbuildPlugins: [nodeSignatureSeam],
  },
]);
