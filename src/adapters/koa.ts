import type { IncomingMessage } from 'node:http';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { answerTokenRequest, compileHandlerOptions, type TokenHandlerOptions } from './handler-options.js';
import { readRequestBody } from './read-node-body.js';

/** The parts of a Koa context the middleware uses: Koa's `ctx` fits as is. */
export interface KoaTokenContext {
  req: IncomingMessage;
  /** `body` / `rawBody` are what a body parser that already ran left (`@koa/bodyparser`, `koa-bodyparser`). */
  request: { body?: unknown; rawBody?: unknown };
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/** A Koa middleware: mount it with `router.all(path, middleware)` (`@koa/router`) or behind your own path check. */
export type KoaTokenMiddleware = (ctx: KoaTokenContext) => Promise<void>;

export type { TokenHandlerOptions } from './handler-options.js';

/**
 * An RFC 7523 token endpoint for Koa 3: `handleTokenRequest` over the request's raw body. The middleware reads
 * `ctx.req` itself, up to `maxBodySize`, so no body parser is needed and repeated parameters stay visible
 * (SPEC R3); if a parser already consumed the body, its `ctx.request.rawBody` (else `ctx.request.body`) is used.
 * Every outcome becomes the OAuth JSON response (status, `Cache-Control: no-store`, ...); a server fault (a
 * `TypeError` for bad options, a throwing `onResponse`) is thrown to Koa. It ends the chain: `next` is not called.
 *
 * @example
 * ```ts
 * router.all('/oauth2/token', createKoaTokenMiddleware(options))
 * ```
 * @throws TypeError at creation for invalid `handlerOptions`; `options` are validated by the first request.
 * @see RFC 6749 §3.2, §5; RFC 7523 §2; docs/frameworks/koa.md
 */
export function createKoaTokenMiddleware(
  options: TokenEndpointOptions,
  handlerOptions?: TokenHandlerOptions<KoaTokenContext>,
): KoaTokenMiddleware {
  const { maxBodySize, onResponse } = compileHandlerOptions('createKoaTokenMiddleware', handlerOptions);
  return async (ctx) => {
    const { req } = ctx;
    const body = await readRequestBody(req, req.headers, ctx.request, maxBodySize);
    const result = await answerTokenRequest({ method: req.method, headers: req.headers, body }, options, maxBodySize);
    await onResponse?.(result, ctx);
    ctx.status = result.status;
    // Headers before the body: Koa keeps a Content-Type that is already set.
    ctx.set(result.headers);
    ctx.body = JSON.stringify(result.body);
  };
}
