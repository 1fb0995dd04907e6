import { isOAuthError, OAuthError, type OAuthErrorCode } from '../errors.js';

/**
 * SPEC F1: a failing dependency (resolver, store, issuer, hook) is never the client's fault and never accepts.
 * An `OAuthError` the port threw on purpose with a 5xx status is kept; anything else becomes `code`.
 */
export function portFailure(error: unknown, code: OAuthErrorCode, detail: string): OAuthError {
  if (isOAuthError(error) && error.status >= 500) return error;
  return new OAuthError(code, { detail, cause: error });
}
