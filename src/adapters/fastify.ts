import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { handleTokenRequest, type TokenEndpointOptions, type TokenEndpointResponse } from 'jwt-bearer-grant';
import { answerTokenRequest, compileHandlerOptions, type TokenHandlerOptions } from './handler-options.js';
import { readNodeBody } from './read-node-body.js';

/** Options of {@link createFastifyTokenPlugin}. */
export interface FastifyTokenPluginOptions extends TokenHandlerOptions<FastifyRequest> {
  /** The route, under the prefix you register the plugin with. @defaultValue `'/token'` */
  path?: string;
}

export type { TokenHandlerOptions } from './handler-options.js';

/**
 * An RFC 7523 token endpoint as a Fastify 5 plugin: one route (every method, so a non-POST gets the OAuth 405
 * with `Allow: POST`) in its own encapsulated context, where the content-type parsers are replaced by one that
 * reads any body raw, up to `maxBodySize`. So a JSON or a Latin-1 body reaches `handleTokenRequest` and gets the
 * OAuth `invalid_request`, not Fastify's 415, and repeated parameters stay visible (SPEC R3). Parsers and
 * plugins of the rest of your app are not affected (do not wrap this plugin in `fastify-plugin`).
 *
 * @example
 * ```ts
 * await app.register(createFastifyTokenPlugin(options), { prefix: '/oauth2' }) // POST /oauth2/token
 * ```
 * @throws TypeError at creation for invalid options (`path` must start with `/`); `options` are validated by
 *   the first request.
 * @see RFC 6749 §3.2, §5; RFC 7523 §2; docs/frameworks/fastify.md
 */
export function createFastifyTokenPlugin(
  options: TokenEndpointOptions,
  pluginOptions?: FastifyTokenPluginOptions,
): FastifyPluginCallback {
  const { maxBodySize, onResponse } = compileHandlerOptions('createFastifyTokenPlugin', pluginOptions);
  const path = pluginOptions?.path ?? '/token';
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError('createFastifyTokenPlugin pluginOptions.path: must be a string that starts with /');
  }

  const send = async (result: TokenEndpointResponse, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    await onResponse?.(result, request);
    return reply.code(result.status).headers(result.headers).send(JSON.stringify(result.body));
  };

  return (fastify, _registerOptions, done) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (request, payload, parsed) => {
      readNodeBody(payload, request.headers, maxBodySize).then((body) => parsed(null, body), parsed);
    });
    // A Content-Type Fastify cannot even parse is refused (415) before any parser runs: answer as the token
    // endpoint does instead (invalid_request). Any other error goes on to your error handler.
    fastify.setErrorHandler(async (error, request, reply) => {
      if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw error;
      const result = await handleTokenRequest({ method: request.method, headers: request.headers, body: undefined }, options);
      return send(result, request, reply);
    });
    fastify.all(path, async (request, reply) => {
      const result = await answerTokenRequest({ method: request.method, headers: request.headers, body: request.body }, options, maxBodySize);
      return send(result, request, reply);
    });
    done();
  };
}
