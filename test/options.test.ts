import { describe, expect, it } from 'vitest';
import { createMemoryReplayStore, createStaticKeyResolver, verifyJwtBearerGrant, type JwtBearerGrantOptions } from '../src/index.js';

const base: JwtBearerGrantOptions = {
  issuer: 'https://as.example.com',
  keyResolver: createStaticKeyResolver({}),
  replayStore: createMemoryReplayStore(),
};
const request = { body: '' };

describe('options are validated on first use with a TypeError naming the path', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['missing issuer', { issuer: undefined }, /options\.issuer/],
    ['relative issuer', { issuer: 'as.example.com' }, /options\.issuer/],
    ['non-http issuer', { issuer: 'urn:example:as' }, /options\.issuer/],
    ['non-http token endpoint', { tokenEndpoint: 'ftp://as.example.com/token' }, /options\.tokenEndpoint/],
    ['missing replay store', { replayStore: undefined }, /options\.replayStore/],
    ['store without consume', { replayStore: {} }, /options\.replayStore/],
    ['resolver without resolve', { keyResolver: { get: () => 1 } }, /options\.keyResolver/],
    ['tolerance above 300 s', { clockTolerance: 301 }, /options\.clockTolerance/],
    ['negative tolerance', { clockTolerance: -1 }, /options\.clockTolerance/],
    ['lifetime 0', { maxLifetime: 0 }, /options\.maxLifetime/],
    ['HMAC in the global allowlist', { algorithms: ['HS256'] }, /options\.algorithms\[0\]/],
    ['none in the allowlist', { algorithms: ['none'] }, /options\.algorithms\[0\]/],
    ['empty allowlist', { algorithms: [] }, /options\.algorithms/],
    ['a typo', { clockTolerence: 30 }, /options/],
    ['bad hook', { authorizeSubject: 'yes' }, /options\.authorizeSubject/],
    ['bad client credentials mode', { clientCredentials: 'ignore' }, /options\.clientCredentials/],
  ];
  for (const [name, change, path] of cases) {
    it(name, async () => {
      const options = { ...base, ...change } as JwtBearerGrantOptions;
      await expect(verifyJwtBearerGrant(request, options)).rejects.toThrow(TypeError);
      await expect(verifyJwtBearerGrant(request, options)).rejects.toThrow(path);
    });
  }

  it('valid options pass validation (the request itself is then judged)', async () => {
    await expect(verifyJwtBearerGrant(request, { ...base, clockTolerance: 0, maxLifetime: 86_400 })).rejects.toMatchObject({
      code: 'ERR_JWT_BEARER_GRANT_TYPE_MISSING',
    });
  });
});
