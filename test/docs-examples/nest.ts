import 'reflect-metadata';
import { All, Controller, Inject, Module, Next, Req, Res } from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TokenEndpointOptions } from 'jwt-bearer-grant';
import { createExpressTokenHandler, type ExpressTokenHandler } from 'jwt-bearer-grant/express';

const OPTIONS = Symbol('TOKEN_ENDPOINT_OPTIONS');
const LOG = Symbol('TOKEN_LOG');
// console, pino or any logger with info() and error().
type Log = Pick<Console, 'info' | 'error'>;

@Controller('oauth2')
export class TokenController {
  private readonly handle: ExpressTokenHandler;

  constructor(@Inject(OPTIONS) options: TokenEndpointOptions, @Inject(LOG) log: Log) {
    this.handle = createExpressTokenHandler(options, {
      onResponse({ status, error, grant }) {
        if (error === undefined) log.info({ event: 'token_issued', subject: grant?.subject });
        else if (status >= 500) log.error({ event: 'token_failed', code: error.code, cause: error.cause });
        else log.info({ event: 'token_refused', code: error.code, detail: error.detail });
      },
    });
  }

  // @All, not @Post: any other method gets the OAuth 405 with Allow: POST instead of Nest's 404.
  // @Res() hands the response to the handler: Nest's exception JSON never replaces the OAuth error body.
  @All('token')
  token(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    this.handle(req, res, next);
  }
}

@Module({})
export class TokenModule {
  static forRoot(options: TokenEndpointOptions, log: Log = console): DynamicModule {
    return {
      module: TokenModule,
      controllers: [TokenController],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: LOG, useValue: log },
      ],
    };
  }
}

export async function createTokenApp(options: TokenEndpointOptions, log: Log = console): Promise<INestApplication> {
  // bodyParser: false, so that no parser answers a token request before the handler (with Nest's JSON, not
  // OAuth's): the handler reads its own body. Other routes get their JSON parser back, guarded by path.
  const app = await NestFactory.create<NestExpressApplication>(TokenModule.forRoot(options, log), {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  const json = express.json();
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/oauth2/token') next();
    else json(req, res, next);
  });
  return app;
}
