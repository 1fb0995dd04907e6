/** `grant_type` of the JWT bearer assertion grant. @see RFC 7523 §2.1 */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** `client_assertion_type` of JWT client authentication. @see RFC 7523 §2.2 */
export const JWT_BEARER_CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric JWS algorithms accepted by default (RFC 8725 §3.1: an explicit allowlist, never `none`). */
export const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Every asymmetric JWS algorithm the library can verify. */
export type AsymmetricAlgorithm = (typeof DEFAULT_ALGORITHMS)[number];

/** HMAC algorithms: only for an issuer that has a shared secret (`kty: "oct"` key with this `alg`) configured. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** Any JWS algorithm the library can verify. */
export type JwsAlgorithm = AsymmetricAlgorithm | (typeof HMAC_ALGORITHMS)[number];
