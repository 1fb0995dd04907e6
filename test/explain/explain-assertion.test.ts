import { describe, expect, it } from 'vitest';
import {
  createStaticKeyResolver,
  explainAssertion,
  formatExplanation,
  isOAuthError,
  type AssertionExplanation,
  type ClientAssertionOptions,
  type ReplayStore,
} from '../../src/index.js';
import { AS_ISSUER, b64, createFixture, SERVICE, T0, tamper, testKey, TOKEN_ENDPOINT } from '../helpers/fixture.js';

const GRANT_RULES = ['J1', 'J5', 'J6', 'J7', 'J3', 'J4', 'J15', 'J10', 'J11', 'J12', 'J13', 'J14', 'J9', 'J8', 'S1', 'S2', 'J14'];
const CLIENT_RULES = ['J1', 'J5', 'J6', 'J7', 'J3', 'J4', 'J15', 'J10', 'J11', 'J12', 'J13', 'J14', 'J8', 'J9', 'J14'];

const step = (explanation: AssertionExplanation, rule: string) => {
  const found = explanation.steps.find((s) => s.rule === rule);
  if (found === undefined) throw new Error(`no step ${rule}`);
  return found;
};
const failures = (explanation: AssertionExplanation) => explanation.steps.filter((s) => s.status === 'fail').map((s) => s.rule);

/** A replay store that must never be called: explain is a dry run. */
const untouchable: ReplayStore = {
  consume() {
    throw new Error('explainAssertion called the replay store');
  },
};

describe('explainAssertion: every rule of the pipeline, in order', () => {
  it('reports every grant rule as passed for a good assertion, the replay consume as skipped (dry run)', async () => {
    const f = await createFixture();
    const explanation = await explainAssertion(await f.sign(), f.options, { scope: 'read' });
    expect(explanation.steps.map((s) => s.rule)).toEqual(GRANT_RULES);
    expect(explanation.accepted).toBe(true);
    expect(explanation.error).toBeUndefined();
    expect(explanation.steps.slice(0, -1).every((s) => s.status === 'pass')).toBe(true);
    expect(explanation.steps.at(-1)).toMatchObject({ rule: 'J14', status: 'skip' });
    expect(explanation.checkedAt.getTime()).toBe(T0 * 1000);
    expect(step(explanation, 'S2').reason).toBe("granted 'read'");
    expect(explanation.claims?.['iss']).toBe(SERVICE);
  });

  it('reports every client rule, in the client pipeline order (sub before aud)', async () => {
    const key = await testKey('ES256');
    const options: ClientAssertionOptions = {
      issuer: AS_ISSUER,
      clientKeyResolver: createStaticKeyResolver({ 'client-1': { keys: [key.publicJwk] } }),
      replayStore: untouchable,
    };
    const f = await createFixture();
    const good = await f.sign({ claims: { iss: 'client-1', sub: 'client-1', aud: AS_ISSUER } });
    const ok = await explainAssertion(good, options, { use: 'client', now: T0 * 1000 });
    expect(ok.steps.map((s) => s.rule)).toEqual(CLIENT_RULES);
    expect(ok.accepted).toBe(true);

    // rfc7523bis: the token endpoint is not a client assertion audience unless the client's policy lists it.
    const legacy = await f.sign({ claims: { iss: 'client-1', sub: 'client-1', aud: TOKEN_ENDPOINT } });
    const refused = await explainAssertion(legacy, options, { use: 'client', now: new Date(T0 * 1000) });
    expect(failures(refused)).toEqual(['J9']);
    expect(refused.error).toMatchObject({ code: 'ERR_JWT_BEARER_AUDIENCE_MISMATCH', error: 'invalid_client' });
    expect(step(refused, 'J9').reason).toBe(`aud '${TOKEN_ENDPOINT}' is none of the accepted values: issuer '${AS_ISSUER}'`);
  });
});

describe('explainAssertion is a dry run: the jti is never consumed', () => {
  it('never calls the replay store, even for an assertion that would be accepted', async () => {
    const f = await createFixture({ replayStore: () => untouchable });
    const explanation = await explainAssertion(await f.sign(), f.options);
    expect(explanation.accepted).toBe(true);
  });

  it('an explained assertion is still accepted once afterwards, then refused as a replay', async () => {
    const f = await createFixture();
    const assertion = await f.sign();
    await explainAssertion(assertion, f.options);
    await explainAssertion(assertion, f.options);
    await expect(f.verify(assertion)).resolves.toBeDefined();
    await f.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
    // A replay is not something explain can see: it still judges the assertion acceptable.
    expect((await explainAssertion(assertion, f.options)).accepted).toBe(true);
  });
});

describe('explainAssertion continues past failures where later rules can be judged', () => {
  it('after a bad signature, still reports exp and aud with exact reasons', async () => {
    const f = await createFixture();
    const attacker = await testKey('ES256', 'attacker');
    const assertion = await f.sign({ key: attacker, header: { kid: f.key.publicJwk.kid }, claims: { exp: T0 - 41, iat: T0 - 100, aud: `${AS_ISSUER}/` } });
    const explanation = await explainAssertion(assertion, f.options);
    expect(failures(explanation)).toEqual(['J15', 'J10', 'J9']);
    expect(step(explanation, 'J15')).toMatchObject({ code: 'ERR_JWT_BEARER_SIGNATURE_INVALID' });
    expect(step(explanation, 'J10').reason).toBe('exp is 41 s in the past, tolerance 30 s');
    expect(step(explanation, 'J9').reason).toBe(`aud '${AS_ISSUER}/' differs from issuer '${AS_ISSUER}' by a trailing slash`);
    expect(step(explanation, 'J13').status).toBe('skip');
    // The verdict is the real pipeline's: the signature is checked first.
    expect(explanation.error?.code).toBe('ERR_JWT_BEARER_SIGNATURE_INVALID');
  });

  it('an unknown issuer skips the key rules but still judges time, aud and sub', async () => {
    const f = await createFixture();
    const explanation = await explainAssertion(await f.sign({ claims: { iss: 'stranger', sub: 'stranger', exp: T0 + 4000 } }), f.options);
    expect(step(explanation, 'J7')).toMatchObject({ status: 'fail', code: 'ERR_JWT_BEARER_ISSUER_UNKNOWN' });
    expect(step(explanation, 'J7').reason).toContain("iss 'stranger' is not a trusted issuer");
    for (const rule of ['J3', 'J4', 'J15']) expect(step(explanation, rule).status).toBe('skip');
    expect(step(explanation, 'J13')).toMatchObject({ status: 'fail', code: 'ERR_JWT_BEARER_LIFETIME_TOO_LONG' });
    expect(step(explanation, 'J13').reason).toContain('issuer unknown');
    expect(step(explanation, 'J9').status).toBe('pass');
    expect(explanation.error?.code).toBe('ERR_JWT_BEARER_ISSUER_UNKNOWN');
  });

  it('a malformed assertion fails J1 and skips the rest', async () => {
    const f = await createFixture();
    const explanation = await explainAssertion('not.a-jwt', f.options);
    expect(step(explanation, 'J1')).toMatchObject({ status: 'fail', code: 'ERR_JWT_BEARER_ASSERTION_MALFORMED' });
    expect(explanation.steps.slice(1).every((s) => s.status === 'skip')).toBe(true);
    expect(explanation.header).toBeUndefined();
    expect(explanation.error?.code).toBe('ERR_JWT_BEARER_ASSERTION_MALFORMED');
  });

  it('judges nbf, iat, crit and typ each on its own', async () => {
    const f = await createFixture();
    const assertion = tamper(await f.sign({ claims: { nbf: T0 + 100, iat: T0 + 50 } }), { header: { typ: 'at+jwt', crit: ['exp'] } });
    const explanation = await explainAssertion(assertion, f.options);
    expect(failures(explanation)).toEqual(['J5', 'J6', 'J15', 'J11', 'J12']);
    expect(step(explanation, 'J11').reason).toBe('nbf is 100 s in the future, tolerance 30 s');
    expect(step(explanation, 'J12').reason).toBe('iat is 50 s in the future, tolerance 30 s');
    expect(step(explanation, 'J6').reason).toContain("typ 'at+jwt'");
    expect(explanation.error?.code).toBe('ERR_JWT_BEARER_CRIT_UNSUPPORTED');
  });
});

describe('explainAssertion gives the verdict of the real pipeline', () => {
  it('matches verifyJwtBearerGrant, code for code, and names the rule that refused first', async () => {
    const f = await createFixture({ issuer: { scopes: ['read'] } });
    const other = await testKey('ES256', 'other');
    const cases: Array<[string, Parameters<typeof f.sign>[0], string, Record<string, string>?]> = [
      ['J10', { claims: { exp: T0 - 60 } }, 'ERR_JWT_BEARER_ASSERTION_EXPIRED'],
      ['J9', { claims: { aud: 'https://elsewhere.example' } }, 'ERR_JWT_BEARER_AUDIENCE_MISMATCH'],
      ['J8', { claims: { sub: 'alice@tenant.example.com' } }, 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED'],
      ['J14', { omit: ['jti'] }, 'ERR_JWT_BEARER_JTI_MISSING'],
      ['J13', { claims: { exp: T0 + 3600 } }, 'ERR_JWT_BEARER_LIFETIME_TOO_LONG'],
      ['J4', { header: { kid: 'unknown-kid' } }, 'ERR_JWT_BEARER_KEY_NOT_FOUND'],
      ['J15', { key: other, header: { kid: f.key.publicJwk.kid } }, 'ERR_JWT_BEARER_SIGNATURE_INVALID'],
      ['S2', {}, 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'write' }],
      ['S1', {}, 'ERR_JWT_BEARER_SCOPE_MALFORMED', { scope: 'a  b' }],
    ];
    for (const [rule, input, code, extra] of cases) {
      const assertion = await f.sign(input);
      const explanation = await explainAssertion(assertion, f.options, extra?.['scope'] === undefined ? {} : { scope: extra['scope'] });
      const real = await f.verify(assertion, extra).catch((e: unknown) => e);
      expect(isOAuthError(real) && real.code, rule).toBe(code);
      expect(explanation.error?.code, rule).toBe(code);
      expect(explanation.steps.find((s) => s.status === 'fail')?.code, rule).toBe(code);
      expect(explanation.steps.find((s) => s.status === 'fail')?.rule, rule).toBe(rule);
    }
  });

  it('an impersonation attempt names sub, iss and the default policy', async () => {
    const f = await createFixture();
    const explanation = await explainAssertion(await f.sign({ claims: { sub: 'alice@tenant.example.com' } }), f.options);
    expect(failures(explanation)).toEqual(['J8']);
    expect(step(explanation, 'J8').reason).toBe(
      `sub 'alice@tenant.example.com', iss '${SERVICE}': sub differs from iss and the issuer may only assert itself`,
    );
  });

  it('the authorizeSubject hook runs only when every earlier rule passed', async () => {
    let calls = 0;
    const f = await createFixture({
      options: {
        authorizeSubject: () => {
          calls += 1;
          return false;
        },
      },
    });
    const refused = await explainAssertion(await f.sign(), f.options);
    expect(step(refused, 'J8')).toMatchObject({ status: 'fail', reason: expect.stringContaining('authorizeSubject refused') });
    expect(calls).toBe(2); // once for the step, once for the verdict
    calls = 0;
    const expired = await explainAssertion(await f.sign({ claims: { exp: T0 - 100 } }), f.options);
    expect(step(expired, 'J8').reason).toContain('authorizeSubject not called');
    expect(calls).toBe(0);
  });
});

describe('explainAssertion output is safe to log', () => {
  it('quotes hostile values with control and bidi characters escaped, and cuts long ones', async () => {
    const f = await createFixture();
    const explanation = await explainAssertion(await f.sign({ claims: { aud: `x\r\nSet-Cookie: a=1\u202e'${'y'.repeat(300)}` } }), f.options);
    const text = formatExplanation(explanation);
    expect(text).not.toMatch(/[\r\u202e]/);
    expect(step(explanation, 'J9').reason).toContain("aud 'x\\u000d\\u000aSet-Cookie: a=1\\u202e\\'yyy");
    expect(step(explanation, 'J9').reason).toContain("...'");
    expect(step(explanation, 'J9').reason.length).toBeLessThan(300);
  });

  it('formatExplanation prints one line per rule and the verdict', async () => {
    const f = await createFixture();
    const text = formatExplanation(await explainAssertion(await f.sign({ claims: { exp: T0 - 41 } }), f.options));
    const lines = text.split('\n');
    expect(lines).toHaveLength(GRANT_RULES.length + 2);
    expect(lines[0]).toBe('grant assertion, judged at 2030-01-01T00:00:00Z');
    expect(text).toContain('  FAIL J10  exp present and not past: exp is 41 s in the past, tolerance 30 s [ERR_JWT_BEARER_ASSERTION_EXPIRED]');
    expect(lines.at(-1)).toBe('REJECTED: invalid_grant (ERR_JWT_BEARER_ASSERTION_EXPIRED) The assertion has expired.');
  });

  it('refuses bad arguments with a TypeError', async () => {
    const f = await createFixture();
    await expect(explainAssertion(42 as unknown as string, f.options)).rejects.toThrow(TypeError);
    await expect(explainAssertion(b64('x'), f.options, { use: 'other' as 'grant' })).rejects.toThrow(TypeError);
    await expect(explainAssertion(b64('x'), f.options, { now: Number.NaN })).rejects.toThrow(TypeError);
    await expect(explainAssertion(b64('x'), f.options, { use: 'client' })).rejects.toThrow(/clientKeyResolver/);
  });
});
