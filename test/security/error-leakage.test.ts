import { exportJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type ClientKeyResolver,
  type JwtBearerGrantOptions,
  type OAuthError,
} from '../../src/index.js';
import { b64, createFixture, expectOAuthError, tamper, testKey, type Fixture } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw } from './raw-jws.js';

/** Attacker-chosen text: HTML, a quote and a backslash (not allowed in error_description), CR/LF header injection. */
const ATTACK = '<script>"\\';
const ATTACK_CRLF = 'x\r\nSet-Cookie: pwned=1';
const ATTACKER_STRINGS = [ATTACK, '<script>', ATTACK_CRLF, 'Set-Cookie', 'pwned'];
/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E. */
const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

interface Rejection {
  name: string;
  code: string;
  /** The assertion sent, when there is one. */
  assertion?: string;
  run(): Promise<unknown>;
}

async function secretsOf(f: Fixture): Promise<string[]> {
  const privateJwk: JWK = await exportJWK(f.key.privateKey);
  const rsa = await testKey('RS256');
  const secrets = [privateJwk.d, privateJwk.x, privateJwk.y, f.key.publicJwk.x, f.key.publicJwk.y, rsa.publicJwk.n];
  return secrets.filter((s): s is string => typeof s === 'string');
}

async function rejections(f: Fixture): Promise<Rejection[]> {
  const attacker = await testKey('ES256', 'attacker');
  const list: Rejection[] = [];
  const withAssertion = (name: string, code: string, assertion: string, extra: Record<string, string> = {}) =>
    list.push({ name, code, assertion, run: () => f.verify(assertion, extra) });
  const withBody = (name: string, code: string, body: unknown, assertion?: string) =>
    list.push({ name, code, ...(assertion === undefined ? {} : { assertion }), run: () => verifyJwtBearerGrant({ body }, f.options) });

  withAssertion('bad signature', 'ERR_JWT_BEARER_SIGNATURE_INVALID', await f.sign({ key: attacker, header: { kid: f.key.publicJwk.kid }, claims: { jti: ATTACK } }));
  withAssertion('unknown issuer', 'ERR_JWT_BEARER_ISSUER_UNKNOWN', await f.sign({ claims: { iss: ATTACK, sub: ATTACK_CRLF } }));
  withAssertion('unknown kid', 'ERR_JWT_BEARER_KEY_NOT_FOUND', await f.sign({ header: { kid: ATTACK } }));
  withAssertion('malformed: bad JSON header', 'ERR_JWT_BEARER_ASSERTION_MALFORMED', `${b64(`{"alg":"ES256","x":"${ATTACK}`)}.${b64(claimsText())}.${b64('sig')}`);
  withAssertion('malformed: not base64url', 'ERR_JWT_BEARER_ASSERTION_MALFORMED', `${ATTACK}.${ATTACK}.${ATTACK}`);
  withAssertion('malformed: duplicate members', 'ERR_JWT_BEARER_ASSERTION_MALFORMED', signRaw(headerText(f.key), claimsText({}, `"iss":${JSON.stringify(ATTACK)}`), f.key));
  withAssertion('expired', 'ERR_JWT_BEARER_ASSERTION_EXPIRED', await f.sign({ claims: { iat: 1, exp: 2, jti: ATTACK } }));
  withAssertion('wrong aud', 'ERR_JWT_BEARER_AUDIENCE_MISMATCH', await f.sign({ claims: { aud: ATTACK } }));
  withAssertion('wrong aud in array', 'ERR_JWT_BEARER_AUDIENCE_MISMATCH', await f.sign({ claims: { aud: ['https://as.example.com', ATTACK_CRLF] } }));
  withAssertion('subject not allowed', 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', await f.sign({ claims: { sub: ATTACK } }));
  withAssertion('typ', 'ERR_JWT_BEARER_TYP_INVALID', await f.sign({ header: { typ: ATTACK } }));
  withAssertion('crit', 'ERR_JWT_BEARER_CRIT_UNSUPPORTED', signRaw(headerText(f.key, `"crit":[${JSON.stringify(ATTACK)}],${JSON.stringify(ATTACK)}:1`), claimsText(), f.key));
  withAssertion('claim type', 'ERR_JWT_BEARER_CLAIM_INVALID', await f.sign({ claims: { exp: ATTACK } }));
  withAssertion('lifetime', 'ERR_JWT_BEARER_LIFETIME_TOO_LONG', await f.sign({ claims: { exp: 1e300, jti: ATTACK } }));
  withAssertion('unsecured', 'ERR_JWT_BEARER_ASSERTION_UNSECURED', `${b64(JSON.stringify({ alg: 'none', kid: ATTACK }))}.${b64(claimsText({ jti: JSON.stringify(ATTACK) }))}.`);
  withAssertion('encrypted', 'ERR_JWT_BEARER_ASSERTION_ENCRYPTED', [b64(`{"alg":"dir","enc":"A256GCM","x":${JSON.stringify(ATTACK)}}`), '', b64(ATTACK), b64(ATTACK), b64(ATTACK)].join('.'));
  withAssertion('too large', 'ERR_JWT_BEARER_ASSERTION_TOO_LARGE', await f.sign({ claims: { filler: ATTACK.repeat(1000) } }));
  withAssertion('scope malformed', 'ERR_JWT_BEARER_SCOPE_MALFORMED', await f.sign(), { scope: ATTACK });
  withAssertion('scope not allowed', 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', await f.sign(), { scope: 'admin<script>' });
  withAssertion('client credentials', 'ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED', await f.sign(), { client_id: ATTACK, client_secret: ATTACK_CRLF });

  const replayed = await f.sign({ claims: { jti: ATTACK_CRLF } });
  await f.verify(replayed);
  withAssertion('replayed', 'ERR_JWT_BEARER_JTI_REPLAYED', replayed);

  const duplicated = await f.sign();
  const form = `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${duplicated}&assertion=${duplicated}`;
  withBody('duplicate params (raw form)', 'ERR_JWT_BEARER_PARAMETER_REPEATED', form, duplicated);
  withBody('duplicate params (parsed form)', 'ERR_JWT_BEARER_PARAMETER_REPEATED', { grant_type: JWT_BEARER_GRANT_TYPE, assertion: [duplicated, duplicated] }, duplicated);
  withBody('duplicate attacker-named param', 'ERR_JWT_BEARER_PARAMETER_REPEATED', `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&${encodeURIComponent(ATTACK)}=1&${encodeURIComponent(ATTACK)}=2`);
  withBody('unsupported grant type', 'ERR_JWT_BEARER_GRANT_TYPE_UNSUPPORTED', { grant_type: ATTACK, assertion: duplicated }, duplicated);

  const failing: ClientKeyResolver = { resolve: () => Promise.reject(new Error(`db down near ${ATTACK}`)) };
  const failingOptions: JwtBearerGrantOptions = { ...f.options, keyResolver: failing };
  const resolverAssertion = await f.sign();
  list.push({
    name: 'resolver failure',
    code: 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED',
    assertion: resolverAssertion,
    run: () => verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: resolverAssertion } }, failingOptions),
  });
  return list;
}

function assertNoLeak(error: OAuthError, forbidden: readonly string[], where: 'public' | 'log'): void {
  const texts = where === 'public' ? [JSON.stringify(error.toJSON()), error.description] : [error.detail ?? '', error.message];
  for (const text of texts) {
    for (const value of forbidden) expect(text.includes(value), `leaks ${JSON.stringify(value.slice(0, 40))}`).toBe(false);
  }
}

function forbiddenFor(assertion: string | undefined): string[] {
  if (assertion === undefined) return [];
  // Every segment long enough not to occur by chance (the five-segment JWE has an empty one).
  return [assertion, ...assertion.split('.').filter((segment) => segment.length >= 6)];
}

describe('RFC 6749 §5.2 / SPEC R7: error responses never echo the assertion, attacker input or key material', () => {
  it('the public body and description leak nothing, for every kind of rejection', async () => {
    const f = await createFixture();
    const secrets = await secretsOf(f);
    const list = await rejections(f);
    expect(list.length).toBeGreaterThanOrEqual(25);
    for (const rejection of list) {
      const error = await expectOAuthError(rejection.run(), rejection.code);
      expect(Object.keys(error.toJSON()).sort(), rejection.name).toEqual(['error', 'error_description']);
      assertNoLeak(error, [...forbiddenFor(rejection.assertion), ...ATTACKER_STRINGS, ...secrets], 'public');
    }
    // Accept side: the same fixture still accepts a clean assertion, so the refusals above are specific.
    await f.verify(await f.sign());
  });

  it('the log-only detail and message never contain the assertion, its segments, attacker input or key material', async () => {
    const f = await createFixture();
    const secrets = await secretsOf(f);
    for (const rejection of await rejections(f)) {
      const error = await expectOAuthError(rejection.run(), rejection.code);
      assertNoLeak(error, [...forbiddenFor(rejection.assertion), ...ATTACKER_STRINGS, ...secrets], 'log');
    }
  });

  // Regression guard: the header "alg" is attacker input (any characters, CR/LF included) and must stay out of
  // the log-only detail too, as parse-form does for parameter names.
  it('the log-only detail never contains an attacker-chosen alg (ALG_NOT_ALLOWED)', async () => {
    const f = await createFixture();
    const assertion = tamper(await f.sign(), { header: { alg: ATTACK_CRLF } });
    const error = await f.reject(assertion, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    assertNoLeak(error, forbiddenFor(assertion), 'public');
    assertNoLeak(error, [ATTACK_CRLF, 'Set-Cookie'], 'log');
  });

  it('the ALG_NOT_ALLOWED public body is clean even so', async () => {
    const f = await createFixture();
    const assertion = tamper(await f.sign(), { header: { alg: ATTACK_CRLF } });
    const error = await f.reject(assertion, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    assertNoLeak(error, [...forbiddenFor(assertion), ...ATTACKER_STRINGS], 'public');
    expect(error.detail?.includes(assertion)).toBe(false);
  });

  it('every description uses only the RFC 6749 §5.2 error_description characters', async () => {
    for (const [code, [, description]] of Object.entries(ERROR_CODES)) {
      expect(DESCRIPTION_CHARSET.test(description), code).toBe(true);
    }
    const f = await createFixture();
    for (const rejection of await rejections(f)) {
      const error = await expectOAuthError(rejection.run(), rejection.code);
      expect(DESCRIPTION_CHARSET.test(error.description), rejection.name).toBe(true);
      expect(DESCRIPTION_CHARSET.test(error.toJSON().error_description), rejection.name).toBe(true);
    }
  });
});

describe('RFC 7523 §3 item 9 / SPEC J15: an unknown issuer looks exactly like a bad signature', () => {
  it('unknown issuer, bad signature, unknown kid and alg/key mismatch give identical public output', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    const es384 = await testKey('ES384');
    const unknown = await f.reject(await f.sign({ key: attacker, claims: { iss: 'nobody@else.example', sub: 'nobody@else.example' } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
    const badSignature = await f.reject(await f.sign({ key: attacker, header: { kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    const noKey = await f.reject(await f.sign({ key: attacker }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    const mismatch = await f.reject(await f.sign({ key: es384, header: { kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_ALG_KEY_MISMATCH');
    for (const other of [badSignature, noKey, mismatch]) {
      expect(other.toJSON()).toStrictEqual(unknown.toJSON());
      expect(JSON.stringify(other.toJSON())).toBe(JSON.stringify(unknown.toJSON()));
      expect(other.status).toBe(unknown.status);
      expect(other.error).toBe(unknown.error);
      expect(other.description).toBe(unknown.description);
    }
    // Accept side: the genuine issuer and key pass.
    await f.verify(await f.sign());
  });
});
