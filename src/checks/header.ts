import { OAuthError } from '../errors.js';
import type { JwsHeader } from '../ports/client-key-resolver.js';
import { readMember } from './claim.js';

const GRANT_TYPES = new Set(['jwt', 'application/jwt']);
const CLIENT_TYPES = new Set(['jwt', 'application/jwt', 'client-authentication+jwt', 'application/client-authentication+jwt']);

/**
 * A key-selection hint (`kid`, `x5t`, `x5t#S256`): absent, or a non-empty string.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_ASSERTION_MALFORMED` for any other value.
 */
export function readHint(header: Readonly<Record<string, unknown>>, name: 'kid' | 'x5t' | 'x5t#S256'): string | undefined {
  const value = readMember(header, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: `header "${name}" must be a non-empty string` });
  }
  return value;
}

/**
 * Header rules that need no key (SPEC J5, J6), and the shape of the key-selection hints: checked before the
 * issuer is looked up, so that a malformed hint is refused the same way whether the issuer is known or not
 * (SPEC J15: no telling a known issuer from an unknown one).
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_ASSERTION_MALFORMED` for a `kid`, `x5t` or `x5t#S256` that is not a
 *   non-empty string; `ERR_JWT_BEARER_CRIT_UNSUPPORTED` when `crit` or `b64` is present (no extension is
 *   supported, RFC 7515 §4.1.11, RFC 7797); `ERR_JWT_BEARER_TYP_INVALID` for an explicit type other than JWT
 *   (RFC 8725 §3.11: a token of another kind, e.g. `at+jwt`, is never an assertion).
 */
export function checkHeader(header: JwsHeader, use: 'grant' | 'client'): void {
  // RFC 7515 §4.1.11: crit lists extensions the recipient MUST understand; we understand none.
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) {
    throw new OAuthError('ERR_JWT_BEARER_CRIT_UNSUPPORTED', { detail: 'header has "crit" or "b64"' });
  }
  readHint(header, 'kid');
  readHint(header, 'x5t');
  readHint(header, 'x5t#S256');
  // RFC 8725 §3.11-3.12, rfc7523bis: typ absent, JWT or application/jwt (media types compare case-insensitively).
  const typ = readMember(header, 'typ');
  if (typ === undefined) return;
  const accepted = use === 'grant' ? GRANT_TYPES : CLIENT_TYPES;
  if (typeof typ !== 'string' || !accepted.has(typ.toLowerCase())) {
    throw new OAuthError('ERR_JWT_BEARER_TYP_INVALID', { detail: `typ is not accepted for a ${use} assertion` });
  }
}
