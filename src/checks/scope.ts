import { OAuthError } from '../errors.js';
import { readMember } from './claim.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), tokens separated by single spaces.
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** True for a single RFC 6749 §3.3 scope-token. */
export function isScopeToken(value: string): boolean {
  return SCOPE.test(value) && !value.includes(' ');
}

/**
 * The scope the client asks for (SPEC S1): the `scope` form parameter, or when it is absent a string `scope`
 * claim (Google service-account assertions carry it there). Duplicates are dropped, order kept.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_SCOPE_MALFORMED` for text that is not RFC 6749 §3.3 scope syntax.
 */
export function readRequestedScope(parameter: string | undefined, claims: Readonly<Record<string, unknown>>): string[] {
  const claim = readMember(claims, 'scope');
  const text = parameter ?? (typeof claim === 'string' && claim !== '' ? claim : undefined);
  if (text === undefined) return [];
  if (!SCOPE.test(text)) throw new OAuthError('ERR_JWT_BEARER_SCOPE_MALFORMED');
  return [...new Set(text.split(' '))];
}

/**
 * SPEC S2: every requested scope must be within what the issuer may be granted.
 * @throws {OAuthError} `ERR_JWT_BEARER_SCOPE_NOT_ALLOWED`.
 */
export function checkScopeAllowed(scope: readonly string[], allowed: ReadonlySet<string> | undefined): void {
  for (const token of scope) {
    if (allowed === undefined || !allowed.has(token)) {
      throw new OAuthError('ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', {
        detail: allowed === undefined ? 'the issuer has no scopes configured' : 'a requested scope is outside the issuer\'s scopes',
      });
    }
  }
}
