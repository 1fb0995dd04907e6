import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What came back over the wire. */
export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON (or empty). */
  json: unknown;
}

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  /** A string or bytes go out with a Content-Length; an array goes out chunk by chunk, chunked, without one. */
  body?: string | Uint8Array | readonly (string | Uint8Array)[];
}

/**
 * A real HTTP request with node:http, on a fresh connection (no pooling), so the test controls the wire:
 * repeated keys, chunked bodies, exact headers.
 */
export function send(url: string, init: SendInit = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    const { body } = init;
    if (Array.isArray(body)) {
      for (const chunk of body as readonly (string | Uint8Array)[]) req.write(chunk);
      req.end();
    } else {
      req.end(body as string | Uint8Array | undefined);
    }
  });
}

/** Listens on 127.0.0.1 with an OS-chosen port; `close` also drops keep-alive connections. */
export async function listen(server: Server): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
