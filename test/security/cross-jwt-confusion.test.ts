import { describe, expect, it } from 'vitest';
import { createFixture, TOKEN_ENDPOINT } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw, signSegments } from './raw-jws.js';

const TYP_INVALID = 'ERR_JWT_BEARER_TYP_INVALID';
const CRIT = 'ERR_JWT_BEARER_CRIT_UNSUPPORTED';

describe('RFC 8725 §3.11-3.12 / rfc7523bis / SPEC J6: a JWT of another kind is never a grant assertion', () => {
  const FOREIGN_TYPES = [
    'at+jwt', // RFC 9068 access token
    'application/at+jwt',
    'AT+JWT',
    'dpop+jwt', // RFC 9449 DPoP proof
    'client-authentication+jwt', // rfc7523bis client assertion used as a grant
    'application/client-authentication+jwt',
    'secevent+jwt', // RFC 8417
    'logout+jwt', // OIDC back-channel logout
    'token-introspection+jwt', // RFC 9701
    'JOSE',
    'JWS',
    'JWE',
    'jwt+jwt',
    'JWT ',
    ' JWT',
    'application/jwt; charset=utf-8',
    'text/jwt',
    '',
  ];

  for (const typ of FOREIGN_TYPES) {
    it(`refuses typ ${JSON.stringify(typ)} even on a correctly signed assertion`, async () => {
      const f = await createFixture();
      const error = await f.reject(await f.sign({ header: { typ } }), TYP_INVALID);
      expect(error.error).toBe('invalid_grant');
      expect(error.status).toBe(400);
    });
  }

  it('refuses a non-string typ', async () => {
    const f = await createFixture();
    for (const raw of ['123', 'null', '["JWT"]', '{"JWT":true}', 'true']) {
      await f.reject(signRaw(headerText(f.key, `"typ":${raw}`), claimsText(), f.key), TYP_INVALID);
    }
  });

  it('refuses a real-looking client assertion (typ client-authentication+jwt, aud = token endpoint) as a grant', async () => {
    const f = await createFixture();
    const assertion = await f.sign({ header: { typ: 'client-authentication+jwt' }, claims: { aud: TOKEN_ENDPOINT } });
    await f.reject(assertion, TYP_INVALID);
    // Accept side: the same claims without the explicit client type are a valid grant assertion.
    await f.verify(await f.sign({ claims: { aud: TOKEN_ENDPOINT } }));
  });

  for (const typ of ['JWT', 'jwt', 'application/jwt', 'application/JWT', 'APPLICATION/JWT']) {
    it(`accepts typ ${JSON.stringify(typ)} (RFC 7515 §4.1.9: media types compare case-insensitively)`, async () => {
      const f = await createFixture();
      const grant = await f.verify(await f.sign({ header: { typ } }));
      expect(grant.header.typ).toBe(typ);
    });
  }

  it('accepts an assertion without typ', async () => {
    const f = await createFixture();
    const grant = await f.verify(await f.sign());
    expect(Object.hasOwn(grant.header, 'typ')).toBe(false);
  });
});

describe('RFC 7515 §4.1.11 / RFC 7797 §6 / SPEC J5: crit and b64 are refused (no extension is supported)', () => {
  const CRIT_HEADERS: Array<[string, string]> = [
    ['crit with exp', '"crit":["exp"],"exp":1'],
    ['crit with an unknown extension', '"crit":["urn:example:ext"],"urn:example:ext":true'],
    ['crit listing b64 with b64 false', '"crit":["b64"],"b64":false'],
    ['crit listing b64 with b64 true', '"crit":["b64"],"b64":true'],
    ['empty crit', '"crit":[]'],
    ['crit not an array', '"crit":"b64"'],
    ['crit null', '"crit":null'],
    ['b64 false without crit', '"b64":false'],
    ['b64 true without crit', '"b64":true'],
  ];

  for (const [name, extra] of CRIT_HEADERS) {
    it(`refuses ${name}`, async () => {
      const f = await createFixture();
      await f.reject(signRaw(headerText(f.key, extra), claimsText(), f.key), CRIT);
    });
  }

  it('refuses an RFC 7797 unencoded-payload JWS (b64 false, raw payload in the signing input)', async () => {
    const f = await createFixture();
    const header = Buffer.from(headerText(f.key, '"crit":["b64"],"b64":false')).toString('base64url');
    // RFC 7797 §3: the signing input is the header and the payload bytes as they are; the compact form then
    // carries an empty (detached) payload segment or the raw text, neither of which may be accepted.
    const payload = claimsText();
    const signature = signSegments(`${header}.${payload}`, f.key);
    await f.reject(`${header}..${signature}`, 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    await f.reject(`${header}.${Buffer.from(payload).toString('base64url')}.${signature}`, CRIT);
  });

  it('control: the same header without crit/b64 is accepted', async () => {
    const f = await createFixture();
    await f.verify(signRaw(headerText(f.key), claimsText(), f.key));
    await f.verify(signRaw(headerText(f.key, '"exp":1,"urn:example:ext":true'), claimsText(), f.key));
  });
});
