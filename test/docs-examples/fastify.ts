import Fastify, { type FastifyInstance } from 'fastify';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { createFastifyTokenPlugin } from 'jwt-bearer-grant/fastify';

// console, pino or any logger with info() and error().
type Log = Pick<Console, 'info' | 'error'>;

export async function createTokenApp(options: TokenEndpointOptions, log: Log = console): Promise<FastifyInstance> {
  const app = Fastify();
  // One route, every method, in its own context: its body parser reads any body raw, so a JSON body gets the
  // OAuth invalid_request (not Fastify's 415) and a repeated parameter is refused. Other routes keep theirs.
  await app.register(
    createFastifyTokenPlugin(options, {
      path: '/token',
      onResponse({ status, error, grant }) {
        if (error === undefined) log.info({ event: 'token_issued', subject: grant?.subject });
        else if (status >= 500) log.error({ event: 'token_failed', code: error.code, cause: error.cause });
        else log.info({ event: 'token_refused', code: error.code, detail: error.detail });
      },
    }),
    { prefix: '/oauth2' },
  );
  return app;
}
