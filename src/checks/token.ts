import { OAuthError } from '../errors.js';
import type { TokenIssuer, TokenRequestContext, TokenResponse } from '../ports/token-issuer.js';
import { portFailure } from './port-failure.js';

const sameScope = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((token) => b.includes(token));

/**
 * Asks the token issuer for the token response. SPEC S3 / RFC 6749 §5.1: when the granted scope differs from
 * the requested one, the response says which scope was granted.
 * @throws {OAuthError} `ERR_JWT_BEARER_TOKEN_ISSUER_FAILED` (500) when the issuer throws or returns no
 *   `access_token` / `token_type`.
 */
export async function issueToken(issuer: TokenIssuer, context: TokenRequestContext): Promise<TokenResponse> {
  let response: TokenResponse;
  try {
    response = await issuer.issue(context);
  } catch (error) {
    throw portFailure(error, 'ERR_JWT_BEARER_TOKEN_ISSUER_FAILED', 'token issuer failed');
  }
  if (typeof response?.access_token !== 'string' || typeof response.token_type !== 'string') {
    throw new OAuthError('ERR_JWT_BEARER_TOKEN_ISSUER_FAILED', { detail: 'token issuer returned no access_token or token_type' });
  }
  if (response.scope === undefined && !sameScope(context.scope, context.requestedScope)) {
    return { ...response, scope: context.scope.join(' ') };
  }
  return response;
}
