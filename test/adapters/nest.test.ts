import { Controller, Module, Next, Post, Req, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createExpressTokenHandler } from '../../src/adapters/express.js';
import { createTokenApp, TokenModule } from '../docs-examples/nest.js';
import { createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { send } from './http.js';
import { describeTokenEndpoint, expectOAuthError, expectTokenHeaders, form, FORM_TYPE, grantAssertion, type TokenLog } from './token-endpoint-cases.js';

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

// The docs example: bodyParser: false, the JSON parser back for every other route.
describeTokenEndpoint('NestJS 11 on Express (docs/frameworks/nest.md)', async (options, log) => {
  const app = await createTokenApp(options, log);
  return { url: `${await listen(app)}/oauth2/token`, close: () => app.close() };
});

describe("NestJS 11 with Nest's body parsers on and rawBody: true", () => {
  let f: ClientFixture;
  let app: INestApplication;
  let url: string;
  const codes: unknown[] = [];
  const log: TokenLog = { info: (entry: { code?: unknown }) => codes.push(entry.code ?? 'OK'), error: (entry: { code?: unknown }) => codes.push(entry.code) };

  beforeAll(async () => {
    f = await createClientFixture();
    app = await NestFactory.create(TokenModule.forRoot(f.options, log), { rawBody: true, logger: false });
    url = `${await listen(app)}/oauth2/token`;
  });
  afterAll(() => app?.close());

  const post = (body: string, type = FORM_TYPE) => send(url, { headers: { 'content-type': type }, body });

  it('a grant succeeds; a repeated parameter is refused (SPEC R3)', async () => {
    const assertion = await grantAssertion(f);
    expectOAuthError(await post(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}&assertion=${assertion}`), 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_PARAMETER_REPEATED');
    const response = await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }));
    expect(response.status).toBe(200);
    expectTokenHeaders(response);
  });

  it('JSON is still invalid_request; Latin-1 (which body-parser decodes) is refused by the charset check', async () => {
    expectOAuthError(await post(JSON.stringify({ grant_type: JWT_BEARER_GRANT_TYPE }), 'application/json'), 400, 'invalid_request');
    expectOAuthError(await post('grant_type=x', `${FORM_TYPE}; charset=ISO-8859-1`), 400, 'invalid_request');
    expect(codes.slice(-2)).toEqual(['ERR_JWT_BEARER_CONTENT_TYPE_INVALID', 'ERR_JWT_BEARER_CONTENT_TYPE_INVALID']);
  });

  it("what Nest's parsers refuse never reaches the handler: Nest answers with its own JSON (why the docs turn them off)", async () => {
    const tooLarge = await post(form({ pad: 'x'.repeat(200_000) }));
    expect([tooLarge.status, tooLarge.json]).toEqual([413, { message: 'request entity too large', statusCode: 413 }]);
    expect(tooLarge.headers['cache-control']).toBeUndefined();
    const unknownCharset = await post('grant_type=x', `${FORM_TYPE}; charset=windows-1252`);
    expect(unknownCharset.status).toBe(415);
    const malformedJson = await post('{"grant_type":', 'application/json');
    expect([malformedJson.status, malformedJson.json]).toMatchObject([400, { statusCode: 400 }]);
  });
});

@Controller('oauth2')
class PostOnlyController {
  private readonly handle = createExpressTokenHandler({} as TokenEndpointOptions);

  @Post('token')
  token(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    this.handle(req, res, next);
  }
}

@Module({ controllers: [PostOnlyController] })
class PostOnlyModule {}

describe('NestJS 11 with @Post instead of @All, and invalid options', () => {
  it('another method never reaches the controller (Nest answers 404 with its own JSON); a server fault is a 500', async () => {
    const app = await NestFactory.create(PostOnlyModule, { bodyParser: false, logger: false });
    try {
      const url = `${await listen(app)}/oauth2/token`;
      const response = await send(url, { method: 'GET' });
      expect([response.status, response.json]).toEqual([404, { message: 'Cannot GET /oauth2/token', error: 'Not Found', statusCode: 404 }]);
      // The TypeError for the invalid options goes to next(error): Express's error handling answers 500.
      expect((await send(url, { headers: { 'content-type': FORM_TYPE }, body: 'grant_type=x' })).status).toBe(500);
    } finally {
      await app.close();
    }
  });
});
