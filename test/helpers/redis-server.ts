import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// A real redis-server per test file, on a free loopback port, with no persistence: the tests never depend on
// (or touch) a system Redis service. REDIS_SERVER_BIN may name the binary; otherwise it is looked up on PATH.

/** Set in CI (.ci/run): a missing redis-server fails the Redis tests instead of skipping them. */
export const REDIS_TESTS_REQUIRED = process.env.REDIS_TESTS_REQUIRED === '1';

function findRedisServer(): string | undefined {
  const candidates = process.env.REDIS_SERVER_BIN
    ? [process.env.REDIS_SERVER_BIN]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'].map((dir) => join(dir, 'redis-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Path of redis-server, or undefined when this machine has none. */
export const REDIS_SERVER_BIN = findRedisServer();

/** Why the Redis tests are skipped here (used in the suite name so the skip is visible), or undefined. */
export const REDIS_SKIP_REASON =
  REDIS_SERVER_BIN === undefined ? '(skipped: redis-server not found; apt-get install redis-server, or set REDIS_SERVER_BIN)' : undefined;

if (REDIS_SERVER_BIN === undefined) {
  if (REDIS_TESTS_REQUIRED) throw new Error('REDIS_TESTS_REQUIRED=1 but redis-server was not found (PATH, REDIS_SERVER_BIN)');
  console.warn(`[redis tests] ${REDIS_SKIP_REASON}`);
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server (SIGTERM, or the signal given) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, with an empty data set, and waits until it answers PING. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers — a hung Redis. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One PING over a raw socket: true on `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('+PONG')));
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server: ${what} within ${ms} ms`);
}

/**
 * Starts a private redis-server on a free 127.0.0.1 port (no RDB, no AOF, its own temp dir) and waits until
 * it answers PING. Call `stop()` in afterAll.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = REDIS_SERVER_BIN;
  if (binary === undefined) throw new Error(REDIS_SKIP_REASON);
  const dir = mkdtempSync(join(tmpdir(), 'jwt-bearer-grant-redis-'));
  let port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  async function start(): Promise<void> {
    if (child !== undefined) throw new Error('redis-server: already running');
    log = '';
    mkdirSync(dir, { recursive: true });
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
    const started = spawn(binary as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (data: Buffer) => (log += data.toString()));
    started.stderr?.on('data', (data: Buffer) => (log += data.toString()));
    let exited = false;
    started.once('exit', () => {
      exited = true;
      if (child === started) child = undefined;
    });
    try {
      await waitUntil(async () => {
        if (exited) throw new Error(`redis-server exited at start:\n${log}`);
        return ping(port);
      }, 'no PING answer');
    } catch (error) {
      started.kill('SIGKILL');
      child = undefined;
      throw error;
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = child;
    if (running === undefined) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    running.kill('SIGCONT'); // a paused server only acts on SIGTERM once thawed
    await exited;
    child = undefined;
  }

  // The free port is only free until something else takes it: try another one if redis-server cannot bind.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      port = await freePort();
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop(signal) {
      await stop(signal);
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    },
  };
}
