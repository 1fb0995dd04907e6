import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The Redis store is a subpath (jwt-bearer-grant/redis): Web Crypto and timers only, so it stays neutral too.
    entry: { index: 'src/index.ts', redis: 'src/redis/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
  },
  {
    // The demo is a program, not part of the published API (excluded by "files").
    entry: { demo: 'src/demo/run-demo.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    external: ['jose'],
  },
]);
