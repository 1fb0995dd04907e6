import { readWholeNumber } from '../lib/option-numbers.js';
import { handleTokenRequest, OAuthError, type HttpTokenRequest, type TokenEndpointOptions, type TokenEndpointResponse } from 'jwt-bearer-grant';

/**
 * Options every framework adapter takes besides the `TokenEndpointOptions` of `handleTokenRequest`.
 * `Request` is what the framework calls a request: Express `req`, Koa `ctx`, Fastify `request`, a fetch `Request`.
 */
export interface TokenHandlerOptions<Request> {
  /**
   * Largest request body the adapter reads, in bytes (1024-1048576). A larger body (by `Content-Length` or
   * counted while reading a chunked body) is answered 413 with an `invalid_request` body, without reading the
   * rest into memory. Raise it with `maxAssertionSize`: a request can carry a grant assertion and a client
   * assertion.
   * @defaultValue 65536
   */
  maxBodySize?: number;
  /**
   * Sees every response just before it is written: log `response.error` (`code`, `detail`, and `cause` for a
   * 5xx) and audit `response.grant` / `response.client`. Never send `response.error`. A throw (or rejection) is a
   * server error, handled as your framework handles one.
   */
  onResponse?: (response: TokenEndpointResponse, request: Request) => void | Promise<void>;
}

/** {@link TokenHandlerOptions} with defaults applied. */
export interface CompiledHandlerOptions<Request> {
  readonly maxBodySize: number;
  readonly onResponse: ((response: TokenEndpointResponse, request: Request) => void | Promise<void>) | undefined;
}

export const DEFAULT_MAX_BODY_SIZE = 65_536;

/**
 * Validates adapter options once, when the handler is created.
 * @throws TypeError naming the option (a programmer mistake, never an OAuth error).
 */
export function compileHandlerOptions<Request>(
  name: string,
  options: TokenHandlerOptions<Request> | undefined,
): CompiledHandlerOptions<Request> {
  if (options === undefined) return { maxBodySize: DEFAULT_MAX_BODY_SIZE, onResponse: undefined };
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name} handlerOptions: must be an object`);
  const { onResponse } = options;
  const maxBodySize = readWholeNumber(options.maxBodySize, `${name} handlerOptions.maxBodySize (bytes)`, DEFAULT_MAX_BODY_SIZE, 1024, 1_048_576);
  if (onResponse !== undefined && typeof onResponse !== 'function') {
    throw new TypeError(`${name} handlerOptions.onResponse: must be a function`);
  }
  return { maxBodySize, onResponse };
}

/** Marks a request body larger than `maxBodySize`. */
export const BODY_TOO_LARGE: unique symbol = Symbol('jwt-bearer-grant.bodyTooLarge');

/**
 * The answer to a body over `maxBodySize`: 413 (RFC 9110 §15.5.14) with the RFC 6749 §5.2 `invalid_request` body
 * and the token endpoint headers every response carries (SPEC R6, R7).
 */
function toBodyTooLargeResponse(maxBodySize: number): TokenEndpointResponse {
  const detail = `request body over maxBodySize (${maxBodySize} bytes)`;
  const error = new OAuthError('ERR_JWT_BEARER_BODY_TOO_LARGE', { detail });
  return {
    status: error.status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body: error.toJSON(),
    error,
  };
}

/**
 * What every adapter answers once it has read the body up to `maxBodySize`: 413 for a body that went over it
 * ({@link BODY_TOO_LARGE}), else the response of `handleTokenRequest`.
 */
export async function answerTokenRequest(
  request: HttpTokenRequest,
  options: TokenEndpointOptions,
  maxBodySize: number,
): Promise<TokenEndpointResponse> {
  return request.body === BODY_TOO_LARGE ? toBodyTooLargeResponse(maxBodySize) : handleTokenRequest(request, options);
}
