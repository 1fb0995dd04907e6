import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The BUILT subpath `jwt-bearer-grant/redis`, loaded through the package's own "exports" map as an application
// would (`npm test` builds first). The core entry must not contain the Redis store, and neither build may need a
// Redis client package or a node: module to load.
const root = fileURLToPath(new URL('../..', import.meta.url));

const script = (load: string) => `
${load}
const calls = [];
const store = lib.createRedisReplayStore({ client: { call: async (...args) => (calls.push(args), calls.length === 1 ? 'OK' : null) } });
const key = JSON.stringify(['G', 'svc', '1']);
const results = [await store.consume(key, 1893456060000), await store.consume(key, 1893456060000)];
console.log(JSON.stringify({ exports: Object.keys(lib).sort(), results, command: calls[0] }));
`;

function run(args: string[]): { exports: string[]; results: boolean[]; command: string[] } {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' })) as never;
}

describe('the built jwt-bearer-grant/redis subpath', () => {
  it('works when imported (ESM)', () => {
    const out = run(['--input-type=module', '-e', script("import * as lib from 'jwt-bearer-grant/redis';")]);
    expect(out.exports).toEqual(['createRedisReplayStore']);
    expect(out.results).toEqual([true, false]);
    expect(out.command).toEqual(['SET', expect.stringMatching(/^jwt-bearer-grant:jti:[\w-]{43}$/), '1', 'NX', 'PXAT', '1893456060000']);
  });

  it('works when required (CJS)', () => {
    const body = script("const lib = require('jwt-bearer-grant/redis');");
    const out = run(['--input-type=commonjs', '-e', `(async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`]);
    expect(out.exports).toEqual(['createRedisReplayStore']);
    expect(out.results).toEqual([true, false]);
  });

  it('keeps Redis out of the core build, and imports only node:crypto itself (no Redis client)', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/node/index.js']) expect(readFileSync(`${root}/${file}`, 'utf8')).not.toMatch(/createRedisReplayStore|PXAT/);
    for (const file of ['dist/redis.js', 'dist/redis.cjs']) {
      const imports = [...readFileSync(`${root}/${file}`, 'utf8').matchAll(/(?:from\s+|require\()["']([^"']+)["']/g)].map((m) => m[1]);
      expect(imports).toEqual(['node:crypto']);
    }
  });
});
