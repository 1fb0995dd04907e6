import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createKoaTokenMiddleware } from '../../src/adapters/koa.js';
import { createTokenApp } from '../docs-examples/koa.js';
import { createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { listen, send } from './http.js';
import { describeTokenEndpoint, expectOAuthError, expectTokenHeaders, form, FORM_TYPE, grantAssertion } from './token-endpoint-cases.js';

describeTokenEndpoint('Koa 3 (docs/frameworks/koa.md)', async (options, log) => {
  const server = await listen(createServer(createTokenApp(options, log).callback()));
  return { url: `${server.origin}/oauth2/token`, close: server.close };
});

describe('Koa 3: other set-ups', () => {
  let f: ClientFixture;
  let origin: string;
  let close: () => Promise<void>;
  const codes: string[] = [];

  beforeAll(async () => {
    f = await createClientFixture();
    const onResponse = ({ error }: { error?: { code: string } | undefined }) => void codes.push(error?.code ?? 'OK');
    const router = new Router();
    // @koa/bodyparser already ran: the middleware uses its ctx.request.rawBody, so repeats stay visible.
    router.all('/parsed', bodyParser(), createKoaTokenMiddleware(f.options, { onResponse }));
    router.all('/misconfigured', createKoaTokenMiddleware({} as TokenEndpointOptions));
    // post() only: other methods never reach the middleware.
    router.post('/post-only', createKoaTokenMiddleware(f.options));
    const app = new Koa();
    app.silent = true;
    app.use(router.routes());
    ({ origin, close } = await listen(createServer(app.callback())));
  });
  afterAll(() => close?.());

  const post = (path: string, body: string, type = FORM_TYPE) => send(`${origin}${path}`, { headers: { 'content-type': type }, body });

  it('after @koa/bodyparser: a grant succeeds, a repeated parameter is still refused (SPEC R3), JSON is still invalid_request', async () => {
    const assertion = await grantAssertion(f);
    expectOAuthError(await post('/parsed', `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}&assertion=${assertion}`), 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_PARAMETER_REPEATED');
    expectOAuthError(await post('/parsed', JSON.stringify({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }), 'application/json'), 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
    const response = await post('/parsed', form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }));
    expect(response.status).toBe(200);
    expectTokenHeaders(response);
  });

  it('router.post() only: another method never reaches the middleware, Koa answers 404', async () => {
    const response = await send(`${origin}/post-only`, { method: 'GET' });
    expect([response.status, response.headers['allow']]).toEqual([404, undefined]);
  });

  it('a server fault (invalid options) is thrown to Koa: 500', async () => {
    expect((await post('/misconfigured', form({ grant_type: JWT_BEARER_GRANT_TYPE }))).status).toBe(500);
  });
});
