import { describe, expect, it } from 'vitest';
import { b64, createFixture, SERVICE, signRaw, T0, tamper } from '../helpers/fixture.js';

describe('SPEC J1: compact JWS only, canonical base64url, size cap (RFC 7515 §3.1, §7.1)', () => {
  it('refuses anything but three segments; five segments is a JWE', async () => {
    const f = await createFixture();
    const valid = await f.sign();
    const [h, p, s] = valid.split('.');
    await f.reject(`${h}.${p}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${h}.${p}.${s}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${b64('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.a.b.c.d`, 'ERR_JWT_BEARER_ASSERTION_ENCRYPTED');
    await expect(f.verify(valid)).resolves.toBeDefined();
  });

  it('refuses padding, whitespace and non-base64url characters', async () => {
    const f = await createFixture();
    const valid = await f.sign();
    const [h = '', p = '', s = ''] = valid.split('.');
    for (const bad of [`${h}=.${p}.${s}`, ` ${valid}`, `${valid}\n`, `${h}.${p}.${s.slice(0, 10)}+${s.slice(11)}`, `${h}.${p.slice(0, 5)} ${p.slice(5)}.${s}`]) {
      await f.reject(bad, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    }
  });

  it('refuses a non-canonical spelling of the same signature bytes', async () => {
    const f = await createFixture({ alg: 'RS256' });
    const valid = await f.sign();
    // An RS256 signature is 256 bytes: 342 base64url characters, the last carrying 4 unused bits.
    const last = valid.charAt(valid.length - 1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet.charAt(alphabet.indexOf(last) | 1);
    expect(Buffer.from(valid.slice(0, -1) + twin, 'base64url').equals(Buffer.from(valid, 'base64url'))).toBe(true);
    await f.reject(valid.slice(0, -1) + twin, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await expect(f.verify(valid)).resolves.toBeDefined();
  });

  it('refuses an empty signature as unsecured', async () => {
    const f = await createFixture();
    const [h, p] = (await f.sign()).split('.');
    await f.reject(`${h}.${p}.`, 'ERR_JWT_BEARER_ASSERTION_UNSECURED');
  });

  it('size cap: 8192 characters by default, configurable', async () => {
    const f = await createFixture();
    const big = await f.sign({ claims: { pad: 'x'.repeat(5800) } });
    expect(big.length).toBeGreaterThan(8000);
    expect(big.length).toBeLessThanOrEqual(8192);
    await expect(f.verify(big)).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { pad: 'x'.repeat(6200) } }), 'ERR_JWT_BEARER_ASSERTION_TOO_LARGE');
    const small = await createFixture({ options: { maxAssertionSize: 1024 } });
    await small.reject(await small.sign({ claims: { pad: 'x'.repeat(1000) } }), 'ERR_JWT_BEARER_ASSERTION_TOO_LARGE');
  });
});

describe('SPEC J2: header and claims are JSON objects without duplicate member names (RFC 7515 §4, RFC 7519 §7.2)', () => {
  it('refuses non-object headers and claims sets', async () => {
    const f = await createFixture();
    const [h, , s] = (await f.sign()).split('.');
    for (const payload of ['[]', '"x"', '42', 'null', '{"iss":', 'not json']) await f.reject(`${h}.${b64(payload)}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${b64('["ES256"]')}.${b64('{}')}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
  });

  it('refuses duplicate member names, also when spelled with escapes', async () => {
    const f = await createFixture();
    const [, , s] = (await f.sign()).split('.');
    const header = b64('{"alg":"ES256"}');
    await f.reject(`${header}.${b64('{"iss":"a","sub":"b","iss":"c"}')}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${header}.${b64('{"iss":"a","\\u0069ss":"c"}')}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${b64('{"alg":"ES256","alg":"none"}')}.${b64('{"iss":"a"}')}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    // The same name in different objects is not a duplicate.
    await expect(f.verify(await f.sign({ claims: { a: { iss: 1 }, b: [{ iss: 2 }, { iss: 3 }] } }))).resolves.toBeDefined();
  });

  it('refuses a header without a string alg', async () => {
    const f = await createFixture();
    const [, p, s] = (await f.sign()).split('.');
    for (const header of ['{}', '{"alg":7}', '{"alg":""}']) await f.reject(`${b64(header)}.${p}.${s}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
  });
});

describe('SPEC J5: crit with any unsupported extension is rejected (RFC 7515 §4.1.11)', () => {
  it('refuses crit and b64, signed by the real key', async () => {
    const f = await createFixture();
    const claims = JSON.stringify({ iss: SERVICE, sub: SERVICE, aud: 'https://as.example.com', exp: T0 + 60, jti: 'crit-1' });
    const header = (extra: string) => `{"alg":"ES256","kid":"${String(f.key.publicJwk.kid)}"${extra}}`;
    await f.reject(await signRaw(header(',"crit":["exp"],"exp":1'), claims, f.key), 'ERR_JWT_BEARER_CRIT_UNSUPPORTED');
    await f.reject(await signRaw(header(',"crit":[]'), claims, f.key), 'ERR_JWT_BEARER_CRIT_UNSUPPORTED');
    await f.reject(await signRaw(header(',"b64":true'), claims, f.key), 'ERR_JWT_BEARER_CRIT_UNSUPPORTED');
    await expect(f.verify(await signRaw(header(',"cty":"JWT"'), claims, f.key))).resolves.toBeDefined();
  });
});

describe('SPEC J6: typ absent, JWT or application/jwt (RFC 8725 §3.11)', () => {
  it('accepts the JWT types in any case and refuses other explicit types', async () => {
    const f = await createFixture();
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'Application/JWT']) {
      await expect(f.verify(await f.sign({ header: { typ } }))).resolves.toBeDefined();
    }
    for (const typ of ['at+jwt', 'dpop+jwt', 'client-authentication+jwt', 'JOSE', '', 7]) {
      await f.reject(await f.sign({ header: { typ } }), 'ERR_JWT_BEARER_TYP_INVALID');
    }
  });
});

describe('RFC 7523 §3 item 9 / SPEC J15: the signature must verify; unknown issuer looks like a bad signature', () => {
  it('refuses a changed payload or header with the original signature', async () => {
    const f = await createFixture({ issuer: { subjects: 'any' } });
    const valid = await f.sign();
    await f.reject(tamper(valid, { claims: { sub: 'admin' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await f.reject(tamper(valid, { header: { typ: 'JWT' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    await expect(f.verify(valid)).resolves.toBeDefined();
  });

  it('unknown issuer and bad signature give the same public error', async () => {
    const f = await createFixture();
    const unknown = await f.reject(await f.sign({ claims: { iss: 'stranger' } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
    const forged = await f.reject(tamper(await f.sign(), { claims: { scope: 'x' } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(unknown.toJSON()).toEqual(forged.toJSON());
    expect(unknown.status).toBe(forged.status);
  });
});
