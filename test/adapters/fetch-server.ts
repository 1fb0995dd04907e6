import { createServer, type IncomingMessage } from 'node:http';
import { listen } from './http.js';

// Node has no built-in fetch-API server (Bun.serve, Deno.serve, Workers have): this bridges node:http to a
// `(Request) => Response` handler, streaming the request body as it arrives (so a chunked body stays chunked).
function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(new URL(req.url ?? '/', origin), { method, headers });
  // A consumer may cancel the stream (the adapter does past its size cap): from then on, drop what still arrives,
  // as Bun.serve, Deno.serve and Workers do.
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!cancelled) controller.enqueue(new Uint8Array(chunk));
      });
      req.on('end', () => {
        if (!cancelled) controller.close();
      });
      req.on('error', (error) => {
        if (!cancelled) controller.error(error);
      });
    },
    cancel() {
      cancelled = true;
      req.resume();
    },
  });
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body, duplex: 'half' } as RequestInit);
}

/** Serves a fetch-API handler over real HTTP on 127.0.0.1:0. */
export async function serveFetch(handler: (request: Request) => Response | Promise<Response>): Promise<{ origin: string; close(): Promise<void> }> {
  let origin = '';
  const server = createServer((req, res) => {
    Promise.resolve(handler(toRequest(req, origin))).then(
      async (response) => {
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => (headers[name] = value));
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => res.writeHead(500).end(),
    );
  });
  const listening = await listen(server);
  origin = listening.origin;
  return listening;
}
