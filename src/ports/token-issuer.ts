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
  /** The verified grant. */
  grant: Omit<JwtBearerGrant, 'token'>;
  /** The scope the client asked for (form parameter or `scope` claim), before policy. */
  requestedScope: readonly string[];
}

/**
 * Mints the access token for a verified grant. Called last, after the assertion's `jti` was consumed.
 *
 * Contract: resolve the token response, or throw when the token cannot be issued; a throw becomes
 * `server_error` (500) and the cause is kept for logs. Do not return `id_token` from this grant.
 */
export interface TokenIssuer {
  issue(context: TokenRequestContext): Promise<TokenResponse>;
}
