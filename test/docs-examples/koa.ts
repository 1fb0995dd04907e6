import Router from '@koa/router';
import Koa from 'koa';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { createKoaTokenMiddleware } from 'jwt-bearer-grant/koa';

// console, pino or any logger with info() and error().
type Log = Pick<Console, 'info' | 'error'>;

export function createTokenApp(options: TokenEndpointOptions, log: Log = console): Koa {
  const router = new Router();
  // No body parser before this route: the middleware reads the raw body itself, so a repeated parameter is
  // refused. all(), not post(): any other method gets the OAuth 405 with Allow: POST instead of Koa's 404.
  router.all(
    '/oauth2/token',
    createKoaTokenMiddleware(options, {
      onResponse({ status, error, grant }) {
        if (error === undefined) log.info({ event: 'token_issued', subject: grant?.subject });
        else if (status >= 500) log.error({ event: 'token_failed', code: error.code, cause: error.cause });
        else log.info({ event: 'token_refused', code: error.code, detail: error.detail });
      },
    }),
  );
  const app = new Koa();
  app.use(router.routes());
  return app;
}
