import express from 'express';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { createExpressTokenHandler } from 'jwt-bearer-grant/express';

// console, pino or any logger with info() and error().
type Log = Pick<Console, 'info' | 'error'>;

export function createTokenApp(options: TokenEndpointOptions, log: Log = console): express.Express {
  const app = express();
  // No body parser on this route: the handler reads the raw body itself, so a repeated parameter is refused.
  // all(), not post(): any other method gets the OAuth 405 with Allow: POST instead of Express's HTML 404.
  app.all(
    '/oauth2/token',
    createExpressTokenHandler(options, {
      onResponse({ status, error, grant }) {
        if (error === undefined) log.info({ event: 'token_issued', subject: grant?.subject });
        else if (status >= 500) log.error({ event: 'token_failed', code: error.code, cause: error.cause });
        else log.info({ event: 'token_refused', code: error.code, detail: error.detail });
      },
    }),
  );
  return app;
}
