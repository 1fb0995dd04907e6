import { checkScopeAllowed, readRequestedScope } from '../checks/scope.js';
import { issueToken } from '../checks/token.js';
import type { AuthenticatedClient } from '../client.js';
import { OAuthError } from '../errors.js';
import { requirePort, type CompiledOptions } from '../options.js';
import type { TokenResponse } from '../ports/token-issuer.js';
import type { FormParameters } from '../request/parse-form.js';

/**
 * The client credentials grant (RFC 6749 §4.4) for a client that authenticated: the token is for the client
 * itself, with at most the client's `scopes`.
 * @throws {OAuthError} `ERR_JWT_BEARER_CLIENT_AUTH_REQUIRED` without an authenticated client (RFC 6749 §4.4.2);
 *   scope errors; `ERR_JWT_BEARER_TOKEN_ISSUER_FAILED`.
 */
export async function grantClientCredentials(
  params: FormParameters,
  config: CompiledOptions,
  client: AuthenticatedClient | undefined,
  commitClient: () => Promise<void>,
): Promise<TokenResponse> {
  // RFC 6749 §4.4.2: "The client MUST authenticate with the authorization server".
  if (client === undefined) throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_REQUIRED');
  const scope = readRequestedScope(params.get('scope'), {});
  checkScopeAllowed(scope, client.scopes === undefined ? undefined : new Set(client.scopes));
  await commitClient();
  return issueToken(requirePort(config, 'tokenIssuer'), {
    grantType: 'client_credentials',
    subject: client.clientId,
    scope,
    requestedScope: scope,
    client,
    grant: undefined,
  });
}
