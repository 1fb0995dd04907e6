import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createExpressTokenHandler } from '../../src/adapters/express.js';
import { createTokenApp } from '../docs-examples/express.js';
import { createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { listen, send } from './http.js';
import { describeTokenEndpoint, expectOAuthError, expectTokenHeaders, form, FORM_TYPE, grantAssertion } from './token-endpoint-cases.js';

describeTokenEndpoint('Express 5 (docs/frameworks/express.md)', async (options, log) => {
  const server = await listen(createServer(createTokenApp(options, log)));
  return { url: `${server.origin}/oauth2/token`, close: server.close };
});

describe('Express 5: other set-ups', () => {
  let f: ClientFixture;
  let origin: string;
  let close: () => Promise<void>;
  const codes: string[] = [];

  beforeAll(async () => {
    f = await createClientFixture();
    const onResponse = ({ error }: { error?: { code: string } | undefined }) => void codes.push(error?.code ?? 'OK');
    const app = express();
    // A body parser that already ran: the handler uses what it parsed.
    app.all('/parsed', express.urlencoded({ extended: false }), createExpressTokenHandler(f.options, { onResponse }));
    app.all('/qs', express.urlencoded({ extended: true }), createExpressTokenHandler(f.options, { onResponse }));
    // post() only: Express itself answers other methods, with its own 404.
    app.post('/post-only', createExpressTokenHandler(f.options));
    app.all('/small', createExpressTokenHandler(f.options, { maxBodySize: 2048, onResponse }));
    app.all('/misconfigured', createExpressTokenHandler({} as TokenEndpointOptions));
    app.all('/throwing-hook', createExpressTokenHandler(f.options, { onResponse: () => { throw new Error('logger down'); } }));
    const server = await listen(createServer(app));
    ({ origin, close } = server);
  });
  afterAll(() => close?.());

  const post = (path: string, body: string, type = FORM_TYPE) => send(`${origin}${path}`, { headers: { 'content-type': type }, body });

  it('after express.urlencoded({ extended: false }): a grant succeeds, a repeated parameter is still refused (SPEC R3)', async () => {
    const assertion = await grantAssertion(f);
    expectOAuthError(await post('/parsed', `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}&assertion=${assertion}`), 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_PARAMETER_REPEATED');
    const response = await post('/parsed', form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }));
    expect(response.status).toBe(200);
    expectTokenHeaders(response);
  });

  it('after express.urlencoded({ extended: true }): qs nesting is refused as a malformed form', async () => {
    const response = await post('/qs', `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion[a]=${await grantAssertion(f)}`);
    expectOAuthError(response, 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_REQUEST_MALFORMED');
  });

  it('app.post() only: another method never reaches the handler, Express answers 404', async () => {
    const response = await send(`${origin}/post-only`, { method: 'GET' });
    expect(response.status).toBe(404);
    expect(response.headers['allow']).toBeUndefined();
  });

  it('maxBodySize is configurable', async () => {
    expectOAuthError(await post('/small', form({ grant_type: JWT_BEARER_GRANT_TYPE, pad: 'x'.repeat(2048) })), 413, 'invalid_request');
    expect((await post('/small', form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }))).status).toBe(200);
  });

  it('a server fault (invalid options, a throwing onResponse) goes to next(error): Express answers 500', async () => {
    expect((await post('/misconfigured', form({ grant_type: JWT_BEARER_GRANT_TYPE }))).status).toBe(500);
    expect((await post('/throwing-hook', form({ grant_type: JWT_BEARER_GRANT_TYPE }))).status).toBe(500);
  });
});
