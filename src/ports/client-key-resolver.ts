import type { JwsAlgorithm } from '../constants.js';

/** A JSON Web Key as configured for an issuer (RFC 7517). Public keys only; `oct` only with an HMAC `alg`. */
export interface Jwk {
  /** Required at run time; optional in the type so keys from `jose.exportJWK` fit as they are. */
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: readonly string[];
  x5c?: readonly string[];
  x5t?: string;
  'x5t#S256'?: string;
  [member: string]: unknown;
}

/**
 * A trusted key: a public JWK, or a PEM string holding an SPKI public key (`-----BEGIN PUBLIC KEY-----`) or an
 * X.509 certificate (`-----BEGIN CERTIFICATE-----`, checked against its validity period at verification time).
 */
export type TrustedKey = Jwk | string;

/** The protected header of an assertion, as the resolver sees it (untrusted: the signature is not checked yet). */
export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  x5t?: string;
  'x5t#S256'?: string;
  [member: string]: unknown;
}

/**
 * Per-issuer policy. Every field is optional and, when set, overrides the global verifier option of the same
 * name for this issuer only. Defaults are the safe ones.
 */
export interface IssuerPolicy {
  /**
   * Which `sub` values this issuer may assert (RFC 7523 §3 item 2).
   * `'self'`: `sub` must equal `iss` (a service account acting as itself); `'any'`: any subject (impersonation /
   * delegation, opt-in); a list: exactly these subjects.
   * @defaultValue `'self'`
   */
  subjects?: 'self' | 'any' | readonly string[];
  /**
   * `false` lets an assertion without `sub` stand for the issuer itself (Google service-account assertions carry
   * no `sub` unless they delegate).
   * @defaultValue `true`
   */
  requireSubject?: boolean;
  /**
   * Grants: the `aud` values accepted for this issuer INSTEAD of `[issuer, tokenEndpoint]` (exact string match),
   * e.g. a Salesforce-style login URL. Clients: values accepted IN ADDITION to the issuer identifier, for legacy
   * clients that send the token endpoint (draft-ietf-oauth-rfc7523bis).
   */
  audiences?: readonly string[];
  /**
   * The most this issuer can be granted. A requested scope outside it is `invalid_scope`. When unset (and no
   * `authorizeScope` hook is configured) the issuer can be granted no scope at all. For a client entry: the most
   * `client_credentials` may grant the client.
   */
  scopes?: readonly string[];
  /** `false` for issuers whose clients send no `jti` (a `jti` that is present is still single-use). @defaultValue `true` */
  requireJti?: boolean;
  /** `false` disables `jti` consumption for issuers whose clients resend the same assertion. @defaultValue `true` */
  singleUse?: boolean;
  /** Longest accepted assertion lifetime in seconds (1 to 86400). @defaultValue the global `maxLifetime` (300) */
  maxLifetime?: number;
  /** Accepted `alg` values for this issuer. HMAC algorithms are allowed only here, with an `oct` key of that `alg`. */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Client policy (RFC 7523 §2.2 entries only): the grant types this client may use at `handleTokenRequest`.
   * @defaultValue every grant type the endpoint enables
   */
  grantTypes?: readonly string[];
}

/** An issuer the server trusts: its keys (a JWKS `{ keys }` is one) and optional policy. */
export interface TrustedIssuer extends IssuerPolicy {
  keys: readonly TrustedKey[];
}

/** What the verifier tells a resolver about the assertion being verified. */
export interface KeyResolutionContext {
  /** The assertion's protected header (untrusted). */
  header: JwsHeader;
  /** `grant` for an RFC 7523 §2.1 authorization grant, `client` for §2.2 client authentication. */
  use: 'grant' | 'client';
}

/**
 * Finds the keys and policy of an assertion issuer (or, for client authentication, of a client_id).
 *
 * Contract:
 * - Resolve `undefined` for an issuer you do not trust; the assertion is refused with `invalid_grant`, worded
 *   exactly like a bad signature so unknown issuers cannot be told apart.
 * - Throw when you cannot answer (database down, JWKS fetch failed): the request is refused with
 *   `temporarily_unavailable` (503), never accepted on stale or missing trust. An `OAuthError` with a 5xx
 *   status that you throw is passed through as is.
 * - Return the same object for the same configuration when you can: keys are validated and imported once per
 *   returned object and cached by its identity.
 * - Never trust keys named by the assertion itself (`jwk`, `jku`, `x5u`, `x5c` headers; RFC 8725 §3.10).
 */
export interface ClientKeyResolver {
  resolve(issuer: string, context: KeyResolutionContext): Promise<TrustedIssuer | undefined>;
}
