import { describe, expect, it } from 'vitest';
import { b64, createFixture, tamper } from '../helpers/fixture.js';
import { claimsText } from './raw-jws.js';

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE', 'noNe'];
const UNSECURED = 'ERR_JWT_BEARER_ASSERTION_UNSECURED';

describe('RFC 8725 §3.1 / RFC 7519 §6 / SPEC J1, J3: alg none is refused', () => {
  it('control: a properly signed assertion with the same claims is accepted', async () => {
    const f = await createFixture();
    const grant = await f.verify(await f.sign());
    expect(grant.issuer).toBe('svc-billing@tenant.example.com');
  });

  for (const alg of NONE_SPELLINGS) {
    it(`refuses alg "${alg}" with an empty signature segment`, async () => {
      const f = await createFixture();
      const assertion = `${b64(JSON.stringify({ alg, typ: 'JWT' }))}.${b64(claimsText())}.`;
      const error = await f.reject(assertion, UNSECURED);
      expect(error.error).toBe('invalid_grant');
      expect(error.status).toBe(400);
    });

    it(`refuses alg "${alg}" with a non-empty (real, copied) signature segment`, async () => {
      const f = await createFixture();
      const valid = await f.sign();
      const signature = valid.split('.')[2] ?? '';
      expect(signature).not.toBe('');
      await f.reject(`${b64(JSON.stringify({ alg }))}.${b64(claimsText())}.${signature}`, UNSECURED);
    });

    it(`refuses a signed assertion whose header was rewritten to alg "${alg}" (signature kept)`, async () => {
      const f = await createFixture();
      const valid = await f.sign();
      await f.reject(tamper(valid, { header: { alg } }), UNSECURED);
      // The untouched assertion was fine: the rewrite alone is what is refused.
      await f.verify(valid);
    });
  }

  it('refuses alg "none" even when the kid names a configured key', async () => {
    const f = await createFixture();
    const kid = f.key.publicJwk.kid;
    await f.reject(`${b64(JSON.stringify({ alg: 'none', kid }))}.${b64(claimsText())}.`, UNSECURED);
  });

  it('refuses an empty signature under an allowed alg (an unsecured JWS in disguise)', async () => {
    const f = await createFixture();
    const [h = '', p = ''] = (await f.sign()).split('.');
    await f.reject(`${h}.${p}.`, UNSECURED);
  });

  it('refuses near-miss spellings of none as algorithms outside the allowlist, never as unsecured and accepted', async () => {
    const f = await createFixture();
    for (const alg of ['none ', ' none', 'none\u0000', 'nonE\t', 'NONE256']) {
      const assertion = `${b64(JSON.stringify({ alg }))}.${b64(claimsText())}.${b64('x'.repeat(64))}`;
      await f.reject(assertion, 'ERR_JWT_BEARER_ALG_NOT_ALLOWED');
    }
  });
});
