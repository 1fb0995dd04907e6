import { describe, expect, it } from 'vitest';
import { handleTokenRequest, isOAuthError } from '../../src/index.js';
import { CLIENT_ID, createClientFixture } from '../helpers/client-fixture.js';
import { createFixture, tamper } from '../helpers/fixture.js';

// SPEC J15: an unknown issuer and a bad signature give the same public answer. A probe that never had a valid
// signature must not learn from any part of the answer (status, error, description, challenge) whether an `iss`
// or a client_id is registered: every header rule that depends on the issuer answers like an unknown issuer.

const PROBES: Record<string, Record<string, unknown>> = {
  'an alg nobody supports': { alg: 'XYZ' },
  'HS256, with no secret configured for the issuer': { alg: 'HS256' },
  "RS256, outside the issuer's own algorithms": { alg: 'RS256' },
  'a numeric kid': { kid: 5 },
  'an empty kid': { kid: '' },
  'a numeric x5t': { x5t: 7 },
  'an x5t#S256 that is an array': { 'x5t#S256': ['a'] },
  'nothing but a signature that does not verify': { typ: 'JWT' },
};

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function publicAnswer(outcome: Promise<unknown>): Promise<string> {
  try {
    const value = await outcome;
    return `answered ${JSON.stringify(value)}`;
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    return JSON.stringify({ status: error.status, body: error.toJSON(), challenge: error.wwwAuthenticate });
  }
}

describe('SPEC J15: an assertion with no valid signature cannot tell a known issuer from an unknown one', () => {
  it('grant: every probe gets the same public answer for the registered issuer as for one nobody registered', async () => {
    const f = await createFixture({ issuer: { algorithms: ['ES256'] } });
    for (const [name, header] of Object.entries(PROBES)) {
      const probe = tamper(await f.sign(), { header, claims: { jti: `probe-${name}` } });
      const known = await publicAnswer(f.verify(probe));
      const unknown = await publicAnswer(f.verify(tamper(probe, { claims: { iss: 'nobody@example.com', sub: 'nobody@example.com' } })));
      expect(known, name).toBe(unknown);
      expect(known, name).toMatch(/invalid_grant/);
    }
    // The accept side: the same issuer's genuine assertion is verified.
    await expect(f.verify(await f.sign())).resolves.toBeDefined();
  });

  it('client authentication (handleTokenRequest, client_credentials): the same for a registered client_id and an unknown one', async () => {
    const c = await createClientFixture({ client: { algorithms: ['ES256'] }, options: { grantTypes: ['client_credentials'] } });
    const ask = (assertion: string) =>
      handleTokenRequest({ method: 'POST', headers: FORM, body: { grant_type: 'client_credentials', ...c.clientAuth(assertion) } }, c.options).then((response) =>
        JSON.stringify({ status: response.status, body: response.body, challenge: response.headers['WWW-Authenticate'] }),
      );
    for (const [name, header] of Object.entries(PROBES)) {
      const probe = tamper(await c.clientAssertion({ header: {} }), { header, claims: { jti: `client-probe-${name}` } });
      const known = await ask(probe);
      const unknown = await ask(tamper(probe, { claims: { iss: 'app-nobody', sub: 'app-nobody' } }));
      expect(known, name).toBe(unknown);
      expect(known, name).toMatch(/invalid_client/);
    }
    const accepted = await handleTokenRequest(
      { method: 'POST', headers: FORM, body: { grant_type: 'client_credentials', ...c.clientAuth(await c.clientAssertion()) } },
      c.options,
    );
    expect(accepted.status, CLIENT_ID).toBe(200);
  });
});
