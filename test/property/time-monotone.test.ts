import { fc, test } from '@fast-check/vitest';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createFakeClock,
  createMemoryReplayStore,
  createStaticKeyResolver,
  isOAuthError,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type JwtBearerGrantOptions,
} from '../../src/index.js';
import { AS_ISSUER, SERVICE, T0, testKey } from '../helpers/fixture.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// RFC 7523 §3 items 4-6 and the lifetime cap (SPEC J10-J13): for one assertion, the set of instants at which it
// is accepted is an interval — if it is accepted at t1 and at t3 it is accepted at every t2 in between. No rule
// may open a second window (e.g. an iat rule that re-accepts after an exp rule refused). The issuer is
// singleUse: false, so only time decides (the replay store never interferes).

const TIME_CODES = new Set([
  'ERR_JWT_BEARER_ASSERTION_EXPIRED',
  'ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID',
  'ERR_JWT_BEARER_ISSUED_IN_FUTURE',
  'ERR_JWT_BEARER_LIFETIME_TOO_LONG',
]);

const key = await testKey('ES256');
/** How many runs had an acceptance window, and how many also had refusals around it (non-vacuity). */
const seen = { runs: 0, withWindow: 0, bounded: 0 };

/** NumericDates near T0 (whole or fractional seconds), as real clients send them. */
const offset = fc.oneof(fc.integer({ min: -900, max: 900 }), fc.double({ min: -900, max: 900, noNaN: true }).map((x) => Math.round(x * 1000) / 1000));
const claims = fc.record(
  {
    exp: offset,
    nbf: fc.option(offset, { nil: undefined }),
    iat: fc.option(offset, { nil: undefined }),
  },
  { requiredKeys: ['exp'] },
);
const policy = fc.record({
  clockTolerance: fc.constantFrom(0, 1, 30, 300),
  maxLifetime: fc.constantFrom(1, 60, 300, 3600),
});
/** Instants in epoch ms around T0, including sub-second ones. */
const instant = fc.integer({ min: (T0 - 1500) * 1000, max: (T0 + 1500) * 1000 });

/** Rule boundaries (and 1 ms either side) for these claims and policy: where acceptance can change. */
function boundaries(c: { exp: number; nbf?: number | undefined; iat?: number | undefined }, p: { clockTolerance: number; maxLifetime: number }): number[] {
  const seconds = [c.exp + p.clockTolerance, c.exp - p.maxLifetime - p.clockTolerance];
  if (c.nbf !== undefined) seconds.push(c.nbf - p.clockTolerance);
  if (c.iat !== undefined) seconds.push(c.iat - p.clockTolerance);
  return seconds.flatMap((s) => [s * 1000 - 1, s * 1000, s * 1000 + 1].map((ms) => Math.round(ms)));
}

describe('RFC 7523 §3 items 4-6 / SPEC J10-J13: the accepted instants of an assertion form one interval', () => {
  test.prop([claims, policy, fc.array(instant, { minLength: 3, maxLength: 12 })], fuzzParams(150))(
    'accepted at t1 and t3 ⇒ accepted at every sampled t2 between them; refusals only for time reasons',
    async (c, p, sampled) => {
      const clock = createFakeClock(T0 * 1000);
      const options: JwtBearerGrantOptions = {
        issuer: AS_ISSUER,
        keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], singleUse: false, maxLifetime: p.maxLifetime } }),
        replayStore: createMemoryReplayStore({ clock }),
        clock,
        clockTolerance: p.clockTolerance,
      };
      const payload: Record<string, unknown> = { iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, jti: 'time-property', exp: T0 + c.exp };
      if (c.nbf !== undefined) payload['nbf'] = T0 + c.nbf;
      if (c.iat !== undefined) payload['iat'] = T0 + c.iat;
      const assertion = await new SignJWT(payload).setProtectedHeader({ alg: 'ES256' }).sign(key.privateKey);
      const absolute = { exp: T0 + c.exp, nbf: c.nbf === undefined ? undefined : T0 + c.nbf, iat: c.iat === undefined ? undefined : T0 + c.iat };
      const times = [...new Set([...sampled, ...boundaries(absolute, p)])].sort((a, b) => a - b);

      const accepted: boolean[] = [];
      for (const t of times) {
        clock.set(t);
        try {
          await verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion } }, options);
          accepted.push(true);
        } catch (error) {
          if (!isOAuthError(error)) throw error;
          expect(TIME_CODES.has(error.code), error.code).toBe(true);
          accepted.push(false);
        }
      }
      const first = accepted.indexOf(true);
      const last = accepted.lastIndexOf(true);
      seen.runs++;
      if (first !== -1) seen.withWindow++;
      if (first > 0 && last < accepted.length - 1) seen.bounded++;
      // Between the first and the last accepted instant, everything is accepted.
      for (let i = first; first !== -1 && i <= last; i++) expect(accepted[i], `refused at ${times[i]} between accepted ${times[first]} and ${times[last]}`).toBe(true);
    },
    PROPERTY_TIMEOUT,
  );

  it('was not vacuous: most runs had an acceptance window with refused instants on both sides', () => {
    expect(seen.runs).toBeGreaterThan(0);
    if (seen.runs < 50) return; // too few runs (FUZZ_RUNS set very low) for a ratio to mean anything
    expect(seen.withWindow / seen.runs).toBeGreaterThan(0.3);
    expect(seen.bounded / seen.runs).toBeGreaterThan(0.2);
  });
});
