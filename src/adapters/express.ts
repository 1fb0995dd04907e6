import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { answerTokenRequest, compileHandlerOptions, type TokenHandlerOptions } from './handler-options.js';
import { readRequestBody } from './read-node-body.js';

/** An Express (or NestJS on Express) request: Express's `req` fits as is. */
export type ExpressTokenRequest = IncomingMessage & {
  /** What a body parser that already ran left: `express.urlencoded()`, `express.raw()`, `express.text()`. */
  body?: unknown;
  /** The exact body bytes, when a parser kept them (NestJS `rawBody: true`, a body-parser `verify` hook). */
  rawBody?: unknown;
};

/** An Express request handler: mount it with `app.all(path, handler)` (or `app.post`, see the docs). */
export type ExpressTokenHandler = (req: ExpressTokenRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

export type { TokenHandlerOptions } from './handler-options.js';

/**
 * An RFC 7523 token endpoint for Express 5 (and NestJS on the Express platform): `handleTokenRequest` over the
 * request's raw body. The handler reads the body itself, up to `maxBodySize`, so no body parser is needed and
 * repeated parameters stay visible (SPEC R3); if a parser already consumed the body, its `rawBody` (else `body`)
 * is used: configure `express.urlencoded({ extended: false })` there, since qs-style nesting (`a[b]=c`) is
 * refused. Every outcome is written as the OAuth JSON response (status, `Cache-Control: no-store`, ...); only a
 * server fault (a `TypeError` for bad options, a throwing `onResponse`) goes to `next(error)`.
 *
 * @example
 * ```ts
 * app.all('/oauth2/token', createExpressTokenHandler(options))
 * ```
 * @throws TypeError at creation for invalid `handlerOptions`; `options` are validated by the first request.
 * @see RFC 6749 §3.2, §5; RFC 7523 §2; docs/frameworks/express.md
 */
export function createExpressTokenHandler(
  options: TokenEndpointOptions,
  handlerOptions?: TokenHandlerOptions<ExpressTokenRequest>,
): ExpressTokenHandler {
  const { maxBodySize, onResponse } = compileHandlerOptions('createExpressTokenHandler', handlerOptions);
  const respond = async (req: ExpressTokenRequest, res: ServerResponse): Promise<void> => {
    const body = await readRequestBody(req, req.headers, req, maxBodySize);
    const result = await answerTokenRequest({ method: req.method, headers: req.headers, body }, options, maxBodySize);
    await onResponse?.(result, req);
    // Node's own writeHead: Express's res.send would add an ETag to a token response.
    res.writeHead(result.status, result.headers).end(JSON.stringify(result.body));
  };
  return (req, res, next) => {
    respond(req, res).catch(next);
  };
}
