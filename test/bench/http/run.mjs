// npm run bench:http — token endpoints under load over loopback, side by side in one run.
//
// For each algorithm, every server variant (server.mjs) runs in its own child process on 127.0.0.1:0 and is driven
// by autocannon (in this process) with 16 connections for a fixed time, after a short warm-up. Every request
// carries a FRESH assertion: a pool with distinct jtis is signed before the servers start (each server has its own
// replay store, so one pool serves them all). Reported: requests/s, the server's CPU time per request
// (process.cpuUsage of the child, read before and after the measured window), its CPU use, the load generator's
// CPU use, and latency percentiles of every response. Loopback only; bounded in count and time; stops by itself.
//
// Options: --duration=10 --warmup=2 --connections=16 --pool=195000 --algs=ES256,RS256 --only=noop,bare,... --spin=N
// --workers=N
import { fork } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';

const ISSUER = 'https://as.example.com';
const SERVICE = 'svc@example.com';
const GRANT_TYPE = encodeURIComponent('urn:ietf:params:oauth:grant-type:jwt-bearer');
const CLIENT_ASSERTION_TYPE = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

const argv = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [name, value = 'true'] = arg.replace(/^--/, '').split('=');
    return [name, value];
  }),
);
const number = (name, fallback, min, max) => {
  const value = argv[name] === undefined ? fallback : Number(argv[name]);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name}: a number from ${min} to ${max}`);
  return value;
};
const DURATION = number('duration', 10, 1, 60);
const WARMUP = number('warmup', 2, 0, 30);
const CONNECTIONS = number('connections', 16, 1, 256);
// Enough for the fastest replay-checking server (~13k req/s here, the WebCrypto build) over warm-up and
// measurement, with room to spare.
const POOL = number('pool', (DURATION + WARMUP + 1) * 15_000, 1000, 2_000_000);
const ALGS = (argv.algs ?? 'ES256,RS256').split(',');
// --spin=N adds a calibration server: the bare check plus N µs of busy CPU per request (set N to what the library
// costs over the bare check in-process), to tell the library's own cost from what HTTP makes of any added cost.
const SPIN = number('spin', 0, 0, 1000);
// --workers=N (2 or more) adds the node:crypto and WebCrypto builds of handleTokenRequest in N node:cluster
// processes on one port: one process per core, where no core is left for WebCrypto's thread pool to borrow.
const WORKERS = number('workers', 0, 0, 64);
for (const alg of ALGS) if (!['RS256', 'ES256', 'PS256', 'EdDSA'].includes(alg)) throw new Error(`--algs: unknown ${alg}`);

// Each variant: its letter in the ratios, what it is, and which request body it takes.
const VARIANTS = [
  { id: 'noop', letter: '0', label: 'node:http, no work (load generator ceiling)', body: 'grant' },
  { id: 'bare', letter: 'a', label: 'node:http + bare node:crypto.verify', body: 'grant' },
  { id: 'handle', letter: 'b', label: 'node:http + handleTokenRequest', body: 'grant' },
  { id: 'fetch-bare', letter: 'c0', label: 'node:http → Request/Response + bare node:crypto.verify', body: 'grant' },
  { id: 'fetch', letter: 'c', label: 'node:http → Request/Response + jwt-bearer-grant/fetch', body: 'grant' },
  { id: 'bare-webcrypto', letter: "a'", label: 'node:http + bare crypto.subtle.verify (WebCrypto)', body: 'grant' },
  { id: 'handle-webcrypto', letter: "b'", label: 'node:http + handleTokenRequest, WebCrypto build', body: 'grant' },
  { id: 'express-bare', letter: 'd', label: 'Express 5 + urlencoded + bare node:crypto.verify', body: 'grant' },
  { id: 'express-adapter', letter: 'e', label: 'Express 5 + jwt-bearer-grant/express', body: 'grant' },
  { id: 'handle-client-credentials', letter: 'g', label: 'node:http + handleTokenRequest, client_credentials + private_key_jwt', body: 'client' },
  { id: 'handle-client-credentials-webcrypto', letter: "g'", label: 'node:http + handleTokenRequest, client_credentials + private_key_jwt, WebCrypto build', body: 'client' },
  { id: 'oidc-provider', letter: 'f', label: 'oidc-provider 8, client_credentials + private_key_jwt', body: 'client' },
];
if (SPIN > 0) VARIANTS.splice(2, 0, { id: 'bare-spin', letter: 'a+', label: `node:http + bare node:crypto.verify + ${SPIN} µs busy CPU`, body: 'grant' });
if (WORKERS > 1) {
  VARIANTS.push(
    { id: 'handle-cluster', base: 'handle', letter: `b×${WORKERS}`, label: `node:http + handleTokenRequest, ${WORKERS} cluster workers`, body: 'grant' },
    { id: 'handle-webcrypto-cluster', base: 'handle-webcrypto', letter: `b'×${WORKERS}`, label: `node:http + handleTokenRequest, WebCrypto build, ${WORKERS} cluster workers`, body: 'grant' },
  );
}
const only = argv.only === undefined ? undefined : new Set(argv.only.split(','));
const selected = VARIANTS.filter((v) => only === undefined || only.has(v.id));

const RATIOS = [
  ['b/a', 'b', 'a', 'handleTokenRequest vs bare signature check (node:http)'],
  ['b/a+', 'b', 'a+', 'handleTokenRequest vs bare signature check plus the busy CPU (calibration)'],
  ['a+/a', 'a+', 'a', 'bare signature check plus the busy CPU vs bare signature check'],
  ['c/c0', 'c', 'c0', 'fetch adapter vs bare signature check, both behind the Request/Response bridge'],
  ['c/a', 'c', 'a', 'fetch adapter behind the bridge vs bare signature check on node:http'],
  ["b'/b", "b'", 'b', 'WebCrypto build vs node:crypto build (handleTokenRequest)'],
  ["b'/a'", "b'", "a'", 'WebCrypto build vs bare WebCrypto signature check (node:http)'],
  ['e/d', 'e', 'd', 'Express adapter vs Express + bare signature check'],
  ['b/f', 'b', 'f', 'handleTokenRequest (JWT bearer grant) vs oidc-provider (client_credentials)'],
  ['g/f', 'g', 'f', 'handleTokenRequest vs oidc-provider, both client_credentials + private_key_jwt'],
  ["b'/f", "b'", 'f', 'WebCrypto build vs oidc-provider, both verifying on the thread pool'],
  ["g'/f", "g'", 'f', 'WebCrypto build vs oidc-provider, both client_credentials + private_key_jwt, both on the thread pool'],
];
if (WORKERS > 1) RATIOS.push([`b'×${WORKERS}/b×${WORKERS}`, `b'×${WORKERS}`, `b×${WORKERS}`, `WebCrypto build vs node:crypto build, ${WORKERS} processes`]);

const children = new Set();
const stopAll = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}
// The whole run is bounded: past this, every server is killed and the run fails.
const budgetSeconds = ALGS.length * selected.length * (DURATION + WARMUP + 40) + 180;
setTimeout(() => {
  console.error(`bench:http: over its time budget (${budgetSeconds} s); stopping`);
  stopAll();
  process.exit(1);
}, budgetSeconds * 1000).unref();

const formatCount = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function printTable(title, rows) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => String(row[c] ?? '').length)));
  const line = (cells) => `| ${cells.map((cell, i) => (i <= 1 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' | ')} |`;
  console.log(`\n#### ${title}\n`);
  console.log(line(columns));
  console.log(`|${widths.map((w, i) => (i <= 1 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((c) => row[c] ?? '')));
}

async function signPool(alg, privateKeyPem, count) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 3600, jti: `${randomBytes(6).toString('base64url')}-${alg}` };
  const threads = Math.max(1, availableParallelism());
  const slice = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const from = i * slice;
      const to = Math.min(count, from + slice);
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./sign-pool.mjs', import.meta.url), { workerData: { alg, privateKeyPem, claims, from, to } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  return parts.flat();
}

function createKeys(alg) {
  const { publicKey, privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: `${alg}-bench`, alg },
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
  };
}

function startServer(config) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./server.mjs', import.meta.url), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [] });
    children.add(child);
    let log = '';
    child.stdout.on('data', (data) => (log += data));
    child.stderr.on('data', (data) => (log += data));
    const timer = setTimeout(() => fail(new Error('did not start within 30 s')), 30_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      children.delete(child);
      reject(Object.assign(error, { log }));
    };
    child.once('exit', (code, signal) => fail(new Error(`exited at start (${signal ?? code})`)));
    child.once('message', (message) => {
      if (message?.type !== 'ready') return fail(new Error(message?.message ?? 'failed to start'));
      clearTimeout(timer);
      child.removeAllListeners('exit');
      let id = 0;
      const pending = new Map();
      child.on('message', (reply) => {
        if (reply?.type === 'cpu') pending.get(reply.id)?.(reply);
      });
      resolve({
        port: message.port,
        log: () => log,
        cpu: () =>
          new Promise((done) => {
            const requestId = ++id;
            pending.set(requestId, (reply) => {
              pending.delete(requestId);
              done(reply);
            });
            child.send({ type: 'cpu', id: requestId });
          }),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
            children.delete(child);
          }),
      });
    });
    child.send(config);
  });
}

const toBody = {
  grant: (assertion) => `grant_type=${GRANT_TYPE}&assertion=${assertion}`,
  client: (assertion) => `grant_type=client_credentials&client_assertion_type=${CLIENT_ASSERTION_TYPE}&client_assertion=${assertion}`,
};

async function load(port, seconds, nextBody) {
  const latencies = [];
  const statuses = new Map();
  const client = process.cpuUsage();
  const started = performance.now();
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (request) => ({ ...request, body: nextBody() }),
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
  });
  const result = await instance;
  const wall = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(client);
  latencies.sort((x, y) => x - y);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
  return {
    responses: latencies.length,
    seconds: result.duration ?? wall,
    statuses,
    errors: result.errors + result.timeouts,
    p50: at(50),
    p99: at(99),
    clientCpuShare: (clientCpu.user + clientCpu.system) / 1e6 / wall,
  };
}

async function runVariant(variant, alg, keys, pool, providerJwk) {
  let server;
  try {
    server = await startServer({ variant: variant.base ?? variant.id, workers: variant.base === undefined ? 1 : WORKERS, alg, issuer: ISSUER, service: SERVICE, publicJwk: keys.publicJwk, providerJwk, spin: SPIN });
  } catch (error) {
    return { skipped: `${error.message}${error.log ? `: ${error.log.trim().split('\n').slice(0, 3).join(' / ')}` : ''}` };
  }
  try {
    let next = 0;
    const nextBody = () => toBody[variant.body](pool[next++ % pool.length]);
    // One request first: a variant that refuses a fresh assertion is a broken setup, not a slow server.
    const probe = await fetch(`http://127.0.0.1:${server.port}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: nextBody(),
    });
    if (probe.status !== 200) return { skipped: `the first request got ${probe.status}: ${(await probe.text()).slice(0, 200)}` };
    if (WARMUP > 0) await load(server.port, WARMUP, nextBody);
    const before = await server.cpu();
    const measured = await load(server.port, DURATION, nextBody);
    const after = await server.cpu();
    const cpuUs = after.usage.user - before.usage.user + (after.usage.system - before.usage.system);
    const ok = measured.statuses.get(200) ?? 0;
    return {
      ...measured,
      reqPerSecond: measured.responses / measured.seconds,
      cpuPerRequest: cpuUs / measured.responses,
      serverCpuShare: cpuUs / 1e6 / measured.seconds,
      failed: measured.responses - ok,
      reused: Math.max(0, next - pool.length),
      rss: after.memory,
    };
  } finally {
    await server.stop();
  }
}

if (!existsSync(new URL('../../../dist/node/index.js', import.meta.url)) || !existsSync(new URL('../../../dist/express.js', import.meta.url))) {
  console.error('bench:http: dist/ is missing: run `npm run build` first (npm run bench:http does)');
  process.exit(1);
}

const cpuList = cpus();
console.log(`# bench:http — ${new Date().toISOString()}`);
console.log(
  `Node ${process.versions.node}, ${cpuList.length} × ${cpuList[0]?.model ?? 'unknown CPU'}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}; ` +
    `autocannon in this process, each server in its own; ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per server; ` +
    `a pool of ${formatCount(POOL)} fresh assertions per algorithm (distinct jti).`,
);

const providerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const providerJwk = { ...providerKey.export({ format: 'jwk' }), kid: 'provider', alg: 'RS256', use: 'sig' };
const summary = [];

for (const alg of ALGS) {
  const keys = createKeys(alg);
  const signStart = performance.now();
  const pool = await signPool(alg, keys.privateKeyPem, POOL);
  console.log(`\n${alg}: signed ${formatCount(pool.length)} assertions in ${((performance.now() - signStart) / 1000).toFixed(1)} s`);
  const results = new Map();
  for (const variant of selected) {
    process.stdout.write(`  ${variant.letter.padEnd(2)} ${variant.label} … `);
    const result = await runVariant(variant, alg, keys, pool, providerJwk);
    results.set(variant.letter, result);
    console.log(result.skipped ? `skipped: ${result.skipped}` : `${formatCount(result.reqPerSecond)} req/s`);
  }

  printTable(
    `${alg}: ${CONNECTIONS} connections, ${DURATION} s each, a fresh assertion per request`,
    selected.map((variant) => {
      const r = results.get(variant.letter);
      const row = { '': variant.letter, server: variant.label };
      if (r.skipped) return { ...row, 'req/s': 'skipped', 'server CPU µs/req': r.skipped };
      return {
        ...row,
        'req/s': formatCount(r.reqPerSecond),
        'server CPU µs/req': fixed(r.cpuPerRequest, 1),
        'server CPU': `${Math.round(r.serverCpuShare * 100)}%`,
        'client CPU': `${Math.round(r.clientCpuShare * 100)}%`,
        'p50 ms': fixed(r.p50, 2),
        'p99 ms': fixed(r.p99, 2),
        'non-200': formatCount(r.failed + r.errors),
        'pool reused': formatCount(r.reused),
      };
    }),
  );

  const ratioRows = [];
  for (const [name, top, bottom, what] of RATIOS) {
    const x = results.get(top);
    const y = results.get(bottom);
    if (x === undefined || y === undefined) continue;
    if (x.skipped || y.skipped) {
      ratioRows.push({ ratio: name, comparison: what, 'req/s': 'skipped', 'CPU µs/req': '' });
      continue;
    }
    ratioRows.push({ ratio: name, comparison: what, 'req/s': fixed(x.reqPerSecond / y.reqPerSecond, 2), 'CPU µs/req': fixed(x.cpuPerRequest / y.cpuPerRequest, 2) });
    summary.push({ alg, name, value: x.reqPerSecond / y.reqPerSecond });
  }
  if (ratioRows.length > 0) printTable(`${alg}: ratios (req/s: higher is faster; CPU µs/req: lower is cheaper)`, ratioRows);
}

const warnings = [];
console.log(
  '\nserver CPU: CPU time of the server process per response (all its threads: a WebCrypto build is charged for its thread pool); ' +
    '100% = one core. client CPU: autocannon in this process; near 100% means the load generator, not the server, set the pace. ' +
    'non-200 must be 0: every assertion is fresh and valid. pool reused: requests past the pool (harmless for the bare servers, ' +
    'which keep no replay state; a replay-checking server would answer them 400).',
);
for (const { alg, name, value } of summary) {
  if ((name === 'b/a' || name === "b'/a'" || name === 'c/c0') && value < 0.9) warnings.push(`${alg} ${name} = ${value.toFixed(2)} (target ≥ 0.90)`);
  if (name === 'e/d' && value < 0.9) warnings.push(`${alg} ${name} = ${value.toFixed(2)} (target ≥ 0.90)`);
  if ((name === 'b/f' || name === 'g/f' || name === "b'/f" || name === "g'/f") && value < 2) warnings.push(`${alg} ${name} = ${value.toFixed(2)} (target ≥ 2)`);
}
if (warnings.length > 0) console.log(`\nBelow the issue 8 targets in this run: ${warnings.join('; ')}.`);
process.exit(0);
