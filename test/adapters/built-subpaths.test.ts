import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The BUILT adapter subpaths, loaded through the package's own name and "exports" map as an application would
// (`npm test` builds first). Each adapter imports the core by the package name, so the app and the adapter
// share one copy of it: an error the adapter reports is an instance of the app's OAuthError.
const root = fileURLToPath(new URL('../..', import.meta.url));
const ADAPTERS = {
  express: 'createExpressTokenHandler',
  koa: 'createKoaTokenMiddleware',
  fastify: 'createFastifyTokenPlugin',
  fetch: 'createFetchTokenHandler',
} as const;

const script = (load: string) => `
${load}
const options = { issuer: 'https://as.example.com', keyResolver: core.createStaticKeyResolver({}), replayStore: core.createMemoryReplayStore(), tokenIssuer: core.createOpaqueTokenIssuer() };
const seen = [];
const token = fetchAdapter.createFetchTokenHandler(options, { onResponse: (response) => seen.push(response.error) });
const response = await token(new Request('https://as.example.com/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c' }));
console.log(JSON.stringify({
  exports: Object.fromEntries(Object.entries(adapters).map(([name, lib]) => [name, Object.keys(lib).sort()])),
  status: response.status,
  body: await response.json(),
  sameCore: seen[0] instanceof core.OAuthError,
}));
`;

function run(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
}

const expected = {
  exports: Object.fromEntries(Object.entries(ADAPTERS).map(([name, factory]) => [name, [factory]])),
  status: 400,
  body: { error: 'invalid_grant', error_description: expect.any(String) },
  sameCore: true,
};

describe('the built adapter subpaths', () => {
  it('work when imported (ESM), on the same copy of the core as the app', () => {
    const load = `
      import * as core from 'jwt-bearer-grant';
      ${Object.keys(ADAPTERS).map((name) => `import * as ${name} from 'jwt-bearer-grant/${name}';`).join('\n')}
      const adapters = { ${Object.keys(ADAPTERS).join(', ')} };
      const fetchAdapter = adapters.fetch;`;
    expect(run(['--input-type=module', '-e', script(load)])).toEqual(expected);
  });

  it('work when required (CJS), on the same copy of the core as the app', () => {
    const load = `
      const core = require('jwt-bearer-grant');
      const adapters = { ${Object.keys(ADAPTERS).map((name) => `${name}: require('jwt-bearer-grant/${name}')`).join(', ')} };
      const fetchAdapter = adapters.fetch;`;
    const body = script(load);
    expect(run(['--input-type=commonjs', '-e', `(async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`])).toEqual(expected);
  });

  it('import the core by name, no framework at run time, and the fetch adapter no node: module', () => {
    for (const name of Object.keys(ADAPTERS)) {
      for (const file of [`dist/${name}.js`, `dist/${name}.cjs`]) {
        const code = readFileSync(`${root}/${file}`, 'utf8');
        expect(code, file).toMatch(/(from |require\()'jwt-bearer-grant'/);
        expect(code, file).not.toMatch(/(from |require\()['"](express|koa|fastify|hono|@nestjs\/[\w-]+|@koa\/[\w-]+)['"]/);
        expect(code, file).not.toMatch(/createStaticKeyResolver|verifyJwtBearerGrant/);
      }
    }
    for (const file of ['dist/fetch.js', 'dist/fetch.cjs']) expect(readFileSync(`${root}/${file}`, 'utf8'), file).not.toMatch(/["']node:|\bBuffer\b/);
  });
});
