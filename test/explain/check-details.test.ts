import { describe, expect, it } from 'vitest';
import { AS_ISSUER, createFixture, testKey, TOKEN_ENDPOINT } from '../helpers/fixture.js';

// The log-only `detail` of the real checks, improved for operators (explain shows it too). It names the
// server's own configuration and counts, never a value taken from the request.

describe('RFC 7523 §3 item 3 / SPEC J9: the audience mismatch detail names the configured value it nearly matches', () => {
  it('a trailing slash or a letter case difference, naming the accepted value and not the aud', async () => {
    const f = await createFixture();
    const slash = await f.reject(await f.sign({ claims: { aud: `${AS_ISSUER}/` } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    expect(slash.detail).toBe(`aud differs from the accepted "${AS_ISSUER}" by a trailing slash`);
    const upper = await f.reject(await f.sign({ claims: { aud: TOKEN_ENDPOINT.toUpperCase() } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    expect(upper.detail).toBe(`aud differs from the accepted "${TOKEN_ENDPOINT}" by letter case`);
  });

  it('otherwise lists the accepted values (configuration), never the aud sent', async () => {
    const f = await createFixture();
    const error = await f.reject(await f.sign({ claims: { aud: 'https://attacker.example/<x>' } }), 'ERR_JWT_BEARER_AUDIENCE_MISMATCH');
    expect(error.detail).toBe(`aud is none of the 2 accepted values ("${AS_ISSUER}", "${TOKEN_ENDPOINT}")`);
  });
});

describe('RFC 7523 §3 item 9 / SPEC J4, J15: key and signature details say what was tried', () => {
  it('names the header hint that matched no key (not its value), and how many keys are configured', async () => {
    const f = await createFixture();
    const error = await f.reject(await f.sign({ header: { kid: 'kid-from-attacker' } }), 'ERR_JWT_BEARER_KEY_NOT_FOUND');
    expect(error.detail).toBe('no configured key matches the header kid (1 key(s) configured)');
  });

  it('counts the candidate keys that did not verify the signature', async () => {
    const f = await createFixture();
    const other = await testKey('ES256', 'other');
    const error = await f.reject(await f.sign({ key: other, header: { kid: f.key.publicJwk.kid } }), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
    expect(error.detail).toBe('none of the 1 candidate key(s) verifies the signature');
  });
});
