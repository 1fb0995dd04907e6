import { createFetchTokenHandler } from 'jwt-bearer-grant/fetch';
import { tokenEndpointOptions } from './token-options.js';

const token = createFetchTokenHandler(tokenEndpointOptions);

// A module whose default export has fetch() is a server as it is:
// `bun run worker.ts`, `deno serve worker.ts`, or a Cloudflare Worker.
export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === '/oauth2/token') return token(request);
    return new Response('Not Found', { status: 404 });
  },
};
