import type { JwsHeader } from './ports/client-key-resolver.js';

/** How a client proved who it is (RFC 6749 §2.3, RFC 7523 §2.2, OpenID Connect Core §9 names). */
export type ClientAuthenticationMethod = 'private_key_jwt' | 'client_secret_jwt' | 'client_secret_basic' | 'client_secret_post';

/** A client the token endpoint authenticated, with the policy that applies to it. */
export interface AuthenticatedClient {
  clientId: string;
  method: ClientAuthenticationMethod;
  /** Grant types this client may use; `undefined`: every grant type the endpoint enables. */
  grantTypes?: readonly string[] | undefined;
  /** The most `client_credentials` may grant this client; `undefined`: no scope. */
  scopes?: readonly string[] | undefined;
}

/** A client authenticated by a verified JWT client assertion (RFC 7523 §2.2). */
export interface VerifiedClient extends AuthenticatedClient {
  method: 'private_key_jwt' | 'client_secret_jwt';
  /** The assertion's `jti`, when present. */
  jti?: string;
  /** When the assertion expires (`exp`). */
  expiresAt: Date;
  claims: Readonly<Record<string, unknown>>;
  header: Readonly<JwsHeader>;
}

/** What `authenticateClient` is given for `client_secret_basic` / `client_secret_post`. */
export interface ClientSecretCredentials {
  clientId: string;
  clientSecret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/**
 * The result of `authenticateClient`: the client when the secret is right, `undefined` otherwise (unknown
 * client or wrong secret; both answer `invalid_client`).
 */
export interface SecretClient {
  clientId: string;
  grantTypes?: readonly string[] | undefined;
  scopes?: readonly string[] | undefined;
}
