export { verifyJwtBearerGrant, type TokenRequest } from './verify-jwt-bearer-grant.js';
export { verifyClientAssertion } from './verify-client-assertion.js';
export { handleTokenRequest, type HttpTokenRequest } from './http/handle-token-request.js';
export type { TokenEndpointResponse } from './http/token-endpoint-response.js';
export type { JwtBearerGrant } from './grant.js';
export type {
  AuthenticatedClient,
  ClientAuthenticationMethod,
  ClientSecretCredentials,
  SecretClient,
  VerifiedClient,
} from './client.js';
export type {
  ClientAssertionOptions,
  JwtBearerGrantOptions,
  ScopeAuthorizationContext,
  SubjectAuthorizationContext,
  SupportedGrantType,
  TokenEndpointOptions,
  VerifierOptions,
} from './options.js';
export { ERROR_CODES, isOAuthError, OAuthError, type OAuthErrorCode, type OAuthErrorName, type OAuthErrorOptions } from './errors.js';
export {
  DEFAULT_ALGORITHMS,
  HMAC_ALGORITHMS,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
} from './constants.js';
export type {
  ClientKeyResolver,
  IssuerPolicy,
  Jwk,
  JwsHeader,
  KeyResolutionContext,
  TrustedIssuer,
  TrustedKey,
} from './ports/client-key-resolver.js';
export type { Clock } from './ports/clock.js';
export type { ReplayStore } from './ports/replay-store.js';
export type { TokenIssuer, TokenRequestContext, TokenResponse } from './ports/token-issuer.js';
export type { FormBody } from './request/parse-form.js';
export type { RequestHeaders } from './request/read-header.js';
export { createStaticKeyResolver } from './defaults/static-key-resolver.js';
export { createMemoryReplayStore, type MemoryReplayStoreOptions } from './defaults/memory-replay-store.js';
export { createLruReplayStore, type LruReplayStoreOptions } from './defaults/lru-replay-store.js';
export { createFakeClock, systemClock, type FakeClock } from './defaults/clocks.js';
export { createOpaqueTokenIssuer, type OpaqueTokenIssuerOptions, type OpaqueTokenRecord } from './defaults/opaque-token-issuer.js';
export { createJwtAccessTokenIssuer, type JwtAccessTokenIssuerOptions } from './defaults/jwt-access-token-issuer.js';
export type { SigningKey } from './lib/signing-key.js';
export {
  createRemoteJwksResolver,
  type RemoteJwksIssuer,
  type RemoteJwksIssuerLookup,
  type RemoteJwksResolver,
  type RemoteJwksResolverOptions,
} from './defaults/remote-jwks-resolver.js';
export { createCachedKeyResolver, type CachedKeyResolver, type CachedKeyResolverOptions } from './defaults/cached-key-resolver.js';
export { explainAssertion, type AssertionExplanation, type ExplainAssertionOptions } from './explain/explain-assertion.js';
export { formatExplanation } from './explain/format-explanation.js';
export type { ExplainStatus, ExplainStep } from './explain/step-recorder.js';
