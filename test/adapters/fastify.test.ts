import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createFastifyTokenPlugin } from '../../src/adapters/fastify.js';
import { createTokenApp } from '../docs-examples/fastify.js';
import { createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { send } from './http.js';
import { describeTokenEndpoint, expectOAuthError, expectTokenHeaders, form, FORM_TYPE, grantAssertion } from './token-endpoint-cases.js';

describeTokenEndpoint('Fastify 5 (docs/frameworks/fastify.md)', async (options, log) => {
  const app = await createTokenApp(options, log);
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${origin}/oauth2/token`, close: () => app.close() };
});

describe('Fastify 5: encapsulation and errors', () => {
  let f: ClientFixture;
  let origin: string;
  let close: () => Promise<void>;
  const codes: string[] = [];

  beforeAll(async () => {
    f = await createClientFixture();
    const app = Fastify();
    app.post('/echo', async (request) => ({ echoed: request.body }));
    app.setErrorHandler((error, _request, reply) => reply.code(500).send({ handledBy: 'app', name: (error as Error).name }));
    await app.register(createFastifyTokenPlugin(f.options, { onResponse: ({ error }) => void codes.push(error?.code ?? 'OK') }));
    await app.register(createFastifyTokenPlugin(f.options, { path: '/small', maxBodySize: 2048 }));
    await app.register(createFastifyTokenPlugin({} as TokenEndpointOptions, { path: '/misconfigured' }));
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
  });
  afterAll(() => close?.());

  it('the default path is /token; the rest of the app keeps its JSON parser', async () => {
    const assertion = await grantAssertion(f);
    const response = await send(`${origin}/token`, { headers: { 'content-type': FORM_TYPE }, body: form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }) });
    expect(response.status).toBe(200);
    expectTokenHeaders(response);
    const echo = await send(`${origin}/echo`, { headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect([echo.status, echo.json]).toEqual([200, { echoed: { a: 1 } }]);
  });

  it('a Content-Type Fastify cannot parse is the OAuth invalid_request, not Fastify 415', async () => {
    const response = await send(`${origin}/token`, { headers: { 'content-type': 'form/' }, body: 'grant_type=x' });
    expectOAuthError(response, 400, 'invalid_request');
    expect(codes.at(-1)).toBe('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
  });

  it('maxBodySize is configurable per registration', async () => {
    expectOAuthError(await send(`${origin}/small`, { headers: { 'content-type': FORM_TYPE }, body: form({ pad: 'x'.repeat(2048) }) }), 413, 'invalid_request');
  });

  it("a server fault (invalid options) goes on to the app's error handler", async () => {
    const response = await send(`${origin}/misconfigured`, { headers: { 'content-type': FORM_TYPE }, body: 'grant_type=x' });
    expect([response.status, response.json]).toEqual([500, { handledBy: 'app', name: 'TypeError' }]);
  });
});
