import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleTokenRequest, type TokenEndpointOptions } from '../../index.js';

/** What the server did with one request, as its log would say. */
export interface ServedRequest {
  status: number;
  /** The rejection's code, when refused (never sent to the client). */
  code?: string;
}

/** A token endpoint listening on 127.0.0.1. */
export interface DemoServer {
  /** The issuer identifier: `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** `<issuer>/token`. */
  readonly tokenEndpoint: string;
  /** Every request served so far, oldest first. */
  readonly served: readonly ServedRequest[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Starts an OAuth token endpoint at POST /token on 127.0.0.1, built on `handleTokenRequest`: read the body, hand
 * over method, headers and body, write back status, headers and JSON. The port is known only once listening, so
 * `configure` receives the issuer URL and returns the options. `log` gets one line per request (code and the
 * log-only detail of a refusal).
 */
export async function startTokenEndpoint(
  configure: (issuer: string) => Promise<TokenEndpointOptions>,
  log: (line: string) => void,
  port = 0,
): Promise<DemoServer> {
  const served: ServedRequest[] = [];
  let options: TokenEndpointOptions | undefined;
  const server = createServer((request, response) => {
    void (async () => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/token' || options === undefined) {
        response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not_found"}');
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        response.writeHead(413, { 'Content-Type': 'application/json' }).end('{"error":"invalid_request"}');
        return;
      }
      const result = await handleTokenRequest({ method: request.method, headers: request.headers, body }, options);
      if (result.error === undefined) {
        log(`${result.status}: issued an access token for ${result.grant?.subject ?? '?'} (scope "${result.grant?.scope.join(' ') ?? ''}")`);
        served.push({ status: result.status });
      } else {
        log(`${result.status}: refused, ${result.error.code} (${result.error.detail ?? result.error.description})`);
        served.push({ status: result.status, code: result.error.code });
      }
      response.writeHead(result.status, result.headers).end(JSON.stringify(result.body));
    })().catch((error: unknown) => {
      log(`500: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"server_error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    options = await configure(issuer);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
