import { Hono } from 'hono';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { createFetchTokenHandler } from 'jwt-bearer-grant/fetch';

// console, pino or any logger with info() and error().
type Log = Pick<Console, 'info' | 'error'>;

export function createTokenApp(options: TokenEndpointOptions, log: Log = console): Hono {
  const token = createFetchTokenHandler(options, {
    onResponse({ status, error, grant }) {
      if (error === undefined) log.info({ event: 'token_issued', subject: grant?.subject });
      else if (status >= 500) log.error({ event: 'token_failed', code: error.code, cause: error.cause });
      else log.info({ event: 'token_refused', code: error.code, detail: error.detail });
    },
  });
  const app = new Hono();
  // c.req.raw is the untouched Request: do not read the body before (no c.req.parseBody(), no validator).
  // all(), not post(): any other method gets the OAuth 405 with Allow: POST instead of Hono's 404.
  app.all('/oauth2/token', (c) => token(c.req.raw));
  return app;
}
