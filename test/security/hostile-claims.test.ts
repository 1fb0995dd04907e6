import { CompactEncrypt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticKeyResolver, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } from '../../src/index.js';
import { AS_ISSUER, b64, createFixture, SERVICE, T0, type Fixture } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw, signSegments } from './raw-jws.js';

const MALFORMED = 'ERR_JWT_BEARER_ASSERTION_MALFORMED';
const INVALID = 'ERR_JWT_BEARER_CLAIM_INVALID';
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/** Verifies, or returns the rejection code; anything that is not an OAuthError (TypeError, RangeError) fails the test. */
async function outcome(f: Fixture, assertion: string, extra?: Record<string, string>): Promise<string> {
  try {
    await f.verify(assertion, extra);
    return 'accepted';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_JWT_BEARER_')) throw error;
    return code;
  }
}

describe('SPEC J2 / STYLE: hostile member names never crash and never pollute Object.prototype', () => {
  let before: string[];
  beforeAll(() => {
    before = Object.getOwnPropertyNames(Object.prototype).sort();
  });
  afterAll(() => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toHaveLength(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });

  for (const name of HOSTILE_NAMES) {
    it(`a claim named "${name}" (object, string and null values) is ignored as an unknown claim; nothing is polluted`, async () => {
      const f = await createFixture();
      const member = JSON.stringify(name);
      for (const value of ['{"polluted":"yes","iss":"evil","exp":1}', '"polluted"', 'null', '{"prototype":{"polluted":"yes"}}']) {
        const grant = await f.verify(signRaw(headerText(f.key), claimsText({}, `${member}:${value}`), f.key));
        expect(grant.issuer).toBe(SERVICE);
        expect(Object.getPrototypeOf(grant.claims)).toBe(Object.prototype);
        expect(Object.hasOwn(grant.claims, name)).toBe(true);
      }
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.keys(Object.prototype)).toHaveLength(0);
    });

    it(`a header member named "${name}" holding crit/typ/alg:none is ignored (own members only); nothing is polluted`, async () => {
      const f = await createFixture();
      const extra = `${JSON.stringify(name)}:{"polluted":"yes","crit":["b64"],"b64":false,"typ":"at+jwt","alg":"none"}`;
      const grant = await f.verify(signRaw(headerText(f.key, extra), claimsText(), f.key));
      expect(grant.header.alg).toBe('ES256');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }

  it('required claims present only under "__proto__" are missing, never inherited', async () => {
    const f = await createFixture();
    const inner = claimsText();
    await f.reject(signRaw(headerText(f.key), `{"__proto__":${inner}}`, f.key), 'ERR_JWT_BEARER_ISSUER_MISSING');
    await f.reject(signRaw(headerText(f.key), claimsText({ exp: undefined }, `"__proto__":{"exp":${T0 + 60}}`), f.key), 'ERR_JWT_BEARER_EXPIRATION_MISSING');
    await f.reject(signRaw(headerText(f.key), claimsText({ aud: undefined }, `"constructor":{"aud":${JSON.stringify(AS_ISSUER)}}`), f.key), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
    await f.reject(signRaw(headerText(f.key), claimsText({ jti: undefined }, '"__proto__":{"jti":"inherited"}'), f.key), 'ERR_JWT_BEARER_JTI_MISSING');
    await f.reject(signRaw(`{"__proto__":{"alg":"ES256"},"kid":"ES256-main"}`, claimsText(), f.key), MALFORMED);
    await f.verify(signRaw(headerText(f.key), claimsText(), f.key));
  });

  it('hostile names as values (iss, kid, alg, typ, aud, sub, scope) are plain unknown strings', async () => {
    const f = await createFixture({ issuer: { subjects: [SERVICE] } });
    for (const name of HOSTILE_NAMES) {
      expect(await outcome(f, signRaw(headerText(f.key), claimsText({ iss: JSON.stringify(name) }), f.key))).toBe('ERR_JWT_BEARER_ISSUER_UNKNOWN');
      expect(await outcome(f, signRaw(`{"alg":"ES256","kid":${JSON.stringify(name)}}`, claimsText(), f.key))).toBe('ERR_JWT_BEARER_KEY_NOT_FOUND');
      expect(await outcome(f, signRaw(`{"alg":${JSON.stringify(name)}}`, claimsText(), f.key))).toBe('ERR_JWT_BEARER_ALG_NOT_ALLOWED');
      expect(await outcome(f, signRaw(headerText(f.key, `"typ":${JSON.stringify(name)}`), claimsText(), f.key))).toBe('ERR_JWT_BEARER_TYP_INVALID');
      expect(await outcome(f, signRaw(headerText(f.key), claimsText({ aud: JSON.stringify(name) }), f.key))).toBe('ERR_JWT_BEARER_AUDIENCE_MISMATCH');
      expect(await outcome(f, signRaw(headerText(f.key), claimsText({ sub: JSON.stringify(name) }), f.key))).toBe('ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
      expect(await outcome(f, signRaw(headerText(f.key), claimsText(), f.key), { scope: name })).toBe('ERR_JWT_BEARER_SCOPE_NOT_ALLOWED');
    }
    expect(await outcome(f, signRaw(headerText(f.key), claimsText(), f.key), { scope: 'read' })).toBe('accepted');
  });

  it('an issuer literally named "constructor" is found by exact match, and no other inherited name is', async () => {
    const f = await createFixture();
    const keyResolver = createStaticKeyResolver(JSON.parse(JSON.stringify({ constructor: { keys: [f.key.publicJwk] } })));
    const g = await createFixture({ options: { keyResolver } });
    const as = (iss: string) => claimsText({ iss: JSON.stringify(iss), sub: JSON.stringify(iss) });
    expect(await outcome(g, signRaw(headerText(g.key), as('constructor'), g.key))).toBe('accepted');
    for (const name of HOSTILE_NAMES.filter((n) => n !== 'constructor')) {
      expect(await outcome(g, signRaw(headerText(g.key), as(name), g.key))).toBe('ERR_JWT_BEARER_ISSUER_UNKNOWN');
    }
  });

  it('form parameters: own "__proto__"/"constructor" are ignored, inherited parameters are never read', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    const parsed = JSON.parse(JSON.stringify({ grant_type: JWT_BEARER_GRANT_TYPE, assertion })) as Record<string, unknown>;
    Object.assign(parsed, JSON.parse('{"__proto__":"x","constructor":"y"}'));
    await verifyJwtBearerGrant({ body: parsed }, f.options);
    const raw = `__proto__=x&constructor=y&grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${await f.sign()}`;
    await verifyJwtBearerGrant({ body: raw }, f.options);
    const inherited = Object.assign(Object.create({ assertion: await f.sign() }) as Record<string, unknown>, { grant_type: JWT_BEARER_GRANT_TYPE });
    await expect(verifyJwtBearerGrant({ body: inherited }, f.options)).rejects.toMatchObject({ code: 'ERR_JWT_BEARER_ASSERTION_MISSING' });
  });
});

describe('RFC 7519 §2 / SPEC J10-J13, J16: hostile NumericDate values are refused or judged correctly, never a TypeError', () => {
  type Expect = { exp: string; nbf: string; iat: string };
  const A = 'accepted';
  // Default claims: iat = T0, exp = T0 + 120, clock at T0, tolerance 30 s, max lifetime 300 s.
  const TABLE: Array<[raw: string, expected: Expect]> = [
    ['"NaN"', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    [`"${T0 + 120}"`, { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['"1e999"', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['"0x70DB8F78"', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['1e999', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['-1e999', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['null', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['true', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    [`[${T0 + 120}]`, { exp: INVALID, nbf: INVALID, iat: INVALID }],
    [`{"valueOf":${T0 + 120}}`, { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['{}', { exp: INVALID, nbf: INVALID, iat: INVALID }],
    ['-0', { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' }],
    ['0', { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' }],
    ['5e-324', { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' }],
    ['1e300', { exp: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG', nbf: 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', iat: 'ERR_JWT_BEARER_ISSUED_IN_FUTURE' }],
    ['-1e300', { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' }],
    ['9007199254740993', { exp: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG', nbf: 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', iat: 'ERR_JWT_BEARER_ISSUED_IN_FUTURE' }],
    ['1E2', { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' }],
    [String(T0 + 120.5), { exp: A, nbf: 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', iat: 'ERR_JWT_BEARER_ISSUED_IN_FUTURE' }],
    [String(T0 - 30.001), { exp: 'ERR_JWT_BEARER_ASSERTION_EXPIRED', nbf: A, iat: A }],
    [String(T0 + 29.999), { exp: A, nbf: A, iat: A }],
    [String(T0 + 30.001), { exp: A, nbf: 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', iat: 'ERR_JWT_BEARER_ISSUED_IN_FUTURE' }],
    [`${T0 + 120}.0000000000000001`, { exp: A, nbf: 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', iat: 'ERR_JWT_BEARER_ISSUED_IN_FUTURE' }],
  ];

  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    it(`"${claim}": every hostile value gets the right answer`, async () => {
      const f = await createFixture();
      const results: Array<[string, string]> = [];
      for (const [raw] of TABLE) {
        results.push([raw, await outcome(f, signRaw(headerText(f.key), claimsText({ [claim]: raw }), f.key))]);
      }
      expect(results).toEqual(TABLE.map(([raw, expected]) => [raw, expected[claim]]));
    });
  }

  it('SPEC J16: iss, sub, jti must be non-empty strings; aud a string or array of strings', async () => {
    const f = await createFixture();
    const bad: Array<[string, string, string]> = [
      ['iss', '123', INVALID],
      ['iss', '""', INVALID],
      ['iss', `[${JSON.stringify(SERVICE)}]`, INVALID],
      ['iss', 'null', INVALID],
      ['sub', '123', INVALID],
      ['sub', '{}', INVALID],
      ['jti', '123', INVALID],
      ['jti', '""', INVALID],
      ['jti', '["a"]', INVALID],
      ['aud', '123', INVALID],
      ['aud', '{}', INVALID],
      ['aud', `[${JSON.stringify(AS_ISSUER)},null]`, INVALID],
      ['aud', `[${JSON.stringify(AS_ISSUER)},1]`, INVALID],
      ['aud', '[]', 'ERR_JWT_BEARER_AUDIENCE_MISSING'],
      ['aud', '""', 'ERR_JWT_BEARER_AUDIENCE_MISSING'],
    ];
    for (const [claim, raw, code] of bad) {
      expect([claim, raw, await outcome(f, signRaw(headerText(f.key), claimsText({ [claim]: raw }), f.key))]).toEqual([claim, raw, code]);
    }
    expect(await outcome(f, signRaw(headerText(f.key), claimsText({ aud: `[${JSON.stringify(AS_ISSUER)}]` }), f.key))).toBe('accepted');
  });
});

describe('RFC 7515 §4 / RFC 7519 §4 / SPEC J2: duplicate member names are refused', () => {
  const DUPLICATE_CLAIMS = [
    '"iss":"b"',
    '"\\u0069ss":"b"',
    '"i\\u0073s":"svc-billing@tenant.example.com"',
    '"\\u0065\\u0078\\u0070":1',
    '"jti":"again"',
    '"x":{"a":1,"a":2}',
    '"y":[{"k":1,"k":2}]',
    '"__proto__":1,"__proto__":2',
    '"\\ud83d\\ude00":1,"😀":2',
    '"a\\/b":1,"a/b":2',
    '"q\\"":1,"q\\"":2',
  ];

  it('duplicate claims (plain, escaped, nested, __proto__, surrogate pairs) are ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    for (const extra of DUPLICATE_CLAIMS) {
      expect([extra, await outcome(f, signRaw(headerText(f.key), claimsText({}, extra), f.key))]).toEqual([extra, MALFORMED]);
    }
  });

  it('duplicate header members are ASSERTION_MALFORMED, whichever value comes last', async () => {
    const f = await createFixture();
    const headers = [
      '{"alg":"ES256","alg":"none","kid":"ES256-main"}',
      '{"alg":"none","alg":"ES256","kid":"ES256-main"}',
      '{"alg":"ES256","kid":"ES256-main","kid":"other"}',
      '{"alg":"ES256","\\u006bid":"ES256-main","kid":"ES256-main"}',
      '{"alg":"ES256","kid":"ES256-main","typ":"at+jwt","typ":"JWT"}',
      '{"alg":"ES256","kid":"ES256-main","crit":["x"],"cr\\u0069t":["y"]}',
    ];
    for (const header of headers) expect([header, await outcome(f, signRaw(header, claimsText(), f.key))]).toEqual([header, MALFORMED]);
  });

  it('control: look-alike but distinct names, and equal names in different objects, are accepted', async () => {
    const f = await createFixture();
    const extras = [
      '"iss2":"b","Iss":"c","\\u0069ss3":"d"',
      '"x":{"iss":1,"sub":2},"y":{"iss":1}',
      '"z":[{"k":1},{"k":2}]',
      '"w":"\\"iss\\":1","v":"\\\\"',
      '"a{":1,"b}":2,"c,":3,"d[":4',
    ];
    for (const extra of extras) {
      expect([extra, await outcome(f, signRaw(headerText(f.key), claimsText({}, extra), f.key))]).toEqual([extra, 'accepted']);
    }
  });
});

describe('RFC 7519 §7.2 / SPEC J2: header and claims set must be JSON objects in UTF-8', () => {
  const NOT_OBJECTS = ['[]', '[{"alg":"ES256"}]', '"ES256"', '123', 'null', 'true', '{"alg":"ES256"} {}', '{"alg":"ES256",}', "{'alg':'ES256'}"];

  it('a non-object or invalid JSON header is ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    for (const header of NOT_OBJECTS) expect([header, await outcome(f, signRaw(header, claimsText(), f.key))]).toEqual([header, MALFORMED]);
  });

  it('a non-object or invalid JSON payload is ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    for (const payload of [...NOT_OBJECTS, `[${claimsText()}]`, JSON.stringify(claimsText())]) {
      expect([payload, await outcome(f, signRaw(headerText(f.key), payload, f.key))]).toEqual([payload, MALFORMED]);
    }
  });

  it('a payload that is not valid UTF-8 is ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    const text = Buffer.from(claimsText({ note: '"\u00e9"' }));
    const latin1 = Buffer.from(claimsText({ note: '"\u00e9"' }), 'latin1');
    // `{..."n":"` + an overlong encoding of "/" (C0 AF) + `"}`: valid JSON but for the bytes.
    const overlong = Buffer.concat([Buffer.from(claimsText({}, '"n":"')).subarray(0, -1), Buffer.from([0xc0, 0xaf, 0x22, 0x7d])]);
    const wellFormed = Buffer.concat([Buffer.from(claimsText({}, '"n":"')).subarray(0, -1), Buffer.from([0x2f, 0x22, 0x7d])]);
    await f.verify(signRaw(headerText(f.key), wellFormed, f.key));
    await f.reject(signRaw(headerText(f.key), latin1, f.key), MALFORMED);
    await f.reject(signRaw(headerText(f.key), overlong, f.key), MALFORMED);
    await f.verify(signRaw(headerText(f.key), text, f.key));
  });
});

describe('RFC 7515 §3.1, §2 / SPEC J1: only the compact serialization of three canonical base64url segments', () => {
  it('padding, whitespace, wrong segment counts, empty segments, + and / are ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    const valid = await f.sign();
    const [h = '', p = '', s = ''] = valid.split('.');
    const variants: Array<[string, string]> = [
      ['padding on signature', `${h}.${p}.${s}==`],
      ['padding on header', `${h}=.${p}.${s}`],
      ['leading space', ` ${valid}`],
      ['trailing newline', `${valid}\n`],
      ['space inside signature', `${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`],
      ['tab after dot', `${h}.\t${p}.${s}`],
      ['CRLF inside payload', `${h}.${p.slice(0, 8)}\r\n${p.slice(8)}.${s}`],
      ['two segments', `${h}.${p}`],
      ['one segment', h],
      ['four segments', `${valid}.${s}`],
      ['four segments, last empty', `${valid}.`],
      ['six segments', `${valid}.${h}.${p}.${s}`],
      ['empty header', `.${p}.${s}`],
      ['empty payload', `${h}..${s}`],
      ['only dots', '..'],
      ['plus in signature', `${h}.${p}.+${s.slice(1)}`],
      ['slash in signature', `${h}.${p}.${s.slice(0, -2)}/${s.slice(-1)}`],
      ['standard base64 header', `${Buffer.from('{"alg":"ES256","kid":"ES256-main","x":"??>"}').toString('base64')}.${p}.${s}`],
      ['impossible length (4n+1)', `${h}.${p}.${s}AAA`],
      ['fullwidth dot', `${h}\uff0e${p}.${s}`],
      ['non-ASCII letter', `${h}.${p}.${s.slice(0, -1)}\u00e9`],
    ];
    for (const [name, assertion] of variants) expect([name, await outcome(f, assertion)]).toEqual([name, MALFORMED]);
    await f.verify(valid);
  });

  it('five segments (a real JWE) are ASSERTION_ENCRYPTED; a JWS header with "enc" too', async () => {
    const f = await createFixture();
    const jwe = await new CompactEncrypt(new TextEncoder().encode(await f.sign()))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(new Uint8Array(32).fill(7));
    expect(jwe.split('.')).toHaveLength(5);
    await f.reject(jwe, 'ERR_JWT_BEARER_ASSERTION_ENCRYPTED');
    await f.reject(signRaw(headerText(f.key, '"enc":"A256GCM"'), claimsText(), f.key), 'ERR_JWT_BEARER_ASSERTION_ENCRYPTED');
    await f.verify(signRaw(headerText(f.key), claimsText(), f.key));
  });
});

describe('RFC 7515 §2 / RFC 4648 §3.5: non-canonical base64url (same bytes, other text) is refused', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** The same segment with a non-zero unused low bit in its last character, or undefined if it has none. */
  function nonCanonical(segment: string): string | undefined {
    if (segment.length % 4 === 0) return undefined;
    const value = ALPHABET.indexOf(segment.charAt(segment.length - 1));
    return segment.slice(0, -1) + ALPHABET.charAt(value | 1);
  }

  it('a signature whose last character is changed to one decoding to the same bytes is refused; the original verifies', async () => {
    const f = await createFixture();
    const valid = await f.sign();
    const [h = '', p = '', s = ''] = valid.split('.');
    const mutated = nonCanonical(s);
    expect(mutated).toBeDefined();
    expect(mutated).not.toBe(s);
    // Precondition: the mutation is invisible to a lenient decoder (same signature bytes).
    expect(Buffer.from(mutated ?? '', 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    await f.reject(`${h}.${p}.${mutated}`, MALFORMED);
    await f.verify(valid);
  });

  it('same for an RS256 signature, the header and the payload segment', async () => {
    const rsa = await createFixture({ alg: 'RS256' });
    const [rh = '', rp = '', rs = ''] = (await rsa.sign()).split('.');
    await rsa.reject(`${rh}.${rp}.${nonCanonical(rs)}`, MALFORMED);

    const f = await createFixture();
    const header = headerText(f.key);
    const h = b64(header);
    // Pad the claims until the payload segment has unused bits in its last character.
    let payload = claimsText();
    for (let pad = ''; b64(payload).length % 4 === 0; pad += 'x') payload = claimsText({ pad: JSON.stringify(pad) });
    const p = b64(payload);
    const hMutated = nonCanonical(h);
    const pMutated = nonCanonical(p);
    expect(hMutated).toBeDefined();
    expect(pMutated).toBeDefined();
    // A real signature over the mutated text: only the canonical-form rule can refuse these.
    await f.reject(`${hMutated}.${p}.${signSegments(`${hMutated}.${p}`, f.key)}`, MALFORMED);
    await f.reject(`${h}.${pMutated}.${signSegments(`${h}.${pMutated}`, f.key)}`, MALFORMED);
    await f.verify(`${h}.${p}.${signSegments(`${h}.${p}`, f.key)}`);
  });
});
