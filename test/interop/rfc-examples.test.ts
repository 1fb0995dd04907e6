import { createHmac, createPrivateKey, createPublicKey, sign, verify, type JsonWebKey as NodeJwk } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createMemoryReplayStore,
  createStaticKeyResolver,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  verifyClientAssertion,
  verifyJwtBearerGrant,
  type Jwk,
  type JwtBearerGrantOptions,
  type TrustedIssuer,
} from '../../src/index.js';
import { AS_ISSUER, expectOAuthError } from '../helpers/fixture.js';
import { signCompact } from './sign-compact.js';

// The published JOSE example vectors (public test keys, not secrets): RFC 7515 Appendix A.1-A.4, RFC 7520
// §4.3 and §4.4, RFC 8037 Appendix A.4. Each is first checked byte-exactly with node:crypto alone (signature
// verifies, or for deterministic algorithms is reproduced), so a refusal below can only come from the library.
//
// What they show:
// - RFC 7515 A.1-A.3 are JWTs ({"iss":"joe", "exp":1300819380, "http://example.com/is_root":true}, with CRLF
//   whitespace inside the JSON). With a fake clock at their time, their signatures — including the
//   non-deterministic A.3 ES256 one — verify through the library: the first refusal comes AFTER the signature
//   and time rules (JTI_MISSING by default). They can still never be accepted: they have no "aud" (RFC 7523
//   §3 item 3: MUST) and, for client authentication, no "sub" (§3 item 2: MUST). No policy relaxes either.
// - RFC 7515 A.4, RFC 7520 §4.x and RFC 8037 A.4 sign text, not a JSON claims set: ASSERTION_MALFORMED (RFC 7519
//   §7.2), whatever the key.
// - The example KEYS interoperate: full assertions signed with them (kid, use "sig", P-521, Ed25519, HMAC
//   where configured) are accepted.

const JOE = 'joe';
/** RFC 7515 A.1-A.3: exp of the example claims set (2011-03-22T18:43:00Z). */
const EXAMPLE_EXP = 1_300_819_380;
const EXAMPLE_PAYLOAD = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
const EXAMPLE_PAYLOAD_B64 = 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';

/** RFC 7515 A.1: HS256, header {"typ":"JWT",\r\n "alg":"HS256"}, and its 64-byte HMAC key. */
const A1 = {
  jws: `eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.${EXAMPLE_PAYLOAD_B64}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
  header: '{"typ":"JWT",\r\n "alg":"HS256"}',
  key: { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', alg: 'HS256' },
};
/** RFC 7515 A.2: RS256 with the 2048-bit example RSA key (public part). */
const A2 = {
  jws:
    `eyJhbGciOiJSUzI1NiJ9.${EXAMPLE_PAYLOAD_B64}.` +
    'cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4' +
    'BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv' +
    'hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw',
  header: '{"alg":"RS256"}',
  key: {
    kty: 'RSA',
    n:
      'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-' +
      'bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
    e: 'AQAB',
  },
};
/** RFC 7515 A.3: ES256 with the example P-256 key; the signature is one of many valid ones (ECDSA is randomised). */
const A3 = {
  jws: `eyJhbGciOiJFUzI1NiJ9.${EXAMPLE_PAYLOAD_B64}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`,
  header: '{"alg":"ES256"}',
  key: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
  d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
};
/** RFC 7515 A.4: ES512 over the text "Payload". */
const A4 = {
  jws:
    'eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp' +
    'EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn',
  key: {
    kty: 'EC',
    crv: 'P-521',
    x: 'AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk',
    y: 'ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2',
  },
};
/** RFC 7520 Figure 7/8: the payload of every JWS example, UTF-8 text with U+2019. */
const COOKBOOK_PAYLOAD_B64 =
  'SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIg' +
  'ZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4';
/** RFC 7520 §3.1-3.2: Bilbo's P-521 key (kid, use "sig"); §4.3: an ES512 signature by it over the payload. */
const BILBO = {
  key: {
    kty: 'EC',
    kid: 'bilbo.baggins@hobbiton.example',
    use: 'sig',
    crv: 'P-521',
    x: 'AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt',
    y: 'AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1',
  },
  d: 'AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt',
  jws:
    `eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.${COOKBOOK_PAYLOAD_B64}.` +
    'AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2',
};
/** RFC 7520 §3.5 / §4.4: the 256-bit HMAC key and its HS256 JWS over the payload. */
const HOBBITON_HMAC = {
  key: { kty: 'oct', kid: '018c0ae5-4d9b-471b-bfd6-eef314bc7037', use: 'sig', alg: 'HS256', k: 'hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg' },
  jws: `eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.${COOKBOOK_PAYLOAD_B64}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0`,
};
/** RFC 8037 A.1-A.4: the Ed25519 example key and its (deterministic) signature over "Example of Ed25519 signing". */
const ED25519 = {
  key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  jws: 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
};

const split = (jws: string) => {
  const [h = '', p = '', s = ''] = jws.split('.');
  return { input: Buffer.from(`${h}.${p}`, 'ascii'), header: Buffer.from(h, 'base64url').toString(), payload: Buffer.from(p, 'base64url').toString(), signature: Buffer.from(s, 'base64url') };
};
const publicKey = (jwk: Record<string, unknown>) => createPublicKey({ key: jwk as NodeJwk, format: 'jwk' });
const privateKey = (jwk: Record<string, unknown>, d: string) => createPrivateKey({ key: { ...jwk, d } as NodeJwk, format: 'jwk' });

describe('the vectors are the published ones, byte for byte (checked with node:crypto alone)', () => {
  it('RFC 7515 A.1 HS256: the HMAC is reproduced; header and payload hold the CRLF whitespace of the RFC', () => {
    const { input, header, payload, signature } = split(A1.jws);
    expect(header).toBe(A1.header);
    expect(payload).toBe(EXAMPLE_PAYLOAD);
    expect(createHmac('sha256', Buffer.from(A1.key.k, 'base64url')).update(input).digest().equals(signature)).toBe(true);
  });

  it('RFC 7515 A.2 RS256 (2048-bit key) and A.3 ES256 verify; A.3’s private d gives the published x, y', () => {
    const a2 = split(A2.jws);
    expect(a2.header).toBe(A2.header);
    expect(publicKey(A2.key).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(verify('sha256', a2.input, publicKey(A2.key), a2.signature)).toBe(true);
    const a3 = split(A3.jws);
    expect(a3.header).toBe(A3.header);
    expect(verify('sha256', a3.input, { key: publicKey(A3.key), dsaEncoding: 'ieee-p1363' }, a3.signature)).toBe(true);
    expect(createPublicKey(privateKey(A3.key, A3.d)).export({ format: 'jwk' })).toMatchObject({ x: A3.key.x, y: A3.key.y });
  });

  it('RFC 7515 A.4 ES512, RFC 7520 §4.3 ES512 and §4.4 HS256 verify; RFC 8037 A.4 Ed25519 is reproduced exactly', () => {
    const a4 = split(A4.jws);
    expect(a4.payload).toBe('Payload');
    expect(verify('sha512', a4.input, { key: publicKey(A4.key), dsaEncoding: 'ieee-p1363' }, a4.signature)).toBe(true);
    const cookbook = split(BILBO.jws);
    expect(cookbook.payload).toBe('It\u2019s a dangerous business, Frodo, going out your door. You step onto the road, and if you don\'t keep your feet, there\u2019s no knowing where you might be swept off to.');
    const { kid: _kid, use: _use, ...bilboPublic } = BILBO.key;
    expect(verify('sha512', cookbook.input, { key: publicKey(bilboPublic), dsaEncoding: 'ieee-p1363' }, cookbook.signature)).toBe(true);
    expect(createPublicKey(privateKey(bilboPublic, BILBO.d)).export({ format: 'jwk' })).toMatchObject({ x: BILBO.key.x, y: BILBO.key.y });
    const hmac = split(HOBBITON_HMAC.jws);
    expect(createHmac('sha256', Buffer.from(HOBBITON_HMAC.key.k, 'base64url')).update(hmac.input).digest().equals(hmac.signature)).toBe(true);
    const ed = split(ED25519.jws);
    expect(ed.payload).toBe('Example of Ed25519 signing');
    expect(sign(null, ed.input, privateKey(ED25519.key, ED25519.d)).equals(ed.signature)).toBe(true);
  });
});

/** Grant and client-assertion options for issuer "joe", re-timed: the fake clock stands 60 s before the example exp. */
function joe(entry: TrustedIssuer, global: Partial<JwtBearerGrantOptions> = {}) {
  const clock = createFakeClock((EXAMPLE_EXP - 60) * 1000);
  const resolver = createStaticKeyResolver({ [JOE]: entry });
  return {
    clock,
    options: { issuer: AS_ISSUER, keyResolver: resolver, clientKeyResolver: resolver, replayStore: createMemoryReplayStore({ clock }), clock, ...global },
  };
}
const grant = (assertion: string, options: JwtBearerGrantOptions) => verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, options);
const client = (assertion: string, options: Parameters<typeof verifyClientAssertion>[1]) =>
  verifyClientAssertion({ body: { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion } }, options);

/** The most permissive policy the library has: it still cannot make an assertion without "aud" acceptable. */
const MOST_PERMISSIVE = { requireJti: false, requireSubject: false, subjects: 'any', audiences: ['https://anything.example'], maxLifetime: 86_400 } as const;

const EXAMPLES = [
  ['RFC 7515 A.1 (HS256, with the HMAC key configured for the issuer)', A1.jws, { keys: [A1.key], algorithms: ['HS256'] }],
  ['RFC 7515 A.2 (RS256)', A2.jws, { keys: [A2.key] }],
  ['RFC 7515 A.3 (ES256, non-deterministic signature)', A3.jws, { keys: [A3.key] }],
] as const satisfies ReadonlyArray<readonly [string, string, TrustedIssuer]>;

describe('RFC 7523 §3 items 2, 3, 7, 9: the RFC 7515 example JWTs verify, yet can never be accepted as assertions', () => {
  for (const [name, jws, entry] of EXAMPLES) {
    it(`${name}: signature and time pass (default policy stops at JTI_MISSING); a changed byte is SIGNATURE_INVALID`, async () => {
      const { options } = joe(entry);
      const error = await expectOAuthError(grant(jws, options), 'ERR_JWT_BEARER_JTI_MISSING');
      expect(error.error).toBe('invalid_grant');
      const at = jws.lastIndexOf('.') + 1;
      const tampered = `${jws.slice(0, at)}${jws[at] === 'A' ? 'B' : 'A'}${jws.slice(at + 1)}`;
      await expectOAuthError(grant(tampered, options), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    });

    it(`${name}: re-timed by the fake clock — after exp + 30 s it is ASSERTION_EXPIRED, like any other`, async () => {
      const { options, clock } = joe(entry);
      clock.set((EXAMPLE_EXP + 30) * 1000);
      await expectOAuthError(grant(jws, options), 'ERR_JWT_BEARER_JTI_MISSING');
      clock.set((EXAMPLE_EXP + 31) * 1000);
      await expectOAuthError(grant(jws, options), 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
    });

    it(`${name}: with requireJti: false it is AUDIENCE_MISSING, and stays so under the most permissive policy`, async () => {
      await expectOAuthError(grant(jws, joe({ ...entry, requireJti: false }).options), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
      await expectOAuthError(grant(jws, joe({ ...entry, ...MOST_PERMISSIVE }, { clockTolerance: 300 }).options), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
    });

    it(`${name}: as a client assertion it is SUBJECT_MISSING (invalid_client) even with requireJti: false`, async () => {
      const error = await expectOAuthError(client(jws, joe({ ...entry, ...MOST_PERMISSIVE }).options), 'ERR_JWT_BEARER_SUBJECT_MISSING');
      expect(error.error).toBe('invalid_client');
    });
  }

  it('RFC 7515 A.1 without an HMAC key configured for the issuer: ALG_NOT_ALLOWED (HS256 is never a default)', async () => {
    await expectOAuthError(grant(A1.jws, joe({ keys: [A2.key] }).options), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });
});

describe('RFC 7519 §7.2 / SPEC J2: example JWSs over text (not a claims set) are ASSERTION_MALFORMED', () => {
  const TEXT_PAYLOADS = [
    ['RFC 7515 A.4 (ES512)', A4.jws, { keys: [A4.key] }],
    ['RFC 7520 §4.3 (ES512, kid)', BILBO.jws, { keys: [BILBO.key] }],
    ['RFC 7520 §4.4 (HS256, kid)', HOBBITON_HMAC.jws, { keys: [HOBBITON_HMAC.key], algorithms: ['HS256'] }],
    ['RFC 8037 A.4 (EdDSA)', ED25519.jws, { keys: [ED25519.key] }],
  ] as const satisfies ReadonlyArray<readonly [string, string, TrustedIssuer]>;
  for (const [name, jws, entry] of TEXT_PAYLOADS) {
    it(name, async () => {
      await expectOAuthError(grant(jws, joe(entry).options), 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
      await expectOAuthError(client(jws, joe(entry).options), 'ERR_JWT_BEARER_ASSERTION_MALFORMED');
    });
  }
});

describe('RFC 7523 §2.1, §3: complete assertions signed with the RFC example keys are accepted', () => {
  const claims = (jti: string) => ({ iss: JOE, sub: JOE, aud: AS_ISSUER, iat: EXAMPLE_EXP - 90, exp: EXAMPLE_EXP, jti, 'http://example.com/is_root': true });

  it('RFC 7515 A.3 key (ES256), with the RFC’s CRLF-formatted header text', async () => {
    const { options } = joe({ keys: [A3.key] });
    const payload = `{"iss":"joe",\r\n "sub":"joe",\r\n "aud":${JSON.stringify(AS_ISSUER)},\r\n "exp":${EXAMPLE_EXP},\r\n "jti":"a3-1"}`;
    await expect(grant(signCompact(A3.header, payload, 'ES256', privateKey(A3.key, A3.d)), options)).resolves.toMatchObject({ issuer: JOE, subject: JOE, jti: 'a3-1' });
  });

  it('RFC 7520 Bilbo key (ES512 on P-521, configured with its kid and use "sig"), selected by kid', async () => {
    const { kid, use: _use, ...material } = BILBO.key;
    const { options } = joe({ keys: [A3.key, BILBO.key] });
    const assertion = signCompact({ alg: 'ES512', kid }, claims('bilbo-1'), 'ES512', privateKey(material, BILBO.d));
    await expect(grant(assertion, options)).resolves.toMatchObject({ header: { alg: 'ES512', kid } });
    await expect(client(signCompact({ alg: 'ES512', kid }, claims('bilbo-2'), 'ES512', privateKey(material, BILBO.d)), options)).resolves.toMatchObject({ clientId: JOE });
  });

  it('RFC 8037 key (EdDSA, and the fully-specified "Ed25519" alg)', async () => {
    const { options } = joe({ keys: [ED25519.key] });
    for (const alg of ['EdDSA', 'Ed25519'] as const) {
      await expect(grant(signCompact({ alg }, claims(`ed-${alg}`), alg, privateKey(ED25519.key, ED25519.d)), options)).resolves.toMatchObject({ header: { alg } });
    }
  });

  it('RFC 7515 A.1 and RFC 7520 §3.5 HMAC keys: HS256 accepted only where the issuer has that secret and alg configured', async () => {
    const secret = Buffer.from(A1.key.k, 'base64url');
    const { options } = joe({ keys: [A1.key], algorithms: ['HS256'] });
    await expect(grant(signCompact(A1.header, claims('hs-1'), 'HS256', secret), options)).resolves.toMatchObject({ issuer: JOE });
    const hobbiton = joe({ keys: [HOBBITON_HMAC.key as Jwk], algorithms: ['HS256'] }).options;
    const withKid = signCompact({ alg: 'HS256', kid: HOBBITON_HMAC.key.kid }, claims('hs-2'), 'HS256', Buffer.from(HOBBITON_HMAC.key.k, 'base64url'));
    await expect(grant(withKid, hobbiton)).resolves.toMatchObject({ header: { kid: HOBBITON_HMAC.key.kid } });
    // The same HS256 assertion for an issuer with only asymmetric keys: the algorithm is not allowed.
    await expectOAuthError(grant(signCompact(A1.header, claims('hs-3'), 'HS256', secret), joe({ keys: [A3.key] }).options), 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
  });
});
