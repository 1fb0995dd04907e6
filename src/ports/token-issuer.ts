import type { AuthenticatedClient } from '../client.js';
import type { JwtBearerGrant } from '../grant.js';

/**
 * The RFC 6749 §5.1 successful token response body. Extra members are passed through to the client.
 * @see RFC 6749 §5.1
 */
export interface TokenResponse {
  access_token: string;
  /** `Bearer` for the built-in issuers. */
  token_type: string;
  /** Lifetime of the access token in seconds. */
  expires_in?: number;
  /** Space-delimited granted scope; added by the verifier when it differs from the requested scope (RFC 6749 §3.3). */
  scope?: string;
  [member: string]: unknown;
}

/** What a {@link TokenIssuer} is asked to mint a token for. */
export interface TokenRequestContext {
  /** `urn:ietf:params:oauth:grant-type:jwt-bearer` or `client_credentials`. */
  grantType: string;
  /** Who the token is for: the grant's subject, or the client itself for `client_credentials`. */
  subject: string;
  /** The granted scope. */
  scope: readonly string[];
  /** The scope the client asked for, before policy. */
  requestedScope: readonly string[];
  /** The authenticated client, when the request carried client authentication. */
  client: AuthenticatedClient | undefined;
  /** The verified JWT bearer grant (RFC 7523 §2.1); `undefined` for `client_credentials`. */
  grant: Omit<JwtBearerGrant, 'token'> | undefined;
}

/**
 * Mints the access token for a verified request. Called last, after the assertion's `jti` was consumed.
 *
 * Contract: resolve the token response, or throw when the token cannot be issued; a throw becomes
 * `server_error` (500) and the cause is kept for logs. Do not return `id_token` from these grants.
 */
export interface TokenIssuer {
  issue(context: TokenRequestContext): Promise<TokenResponse>;
}
