import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

// The `node` export condition gets the same library with the signature seam swapped for its node:crypto twin
// (src/lib/verify-signature.node.ts). Everything else is the same source.
const nodeSignatureSeam: Plugin = {
  name: 'node-signature-seam',
  setup(build) {
    build.onResolve({ filter: /\/verify-signature\.js$/ }, (args) => ({
      path: join(args.resolveDir, dirname(args.path), 'verify-signature.node.ts'),
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
    // Runtime-agnostic build (WebCrypto): browsers, Deno, Bun, Workers, bundlers. The Redis store is a subpath
    // (jwt-bearer-grant/redis): Web Crypto and timers only, so it stays neutral too.
    ...library,
    entry: { index: 'src/index.ts', redis: 'src/redis/index.ts' },
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
    // The demo is a program, not part of the published API (excluded by "files").
    entry: { demo: 'src/demo/run-demo.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    external: ['jose'],
    esbuildPlugins: [nodeSignatureSeam],
  },
]);
