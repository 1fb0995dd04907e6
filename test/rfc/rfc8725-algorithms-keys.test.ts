import { exportJWK, exportSPKI, generateKeyPair, generateSecret, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createStaticKeyResolver } from '../../src/index.js';
import { createFixture, SERVICE, TEST_ALGS, testKey } from '../helpers/fixture.js';

describe('RFC 7523 §3 item 9: real signatures verify for every supported algorithm', () => {
  for (const alg of TEST_ALGS) {
    it(`${alg}`, async () => {
      const f = await createFixture({ alg });
      await expect(f.verify(await f.sign())).resolves.toMatchObject({ header: expect.objectContaining({ alg }) });
    });
  }
});

describe('SPEC J3: alg from an allowlist; key type and the key\'s own alg must agree (RFC 8725 §3.1)', () => {
  it('refuses an algorithm outside options.algorithms', async () => {
    const f = await createFixture({ alg: 'RS256', options: { algorithms: ['ES256'] } });
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    const ok = await createFixture({ alg: 'RS256', options: { algorithms: ['RS256'] } });
    await expect(ok.verify(await ok.sign())).resolves.toBeDefined();
  });

  it('per-issuer algorithms override the global list', async () => {
    const f = await createFixture({ alg: 'ES256', issuer: { algorithms: ['RS256'] } });
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });

  it('HS256 is refused by default, even "signed" with the public key text', async () => {
    const f = await createFixture({ alg: 'RS256' });
    const secret = new TextEncoder().encode(JSON.stringify(f.key.publicJwk));
    const forged = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: f.options.issuer, exp: 1_893_456_060, jti: 'h' })
      .setProtectedHeader({ alg: 'HS256', kid: f.key.publicJwk.kid as string })
      .sign(secret);
    await f.reject(forged, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });

  it('HS256 works only with an explicitly configured oct key and algorithms entry for that issuer', async () => {
    const secret = await generateSecret('HS256', { extractable: true });
    const jwk = { ...(await exportJWK(secret)), alg: 'HS256', kid: 'shared' };
    const f = await createFixture({ issuer: { keys: [jwk as never], algorithms: ['HS256'] } });
    const token = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: f.options.issuer, iat: 1_893_456_000, exp: 1_893_456_060, jti: 'hs' })
      .setProtectedHeader({ alg: 'HS256', kid: 'shared' })
      .sign(secret);
    await expect(f.verify(token)).resolves.toBeDefined();
    expect(() => createStaticKeyResolver({ a: { keys: [jwk as never] } })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ a: { keys: [(f.key.publicJwk)], algorithms: ['HS256'] } })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ a: { keys: [{ ...jwk, k: 'c2hvcnQ' } as never], algorithms: ['HS256'] } })).toThrow(/too short/);
  });

  it('refuses a header alg that does not fit the key type or curve', async () => {
    const es384 = await testKey('ES384');
    const f = await createFixture({ alg: 'ES256' });
    // Signed with a P-384 key claiming the P-256 key's kid: the only ES256 key cannot check ES384.
    await f.reject(await f.sign({ key: es384, header: { kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
  });

  it("a key's own alg pins it: an RS256 key never verifies PS256", async () => {
    const ps = await testKey('PS256', 'same-rsa');
    const pinned = await createFixture({ alg: 'PS256', issuer: { keys: [{ ...ps.publicJwk, alg: 'RS256' }] } });
    await pinned.reject(await pinned.sign({ key: ps }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    const unpinned = await createFixture({ alg: 'PS256', issuer: { keys: [ps.publicJwk] } });
    await expect(unpinned.verify(await unpinned.sign({ key: ps }))).resolves.toBeDefined();
  });
});

describe('SPEC J4: jwk, jku, x5u and x5c headers never supply a key; kid only chooses among configured keys', () => {
  it('an attacker key embedded as jwk does not verify', async () => {
    const f = await createFixture();
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const token = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: f.options.issuer, exp: 1_893_456_060, jti: 'jwk' })
      .setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(attacker.publicKey), jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert' })
      .sign(attacker.privateKey);
    await f.reject(token, 'ERR_JWT_BEARER_SIGNATURE_INVALID');
  });

  it('kid selects among the issuer keys; an unknown kid falls back only to unlabelled keys', async () => {
    const a = await testKey('ES256', 'a');
    const b = await testKey('ES256', 'b');
    const f = await createFixture({ issuer: { keys: [a.publicJwk, b.publicJwk] } });
    await expect(f.verify(await f.sign({ key: b }))).resolves.toBeDefined();
    await f.reject(await f.sign({ key: b, header: { kid: 'nope' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    // Named a's kid but signed by b: only a is tried.
    await f.reject(await f.sign({ key: b, header: { kid: a.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    const { kid: _kid, ...unlabelled } = b.publicJwk;
    const g = await createFixture({ issuer: { keys: [a.publicJwk, unlabelled] } });
    await expect(g.verify(await g.sign({ key: b, header: { kid: 'whatever' } }))).resolves.toBeDefined();
  });

  it('without a hint, the issuer keys of the right type are tried', async () => {
    const rsa = await testKey('RS256');
    const ec = await testKey('ES256', 'nohint');
    const f = await createFixture({ issuer: { keys: [rsa.publicJwk, ec.publicJwk] } });
    await expect(f.verify(await f.sign({ key: ec, header: { kid: undefined } }))).resolves.toBeDefined();
  });

  it('x5t#S256 selects the key whose JWK carries that thumbprint', async () => {
    const a = await testKey('ES256', 'x5a');
    const b = await testKey('ES256', 'x5b');
    const keys = [{ ...a.publicJwk, kid: undefined, 'x5t#S256': 'thumb-a' }, { ...b.publicJwk, kid: undefined, 'x5t#S256': 'thumb-b' }];
    const f = await createFixture({ issuer: { keys: keys as never } });
    await expect(f.verify(await f.sign({ key: b, header: { kid: undefined, 'x5t#S256': 'thumb-b' } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ key: b, header: { kid: undefined, 'x5t#S256': 'thumb-a' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(await f.sign({ key: b, header: { kid: undefined, 'x5t#S256': 'thumb-c' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });
});

describe('key hygiene at configuration time', () => {
  it('accepts SPKI PEM keys and refuses unsafe keys with a TypeError naming the entry', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportSPKI(rsa.publicKey);
    expect(() => createStaticKeyResolver({ a: { keys: [pem] } })).not.toThrow();
    const { generateKeyPairSync } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const weakJwk = weak.export({ format: 'jwk' });
    expect(() => createStaticKeyResolver({ a: { keys: [weakJwk] } })).toThrow(/a"\]\.keys\[0\].*1024 bits/);
    const weakPem = weak.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createStaticKeyResolver({ a: { keys: [weakPem] } })).toThrow(/1024 bits/);
    const good = await exportJWK(rsa.publicKey);
    expect(() => createStaticKeyResolver({ a: { keys: [{ ...good, use: 'enc' }] } })).toThrow(/use/);
    expect(() => createStaticKeyResolver({ a: { keys: [{ ...good, key_ops: ['encrypt'] }] } })).toThrow(/key_ops/);
    expect(() => createStaticKeyResolver({ a: { keys: [] } })).toThrow(/at least one key/);
    const privateJwk = await exportJWK(rsa.privateKey);
    expect(() => createStaticKeyResolver({ a: { keys: [privateJwk] } })).toThrow(/private/);
    expect(() => createStaticKeyResolver({ a: { keys: [good], subject: 'any' } as never })).toThrow(TypeError);
    expect(() => createStaticKeyResolver({ a: { keys: ['-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----'] } })).toThrow(/private/);
  });

  it('verifies with an SPKI PEM key', async () => {
    const rsa = await testKey('RS256', 'pem');
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const f = await createFixture({ alg: 'RS256', issuer: { keys: [pem] } });
    await expect(f.verify(await f.sign({ key: rsa, header: { kid: undefined } }))).resolves.toBeDefined();
  });
});
