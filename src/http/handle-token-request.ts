import type { AuthenticatedClient } from '../client.js';
import { JWT_BEARER_GRANT_TYPE } from '../constants.js';
import { isOAuthError, OAuthError } from '../errors.js';
import { compileOptions, requirePort, type TokenEndpointOptions } from '../options.js';
import { grantClientCredentials } from '../pipeline/client-credentials.js';
import { verifyGrant } from '../pipeline/grant.js';
import { authenticateClient } from '../request/authenticate-client.js';
import { parseForm } from '../request/parse-form.js';
import { readHeader, type RequestHeaders } from '../request/read-header.js';
import { toErrorResponse, toSuccessResponse, type TokenEndpointResponse } from './token-endpoint-response.js';

/** A token endpoint HTTP request: Node's `IncomingMessage` (with the body you read) fits as is. */
export interface HttpTokenRequest {
  method?: string | undefined;
  headers: RequestHeaders;
  /** A parsed form, `URLSearchParams`, the raw body string or its bytes. */
  body: unknown;
}

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

// RFC 6749 §3.2 / Appendix B: the body is application/x-www-form-urlencoded, in UTF-8.
function isFormContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === FORM_CONTENT_TYPE) return true; // what clients almost always send, as is
  const [type = '', ...parameters] = value.split(';');
  if (type.trim().toLowerCase() !== FORM_CONTENT_TYPE) return false;
  for (const parameter of parameters) {
    const [name = '', raw = ''] = parameter.split('=');
    const charset = raw.trim().replace(/^"|"$/g, '').toLowerCase();
    if (name.trim().toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

async function respond(
  request: HttpTokenRequest,
  config: ReturnType<typeof compileOptions>,
  onClient: (client: AuthenticatedClient | undefined) => void,
): Promise<TokenEndpointResponse> {
  // SPEC R5 (RFC 6749 §3.2): "The client MUST use the HTTP "POST" method when making access token requests."
  // Methods are case-sensitive (RFC 9110 §9.1); Node and fetch hand them over in upper case.
  if (request.method !== 'POST') throw new OAuthError('ERR_JWT_BEARER_METHOD_NOT_ALLOWED');
  if (!isFormContentType(readHeader(request.headers, 'content-type'))) throw new OAuthError('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
  const params = parseForm(request.body);
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw new OAuthError('ERR_JWT_BEARER_GRANT_TYPE_MISSING');
  if (!config.grantTypes.has(grantType)) throw new OAuthError('ERR_JWT_BEARER_GRANT_TYPE_UNSUPPORTED');

  const authentication = await authenticateClient(params, request.headers, config);
  const client = authentication?.client;
  const commitClient = async (): Promise<void> => authentication?.commit();
  onClient(client);
  // SPEC R12 (RFC 6749 §5.2 unauthorized_client): a known client must be allowed this grant type.
  if (client?.grantTypes !== undefined && !client.grantTypes.includes(grantType)) {
    throw new OAuthError('ERR_JWT_BEARER_UNAUTHORIZED_CLIENT');
  }
  if (grantType === JWT_BEARER_GRANT_TYPE) {
    const grant = await verifyGrant(params, config, client, commitClient);
    const { token, ...verified } = grant;
    const response = toSuccessResponse(token as NonNullable<typeof token>, { grant: verified });
    if (client !== undefined) response.client = client;
    return response;
  }
  const token = await grantClientCredentials(params, config, client, commitClient);
  return toSuccessResponse(token, client === undefined ? {} : { client });
}

/**
 * A framework-agnostic OAuth 2.0 token endpoint for the JWT bearer grant (RFC 7523 §2.1) and, when enabled,
 * `client_credentials`, with client authentication by JWT (RFC 7523 §2.2) or by a secret checked by your
 * `authenticateClient` hook. Never throws for a client mistake: every outcome is a response with
 * `Cache-Control: no-store` and `Pragma: no-cache` (SPEC R5-R8).
 *
 * @example
 * ```ts
 * http.createServer(async (req, res) => {
 *   let body = ''
 *   for await (const chunk of req) body += chunk
 *   const result = await handleTokenRequest({ method: req.method, headers: req.headers, body }, options)
 *   if (result.error) log.info({ code: result.error.code, detail: result.error.detail })
 *   res.writeHead(result.status, result.headers).end(JSON.stringify(result.body))
 * })
 * ```
 * @throws TypeError for invalid options (or a missing `tokenIssuer`, or `keyResolver` with the JWT bearer
 *   grant enabled); any non-OAuth error a port or hook raises past its own handling (a bug) is rethrown.
 * @see RFC 6749 §3.2, §5.1, §5.2; RFC 7521 §4; RFC 7523 §2, §3
 */
export async function handleTokenRequest(request: HttpTokenRequest, options: TokenEndpointOptions): Promise<TokenEndpointResponse> {
  const config = compileOptions(options);
  requirePort(config, 'tokenIssuer');
  if (config.grantTypes.has(JWT_BEARER_GRANT_TYPE)) requirePort(config, 'keyResolver');
  if (typeof request !== 'object' || request === null) throw new TypeError('request: must be an object with method, headers and body');
  let client: AuthenticatedClient | undefined;
  try {
    return await respond(request, config, (authenticated) => {
      client = authenticated;
    });
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    return toErrorResponse(error, {
      usedAuthorizationHeader: readHeader(request.headers, 'authorization') !== undefined,
      basicSupported: config.authenticateClient !== undefined,
      realm: config.issuer,
      client,
    });
  }
}
