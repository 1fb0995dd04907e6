import { JWT_BEARER_GRANT_TYPE } from './constants.js';
import { OAuthError } from './errors.js';
import type { JwtBearerGrant } from './grant.js';
import { compileOptions, requirePort, type JwtBearerGrantOptions } from './options.js';
import { verifyGrant } from './pipeline/grant.js';
import { checkClientCredentialsVerified } from './request/client-credentials.js';
import { parseForm } from './request/parse-form.js';
import type { RequestHeaders } from './request/read-header.js';

/**
 * A token request as frameworks hand it over; an Express `req` or a Koa `ctx.request` fits as is.
 * `body` is a parsed form object, a `URLSearchParams`, the raw `application/x-www-form-urlencoded` string or
 * its bytes.
 */
export interface TokenRequest {
  body: unknown;
  headers?: RequestHeaders;
}

/**
 * Verifies an RFC 7523 §2.1 JWT bearer authorization grant and, when a `tokenIssuer` is configured, issues the
 * access token. Order (cheap, then crypto, then state): request → decode → header → issuer keys → signature →
 * claims → subject and scope policy → jti consumed LAST (a forged or expired assertion never burns a jti) →
 * token.
 *
 * Not validated here: client authentication (credentials present are refused unless `clientCredentials` is
 * `'verified-by-caller'`), the HTTP method and content type, and anything about the token's later use.
 *
 * @example
 * ```ts
 * const options = { issuer: 'https://as.example.com', keyResolver, replayStore, tokenIssuer }
 * app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
 *   try {
 *     const grant = await verifyJwtBearerGrant(req, options)
 *     res.set('Cache-Control', 'no-store').json(grant.token)
 *   } catch (e) {
 *     if (!isOAuthError(e)) throw e
 *     res.status(e.status).set('Cache-Control', 'no-store').json(e.toJSON())
 *   }
 * })
 * ```
 * @throws {OAuthError} on every rejection: `invalid_request`, `unsupported_grant_type`, `invalid_client`,
 *   `invalid_grant`, `invalid_scope`; `temporarily_unavailable` / `server_error` when a dependency fails.
 *   See docs/errors.md for every `code`.
 * @throws TypeError for invalid options (a programmer mistake), naming the option path.
 * @see RFC 7521 §4.1, RFC 7523 §2.1 and §3
 */
export async function verifyJwtBearerGrant(request: TokenRequest, options: JwtBearerGrantOptions): Promise<JwtBearerGrant> {
  const config = compileOptions(options);
  requirePort(config, 'keyResolver');
  if (typeof request !== 'object' || request === null) throw new TypeError('request: must be an object with a body');

  const params = parseForm(request.body);
  const grantType = params.get('grant_type');
  // RFC 6749 §4.1.3 / RFC 7521 §4.1: grant_type REQUIRED, and must be the JWT bearer URN (RFC 7523 §2.1).
  if (grantType === undefined) throw new OAuthError('ERR_JWT_BEARER_GRANT_TYPE_MISSING');
  if (grantType !== JWT_BEARER_GRANT_TYPE) throw new OAuthError('ERR_JWT_BEARER_GRANT_TYPE_UNSUPPORTED');
  checkClientCredentialsVerified(params, request.headers, config.clientCredentials, config.issuer);
  return verifyGrant(params, config, undefined);
}
