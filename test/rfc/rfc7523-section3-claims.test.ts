import { describe, expect, it } from 'vitest';
import { createFixture, AS_ISSUER, SERVICE, T0, TOKEN_ENDPOINT } from '../helpers/fixture.js';

describe('RFC 7523 §3 item 1 / SPEC J7: iss MUST be present and selects the trusted issuer', () => {
  it('refuses a missing, empty or non-string iss; accepts the registered one', async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ omit: ['iss'] }), 'ERR_JWT_BEARER_ISSUER_MISSING');
    await f.reject(await f.sign({ claims: { iss: 42 } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
    await f.reject(await f.sign({ claims: { iss: '' } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
    await expect(f.verify(await f.sign())).resolves.toMatchObject({ issuer: SERVICE });
  });

  it('compares iss by exact string match: case and trailing characters matter', async () => {
    const f = await createFixture({ issuer: { subjects: 'any' } });
    for (const iss of [SERVICE.toUpperCase(), `${SERVICE} `, `${SERVICE}/`]) {
      const error = await f.reject(await f.sign({ claims: { iss } }), 'ERR_JWT_BEARER_ISSUER_UNKNOWN');
      expect(error.error).toBe('invalid_grant');
    }
  });
});

describe('RFC 7523 §3 item 2 / SPEC J8: sub MUST be present; the issuer policy decides which subjects it may assert', () => {
  it("default 'self': sub must equal iss", async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ claims: { sub: 'alice@example.com' } }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    await expect(f.verify(await f.sign())).resolves.toMatchObject({ subject: SERVICE });
  });

  it('a missing sub is refused unless the issuer sets requireSubject: false (then the subject is the issuer)', async () => {
    const strict = await createFixture();
    await strict.reject(await strict.sign({ omit: ['sub'] }), 'ERR_JWT_BEARER_SUBJECT_MISSING');
    const google = await createFixture({ issuer: { requireSubject: false } });
    await expect(google.verify(await google.sign({ omit: ['sub'] }))).resolves.toMatchObject({ subject: SERVICE });
    // The issuer standing for itself is still subject to a subjects list.
    const listed = await createFixture({ issuer: { requireSubject: false, subjects: ['alice@example.com'] } });
    await listed.reject(await listed.sign({ omit: ['sub'] }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });

  it('a non-string or empty sub is refused', async () => {
    const f = await createFixture({ issuer: { subjects: 'any' } });
    for (const sub of [42, '', ['a'], null]) await f.reject(await f.sign({ claims: { sub } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
  });

  it("impersonation is opt-in: 'any' or a list of subjects", async () => {
    const any = await createFixture({ issuer: { subjects: 'any' } });
    await expect(any.verify(await any.sign({ claims: { sub: 'alice@example.com' } }))).resolves.toMatchObject({ subject: 'alice@example.com' });
    const list = await createFixture({ issuer: { subjects: ['alice@example.com'] } });
    await expect(list.verify(await list.sign({ claims: { sub: 'alice@example.com' } }))).resolves.toBeDefined();
    await list.reject(await list.sign({ claims: { sub: 'bob@example.com' } }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    // A list is exact: the issuer is not implicitly in it.
    await list.reject(await list.sign(), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
  });

  it('authorizeSubject can only narrow the static rule', async () => {
    const seen: string[] = [];
    const f = await createFixture({
      issuer: { subjects: 'any' },
      options: { authorizeSubject: ({ subject }) => (seen.push(subject), subject.endsWith('@tenant.example.com')) },
    });
    await expect(f.verify(await f.sign({ claims: { sub: 'carol@tenant.example.com' } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { sub: 'mallory@evil.example' } }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    const narrowOnly = await createFixture({ options: { authorizeSubject: () => true } });
    await narrowOnly.reject(await narrowOnly.sign({ claims: { sub: 'alice@example.com' } }), 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED');
    expect(seen).toEqual(['carol@tenant.example.com', 'mallory@evil.example']);
  });
});

describe('RFC 7523 §3 item 3 / SPEC J9: aud MUST identify this authorization server', () => {
  it('accepts the issuer identifier and the token endpoint, as a string or a one-element array', async () => {
    const f = await createFixture();
    for (const aud of [AS_ISSUER, TOKEN_ENDPOINT, [AS_ISSUER], [AS_ISSUER, TOKEN_ENDPOINT]]) {
      await expect(f.verify(await f.sign({ claims: { aud } }))).resolves.toMatchObject({ audience: Array.isArray(aud) ? aud : [aud] });
    }
  });

  it('refuses a missing, empty or foreign aud, and arrays that also name someone else', async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ omit: ['aud'] }), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
    await f.reject(await f.sign({ claims: { aud: [] } }), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
    await f.reject(await f.sign({ claims: { aud: '' } }), 'ERR_JWT_BEARER_AUDIENCE_MISSING');
    for (const aud of ['https://other.example.com', `${AS_ISSUER}/`, AS_ISSUER.toUpperCase(), [AS_ISSUER, 'https://rp.example']]) {
      await f.reject(await f.sign({ claims: { aud } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    }
    for (const aud of [42, [AS_ISSUER, 1], { a: 1 }]) await f.reject(await f.sign({ claims: { aud } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
  });

  it('without a tokenEndpoint option, only the issuer identifier is accepted', async () => {
    const f = await createFixture({ options: { tokenEndpoint: undefined as unknown as string } });
    delete (f.options as { tokenEndpoint?: string }).tokenEndpoint;
    await f.reject(await f.sign({ claims: { aud: TOKEN_ENDPOINT } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
  });

  it('per-issuer audiences replace the defaults (Salesforce-style login URL)', async () => {
    const f = await createFixture({ issuer: { audiences: ['https://login.example.com'] } });
    await expect(f.verify(await f.sign({ claims: { aud: 'https://login.example.com' } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { aud: AS_ISSUER } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
  });
});

describe('RFC 7523 §3 item 4 / SPEC J10: exp MUST be present; reject when now > exp + tolerance', () => {
  it('refuses a missing exp', async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ omit: ['exp'] }), 'ERR_JWT_BEARER_EXPIRATION_MISSING');
  });

  it('boundary: accepted at exactly exp + 30 s, refused one second later', async () => {
    const f = await createFixture();
    const assertion = await f.sign({ claims: { exp: T0 + 60 } });
    const late = await f.sign({ claims: { exp: T0 + 60 } });
    f.clock.set((T0 + 90) * 1000);
    await expect(f.verify(assertion)).resolves.toBeDefined();
    f.clock.set((T0 + 91) * 1000);
    const error = await f.reject(late, 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
    expect(error.detail).toContain('tolerance 30 s');
  });

  it('the tolerance is an option (0 s: expired right after exp)', async () => {
    const f = await createFixture({ options: { clockTolerance: 0 } });
    const atExp = await f.sign({ claims: { exp: T0 + 10 } });
    const after = await f.sign({ claims: { exp: T0 + 10 } });
    f.clock.set((T0 + 10) * 1000);
    await expect(f.verify(atExp)).resolves.toBeDefined();
    f.clock.set((T0 + 10) * 1000 + 1);
    await f.reject(after, 'ERR_JWT_BEARER_ASSERTION_EXPIRED');
  });
});

describe('RFC 7523 §3 item 5 / SPEC J11: reject when now < nbf - tolerance', () => {
  it('boundary: accepted at nbf - 30 s, refused one second earlier', async () => {
    const f = await createFixture();
    await expect(f.verify(await f.sign({ claims: { nbf: T0 + 30 } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { nbf: T0 + 31 } }), 'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID');
  });
});

describe('RFC 7523 §3 item 6 / SPEC J12: reject an iat in the future beyond the tolerance', () => {
  it('boundary: iat = now + 30 s accepted, now + 31 s refused', async () => {
    const f = await createFixture();
    await expect(f.verify(await f.sign({ claims: { iat: T0 + 30 } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { iat: T0 + 31 } }), 'ERR_JWT_BEARER_ISSUED_IN_FUTURE');
  });
});

describe('SPEC J13: maximum lifetime (default 300 s, per issuer)', () => {
  it('boundary on exp - now: 330 s accepted, 331 s refused', async () => {
    const f = await createFixture();
    await expect(f.verify(await f.sign({ claims: { exp: T0 + 330 }, omit: ['iat'] }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { exp: T0 + 331 }, omit: ['iat'] }), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
  });

  it('boundary on exp - iat: 330 s accepted, 331 s refused, even when exp is close', async () => {
    const f = await createFixture();
    await expect(f.verify(await f.sign({ claims: { iat: T0 - 300, exp: T0 + 30 } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { iat: T0 - 301, exp: T0 + 30 } }), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
  });

  it('a future iat cannot widen the window', async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ claims: { iat: T0 + 30, exp: T0 + 340 } }), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
  });

  it('per-issuer maxLifetime (Google: exp = iat + 3600)', async () => {
    const f = await createFixture({ issuer: { maxLifetime: 3600 } });
    await expect(f.verify(await f.sign({ claims: { exp: T0 + 3600 } }))).resolves.toBeDefined();
    await f.reject(await f.sign({ claims: { exp: T0 + 3631 } }), 'ERR_JWT_BEARER_LIFETIME_TOO_LONG');
  });
});

describe('RFC 7523 §3 item 7 / SPEC J14: jti (required by default) is single-use', () => {
  it('refuses a missing jti unless the issuer sets requireJti: false', async () => {
    const f = await createFixture();
    await f.reject(await f.sign({ omit: ['jti'] }), 'ERR_JWT_BEARER_JTI_MISSING');
    const lax = await createFixture({ issuer: { requireJti: false } });
    const grant = await lax.verify(await lax.sign({ omit: ['jti'] }));
    expect(grant.jti).toBeUndefined();
  });

  it('the global requireJti: false applies where the issuer says nothing', async () => {
    const f = await createFixture({ options: { requireJti: false } });
    await expect(f.verify(await f.sign({ omit: ['jti'] }))).resolves.toBeDefined();
  });

  it('a replayed jti is refused; a present jti is single-use even when not required', async () => {
    for (const issuer of [{}, { requireJti: false }]) {
      const f = await createFixture({ issuer });
      const assertion = await f.sign();
      await expect(f.verify(assertion)).resolves.toBeDefined();
      await f.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
    }
  });

  it('singleUse: false lets an issuer resend the same assertion', async () => {
    const f = await createFixture({ issuer: { singleUse: false } });
    const assertion = await f.sign();
    await expect(f.verify(assertion)).resolves.toBeDefined();
    await expect(f.verify(assertion)).resolves.toBeDefined();
  });

  it('the jti is kept until exp + tolerance', async () => {
    const seen: Array<[string, number]> = [];
    const f = await createFixture({ options: { replayStore: { consume: async (key, expiresAt) => (seen.push([key, expiresAt]), true) } } });
    await f.verify(await f.sign({ claims: { exp: T0 + 100, jti: 'abc' } }));
    expect(seen).toEqual([[JSON.stringify(['G', SERVICE, 'abc']), (T0 + 130) * 1000]]);
  });

  it('a non-string, empty or oversized jti is refused', async () => {
    const f = await createFixture();
    for (const jti of [42, '', 'x'.repeat(1025)]) await f.reject(await f.sign({ claims: { jti } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
    await expect(f.verify(await f.sign({ claims: { jti: 'x'.repeat(1024) } }))).resolves.toBeDefined();
  });
});

describe('SPEC J16: NumericDate claims are finite numbers', () => {
  it('refuses strings, booleans and null in exp, nbf and iat; accepts fractional seconds', async () => {
    const f = await createFixture();
    for (const claim of ['exp', 'nbf', 'iat']) {
      for (const value of [String(T0 + 60), true, null, [T0], { t: T0 }]) {
        await f.reject(await f.sign({ claims: { [claim]: value } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
      }
    }
    await expect(f.verify(await f.sign({ claims: { exp: T0 + 60.5, iat: T0 - 0.25, nbf: T0 - 0.5 } }))).resolves.toBeDefined();
  });
});

describe('the verified grant', () => {
  it('carries issuer, subject, audience, scope, jti, expiresAt, claims and header', async () => {
    const f = await createFixture();
    const grant = await f.verify(await f.sign({ claims: { jti: 'j-1', exp: T0 + 100, custom: 'x' } }), { scope: 'read' });
    expect(grant).toEqual({
      issuer: SERVICE,
      subject: SERVICE,
      audience: [AS_ISSUER],
      scope: ['read'],
      jti: 'j-1',
      expiresAt: new Date((T0 + 100) * 1000),
      claims: expect.objectContaining({ custom: 'x', iss: SERVICE }),
      header: expect.objectContaining({ alg: 'ES256' }),
    });
  });
});
