import { describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createFetchTokenHandler } from '../../src/adapters/fetch.js';
import { createTokenApp } from '../docs-examples/hono.js';
import { createClientFixture } from '../helpers/client-fixture.js';
import { serveFetch } from './fetch-server.js';
import { send } from './http.js';
import { describeTokenEndpoint, expectOAuthError, form, FORM_TYPE, grantAssertion } from './token-endpoint-cases.js';

describeTokenEndpoint('fetch handler in Hono 4 (docs/frameworks/fetch.md)', async (options, log) => {
  const server = await serveFetch(createTokenApp(options, log).fetch);
  return { url: `${server.origin}/oauth2/token`, close: server.close };
});

describe('createFetchTokenHandler without a server', () => {
  const url = 'https://as.example.com/oauth2/token';

  it('reads a streamed body with no Content-Length, and caps it while counting', async () => {
    const f = await createClientFixture();
    const token = createFetchTokenHandler(f.options);
    const encoder = new TextEncoder();
    const stream = (chunks: string[]) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      });
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
    const post = (chunks: string[]) => token(new Request(url, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: stream(chunks), duplex: 'half' } as RequestInit));
    expect((await post([body.slice(0, 7), body.slice(7)])).status).toBe(200);
    const tooLarge = await post(['grant_type=x&pad=', 'x'.repeat(40_000), 'x'.repeat(40_000)]);
    expect([tooLarge.status, (await tooLarge.json()) as unknown, tooLarge.headers.get('cache-control')]).toEqual([413, { error: 'invalid_request', error_description: expect.any(String) }, 'no-store']);
  });

  it('a body something else already read counts as no body: 400 invalid_request', async () => {
    const f = await createClientFixture();
    const codes: string[] = [];
    const token = createFetchTokenHandler(f.options, { onResponse: ({ error }) => void codes.push(error?.code ?? 'OK') });
    const request = new Request(url, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }) });
    await request.text();
    expect((await token(request)).status).toBe(400);
    expect(codes).toEqual(['ERR_JWT_BEARER_REQUEST_MALFORMED']);
  });

  it('a server fault (invalid options) rejects', async () => {
    const token = createFetchTokenHandler({} as TokenEndpointOptions);
    await expect(token(new Request(url, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: 'grant_type=x' }))).rejects.toThrow(TypeError);
  });
});

describe('the Bun / Deno / Workers module of docs/frameworks/fetch.md, served over real HTTP', () => {
  it('routes /oauth2/token to the handler (405, invalid_request, invalid_grant) and nothing else', async () => {
    const { default: worker } = await import('../docs-examples/worker.js');
    const server = await serveFetch(worker.fetch);
    try {
      const url = `${server.origin}/oauth2/token`;
      const get = await send(url, { method: 'GET' });
      expect([get.status, get.headers['allow']]).toEqual([405, 'POST']);
      expectOAuthError(await send(url, { headers: { 'content-type': 'application/json' }, body: '{}' }), 400, 'invalid_request');
      expectOAuthError(await send(url, { headers: { 'content-type': FORM_TYPE }, body: form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'a.b.c' }) }), 400, 'invalid_grant');
      expect((await send(`${server.origin}/other`, { method: 'GET' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('the Next.js route exports one handler for every method', async () => {
    const route = await import('../docs-examples/next-route.js');
    const methods = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'] as const;
    expect(new Set(methods.map((method) => route[method])).size).toBe(1);
    const response = await route.GET(new Request('https://as.example.com/oauth2/token'));
    expect([response.status, response.headers.get('allow'), response.headers.get('cache-control')]).toEqual([405, 'POST', 'no-store']);
  });
});
