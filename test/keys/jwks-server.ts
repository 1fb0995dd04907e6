import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one request (a real HTTP exchange on 127.0.0.1; no fetch mock anywhere). */
export type Behaviour = (res: ServerResponse, context: { jwks: unknown; later: (ms: number, then: () => void) => void }) => void;

export interface JwksServer {
  /** `http://127.0.0.1:<port><path>`; path defaults to `/jwks.json`. */
  url(path?: string): string;
  /** Requests received on `path` (all paths when omitted). */
  requests(path?: string): number;
  /** Sets the JWKS served on `path` (and restores normal serving there). */
  setJwks(jwks: unknown, path?: string): void;
  /** Makes `path` answer with `behaviour` (until setJwks or serve() is called). */
  behave(behaviour: Behaviour, path?: string): void;
  /** Back to serving the JWKS normally on `path`. */
  serve(path?: string): void;
  close(): Promise<void>;
}

const DEFAULT_PATH = '/jwks.json';

export const behaviours = {
  /** The JWKS, as JSON. */
  jwks: ((res, { jwks }) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  }) as Behaviour,
  /** The JWKS after `ms` milliseconds. */
  delayed: (ms: number): Behaviour => (res, context) => context.later(ms, () => behaviours.jwks(res, context)),
  /** An HTML error page with status 200 (a misrouted CDN, a login portal). */
  html: ((res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><body><h1>Welcome</h1></body></html>');
  }) as Behaviour,
  /** Any body and status. */
  text: (body: string, status = 200): Behaviour => (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  },
  /** A redirect to `location`. */
  redirect: (location: string): Behaviour => (res) => {
    res.writeHead(302, { location });
    res.end();
  },
  /** Headers only after `ms` milliseconds. */
  slowHeaders: (ms: number): Behaviour => (res, context) => context.later(ms, () => behaviours.jwks(res, context)),
  /** Headers and the start of the body at once, the rest after `ms` milliseconds. */
  slowBody: (ms: number): Behaviour => (res, { jwks, later }) => {
    const body = JSON.stringify(jwks);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(body.slice(0, 5));
    later(ms, () => res.end(body.slice(5)));
  },
  /** A JSON body of `bytes` bytes: with Content-Length, or chunked without it. */
  huge: (bytes: number, chunked: boolean): Behaviour => (res) => {
    const body = `{"keys":[],"pad":"${'x'.repeat(Math.max(0, bytes - 20))}"}`;
    res.writeHead(200, chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    if (chunked) {
      for (let i = 0; i < body.length; i += 16_384) res.write(body.slice(i, i + 16_384));
      res.end();
    } else {
      res.end(body);
    }
  },
  /** The connection is dropped without an answer. */
  reset: ((res) => {
    res.socket?.destroy();
  }) as Behaviour,
};

/** A real HTTP server on 127.0.0.1:0 serving JWKS documents, counting requests, misbehaving on demand. */
export async function startJwksServer(jwks: unknown = { keys: [] }): Promise<JwksServer> {
  const documents = new Map<string, unknown>([[DEFAULT_PATH, jwks]]);
  const overrides = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.add(timer);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const behaviour = overrides.get(path) ?? (documents.has(path) ? behaviours.jwks : behaviours.text('{"error":"not found"}', 404));
    behaviour(res, { jwks: documents.get(path), later });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = DEFAULT_PATH) => `http://127.0.0.1:${port}${path}`,
    requests: (path) => (path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0)),
    setJwks(document, path = DEFAULT_PATH) {
      documents.set(path, document);
      overrides.delete(path);
    },
    behave(behaviour, path = DEFAULT_PATH) {
      overrides.set(path, behaviour);
    },
    serve(path = DEFAULT_PATH) {
      overrides.delete(path);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
