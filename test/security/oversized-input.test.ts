import { describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, verifyJwtBearerGrant } from '../../src/index.js';
import { b64, createFixture, type Fixture } from '../helpers/fixture.js';
import { claimsText, headerText, signRaw } from './raw-jws.js';

const TOO_LARGE = 'ERR_JWT_BEARER_ASSERTION_TOO_LARGE';
const MALFORMED = 'ERR_JWT_BEARER_ASSERTION_MALFORMED';
const DEFAULT_CAP = 8192;
/** Length of an ES256 signature segment (64 bytes, base64url) plus the two dots. */
const SIGNATURE_AND_DOTS = 86 + 2;

let sizeCounter = 0;

/** A validly signed ES256 assertion of exactly `length` characters (a filler claim and header member pad it). */
function assertionOfLength(f: Fixture, length: number): string {
  const jti = JSON.stringify(`size-${++sizeCounter}`);
  for (let pad = 0; pad < 4; pad++) {
    const header = headerText(f.key, pad === 0 ? '' : `"pad":"${'h'.repeat(pad)}"`);
    const want = length - b64(header).length - SIGNATURE_AND_DOTS;
    const base = Buffer.byteLength(claimsText({ jti, filler: '""' }));
    for (let n = 0; ; n++) {
      const payloadLength = Math.ceil(((base + n) * 4) / 3);
      if (payloadLength > want) break;
      if (payloadLength === want) {
        const assertion = signRaw(header, claimsText({ jti, filler: JSON.stringify('a'.repeat(n)) }), f.key);
        expect(assertion).toHaveLength(length);
        return assertion;
      }
    }
  }
  throw new Error(`no assertion of exactly ${length} characters`);
}

async function outcome(f: Fixture, assertion: string): Promise<string> {
  try {
    await f.verify(assertion);
    return 'accepted';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_JWT_BEARER_')) throw error;
    return code;
  }
}

describe('SPEC J1: the assertion size cap (default 8 KiB) is checked first', () => {
  it('a valid assertion of exactly 8192 characters is accepted; one of 8193 is ASSERTION_TOO_LARGE', async () => {
    const f = await createFixture();
    await f.verify(assertionOfLength(f, DEFAULT_CAP));
    const error = await f.reject(assertionOfLength(f, DEFAULT_CAP + 1), TOO_LARGE);
    expect(error.error).toBe('invalid_grant');
    expect(error.status).toBe(400);
  });

  it('the cap applies to the decoded parameter of a raw form body too', async () => {
    const f = await createFixture();
    const form = (assertion: string) => `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${encodeURIComponent(assertion)}`;
    await verifyJwtBearerGrant({ body: form(assertionOfLength(f, DEFAULT_CAP)) }, f.options);
    await expect(verifyJwtBearerGrant({ body: form(assertionOfLength(f, DEFAULT_CAP + 1)) }, f.options)).rejects.toMatchObject({ code: TOO_LARGE });
  });

  it('a configured maxAssertionSize of 1024 moves the boundary exactly', async () => {
    const f = await createFixture({ options: { maxAssertionSize: 1024 } });
    await f.verify(assertionOfLength(f, 1024));
    await f.reject(assertionOfLength(f, 1025), TOO_LARGE);
  });

  it('oversized junk (1 MiB, thousands of dots, non-base64) is refused for size before any parsing', async () => {
    const f = await createFixture();
    for (const junk of ['A'.repeat(1 << 20), '.'.repeat(DEFAULT_CAP + 1), '<'.repeat(DEFAULT_CAP + 1), `${'['.repeat(DEFAULT_CAP)}.a.b`]) {
      expect(await outcome(f, junk)).toBe(TOO_LARGE);
    }
  });

  it('under the cap, thousands of dots are merely ASSERTION_MALFORMED', async () => {
    const f = await createFixture();
    expect(await outcome(f, '.'.repeat(DEFAULT_CAP - 1))).toBe(MALFORMED);
  });
});

describe('SPEC J2: deeply nested JSON is ASSERTION_MALFORMED, never a RangeError', () => {
  it('1000 levels of [ inside a claim, at the top of the payload, and in the header', async () => {
    const f = await createFixture();
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    expect(await outcome(f, signRaw(headerText(f.key), claimsText({ deep }), f.key))).toBe(MALFORMED);
    expect(await outcome(f, signRaw(headerText(f.key), deep, f.key))).toBe(MALFORMED);
    expect(await outcome(f, signRaw(headerText(f.key, `"deep":${deep}`), claimsText(), f.key))).toBe(MALFORMED);
  });

  it('1000 levels of nested objects, and an unbalanced 1000-level opener', async () => {
    const f = await createFixture();
    const objects = `${'{"":'.repeat(1000)}1${'}'.repeat(1000)}`;
    expect(await outcome(f, signRaw(headerText(f.key), claimsText({ deep: objects }), f.key))).toBe(MALFORMED);
    expect(await outcome(f, signRaw(headerText(f.key), claimsText({ deep: '['.repeat(1000) }), f.key))).toBe(MALFORMED);
  });

  it('24,000 levels under the largest allowed cap (64 KiB) are refused without a stack overflow', async () => {
    const f = await createFixture({ options: { maxAssertionSize: 65_536 } });
    const depth = 24_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const assertion = signRaw(headerText(f.key), claimsText({ deep }), f.key);
    expect(assertion.length).toBeLessThanOrEqual(65_536);
    expect(await outcome(f, assertion)).toBe(MALFORMED);
  });

  it('control: realistic nesting (a few levels, as in real claim sets) is accepted', async () => {
    const f = await createFixture();
    const nested = '{"realm_access":{"roles":["a","b"]},"ext":{"x":[{"y":{"z":[1,2]}}]}}';
    expect(await outcome(f, signRaw(headerText(f.key), claimsText({ nested }), f.key))).toBe('accepted');
  });
});

describe('SPEC J14 / J16: identifiers are bounded (1024 characters)', () => {
  it('a 1024-character jti is accepted, a 1025-character one is CLAIM_INVALID', async () => {
    const f = await createFixture();
    await f.verify(await f.sign({ claims: { jti: 'j'.repeat(1024) } }));
    await f.reject(await f.sign({ claims: { jti: 'j'.repeat(1025) } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
  });

  it('a 1025-character iss or sub is CLAIM_INVALID', async () => {
    const f = await createFixture();
    const long = 's'.repeat(1025);
    await f.reject(await f.sign({ claims: { iss: long } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
    await f.reject(await f.sign({ claims: { sub: long } }), 'ERR_JWT_BEARER_CLAIM_INVALID');
    await f.verify(await f.sign());
  });
});
