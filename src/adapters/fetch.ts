import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { readCappedStream } from '../lib/read-capped.js';
import { answerTokenRequest, BODY_TOO_LARGE, compileHandlerOptions, type TokenHandlerOptions } from './handler-options.js';

/** A fetch-API handler: a Web `Request` in, a Web `Response` out. */
export type FetchTokenHandler = (request: Request) => Promise<Response>;

export type { TokenHandlerOptions } from './handler-options.js';

// Reads the body as bytes with a cap, counting as it goes (a chunked body has no Content-Length). Past the cap it
// stops reading and cancels the rest. A body another reader already used is `undefined` (no body).
async function readBody(request: Request, maxBodySize: number): Promise<Uint8Array | undefined | typeof BODY_TOO_LARGE> {
  if (request.bodyUsed) return undefined;
  if (request.body === null) return new Uint8Array(0);
  if (Number(request.headers.get('content-length')) > maxBodySize) return BODY_TOO_LARGE;
  return (await readCappedStream(request.body, maxBodySize)) ?? BODY_TOO_LARGE;
}

/**
 * An RFC 7523 token endpoint for fetch-API runtimes and frameworks: Hono (`c.req.raw`), Next.js route handlers,
 * Bun, Deno, Cloudflare Workers, or any `(Request) => Response` server. Uses only Web APIs (no `node:` module).
 * The handler reads the body as bytes, up to `maxBodySize`, so repeated parameters stay visible (SPEC R3) and
 * the charset is checked; do not read the body before it. Every outcome is the OAuth JSON response (status,
 * `Cache-Control: no-store`, ...); only a server fault (a `TypeError` for bad options, a throwing `onResponse`)
 * rejects.
 *
 * @example
 * ```ts
 * const token = createFetchTokenHandler(options)
 * export default { fetch: (request: Request) => token(request) }
 * ```
 * @throws TypeError at creation for invalid `handlerOptions`; `options` are validated by the first request.
 * @see RFC 6749 §3.2, §5; RFC 7523 §2; docs/frameworks/fetch.md
 */
export function createFetchTokenHandler(
  options: TokenEndpointOptions,
  handlerOptions?: TokenHandlerOptions<Request>,
): FetchTokenHandler {
  const { maxBodySize, onResponse } = compileHandlerOptions('createFetchTokenHandler', handlerOptions);
  return async (request) => {
    const body = await readBody(request, maxBodySize);
    const result = await answerTokenRequest({ method: request.method, headers: request.headers, body }, options, maxBodySize);
    await onResponse?.(result, request);
    return new Response(JSON.stringify(result.body), { status: result.status, headers: result.headers });
  };
}
