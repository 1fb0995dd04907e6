import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Jwk } from '../../src/index.js';
import { createFixture, expectOAuthError, SERVICE, testKey } from '../helpers/fixture.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// SPEC J15 / docs/security.md "Denial of service": the work one assertion can cause is bounded. Whatever the
// number of keys an issuer has, at most 4 (MAX_KEYS_TRIED in src/checks/signature.ts) are tried for one
// assertion, in configured order; a kid (or x5t / x5t#S256) narrows the candidates to the named key. So an
// assertion without a hint verifies only when its key is among the first 4 candidates — and one with the
// right kid always does.

const MAX_KEYS_TRIED = 4;
const KEYS = await Promise.all(Array.from({ length: 8 }, (_, i) => testKey('ES256', `tries-${i}`)));

describe('SPEC J15: at most 4 keys are tried per assertion; a kid selects the key', () => {
  const countAndPosition = fc.integer({ min: 1, max: KEYS.length }).chain((count) => fc.tuple(fc.constant(count), fc.nat(count - 1)));
  test.prop([countAndPosition, fc.boolean(), fc.boolean()], fuzzParams(60))(
    'without a hint the signer must be among the first 4 configured keys; with its kid it is always found',
    async ([count, position], sendKid, labelled) => {
      const configured: Jwk[] = KEYS.slice(0, count).map((key) => {
        const { kid: _kid, ...unlabelled } = key.publicJwk;
        return labelled ? key.publicJwk : unlabelled;
      });
      const signer = KEYS[position];
      if (signer === undefined) throw new Error('no key');
      const f = await createFixture({ issuer: { keys: configured } });
      const header = sendKid ? { kid: signer.publicJwk.kid } : { kid: undefined };
      const assertion = await f.sign({ key: signer, header });
      const submit = () => f.verify(assertion);
      // A kid only narrows when the configured keys carry kids; an unknown kid falls back to the unlabelled keys.
      const tried = sendKid && labelled ? [position] : Array.from({ length: Math.min(count, MAX_KEYS_TRIED) }, (_, i) => i);
      if (tried.includes(position)) {
        await expect(submit()).resolves.toMatchObject({ issuer: SERVICE });
      } else {
        await expectOAuthError(submit(), 'ERR_JWT_BEARER_SIGNATURE_INVALID');
      }
    },
    PROPERTY_TIMEOUT,
  );
});
