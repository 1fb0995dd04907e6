// One token endpoint under load, started by run.mjs as a child process (fork, IPC): it takes its configuration
// from the first message, listens on 127.0.0.1:0, answers { type: 'ready', port }, and reports its own
// process.cpuUsage() when asked. Every variant answers the same kind of request with a 200 and a token body.
// The library is the BUILT package, imported by its name (Node's "node" condition: the node:crypto build),
// except `handle-webcrypto`, which loads the runtime-agnostic build (WebCrypto) by path to compare the two.
import { randomBytes, createPublicKey, verify, constants } from 'node:crypto';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';

const WEBCRYPTO_BUILD = new URL('../../../dist/index.js', import.meta.url).href;
const NO_STORE = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };
const MAX_BODY_BYTES = 64 * 1024;

// Reads the whole body (docs/http.md "A complete node:http server"): every node:http variant reads it the same way.
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
}

/** The bare signature check: node:crypto.verify of the compact JWS with a pre-imported KeyObject, nothing else. */
function createBareCheck(alg, publicJwk) {
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const verifyKey =
    alg === 'ES256'
      ? { key, dsaEncoding: 'ieee-p1363' }
      : alg === 'PS256'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : key;
  return (assertion) => {
    if (typeof assertion !== 'string') return false;
    const dot = assertion.lastIndexOf('.');
    if (dot < 0) return false;
    return verify(hash, Buffer.from(assertion.slice(0, dot)), verifyKey, Buffer.from(assertion.slice(dot + 1), 'base64url'));
  };
}

// WebCrypto parameters per JWS alg (RFC 7518 §3): for importKey, then for verify.
const WEBCRYPTO = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { name: 'RSA-PSS', saltLength: 32 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
  EdDSA: [{ name: 'Ed25519' }, { name: 'Ed25519' }],
};

/** The bare signature check on the WebCrypto path (the thread pool, as the WebCrypto build): crypto.subtle.verify
 * with a pre-imported CryptoKey, nothing else. */
async function createBareWebCryptoCheck(alg, publicJwk) {
  const { kid: _kid, alg: _alg, ...jwk } = publicJwk;
  const [importParams, verifyParams] = WEBCRYPTO[alg];
  const key = await crypto.subtle.importKey('jwk', jwk, importParams, false, ['verify']);
  return (assertion) => {
    if (typeof assertion !== 'string') return false;
    const dot = assertion.lastIndexOf('.');
    if (dot < 0) return false;
    return crypto.subtle.verify(verifyParams, key, Buffer.from(assertion.slice(dot + 1), 'base64url'), Buffer.from(assertion.slice(0, dot)));
  };
}

const tokenBody = () => JSON.stringify({ access_token: randomBytes(32).toString('base64url'), token_type: 'Bearer', expires_in: 3600 });

async function libraryOptions(config, library, { clientCredentials = false } = {}) {
  const { createMemoryReplayStore, createOpaqueTokenIssuer, createStaticKeyResolver, JWT_BEARER_GRANT_TYPE } = library;
  // Assertions live an hour (the pool is signed before the run): allow it for this issuer.
  const trusted = { [config.service]: { keys: [config.publicJwk], maxLifetime: 3600 } };
  return clientCredentials
    ? {
        issuer: config.issuer,
        grantTypes: ['client_credentials'],
        clientKeyResolver: createStaticKeyResolver(trusted),
        replayStore: createMemoryReplayStore(),
        tokenIssuer: createOpaqueTokenIssuer(),
      }
    : {
        issuer: config.issuer,
        grantTypes: [JWT_BEARER_GRANT_TYPE],
        keyResolver: createStaticKeyResolver(trusted),
        replayStore: createMemoryReplayStore(),
        tokenIssuer: createOpaqueTokenIssuer(),
      };
}

function nodeHandler(handle) {
  return (req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, NO_STORE);
      res.end();
    });
  };
}

function handleTokenRequestServer(library, options) {
  return createServer(
    nodeHandler(async (req, res) => {
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413, NO_STORE).end();
        return;
      }
      const result = await library.handleTokenRequest({ method: req.method, headers: req.headers, body }, options);
      res.writeHead(result.status, result.headers).end(JSON.stringify(result.body));
    }),
  );
}

function bareServer(check, spinUs) {
  return createServer(
    nodeHandler(async (req, res) => {
      const body = await readBody(req);
      if (spinUs > 0) {
        // Busy CPU on the main thread, as much per request as the library's own work in-process.
        const until = performance.now() + spinUs / 1000;
        while (performance.now() < until);
      }
      let ok = body !== undefined && check(new URLSearchParams(body.toString()).get('assertion'));
      if (typeof ok !== 'boolean') ok = await ok; // the WebCrypto check answers with a promise
      if (ok) res.writeHead(200, NO_STORE).end(tokenBody());
      else res.writeHead(400, NO_STORE).end('{"error":"invalid_grant"}');
    }),
  );
}

const variants = {
  // No work at all: what the load generator and node:http can do on this machine (the ceiling).
  async noop() {
    return createServer(
      nodeHandler(async (req, res) => {
        await readBody(req);
        res.writeHead(200, NO_STORE).end(tokenBody());
      }),
    );
  },

  // (a) node:http doing only the signature check, with node:crypto.verify.
  async bare(config) {
    return bareServer(createBareCheck(config.alg, config.publicJwk), 0);
  },

  // (a') node:http doing only the signature check, with crypto.subtle.verify: the WebCrypto build's crypto path.
  async 'bare-webcrypto'(config) {
    return bareServer(await createBareWebCryptoCheck(config.alg, config.publicJwk), 0);
  },

  // (a+) the same plus `config.spin` µs of busy CPU per request: calibration for what HTTP makes of extra work.
  async 'bare-spin'(config) {
    return bareServer(createBareCheck(config.alg, config.publicJwk), config.spin);
  },

  // (b) node:http + handleTokenRequest (JWT bearer grant), node:crypto build.
  async handle(config) {
    const library = await import('jwt-bearer-grant');
    return handleTokenRequestServer(library, await libraryOptions(config, library));
  },

  // (b') the same on the runtime-agnostic build (WebCrypto signature checks, which run on libuv's thread pool).
  async 'handle-webcrypto'(config) {
    const library = await import(WEBCRYPTO_BUILD);
    return handleTokenRequestServer(library, await libraryOptions(config, library));
  },

  // (g) node:http + handleTokenRequest doing what the certified peer does: client_credentials, private_key_jwt.
  async 'handle-client-credentials'(config) {
    const library = await import('jwt-bearer-grant');
    return handleTokenRequestServer(library, await libraryOptions(config, library, { clientCredentials: true }));
  },

  // (g') the same on the WebCrypto build: like the peer, whose jose 5 runs node:crypto.verify on the thread pool.
  async 'handle-client-credentials-webcrypto'(config) {
    const library = await import(WEBCRYPTO_BUILD);
    return handleTokenRequestServer(library, await libraryOptions(config, library, { clientCredentials: true }));
  },

  // (c0) node:http bridged to a fetch handler (Request in, Response out) doing only the bare signature check.
  async 'fetch-bare'(config) {
    const check = createBareCheck(config.alg, config.publicJwk);
    return fetchBridge(async (request) => {
      const ok = check(new URLSearchParams(await request.text()).get('assertion'));
      return ok ? new Response(tokenBody(), { status: 200, headers: NO_STORE }) : new Response('{"error":"invalid_grant"}', { status: 400, headers: NO_STORE });
    });
  },

  // (c) the fetch adapter (jwt-bearer-grant/fetch) behind the same bridge.
  async fetch(config) {
    const library = await import('jwt-bearer-grant');
    const { createFetchTokenHandler } = await import('jwt-bearer-grant/fetch');
    return fetchBridge(createFetchTokenHandler(await libraryOptions(config, library)));
  },

  // (d) Express 5 + urlencoded body parser + the bare signature check.
  async 'express-bare'(config) {
    const { default: express } = await import('express');
    const check = createBareCheck(config.alg, config.publicJwk);
    const app = expressApp(express);
    app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
      res.set(NO_STORE);
      if (check(req.body?.assertion)) res.status(200).send(tokenBody());
      else res.status(400).send('{"error":"invalid_grant"}');
    });
    return createServer(app);
  },

  // (e) Express 5 + the Express adapter (jwt-bearer-grant/express).
  async 'express-adapter'(config) {
    const { default: express } = await import('express');
    const library = await import('jwt-bearer-grant');
    const { createExpressTokenHandler } = await import('jwt-bearer-grant/express');
    const app = expressApp(express);
    app.all('/token', createExpressTokenHandler(await libraryOptions(config, library)));
    return createServer(app);
  },

  // (f) the certified peer: oidc-provider 8, client_credentials with private_key_jwt, its in-memory adapter.
  async 'oidc-provider'(config) {
    const { default: Provider } = await import('oidc-provider');
    const provider = new Provider(config.issuer, {
      clients: [
        {
          client_id: config.service,
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: config.alg,
          jwks: { keys: [config.publicJwk] },
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
        },
      ],
      jwks: { keys: [config.providerJwk] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false }, introspection: { enabled: false } },
      routes: { token: '/token' },
    });
    return createServer(provider.callback());
  },
};

// node:http to a fetch handler the way fetch-style servers on Node do it (undici's Headers, Request, Response).
function fetchBridge(handler) {
  return createServer(
    nodeHandler(async (req, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else if (value !== undefined) headers.set(name, value);
      }
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const response = await handler(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    }),
  );
}

// Both Express apps alike: no ETag (the adapter writes with writeHead, which computes none), no X-Powered-By.
function expressApp(express) {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  return app;
}

async function listen(config, port) {
  const create = variants[config.variant];
  if (create === undefined) throw new Error(`unknown variant ${config.variant}`);
  const server = await create(config);
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

const cpuOf = (usage) => ({ user: usage.user, system: usage.system });

// config.workers > 1: the same server in that many node:cluster workers on one port (one process per core, the
// usual production layout), CPU summed over the primary and every worker.
async function startCluster(config) {
  const probe = createNetServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  cluster.setupPrimary({ silent: false });
  const workers = Array.from({ length: config.workers }, () => cluster.fork({ BENCH_SERVER_CONFIG: JSON.stringify({ ...config, port }) }));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          worker.once('message', (message) => (message?.type === 'listening' ? resolve() : reject(new Error(message?.message ?? 'worker failed'))));
          worker.once('exit', (code) => reject(new Error(`worker exited at start (${code})`)));
        }),
    ),
  );
  const workerCpu = (worker) =>
    new Promise((resolve) => {
      worker.once('message', (message) => resolve(message.usage));
      worker.send({ type: 'cpu' });
    });
  process.on('message', async (message) => {
    if (message?.type !== 'cpu') return;
    const usage = cpuOf(process.cpuUsage());
    for (const worker of await Promise.all(workers.map(workerCpu))) {
      usage.user += worker.user;
      usage.system += worker.system;
    }
    process.send({ type: 'cpu', id: message.id, usage, memory: process.memoryUsage().rss });
  });
  return port;
}

if (cluster.isWorker) {
  try {
    const config = JSON.parse(process.env.BENCH_SERVER_CONFIG);
    await listen(config, config.port);
    process.on('message', (message) => {
      if (message?.type === 'cpu') process.send({ type: 'cpu', usage: cpuOf(process.cpuUsage()) });
    });
    process.send({ type: 'listening' });
  } catch (error) {
    process.send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  }
} else {
  process.once('message', async (config) => {
    try {
      if (config.workers > 1) {
        const port = await startCluster(config);
        process.send({ type: 'ready', port });
        return;
      }
      const server = await listen(config, 0);
      process.on('message', (message) => {
        if (message?.type === 'cpu') process.send({ type: 'cpu', id: message.id, usage: process.cpuUsage(), memory: process.memoryUsage().rss });
      });
      process.send({ type: 'ready', port: server.address().port });
    } catch (error) {
      process.send({ type: 'failed', message: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
      process.exitCode = 1;
    }
  });
  // The parent gone (even killed), this process goes too: it never outlives the run (nor do its cluster workers).
  process.on('disconnect', () => process.exit(0));
}
