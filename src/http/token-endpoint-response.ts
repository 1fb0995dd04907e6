import type { AuthenticatedClient } from '../client.js';
import type { OAuthError } from '../errors.js';
import type { JwtBearerGrant } from '../grant.js';
import type { TokenResponse } from '../ports/token-issuer.js';
import { basicChallenge } from '../request/client-credentials.js';

/** What `handleTokenRequest` answers: write `status`, `headers` and `JSON.stringify(body)`. */
export interface TokenEndpointResponse {
  status: number;
  headers: Record<string, string>;
  /** RFC 6749 §5.1 token response or §5.2 error response; JSON-serialisable. */
  body: TokenResponse | { error: string; error_description: string };
  /** The rejection, for your logs (`code`, `detail`, `cause`). Never send it. */
  error?: OAuthError;
  /** The verified JWT bearer grant, for your logs and audit trail. */
  grant?: JwtBearerGrant;
  /** The authenticated client, when there was one. */
  client?: AuthenticatedClient;
}

// RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache" on every token endpoint response (SPEC R6).
const BASE_HEADERS = {
  'Content-Type': 'application/json;charset=UTF-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
} as const;

/** A 200 token response. */
export function toSuccessResponse(token: TokenResponse, extra: Pick<TokenEndpointResponse, 'grant' | 'client'>): TokenEndpointResponse {
  const { id_token: _dropped, ...body } = token;
  return { status: 200, headers: { ...BASE_HEADERS }, body, ...extra };
}

/**
 * An error response (SPEC R5-R8). `invalid_client` is a 401 with a `Basic` challenge when the client used the
 * Authorization header (RFC 6749 §5.2: MUST) or when Basic is supported here (MAY); otherwise a 400, since
 * HTTP forbids a 401 without a challenge (RFC 9110 §15.5.2) and no HTTP scheme names private_key_jwt.
 */
export function toErrorResponse(
  error: OAuthError,
  context: { usedAuthorizationHeader: boolean; basicSupported: boolean; realm: string; client?: AuthenticatedClient | undefined },
): TokenEndpointResponse {
  const headers: Record<string, string> = { ...BASE_HEADERS };
  let { status } = error;
  if (error.wwwAuthenticate !== undefined) {
    headers['WWW-Authenticate'] = error.wwwAuthenticate;
  } else if (error.error === 'invalid_client' && (context.usedAuthorizationHeader || context.basicSupported)) {
    status = 401;
    headers['WWW-Authenticate'] = basicChallenge(context.realm);
  }
  if (status === 405) headers['Allow'] = 'POST';
  const response: TokenEndpointResponse = { status, headers, body: error.toJSON(), error };
  if (context.client !== undefined) response.client = context.client;
  return response;
}
