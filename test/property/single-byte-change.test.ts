import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isOAuthError, JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } from '../../src/index.js';
import { createFixture, TEST_ALGS, type TestAlg } from '../helpers/fixture.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// RFC 7515 §5.2 / RFC 7523 §3 item 9 (SPEC J1, J15): the signature covers every byte of the header and payload
// segments, and the signature segment has one canonical spelling, so ANY single-character change to a valid
// assertion must be refused — never accepted, never a crash. The issuer is singleUse: false so a modified
// assertion that wrongly verified would be ACCEPTED (not hidden behind JTI_REPLAYED).

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
/** Characters outside the alphabet: separators, padding, base64 (not url) digits, whitespace, NUL, non-ASCII. */
const OTHERS = ['.', '=', '+', '/', ' ', '\t', '\n', '\u0000', '%', '~', '*', '\u00e9', '\u2028', '\uD800', '\u{1F600}'];
const REPLACEMENTS = [...BASE64URL, ...OTHERS];

interface Subject {
  alg: TestAlg;
  assertion: string;
  /** True when accepted; otherwise the refusal's code (a non-OAuthError is rethrown and fails the test). */
  submit(assertion: string): Promise<true | string>;
}

async function subject(alg: TestAlg): Promise<Subject> {
  const f = await createFixture({ alg, issuer: { singleUse: false } });
  const assertion = await f.sign();
  return {
    alg,
    assertion,
    async submit(candidate) {
      try {
        await verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: candidate } }, f.options);
        return true;
      } catch (error) {
        if (!isOAuthError(error)) throw error;
        expect(error.error).toBe('invalid_grant');
        return error.code;
      }
    },
  };
}

// One subject per algorithm, made once (import-time), with its unmodified assertion as the accepting control.
const SUBJECTS = await Promise.all(TEST_ALGS.map(subject));

const replaceAt = (text: string, index: number, replacement: string): string => text.slice(0, index) + replacement + text.slice(index + 1);

describe('RFC 7515 §5.2 / SPEC J1, J15: a single changed character always invalidates an assertion', () => {
  it('controls: every unmodified assertion is accepted (and again: singleUse is off here)', async () => {
    for (const s of SUBJECTS) {
      expect(await s.submit(s.assertion)).toBe(true);
      expect(await s.submit(s.assertion)).toBe(true);
    }
  });

  test.prop(
    [
      fc.constantFrom(...SUBJECTS),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.constantFrom(...REPLACEMENTS),
    ],
    fuzzParams(300),
  )(
    'replacing any character by any other (base64url alphabet and others), every algorithm',
    async (s, where, replacement) => {
      const index = Math.floor(where * s.assertion.length);
      fc.pre(s.assertion[index] !== replacement);
      expect(await s.submit(replaceAt(s.assertion, index, replacement))).not.toBe(true);
    },
    PROPERTY_TIMEOUT,
  );

  test.prop([fc.constantFrom(...SUBJECTS), fc.double({ min: 0, max: 1, noNaN: true }), fc.option(fc.constantFrom(...REPLACEMENTS), { nil: undefined })], fuzzParams(200))(
    'deleting any one character, or inserting one anywhere',
    async (s, where, inserted) => {
      const index = Math.min(s.assertion.length - (inserted === undefined ? 1 : 0), Math.floor(where * s.assertion.length));
      const changed = inserted === undefined ? s.assertion.slice(0, index) + s.assertion.slice(index + 1) : s.assertion.slice(0, index) + inserted + s.assertion.slice(index);
      expect(await s.submit(changed)).not.toBe(true);
    },
    PROPERTY_TIMEOUT,
  );

  it('exhaustively for ES256: every position × every base64url character', async () => {
    const s = SUBJECTS.find((candidate) => candidate.alg === 'ES256');
    if (s === undefined) throw new Error('no ES256 subject');
    const accepted: string[] = [];
    const codes = new Set<string>();
    for (let index = 0; index < s.assertion.length; index++) {
      for (const replacement of BASE64URL) {
        if (s.assertion[index] === replacement) continue;
        const outcome = await s.submit(replaceAt(s.assertion, index, replacement));
        if (outcome === true) accepted.push(`${index}:${replacement}`);
        else codes.add(outcome);
      }
    }
    expect(accepted).toEqual([]);
    // The refusals come from the structure, header, issuer and signature rules, never from later stages.
    expect([...codes].every((code) => /MALFORMED|SIGNATURE_INVALID|ALG_|KEY_NOT_FOUND|ISSUER_UNKNOWN|TYP_INVALID|CRIT_|UNSECURED|ENCRYPTED|CLAIM_INVALID|ISSUER_MISSING/.test(code))).toBe(true);
  }, PROPERTY_TIMEOUT);
});
