import { createECDH, createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaticKeyResolver, type Jwk } from '../../src/index.js';
import { certificateForSpki, der, pssSpkiOf, toPem } from '../helpers/certificate.js';
import { AS_ISSUER, b64, createFixture, expectOAuthError, SERVICE, T0, testKey } from '../helpers/fixture.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { createRemoteFixture } from './remote-fixture.js';

// Key VALUES are checked when a key is configured: some keys let anyone forge signatures (an RSA exponent of 1,
// an Ed25519 point of small order), others WebCrypto refuses only at import, on first use (a 500 for every
// request naming the issuer). A refused key is a TypeError for a static resolver, a dropped key in a JWKS.

/** base64url of bytes (the fixture's b64 takes text). */
const bin = (data: Uint8Array) => Buffer.from(data).toString('base64url');
const configure = (key: Jwk | string) => () => createStaticKeyResolver({ [SERVICE]: { keys: [key] } });

const integer = (bytes: Uint8Array) => der(0x02, (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const pem = (spki: Uint8Array) => toPem(Buffer.from(spki).toString('base64'), 'PUBLIC KEY');
const rsaSpki = (n: Uint8Array, e: Uint8Array) =>
  der(0x30, der(0x30, Buffer.from('06092a864886f70d010101', 'hex'), Buffer.from('0500', 'hex')), der(0x03, Buffer.from([0]), der(0x30, integer(n), integer(e))));
const P256_SPKI = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const P256_COMPRESSED_SPKI = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

/** A 2048-bit odd modulus nobody has the factors of (hygiene is checked without importing). */
function modulus(): Buffer {
  const n = randomBytes(256);
  n[0] = (n[0] as number) | 0x80;
  n[255] = (n[255] as number) | 1;
  return n;
}
const bytes = (...values: number[]) => Buffer.from(values);
/** Little-endian 32 bytes of a field element, as Ed25519 encodes y. */
function le32(value: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}
const P25519 = (1n << 255n) - 19n;
const ORDER_8_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;

let server: JwksServer;
beforeEach(async () => {
  server = await startJwksServer();
});
afterEach(async () => {
  await server.close();
});

describe('RFC 8017 §3.1 / RFC 8725 §3.5: an RSA public exponent is odd, at least 3 and below 2^256', () => {
  it('static: e = 0, 1, 2, 65536 or 2^256 + 1 is refused at configuration, as a JWK and as a PEM; 3 and 65537 are accepted', () => {
    const n = modulus();
    const big = Buffer.concat([bytes(1), Buffer.alloc(31), bytes(1)]); // 2^256 + 1: odd, 257 bits
    for (const e of [bytes(0), bytes(1), bytes(2), bytes(1, 0, 0), big]) {
      expect(configure({ kty: 'RSA', n: bin(n), e: bin(e) })).toThrow(/RSA public exponent/);
      expect(configure(pem(rsaSpki(n, e)))).toThrow(/RSA public exponent/);
    }
    for (const e of [bytes(3), bytes(1, 0, 1)]) {
      expect(configure({ kty: 'RSA', n: bin(n), e: bin(e) })).not.toThrow();
      expect(configure(pem(rsaSpki(n, e)))).not.toThrow();
    }
  });

  it('remote: an e = 1 key in a JWKS is dropped, so its universal forgery (the padded hash itself) is refused; the good key still verifies', async () => {
    const good = await testKey('ES256', 'beside-e1');
    server.setJwks({ keys: [{ kty: 'RSA', n: bin(modulus()), e: 'AQ', kid: 'e1' }, good.publicJwk] });
    const f = await createRemoteFixture(server);
    const input = `${b64(JSON.stringify({ alg: 'RS256', kid: 'e1' }))}.${b64(JSON.stringify({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: 'forged-e1' }))}`;
    // EMSA-PKCS1-v1_5 (RFC 8017 §9.2): with e = 1, the encoded message is its own signature.
    const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(input).digest()]);
    const encoded = Buffer.concat([bytes(0, 1), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), bytes(0), digestInfo]);
    await f.reject(`${input}.${bin(encoded)}`, 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});

describe('SEC 1 §3.2.2 / RFC 7518 §6.2.1: an EC public key is a point on its curve, each coordinate at full length', () => {
  it('static: off the curve, a short coordinate or one above the field prime is refused, as a JWK and as a PEM; real keys of each curve are accepted', () => {
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
      const jwk = generateKeyPairSync('ec', { namedCurve }).publicKey.export({ format: 'jwk' }) as Jwk & { x: string; y: string };
      expect(configure(jwk)).not.toThrow();
      const y = Buffer.from(jwk.y, 'base64url');
      y[y.length - 1] = (y[y.length - 1] as number) ^ 1;
      expect(configure({ ...jwk, y: bin(y) })).toThrow(/not on P-/);
      expect(configure({ ...jwk, x: bin(Buffer.from(jwk.x, 'base64url').subarray(1)) })).toThrow(/coordinates must be/);
      expect(configure({ ...jwk, x: bin(Buffer.alloc(y.length, 0xff)) })).toThrow(/below the field prime/);
    }
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Jwk & { x: string; y: string };
    const point = Buffer.concat([bytes(4), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    expect(configure(pem(Buffer.concat([P256_SPKI, point])))).not.toThrow();
    point[64] = (point[64] as number) ^ 1;
    expect(configure(pem(Buffer.concat([P256_SPKI, point])))).toThrow(/not on P-256/);
  });

  it('remote: an off-curve key in a JWKS is dropped; the good key still verifies', async () => {
    const good = await testKey('ES256', 'beside-off-curve');
    const offCurve = { ...good.publicJwk, kid: 'off', y: bin(Buffer.alloc(32, 7)) };
    server.setJwks({ keys: [offCurve, good.publicJwk] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key: good, header: { kid: 'off' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});

describe('RFC 8032 §5.1.3: an Ed25519 key is 32 canonical bytes and not a point of small order', () => {
  const smallOrder = [0n, 1n, P25519 - 1n, ORDER_8_Y, P25519 - ORDER_8_Y].map(le32);
  const signBitSet = smallOrder.map((key) => Buffer.concat([key.subarray(0, 31), bytes((key[31] as number) | 0x80)]));

  it('static: the points of small order (either sign of x), a non-canonical y and a short key are refused, as a JWK and as a PEM; a real key is accepted', () => {
    for (const key of [...smallOrder, ...signBitSet]) {
      expect(configure({ kty: 'OKP', crv: 'Ed25519', x: bin(key) })).toThrow(/small order|canonical/);
      expect(configure(pem(Buffer.concat([ED25519_SPKI, key])))).toThrow(/small order|canonical/);
    }
    expect(configure({ kty: 'OKP', crv: 'Ed25519', x: bin(le32(P25519 + 2n)) })).toThrow(/not canonically encoded/);
    expect(configure({ kty: 'OKP', crv: 'Ed25519', x: bin(Buffer.alloc(31, 9)) })).toThrow(/32 bytes/);
    const real = generateKeyPairSync('ed25519').publicKey;
    expect(configure(real.export({ format: 'jwk' }) as Jwk)).not.toThrow();
    expect(configure(real.export({ format: 'pem', type: 'spki' }) as string)).not.toThrow();
  });

  it('remote: the identity key in a JWKS is dropped, so its universal forgery (R = identity, S = 0) is refused; the good key still verifies', async () => {
    const good = await testKey('EdDSA', 'beside-identity');
    server.setJwks({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: bin(le32(1n)), kid: 'identity' }, good.publicJwk] });
    const f = await createRemoteFixture(server);
    const input = `${b64(JSON.stringify({ alg: 'EdDSA', kid: 'identity' }))}.${b64(JSON.stringify({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: 'forged-identity' }))}`;
    await f.reject(`${input}.${bin(Buffer.concat([le32(1n), Buffer.alloc(32)]))}`, 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});

describe('RFC 4055 keys WebCrypto cannot import: an id-RSASSA-PSS PEM is refused at configuration', () => {
  it('static: as a PUBLIC KEY and as a CERTIFICATE, with a pointer to the JWK form; the same key as a JWK is accepted', async () => {
    const key = await testKey('PS256', 'pss-pem');
    const spki = pssSpkiOf(key.publicJwk);
    expect(configure(pem(spki))).toThrow(/RSASSA-PSS .*configure it as a JWK/);
    expect(configure(certificateForSpki(spki).pem)).toThrow(/RSASSA-PSS/);
    expect(configure(key.publicJwk as Jwk)).not.toThrow();
  });
});

describe('a configured key the platform will not import does not hide the issuer’s other keys', () => {
  /** A compressed P-256 point whose x has no y on the curve: it passes configuration, and no import takes it. */
  function unimportablePem(): string {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const point = ecdh.getPublicKey(null, 'compressed');
    for (let flip = 0; ; flip++) {
      point[32] = (point[32] as number) ^ (1 << flip % 8);
      const candidate = pem(Buffer.concat([P256_COMPRESSED_SPKI, point]));
      try {
        createPublicKey(candidate);
      } catch {
        return candidate;
      }
    }
  }

  it('with no kid, an assertion signed by the good key verifies although an unimportable key comes first', async () => {
    const bad = unimportablePem();
    const good = await testKey('ES256', 'after-unimportable');
    const f = await createFixture({ issuer: { keys: [bad, good.publicJwk] } });
    await expect(f.verify(await f.sign({ key: good, header: { kid: undefined } }))).resolves.toBeDefined();
    // Signed by neither: the good key was checked, so it is the client's signature that is wrong (400).
    const other = await testKey('ES256', 'neither');
    const refused = await f.reject(await f.sign({ key: other, header: { kid: undefined } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(refused.detail).toMatch(/1 could not be imported/);
  });

  it('when no candidate key can be imported at all, nothing was checked: the configuration is at fault (500)', async () => {
    const f = await createFixture({ issuer: { keys: [unimportablePem()] } });
    const error = await expectOAuthError(f.verify(await f.sign({ header: { kid: undefined } })), 'ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT');
    expect(error.status).toBe(500);
  });

  it('key_ops ["verify", "sign"] and a non-boolean ext, which WebCrypto would refuse at import, are imported without those members', async () => {
    const good = await testKey('ES256', 'key-ops');
    const f = await createFixture({ issuer: { keys: [{ ...good.publicJwk, key_ops: ['verify', 'sign'], ext: 'x' } as Jwk] } });
    await expect(f.verify(await f.sign({ key: good }))).resolves.toBeDefined();
  });
});
