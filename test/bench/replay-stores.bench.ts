import { randomBytes, randomUUID } from 'node:crypto';
import { cpuUsage } from 'node:process';
import { createClient } from 'redis';
import type { Clock, ReplayStore } from '../../src/index.js';
import { createRedisReplayStore } from '../../src/redis/index.js';
import { REDIS_SKIP_REASON, startRedisServer } from '../helpers/redis-server.js';
import { connectClient, type ClientFlavour } from '../redis/clients.js';
import { SERVICE } from './assertions.js';
import { benchGroup, formatBytes, formatCount, formatMicros, IS_NODE_SEAM, library, liveMemoryBytes, percentile, report } from './harness.js';

const { createLruReplayStore, createMemoryReplayStore, isOAuthError } = library;

// Replay state: what a live jti costs in memory and how fast a store consumes one. The stores do not touch the
// signature seam, so these run in the node-crypto project only. Keys are what the verifier passes
// (src/checks/replay.ts: JSON of use, issuer, jti), with random jtis.

const SKIP = IS_NODE_SEAM ? undefined : 'seam-independent: run with --project node-crypto';
const replayKey = (jti: string) => JSON.stringify(['G', SERVICE, jti]);
const LIVE = 1_000_000;
/** Entry lifetime with the defaults: maxLifetime 300 s + 2 × clockTolerance 30 s (docs/replay-stores.md). */
const LIFETIME_MS = 360_000;
/** Consumes per simulated second that keep a million entries live over a 300 s spread. */
const PER_SECOND = Math.ceil(LIVE / 300);

async function fillAndMeasure(name: string, create: (clock: Clock) => ReplayStore, bounded: boolean): Promise<Record<string, string>> {
  // The jtis (random 128-bit hex; flat strings, unlike randomUUID's, which V8 flattens later and so frees memory
  // mid-measurement) are made beforehand and not counted; each key is built as the verifier builds it, per consume,
  // so a store that keeps the key as given is charged for it and one that keeps a digest is not.
  const jtis = Array.from({ length: LIVE }, () => randomBytes(16).toString('hex'));
  let offset = 0;
  const base = Date.now();
  const clock: Clock = { now: () => base + offset };
  const before = liveMemoryBytes();
  const store = create(clock);
  const cpu = cpuUsage();
  const start = performance.now();
  for (let i = 0; i < LIVE; i++) {
    // Spread evenly over the entry lifetime, as a steady stream would be: PER_SECOND of them expire in each of the
    // 300 seconds from 61 to 360 s from now (none expires while measured: the replays below must still be live).
    if (!(await store.consume(replayKey(jtis[i] as string), base + LIFETIME_MS - (i % 300) * 1000))) throw new Error(`${name}: a fresh key was refused`);
  }
  const seconds = (performance.now() - start) / 1000;
  const used = cpuUsage(cpu);
  const heap = liveMemoryBytes() - before;
  const replayStart = performance.now();
  for (let i = 0; i < 100_000; i++) if (await store.consume(replayKey(jtis[i] as string), base + LIFETIME_MS)) throw new Error(`${name}: a replay was accepted`);
  const replaySeconds = (performance.now() - replayStart) / 1000;
  // Sustained at a million live: the clock moves 60 s on (still all live), then one second per PER_SECOND fresh
  // keys, each kept 300 s: as many entries expire as arrive, as on a server in a steady stream. The keys are built
  // beforehand so that only the consume (and its await) is timed. A bounded store at its max would refuse them, so
  // it has no such figure.
  let sustainedRate = '';
  let sustainedCpu = '';
  let sustainedLive = '';
  if (!bounded) {
    const keys = Array.from({ length: LIVE }, () => replayKey(randomBytes(16).toString('hex')));
    offset += 60_000;
    const rateCpu = cpuUsage();
    const rateStart = performance.now();
    for (let i = 0; i < keys.length; i++) {
      if (i % PER_SECOND === 0) offset += 1000;
      if (!(await store.consume(keys[i] as string, clock.now() + 300_000))) throw new Error(`${name}: a fresh key was refused`);
    }
    const rateUsed = cpuUsage(rateCpu);
    sustainedRate = formatCount(keys.length / ((performance.now() - rateStart) / 1000));
    sustainedCpu = formatMicros((rateUsed.user + rateUsed.system) / keys.length);
    sustainedLive = formatCount((store as { size?: number }).size ?? Number.NaN);
  }
  return {
    store: name,
    'live entries': formatCount(LIVE),
    'memory (after GC)': formatBytes(heap),
    'bytes / entry': formatCount(heap / LIVE),
    'fresh consumes/s': formatCount(LIVE / seconds),
    'CPU µs / consume': formatMicros((used.user + used.system) / LIVE),
    'replays refused/s': formatCount(100_000 / replaySeconds),
    'sustained consumes/s': sustainedRate,
    'CPU µs / consume, sustained': sustainedCpu,
    'live at the end': sustainedLive,
  };
}

report(
  `replay stores: ${LIVE.toLocaleString('en-US')} live entries`,
  async () => ({
    rows: [
      await fillAndMeasure('createMemoryReplayStore()', (clock) => createMemoryReplayStore({ clock }), false),
      await fillAndMeasure(`createLruReplayStore({ max: ${LIVE.toLocaleString('en-US')} })`, (clock) => createLruReplayStore({ max: LIVE, clock }), true),
    ],
    note:
      'One consume at a time, awaited, as the verifier does; expiries spread evenly over 61-360 s from now (the default entry lifetime is up to 360 s). ' +
      'Memory is the growth of the JS heap plus ArrayBuffer backing stores after a full GC with every entry live: the store, and the keys it keeps (the LRU store keeps each key as given in JS arrays it allocates for max up front; the memory store a 128-bit digest in a typed-array hash table, sized to powers of two). ' +
      'Replays: the first 100,000 keys again, each refused. Sustained: 1,000,000 more fresh keys at a million live, the store\'s clock moving one second per 3,334 consumes and each new entry kept 300 s, so as many expire as arrive (dead slots reused, rebuilds included); the keys are made before the clock starts, so only the store and its await are timed (the LRU store at its max would refuse them).',
  }),
  { skip: SKIP },
);

// Held for the whole run and allocated before any baseline, so the memory column counts the store, not the bench.
const FLOOD_LATENCIES = new Float64Array(250_000);

report(
  'LRU replay store at max under a flood of fresh jtis',
  async () => {
    const max = 100_000;
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const latencies = FLOOD_LATENCIES;
    const before = liveMemoryBytes();
    const store = createLruReplayStore({ max, clock });
    const expiresAt = clock.now() + 300_000;
    for (let i = 0; i < max; i++) await store.consume(replayKey(`live-${i}`), expiresAt);
    const rows: Record<string, string>[] = [];
    const checkpoint = (phase: string, accepted: number, refused: number, timed?: Float64Array) => {
      const sorted = timed?.sort(); // in place: the next round overwrites every entry
      rows.push({
        phase,
        'store size': formatCount(store.size),
        accepted: formatCount(accepted),
        'refused (503 STORE_FULL)': formatCount(refused),
        'memory over empty (after GC)': formatBytes(liveMemoryBytes() - before),
        'µs / consume p50': sorted === undefined ? '' : formatMicros(percentile(sorted, 50)),
        p99: sorted === undefined ? '' : formatMicros(percentile(sorted, 99)),
        max: sorted === undefined ? '' : formatMicros(percentile(sorted, 100)),
      });
    };
    checkpoint(`filled with ${max.toLocaleString('en-US')} live jtis`, max, 0);
    let flooded = 0;
    for (let round = 1; round <= 4; round++) {
      let accepted = 0;
      let refused = 0;
      const start = performance.now();
      for (let i = 0; i < latencies.length; i++) {
        const t = performance.now();
        try {
          if (await store.consume(replayKey(`flood-${flooded++}`), clock.now() + 300_000)) accepted++;
        } catch (error) {
          if (!isOAuthError(error) || error.code !== 'ERR_JWT_BEARER_REPLAY_STORE_FULL') throw error;
          refused++;
        }
        latencies[i] = (performance.now() - t) * 1000;
      }
      const seconds = (performance.now() - start) / 1000;
      checkpoint(`flood ${round}: ${formatCount(flooded)} fresh jtis so far, ${formatCount(latencies.length / seconds)} consumes/s`, accepted, refused, latencies);
    }
    offset += 301_000;
    const acceptedAfter = (await store.consume(replayKey('after-expiry'), clock.now() + 300_000)) ? 1 : 0;
    checkpoint('clock + 301 s: live entries expired, a fresh jti', acceptedAfter, 1 - acceptedAfter);
    return {
      rows,
      note: 'The store never evicts a live entry: full of them, it refuses (fail closed) and memory stays flat. When full, each consume frees at most 64 expired entries from its old end (no full scan); the max column is the slowest of 250,000 consumes (garbage collection pauses land there).',
    };
  },
  { skip: SKIP },
);

// Consumes per second, 1,000 per call, each awaited; entries expire after 2 s so the stores stay at a steady size.
let counter = 0;
const floorSet = new Set<string>();
const memoryStore = createMemoryReplayStore();
const lruStore = createLruReplayStore({ max: 10_000_000 });
const BATCH = 1000;
benchGroup(
  'replay consume (fresh jtis, 1 in flight)',
  [
    {
      name: 'floor: Set.has + Set.add of the key',
      fn: () => {
        if (floorSet.size > LIVE) floorSet.clear();
        for (let i = 0; i < BATCH; i++) {
          const key = replayKey(`k${counter++}`);
          if (floorSet.has(key)) throw new Error('replay');
          floorSet.add(key);
        }
      },
      ops: BATCH,
    },
    {
      name: 'createMemoryReplayStore().consume',
      fn: async () => {
        const expiresAt = Date.now() + 2000;
        for (let i = 0; i < BATCH; i++) if (!(await memoryStore.consume(replayKey(`k${counter++}`), expiresAt))) throw new Error('refused');
      },
      ops: BATCH,
    },
    {
      name: 'createLruReplayStore({ max: 10,000,000 }).consume',
      fn: async () => {
        const expiresAt = Date.now() + 2000;
        for (let i = 0; i < BATCH; i++) if (!(await lruStore.consume(replayKey(`k${counter++}`), expiresAt))) throw new Error('refused');
      },
      ops: BATCH,
    },
  ],
  { baselines: [{ label: 'Set', name: 'floor: Set.has + Set.add of the key' }], skip: SKIP },
);

async function redisRows(): Promise<{ rows: Record<string, string>[]; note: string }> {
  const server = await startRedisServer();
  const admin = createClient({ url: server.url });
  admin.on('error', () => {});
  await admin.connect();
  const redisCpu = async () => {
    const info = await admin.info('cpu');
    const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
  };
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? Number.NaN);
  const rows: Record<string, string>[] = [];
  try {
    for (const flavour of ['node-redis', 'ioredis'] as const satisfies readonly ClientFlavour[]) {
      const connection = await connectClient(flavour, server.url);
      const store = createRedisReplayStore({ client: connection.client });
      let n = 0;
      const run = async (inFlight: number, total: number) => {
        const expiresAt = Date.now() + 60_000;
        const node = cpuUsage();
        const redis = await redisCpu();
        const start = performance.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            for (let i = 0; i < total / inFlight; i++) if (!(await store.consume(replayKey(`${flavour}-${n++}`), expiresAt))) throw new Error('refused');
          }),
        );
        const seconds = (performance.now() - start) / 1000;
        const nodeUsed = cpuUsage(node);
        const redisUsed = (await redisCpu()) - redis;
        return { rate: total / seconds, nodeCpu: (nodeUsed.user + nodeUsed.system) / total, redisCpu: redisUsed / total };
      };
      await run(16, 4000); // warm the connection and code
      for (const inFlight of [1, 16]) {
        const results = [];
        for (let round = 0; round < 3; round++) results.push(await run(inFlight, inFlight === 1 ? 3000 : 16_000));
        results.sort((a, b) => a.rate - b.rate);
        const median = results[1] as (typeof results)[number];
        rows.push({
          client: flavour,
          'in flight': String(inFlight),
          'consumes/s (median of 3)': formatCount(median.rate),
          'Node CPU µs / consume': formatMicros(median.nodeCpu),
          'redis-server CPU µs / consume': formatMicros(median.redisCpu),
        });
      }
      await connection.close();
    }
    await admin.flushAll();
    const before = await usedMemory();
    const store = createRedisReplayStore({ client: admin });
    const keys = 100_000;
    const expiresAt = Date.now() + 600_000;
    for (let batch = 0; batch < keys / 1000; batch++) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.consume(replayKey(randomUUID() + String(batch * 1000 + i)), expiresAt)));
    }
    const perKey = ((await usedMemory()) - before) / keys;
    return {
      rows,
      note: `SET <prefix><sha256> 1 NX PXAT through createRedisReplayStore on a private redis-server over loopback (its CPU from INFO cpu). Memory: ${formatCount(perKey)} bytes per live key (INFO used_memory growth over ${formatCount(keys)} keys, default prefix).`,
    };
  } finally {
    admin.destroy();
    await server.stop();
  }
}

report('Redis replay store: 1 vs 16 consumes in flight', redisRows, { skip: SKIP ?? (REDIS_SKIP_REASON === undefined ? undefined : `redis-server not found: ${REDIS_SKIP_REASON}`) });
