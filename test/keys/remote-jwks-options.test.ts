import { describe, expect, it } from 'vitest';
import { createRemoteJwksResolver, type RemoteJwksResolverOptions } from '../../src/index.js';

const HTTPS = 'https://idp.example.com/.well-known/jwks.json';
const create = (options: Partial<RemoteJwksResolverOptions>) => () =>
  createRemoteJwksResolver({ issuers: { 'https://idp.example.com': { jwksUri: HTTPS } }, ...options } as RemoteJwksResolverOptions);

describe('createRemoteJwksResolver: only https: JWKS URLs unless explicitly allowed', () => {
  it('accepts an https: URL without fetching anything at creation', () => {
    expect(create({})).not.toThrow();
  });

  it('refuses http: unless allowHttp, and other schemes always, with a TypeError naming the issuer', () => {
    const issuers = (jwksUri: string) => ({ 'https://idp.example.com': { jwksUri } });
    expect(create({ issuers: issuers('http://idp.example.com/jwks') })).toThrow(/issuers\["https:\/\/idp\.example\.com"\]\.jwksUri: must be an https: URL/);
    expect(create({ issuers: issuers('http://127.0.0.1:8080/jwks'), allowHttp: true })).not.toThrow();
    for (const uri of ['ftp://idp.example.com/jwks', 'file:///etc/jwks.json', 'data:application/json,{"keys":[]}', 'javascript:alert(1)']) {
      expect(create({ issuers: issuers(uri), allowHttp: true })).toThrow(TypeError);
    }
  });

  it('refuses a jwksUri that is not an absolute URL, or that carries credentials', () => {
    for (const uri of ['', '/jwks.json', 'idp.example.com/jwks', 'https://user:secret@idp.example.com/jwks', 42 as unknown as string]) {
      expect(create({ issuers: { a: { jwksUri: uri } } })).toThrow(TypeError);
    }
  });
});

describe('createRemoteJwksResolver: options are validated at creation (TypeError with the option path)', () => {
  const invalid: Array<[string, Partial<RemoteJwksResolverOptions>]> = [
    ['cacheMaxAge', { cacheMaxAge: 0 }],
    ['cacheMaxAge', { cacheMaxAge: 86_401 }],
    ['cacheMaxAge', { cacheMaxAge: Number.NaN }],
    ['cacheMaxAge', { cacheMaxAge: Number.POSITIVE_INFINITY }],
    ['cacheMaxAge', { cacheMaxAge: '600' as never }],
    ['cooldown', { cooldown: 0 }],
    ['cooldown', { cooldown: 601 }],
    ['cooldown', { cacheMaxAge: 60, cooldown: 61 }],
    ['timeout', { timeout: 0 }],
    ['timeout', { timeout: 61 }],
    ['timeout', { timeout: -1 }],
    ['maxResponseSize', { maxResponseSize: 1023 }],
    ['maxResponseSize', { maxResponseSize: 1.5e6 + 0.5 }],
    ['maxResponseSize', { maxResponseSize: 16_777_217 }],
    ['maxJwksUris', { maxJwksUris: 0 }],
    ['allowHttp', { allowHttp: 'yes' as never }],
    ['clock', { clock: {} as never }],
  ];
  for (const [path, options] of invalid) {
    it(`${path}: ${JSON.stringify(options)}`, () => {
      expect(create(options)).toThrow(new RegExp(`createRemoteJwksResolver\\(options\\)\\.${path}`));
    });
  }

  it('accepts the boundaries', () => {
    expect(create({ cacheMaxAge: 1, cooldown: 1, timeout: 0.001, maxResponseSize: 1024, maxJwksUris: 1 })).not.toThrow();
    expect(create({ cacheMaxAge: 86_400, cooldown: 86_400, timeout: 60, maxResponseSize: 16_777_216, maxJwksUris: 100_000 })).not.toThrow();
  });

  it('refuses a missing options object or issuers that are neither a map nor a function', () => {
    expect(() => createRemoteJwksResolver(undefined as never)).toThrow(TypeError);
    for (const issuers of [undefined, null, [], 'https://idp.example.com']) expect(create({ issuers: issuers as never })).toThrow(/issuers/);
    expect(create({ issuers: { '': { jwksUri: HTTPS } } })).toThrow(/empty string/);
    expect(create({ issuers: { a: null as never } })).toThrow(/issuers\["a"\]/);
  });

  it('validates each issuer policy like a trusted issuer: unknown fields, keys, HMAC algorithms, bad values', () => {
    const bad = [
      { subject: 'any' },
      { keys: [] },
      { algorithms: ['HS256'] },
      { algorithms: ['none'] },
      { scopes: ['bad scope'] },
      { maxLifetime: 0 },
      { subjects: 'everyone' },
    ];
    for (const policy of bad) {
      expect(create({ issuers: { 'https://idp.example.com': { jwksUri: HTTPS, ...policy } as never } })).toThrow(/issuers\["https:\/\/idp\.example\.com"\]/);
    }
    const good = { jwksUri: HTTPS, subjects: 'any' as const, scopes: ['profile'], algorithms: ['RS256' as const], maxLifetime: 3600, requireJti: false };
    expect(create({ issuers: { 'https://idp.example.com': good } })).not.toThrow();
  });
});
