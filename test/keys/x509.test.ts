import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStaticKeyResolver, type Jwk, type TrustedKey } from '../../src/index.js';
import { selfSignedCertificate } from '../helpers/certificate.js';
import { createFixture, testKey, type TestKey } from '../helpers/fixture.js';
import { certificateForSpki, pssSpkiOf, spkiOf } from '../helpers/certificate.js';
import { startJwksServer, type JwksServer } from './jwks-server.js';
import { createRemoteFixture } from './remote-fixture.js';

const withoutKid = (key: TestKey): Jwk => {
  const { kid: _kid, ...jwk } = key.publicJwk;
  return jwk;
};
const configure = (keys: TrustedKey[]) => () => createStaticKeyResolver({ 'svc@example.com': { keys } });

describe('RFC 7517 §4.7: the key in x5c[0] MUST match the JWK (refused at configuration time otherwise)', () => {
  it('accepts an x5c holding the JWK key, for RSA, EC and Ed25519, and verifies with it', async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const key = await testKey(alg, 'x5c-match');
      const cert = alg === 'EdDSA' ? certificateForSpki(spkiOf(key.publicJwk)) : selfSignedCertificate(key, 'match');
      const f = await createFixture({ alg, issuer: { keys: [{ ...key.publicJwk, x5c: [cert.base64] }] } });
      await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
    }
  });

  it('refuses an x5c holding another key of the same type (RSA, EC, Ed25519)', async () => {
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
      const key = await testKey(alg, 'x5c-jwk');
      const other = await testKey(alg, 'x5c-other');
      const cert = alg === 'EdDSA' ? certificateForSpki(spkiOf(other.publicJwk)) : selfSignedCertificate(other, 'other');
      expect(configure([{ ...key.publicJwk, x5c: [cert.base64] }])).toThrow(/keys\[0\]: the public key of JWK "x5c"\[0\] does not match/);
    }
  });

  it('refuses an x5c of another key type or curve', async () => {
    const rsa = await testKey('RS256', 'x5c-type');
    const p256 = await testKey('ES256', 'x5c-type');
    const p384 = await testKey('ES384', 'x5c-type');
    const ed = await testKey('EdDSA', 'x5c-type');
    const cases: Array<[TestKey, string]> = [
      [p256, selfSignedCertificate(rsa, 'rsa').base64],
      [rsa, selfSignedCertificate(p256, 'ec').base64],
      [p384, certificateForSpki(spkiOf(p256.publicJwk)).base64],
      [ed, certificateForSpki(spkiOf(p256.publicJwk)).base64],
      [p256, certificateForSpki(spkiOf(ed.publicJwk)).base64],
    ];
    for (const [key, x5c] of cases) expect(configure([{ ...key.publicJwk, x5c: [x5c] }])).toThrow(/does not match/);
  });

  it('refuses a malformed x5c: not a non-empty array of base64 strings, not a certificate, on an oct key', async () => {
    const key = await testKey('ES256', 'x5c-bad');
    const cert = selfSignedCertificate(key, 'bad');
    for (const x5c of [[], 'MIIB', [42], [''], [cert.base64, 7], ['!!not base64!!'], [Buffer.from('not a certificate').toString('base64')]]) {
      expect(configure([{ ...key.publicJwk, x5c } as Jwk])).toThrow(/x5c/);
    }
    const oct = { kty: 'oct', alg: 'HS256', k: Buffer.alloc(32, 7).toString('base64url'), x5c: [cert.base64] };
    expect(() => createStaticKeyResolver({ a: { keys: [oct], algorithms: ['HS256'] } })).toThrow(/"oct" JWK cannot carry "x5c"/);
  });

  it('only x5c[0] must hold the key; the rest of the chain is carried, not validated', async () => {
    const key = await testKey('ES256', 'x5c-chain');
    const ca = await testKey('ES256', 'x5c-ca');
    const chain = [selfSignedCertificate(key, 'leaf').base64, selfSignedCertificate(ca, 'ca').base64];
    const f = await createFixture({ issuer: { keys: [{ ...key.publicJwk, x5c: chain }] } });
    await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
  });

  it('an RSASSA-PSS certificate restricts the RSA JWK to PS*: RS256 refused, alg RS256 refused at configuration', async () => {
    const key = await testKey('PS256', 'x5c-pss');
    const cert = certificateForSpki(pssSpkiOf(key.publicJwk));
    const f = await createFixture({ alg: 'PS256', issuer: { keys: [{ ...key.publicJwk, x5c: [cert.base64] }] } });
    await expect(f.verify(await f.sign({ key }))).resolves.toBeDefined();
    const rs = await testKey('RS256', 'x5c-pss');
    const g = await createFixture({ alg: 'RS256', issuer: { keys: [{ ...rs.publicJwk, x5c: [certificateForSpki(pssSpkiOf(rs.publicJwk)).base64] }] } });
    await g.reject(await g.sign({ key: rs }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    expect(configure([{ ...key.publicJwk, alg: 'RS256', x5c: [cert.base64] }])).toThrow(/RSASSA-PSS/);
    expect(configure([{ ...key.publicJwk, alg: 'PS384', x5c: [cert.base64] }])).not.toThrow();
  });

  it('a PEM certificate of a weak RSA key is refused like the key itself', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(configure([certificateForSpki(weak).pem])).toThrow(/1024 bits/);
  });
});

describe('x5t / x5t#S256 are computed from the certificate for lookup (RFC 7515 §4.1.7-4.1.8)', () => {
  it('a PEM certificate and an x5c JWK are found by either thumbprint, for grants', async () => {
    const key = await testKey('ES256', 'thumb');
    const cert = selfSignedCertificate(key, 'thumb');
    for (const configured of [cert.pem, { ...withoutKid(key), x5c: [cert.base64] }] as TrustedKey[]) {
      const f = await createFixture({ issuer: { keys: [configured] } });
      await expect(f.verify(await f.sign({ key, header: { kid: undefined, x5t: cert.x5t } }))).resolves.toBeDefined();
      await expect(f.verify(await f.sign({ key, header: { kid: undefined, 'x5t#S256': cert.x5tS256 } }))).resolves.toBeDefined();
      await f.reject(await f.sign({ key, header: { kid: undefined, 'x5t#S256': cert.x5t } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    }
  });
});

describe('X.509 validity is checked at verification time, on the verifier clock (both boundaries)', () => {
  const notBefore = new Date('2030-01-01T00:00:00Z');
  const notAfter = new Date('2030-01-02T00:00:00Z');

  it('configuring an expired or not yet valid certificate is no error (it is skipped when used)', async () => {
    const key = await testKey('ES256', 'validity');
    const expired = selfSignedCertificate(key, 'old', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    expect(configure([expired.pem, { ...key.publicJwk, x5c: [expired.base64] }])).not.toThrow();
  });

  for (const form of ['PEM certificate', 'JWK with x5c'] as const) {
    it(`${form}: refused 1 ms before notBefore, accepted at notBefore and at notAfter, refused 1 ms after`, async () => {
      const key = await testKey('ES256', 'validity');
      const cert = selfSignedCertificate(key, 'window', { notBefore, notAfter });
      const configured: TrustedKey = form === 'PEM certificate' ? cert.pem : { ...withoutKid(key), x5c: [cert.base64] };
      const f = await createFixture({ issuer: { keys: [configured] } });
      const attempt = async (at: number) => {
        f.clock.set(at);
        return f.verify(await f.sign({ key, header: { kid: undefined } }));
      };
      await expect(attempt(notBefore.getTime() - 1)).rejects.toMatchObject({ code: 'ERR_JWT_BEARER_KEY_NOT_FOUND', error: 'invalid_grant' });
      await expect(attempt(notBefore.getTime())).resolves.toBeDefined();
      await expect(attempt(notAfter.getTime())).resolves.toBeDefined();
      await expect(attempt(notAfter.getTime() + 1)).rejects.toMatchObject({ code: 'ERR_JWT_BEARER_KEY_NOT_FOUND', error: 'invalid_grant' });
    });
  }
});

describe('remote JWKS: x5c keys get the same checks', () => {
  let server: JwksServer;
  beforeEach(async () => {
    server = await startJwksServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('a JWKS key whose x5c[0] holds another key is dropped: alone 503, beside a good key KEY_NOT_FOUND by its kid', async () => {
    const good = await testKey('ES256', 'remote-good');
    const liar = await testKey('ES256', 'remote-liar');
    const mismatched = { ...liar.publicJwk, x5c: [selfSignedCertificate(good, 'stolen').base64] };
    server.setJwks({ keys: [mismatched] });
    const alone = await createRemoteFixture(server);
    await alone.reject(await alone.sign({ key: liar }), 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED');
    server.setJwks({ keys: [mismatched, good.publicJwk] });
    const beside = await createRemoteFixture(server);
    await beside.reject(await beside.sign({ key: liar }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    await expect(beside.verify(await beside.sign({ key: good }))).resolves.toBeDefined();
  });

  it('an expired x5c certificate in a JWKS is KEY_NOT_FOUND (invalid_grant): the issuer answered, the key is out of date', async () => {
    const key = await testKey('ES256', 'remote-expired');
    const cert = selfSignedCertificate(key, 'old', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    server.setJwks({ keys: [{ ...key.publicJwk, x5c: [cert.base64] }] });
    const f = await createRemoteFixture(server);
    await f.reject(await f.sign({ key }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
  });
});
