import { OAuthError } from '../errors.js';

/** A claim or header member, read as an own property only (a polluted prototype never supplies a claim). */
export function readMember(object: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/** Longest accepted `iss`, `sub` and `jti` value, in UTF-16 code units. */
export const MAX_IDENTIFIER_LENGTH = 1024;

/**
 * Reads an optional string claim. SPEC J16: `iss`, `sub` and `jti` are strings; a present claim of another type
 * (or an empty or oversized one) is refused, never coerced.
 */
export function readStringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = readMember(claims, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_IDENTIFIER_LENGTH) {
    throw new OAuthError('ERR_JWT_BEARER_CLAIM_INVALID', {
      detail: `"${name}" must be a non-empty string of at most ${MAX_IDENTIFIER_LENGTH} characters`,
    });
  }
  return value;
}

/**
 * Reads an optional NumericDate claim (RFC 7519 §2: seconds since the epoch). SPEC J16: a number, finite; strings,
 * NaN and Infinity are refused.
 */
export function readNumericDate(claims: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = readMember(claims, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OAuthError('ERR_JWT_BEARER_CLAIM_INVALID', { detail: `"${name}" must be a NumericDate (a finite number)` });
  }
  return value;
}
