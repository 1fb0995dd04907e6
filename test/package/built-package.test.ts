import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// These tests load the BUILT package through its own name and "exports" map (Node self-reference), exactly as
// an application would. `npm test` builds first (pretest).
const root = fileURLToPath(new URL('../..', import.meta.url));

const flow = (load: string) => `
${load}
const { generateKeyPair, exportJWK, SignJWT } = jose;
const clock = lib.createFakeClock(1893456000000);
const pair = await generateKeyPair('ES256', { extractable: true });
const options = {
  issuer: 'https://as.example.com',
  keyResolver: lib.createStaticKeyResolver({ svc: { keys: [await exportJWK(pair.publicKey)] } }),
  replayStore: lib.createMemoryReplayStore({ clock }),
  clock,
  tokenIssuer: lib.createOpaqueTokenIssuer(),
};
const assertion = await new SignJWT({ iss: 'svc', sub: 'svc', aud: 'https://as.example.com', exp: 1893456060, jti: '1' })
  .setProtectedHeader({ alg: 'ES256' }).sign(pair.privateKey);
const body = { grant_type: lib.JWT_BEARER_GRANT_TYPE, assertion };
const grant = await lib.verifyJwtBearerGrant({ body }, options);
const replay = await lib.verifyJwtBearerGrant({ body }, options).catch((e) => e);
console.log(JSON.stringify({ subject: grant.subject, tokenType: grant.token.token_type, replay: replay.code, branded: lib.isOAuthError(replay) }));
`;

function run(args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));
}

describe('the built package', () => {
  it('is built', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/node/index.js', 'dist/node/index.cjs']) {
      expect(existsSync(`${root}/${file}`), file).toBe(true);
    }
  });

  it('works when imported (ESM)', () => {
    const script = flow("import * as lib from 'jwt-bearer-grant'; import * as jose from 'jose';");
    expect(run(['--input-type=module', '-e', script])).toEqual({ subject: 'svc', tokenType: 'Bearer', replay: 'ERR_JWT_BEARER_JTI_REPLAYED', branded: true });
  });

  it('works when required (CJS)', () => {
    const script = `(async () => { ${flow("const lib = require('jwt-bearer-grant'); const jose = require('jose');")} })().catch((e) => { console.error(e); process.exit(1); });`;
    expect(run(['--input-type=commonjs', '-e', script])).toEqual({ subject: 'svc', tokenType: 'Bearer', replay: 'ERR_JWT_BEARER_JTI_REPLAYED', branded: true });
  });

  it('Node resolves the node:crypto build through the "node" condition; the default build stays free of node:', () => {
    const cjs = run(['--input-type=commonjs', '-e', "console.log(JSON.stringify(require.resolve('jwt-bearer-grant')))"]);
    expect(cjs).toMatch(/dist\/node\/index\.cjs$/);
    const esm = run(['--input-type=module', '-e', "console.log(JSON.stringify(import.meta.resolve('jwt-bearer-grant')))"]);
    expect(esm).toMatch(/dist\/node\/index\.js$/);
    for (const file of ['dist/index.js', 'dist/index.cjs']) expect(readFileSync(`${root}/${file}`, 'utf8')).not.toMatch(/["']node:/);
    expect(readFileSync(`${root}/dist/node/index.js`, 'utf8')).toMatch(/["']node:crypto["']/);
  });

  it('the runtime-agnostic (WebCrypto) build works too', () => {
    const script = flow("import * as lib from './dist/index.js'; import * as jose from 'jose';");
    expect(run(['--input-type=module', '-e', script])).toEqual({ subject: 'svc', tokenType: 'Bearer', replay: 'ERR_JWT_BEARER_JTI_REPLAYED', branded: true });
  });

  it('isOAuthError recognises errors from the other build', () => {
    const script = `
      const cjs = require('jwt-bearer-grant');
      import('jwt-bearer-grant').then((esm) => {
        const fromCjs = new cjs.OAuthError('ERR_JWT_BEARER_JTI_REPLAYED');
        const fromEsm = new esm.OAuthError('ERR_JWT_BEARER_JTI_REPLAYED');
        console.log(JSON.stringify([esm.isOAuthError(fromCjs), cjs.isOAuthError(fromEsm), fromCjs instanceof esm.OAuthError, esm.isOAuthError(new Error('x'))]));
      });`;
    expect(run(['--input-type=commonjs', '-e', script])).toEqual([true, true, false, false]);
  });
});
