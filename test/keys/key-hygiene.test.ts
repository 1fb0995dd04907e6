import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { exportJWK, generateSecret, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaticKeyResolver, type Jwk } from '../../src/index.js';
import { AS_ISSUER, b64, createFixture, SERVICE, T0, testKey } from '../helpers/fixture.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { createRemoteFixture } from './remote-fixture.js';

const configure = (key: Jwk | string) => () => createStaticKeyResolver({ 'svc@example.com': { keys: [key] } });

/** An RSA JWK whose modulus has exactly `bits` bits (never imported: hygiene is checked without importing). */
function rsaJwkOfBits(bits: number): Jwk {
  const n = Buffer.alloc(Math.ceil(bits / 8), 0xa5);
  n[0] = 1 << ((bits - 1) % 8); // the top bit of the modulus is bit bits - 1
  return { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' };
}

/** An RS256 assertion signed with node:crypto (jose refuses to sign with an RSA key under 2048 bits). */
function signRs256(privateKey: KeyObject, kid: string): string {
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid }))}.${b64(JSON.stringify({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: `weak-${kid}` }))}`;
  return `${input}.${nodeSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

let server: JwksServer;
beforeEach(async () => {
  server = await startJwksServer();
});
afterEach(async () => {
  await server.close();
});

describe('RFC 7518 §3.3 / RFC 8725 §3.5: RSA keys under 2048 bits are refused', () => {
  it('boundary: a 2047-bit modulus is refused at configuration, a 2048-bit one accepted', () => {
    expect(configure(rsaJwkOfBits(2047))).toThrow(/2047 bits is too short/);
    expect(configure(rsaJwkOfBits(2048))).not.toThrow();
    expect(configure(rsaJwkOfBits(16_385))).toThrow(/too long/);
  });

  it('remote: a 1024-bit key in the JWKS is dropped; its genuine signature is refused, the good key still verifies', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const good = await testKey('ES256', 'beside-weak');
    server.setJwks({ keys: [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak' }, good.publicJwk] });
    const f = await createRemoteFixture(server);
    await f.reject(signRs256(weak.privateKey, 'weak'), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});

describe('RFC 7517 §4.2-4.3: "use" must be "sig" and "key_ops" must include "verify"', () => {
  it('static: refused at configuration with a TypeError, accepted otherwise', async () => {
    const jwk = (await testKey('ES256', 'use')).publicJwk;
    expect(configure({ ...jwk, use: 'enc' })).toThrow(/"use" is "enc"/);
    expect(configure({ ...jwk, use: 'SIG' })).toThrow(/"use"/);
    for (const key_ops of [['encrypt'], [], ['sign'], 'verify']) expect(configure({ ...jwk, key_ops } as Jwk)).toThrow(/key_ops/);
    expect(configure({ ...jwk, use: 'sig', key_ops: ['verify'] })).not.toThrow();
    expect(configure(jwk)).not.toThrow();
  });

  it('remote: an enc key or one without verify is dropped, so its genuine signature is refused', async () => {
    const enc = await testKey('ES256', 'remote-enc');
    const ops = await testKey('ES256', 'remote-ops');
    const good = await testKey('ES256', 'remote-good');
    server.setJwks({ keys: [{ ...enc.publicJwk, use: 'enc' }, { ...ops.publicJwk, key_ops: ['encrypt'] }, { ...good.publicJwk, use: 'sig', key_ops: ['verify'] }] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key: enc }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await f.reject(await f.sign({ key: ops }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});

describe('RFC 8725 §3.1 / SPEC J3: symmetric keys are refused for asymmetric algorithms', () => {
  it('static: an ES256 header naming the issuer oct key is ALG_KEY_MISMATCH, even with ES256 allowed', async () => {
    const secret = { ...(await exportJWK(await generateSecret('HS256', { extractable: true }))), alg: 'HS256', kid: 'shared' };
    const ec = await testKey('ES256', 'beside-oct');
    const f = await createFixture({ issuer: { keys: [secret as Jwk, ec.publicJwk], algorithms: ['HS256', 'ES256'] } });
    await f.reject(await f.sign({ key: ec, header: { kid: 'shared' } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    await expect(f.verify(await f.sign({ key: ec }))).resolves.toBeDefined();
  });

  it('remote: a JWKS never supplies a shared secret: an HS256 assertion with the published oct key is refused', async () => {
    const raw = await generateSecret('HS256', { extractable: true });
    const secret = { ...(await exportJWK(raw)), alg: 'HS256', kid: 'published-secret' };
    const ec = await testKey('ES256', 'beside-published-oct');
    server.setJwks({ keys: [secret, ec.publicJwk] });
    const f = await createRemoteFixture(server);
    const hs = await new SignJWT({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: 'hs-remote' })
      .setProtectedHeader({ alg: 'HS256', kid: 'published-secret' })
      .sign(raw);
    await f.reject(hs, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    const resolved = await f.keyResolver.resolve(SERVICE, { header: { alg: 'HS256', kid: 'published-secret' }, use: 'grant' });
    expect(resolved?.keys).toEqual([ec.publicJwk]);
  });
});

describe("RFC 8725 §3.1: a key's own alg pins it", () => {
  it('remote: a JWKS RSA key with alg RS256 never verifies PS256 (though the signature is genuine); control: RS256 verifies', async () => {
    const ps = await testKey('PS256', 'pinned');
    server.setJwks({ keys: [{ ...ps.publicJwk, alg: 'RS256' }] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key: ps }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    const rsKey = await testKey('RS256', 'pinned-rs');
    server.setJwks({ keys: [{ ...rsKey.publicJwk, alg: 'RS256' }] });
    const g = await createRemoteFixture(server);
    await expect(g.verify(await g.sign({ key: rsKey }))).resolves.toBeDefined();
  });

  it('static: an alg that does not fit the key type, or is unknown, is refused at configuration', async () => {
    const ec = (await testKey('ES256', 'alg-fit')).publicJwk;
    const rsa = (await testKey('RS256', 'alg-fit')).publicJwk;
    for (const key of [{ ...ec, alg: 'RS256' }, { ...ec, alg: 'ES384' }, { ...rsa, alg: 'ES256' }, { ...rsa, alg: 'HS256' }, { ...ec, alg: 'ES256K' }, { ...ec, alg: 'none' }]) {
      expect(configure(key)).toThrow(/"alg"/);
    }
    expect(configure({ ...ec, alg: 'ES256' })).not.toThrow();
  });

  it('remote: a key whose alg does not fit its type is dropped', async () => {
    const ec = await testKey('ES256', 'remote-alg-fit');
    server.setJwks({ keys: [{ ...ec.publicJwk, alg: 'RS256' }] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key: ec }), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
  });
});

describe('private key material is never a trusted key', () => {
  it('remote: a JWKS that publishes a private key has that key dropped', async () => {
    const key = await testKey('ES256', 'leaked');
    const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.publicJwk.kid };
    const good = await testKey('ES256', 'not-leaked');
    server.setJwks({ keys: [privateJwk, good.publicJwk] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});
