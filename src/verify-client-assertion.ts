import type { VerifiedClient } from './client.js';
import { OAuthError } from './errors.js';
import { compileOptions, requirePort, type ClientAssertionOptions } from './options.js';
import { checkClientAssertion } from './pipeline/client-assertion.js';
import { parseForm } from './request/parse-form.js';
import { readHeader } from './request/read-header.js';
import type { TokenRequest } from './verify-jwt-bearer-grant.js';

/**
 * Authenticates a client by its JWT client assertion ("private_key_jwt", RFC 7523 §2.2), from a token request
 * in any of the shapes `verifyJwtBearerGrant` takes. Rules in their client form: `iss` = `sub` = client_id (and
 * = the `client_id` parameter when sent); `aud` is this server's `issuer` as the sole value (the token endpoint
 * only where the client's `audiences` policy lists it, draft-ietf-oauth-rfc7523bis); `typ` absent, `JWT` or
 * `client-authentication+jwt`; `jti` single-use in its own replay namespace.
 *
 * @example
 * ```ts
 * const options = { issuer: 'https://as.example.com', clientKeyResolver, replayStore }
 * const client = await verifyClientAssertion(req, options) // client.clientId, client.grantTypes, ...
 * ```
 * @throws {OAuthError} `invalid_client` for every assertion failure (RFC 7521 §4.2.1); `invalid_request` when
 *   the pair of parameters is incomplete or another authentication method is also used (SPEC R9);
 *   `temporarily_unavailable` / `server_error` when a dependency fails.
 * @throws TypeError for invalid options, or when `clientKeyResolver` is missing.
 * @see RFC 7523 §2.2 and §3, RFC 7521 §4.2
 */
export async function verifyClientAssertion(request: TokenRequest, options: ClientAssertionOptions): Promise<VerifiedClient> {
  const config = compileOptions(options);
  requirePort(config, 'clientKeyResolver');
  if (typeof request !== 'object' || request === null) throw new TypeError('request: must be an object with a body');
  const params = parseForm(request.body);
  // SPEC R9: one client authentication method per request (only a request that has an assertion uses two).
  const hasAssertion = params.has('client_assertion') || params.has('client_assertion_type');
  if (hasAssertion && (readHeader(request.headers, 'authorization') !== undefined || params.has('client_secret'))) {
    throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE');
  }
  const pending = await checkClientAssertion(params, config);
  await pending.commit();
  return pending.client;
}
