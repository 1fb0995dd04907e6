import { OAuthError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { readNumericDate } from './claim.js';

/** The time window rules, all in seconds. */
export interface TimePolicy {
  readonly clockTolerance: number;
  readonly maxLifetime: number;
}

/**
 * Reads the clock once per verification. A clock that returns something other than a finite number would turn
 * every time rule off (all comparisons with NaN are false), so it fails the request instead.
 * @throws {OAuthError} `ERR_JWT_BEARER_CLOCK_FAILED` (500).
 */
export function readClock(clock: Clock): number {
  let now: unknown;
  try {
    now = clock.now();
  } catch (cause) {
    throw new OAuthError('ERR_JWT_BEARER_CLOCK_FAILED', { detail: 'clock.now() threw', cause });
  }
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new OAuthError('ERR_JWT_BEARER_CLOCK_FAILED', { detail: 'clock.now() did not return a finite number' });
  }
  return now;
}

const ago = (seconds: number): string => `${Math.round(seconds * 1000) / 1000} s`;

/**
 * Time rules of RFC 7523 §3 items 4-6 plus the lifetime cap (SPEC J10-J13).
 *
 * @param now - current time, seconds since the epoch (may be fractional).
 * @returns the `exp` claim, seconds since the epoch.
 * @throws {OAuthError} `ERR_JWT_BEARER_EXPIRATION_MISSING`, `ERR_JWT_BEARER_ASSERTION_EXPIRED`,
 *   `ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID`, `ERR_JWT_BEARER_ISSUED_IN_FUTURE`, `ERR_JWT_BEARER_LIFETIME_TOO_LONG`,
 *   `ERR_JWT_BEARER_CLAIM_INVALID` (a NumericDate that is not a finite number).
 */
export function checkTimes(claims: Readonly<Record<string, unknown>>, now: number, policy: TimePolicy): number {
  const { clockTolerance: tolerance, maxLifetime } = policy;
  const exp = readNumericDate(claims, 'exp');
  const nbf = readNumericDate(claims, 'nbf');
  const iat = readNumericDate(claims, 'iat');
  // RFC 7523 §3 item 4: the JWT MUST contain an "exp" claim.
  if (exp === undefined) throw new OAuthError('ERR_JWT_BEARER_EXPIRATION_MISSING');
  // RFC 7523 §3 item 4: reject a JWT that has expired, allowing a reasonable clock skew.
  if (now > exp + tolerance) {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_EXPIRED', {
      detail: `exp is ${ago(now - exp)} in the past, tolerance ${tolerance} s`,
    });
  }
  // RFC 7523 §3 item 5: reject before "nbf", allowing the same skew.
  if (nbf !== undefined && now < nbf - tolerance) {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID', {
      detail: `nbf is ${ago(nbf - now)} in the future, tolerance ${tolerance} s`,
    });
  }
  // RFC 7523 §3 item 6: an "iat" in the future is not a time the JWT could have been issued.
  if (iat !== undefined && iat > now + tolerance) {
    throw new OAuthError('ERR_JWT_BEARER_ISSUED_IN_FUTURE', {
      detail: `iat is ${ago(iat - now)} in the future, tolerance ${tolerance} s`,
    });
  }
  // RFC 7523 §3 item 6 lets the server reject JWTs issued too far in the past or living too long: the window
  // is measured from now (so a future iat cannot widen it) and, when iat is present, from iat.
  if (exp - now > maxLifetime + tolerance) {
    throw new OAuthError('ERR_JWT_BEARER_LIFETIME_TOO_LONG', {
      detail: `exp is ${ago(exp - now)} ahead, max lifetime ${maxLifetime} s, tolerance ${tolerance} s`,
    });
  }
  if (iat !== undefined && exp - iat > maxLifetime + tolerance) {
    throw new OAuthError('ERR_JWT_BEARER_LIFETIME_TOO_LONG', {
      detail: `exp - iat is ${ago(exp - iat)}, max lifetime ${maxLifetime} s, tolerance ${tolerance} s`,
    });
  }
  return exp;
}
