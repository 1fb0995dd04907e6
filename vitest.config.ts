import { defineConfig } from 'vitest/config';

// The whole suite runs twice: once on the WebCrypto signature seam (src/lib/verify-signature.ts, what browsers,
// Deno, Bun and Workers get) and once on its Node twin (verify-signature.node.ts, what the package's `node`
// condition selects). Both must give the same verdict on every test.
const shared = {
  include: ['test/**/*.test.ts'],
  // `npm run bench` only (vitest bench); `npm test` never runs these.
  benchmark: { include: ['test/bench/**/*.bench.ts'] },
  environment: 'node' as const,
  testTimeout: 20_000,
};
// `jwt-bearer-grant` and its adapter subpaths resolve to the source through tsconfig.json "paths", as for tsc.
const tsconfigPaths = true;

export default defineConfig({
  test: {
    coverage: { include: ['src/**/*.ts'], exclude: ['src/cli/**'] },
    projects: [
      { resolve: { tsconfigPaths }, test: { ...shared, name: 'webcrypto', env: { SIGNATURE_SEAM: 'webcrypto' } } },
      {
        resolve: { tsconfigPaths, alias: [{ find: /^(.*)\/(verify-signature|sign-jwt)\.js$/, replacement: '$1/$2.node.js' }] },
        test: { ...shared, name: 'node-crypto', env: { SIGNATURE_SEAM: 'node' } },
      },
    ],
  },
});
