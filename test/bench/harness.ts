import { cpuUsage, memoryUsage } from 'node:process';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bench, describe } from 'vitest';

// What every bench file shares: tinybench (through vitest bench) runs the cases, and this file counts what
// tinybench does not: CPU time of the whole process (so WebCrypto's thread pool is charged too), operations per
// call for batched or concurrent cases, and the ratio of each case to its baselines, printed as a Markdown table
// once the last case of a group has run. Cases of a group run one after another in one process: ratios are what
// count on a shared machine, absolute numbers are not.

/** The signature seam this project runs on (vitest.config.ts sets SIGNATURE_SEAM per project). */
export const SEAM: 'node:crypto' | 'WebCrypto' = process.env.SIGNATURE_SEAM === 'node' ? 'node:crypto' : 'WebCrypto';

/** True in the node-crypto project: benches that do not touch the seam run there only. */
export const IS_NODE_SEAM = SEAM === 'node:crypto';

// The package as users load it: dist/node/index.js through the package's `node` condition on the node:crypto
// seam, dist/index.js on WebCrypto (`npm run bench` builds first). Benches time this bundle, not src/ through
// vitest's module runner, which adds a cost to every call from one source module into another that the shipped
// bundle does not have (~5 µs per verification).
const DIST_ENTRY = IS_NODE_SEAM ? '../../dist/node/index.js' : '../../dist/index.js';

/** The built library for this project's seam, typed as its source. */
export const library = (await import(/* @vite-ignore */ DIST_ENTRY).catch((cause: unknown) => {
  throw new Error(`benches time the built package: run \`npm run build\` first (\`npm run bench\` does)`, { cause });
})) as typeof import('../../src/index.js');

export interface BenchCase {
  name: string;
  /** One call. Declare it `async` when it awaits; a plain function is timed synchronously. */
  fn: () => unknown;
  /** Operations one call performs (a batch, or N in flight). @defaultValue 1 */
  ops?: number;
  /** A fixed number of timed calls instead of a time budget (a pool of single-use inputs). */
  iterations?: number;
  /** Untimed calls before the timed ones, with `iterations`. @defaultValue 0 */
  warmupIterations?: number;
}

export interface GroupOptions {
  /** Columns of ratios: CPU per operation of each case divided by that of the case named `name`. */
  baselines?: readonly { label: string; name: string }[];
  /** Time budget per time-bounded case, ms. @defaultValue 700 */
  time?: number;
  /** Warm-up per time-bounded case, ms. @defaultValue 150 */
  warmupTime?: number;
  /** Skip the whole group with this reason (it is printed in the group's name). */
  skip?: string | undefined;
  /** One line printed under the table. */
  note?: string;
}

interface Measured {
  name: string;
  operations: number;
  wallMs: number;
  cpuUs: number;
}

const ASYNC_FUNCTION = (async () => undefined).constructor;

/**
 * Declares a describe() of benches whose results are also printed as one table: operations per second (wall
 * clock), wall and CPU microseconds per operation, and CPU ratios to the baselines.
 */
export function benchGroup(title: string, cases: readonly BenchCase[], options: GroupOptions = {}): void {
  const results = new Map<string, Measured>();
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(options.skip === undefined ? title : `${title} (skipped: ${options.skip})`, () => {
    for (const c of cases) {
      let calls = 0;
      let wallStart = 0;
      let cpuStart = cpuUsage();
      const fn = c.fn;
      const run =
        fn.constructor === ASYNC_FUNCTION
          ? async () => {
              await fn();
              calls++;
            }
          : () => {
              fn();
              calls++;
            };
      const fixed = c.iterations !== undefined;
      bench(c.name, run, {
        time: fixed ? 0 : (options.time ?? 700),
        iterations: c.iterations ?? 10,
        warmupTime: fixed ? 0 : (options.warmupTime ?? 150),
        warmupIterations: fixed ? (c.warmupIterations ?? 0) : 5,
        setup: (_task, mode) => {
          if (mode !== 'run') return;
          calls = 0;
          cpuStart = cpuUsage();
          wallStart = performance.now();
        },
        teardown: (_task, mode) => {
          if (mode !== 'run') return;
          const wallMs = performance.now() - wallStart;
          const cpu = cpuUsage(cpuStart);
          results.set(c.name, { name: c.name, operations: calls * (c.ops ?? 1), wallMs, cpuUs: cpu.user + cpu.system });
          if (results.size === cases.length) printGroup(title, [...results.values()], options);
        },
      });
    }
  });
}

function printGroup(title: string, measured: readonly Measured[], options: GroupOptions): void {
  const cpuPerOp = (m: Measured) => m.cpuUs / m.operations;
  const baselines = (options.baselines ?? []).map((b) => ({ ...b, measured: measured.find((m) => m.name === b.name) }));
  const rows = measured.map((m) => {
    const row: Record<string, string> = {
      case: m.name,
      'ops/s': formatCount(m.operations / (m.wallMs / 1000)),
      'wall µs/op': formatMicros((m.wallMs * 1000) / m.operations),
      'CPU µs/op': formatMicros(cpuPerOp(m)),
    };
    for (const b of baselines) row[`CPU × ${b.label}`] = b.measured === undefined ? '—' : formatRatio(cpuPerOp(m) / cpuPerOp(b.measured));
    return row;
  });
  printTable(title, rows, options.note);
}

/**
 * Declares one bench that runs `measure` once and prints the table it returns: for measurements that are not a
 * rate (heap bytes, first call vs 10,000th, a store under a flood). The bench's own row is only its duration.
 */
export function report(
  title: string,
  measure: () => Promise<{ rows: Record<string, string>[]; note?: string }>,
  options: { skip?: string | undefined } = {},
): void {
  const suite = options.skip === undefined ? describe : describe.skip;
  suite(options.skip === undefined ? title : `${title} (skipped: ${options.skip})`, () => {
    bench(
      'report (the table printed above)',
      async () => {
        const { rows, note } = await measure();
        printTable(title, rows, note);
      },
      { time: 0, iterations: 1, warmupTime: 0, warmupIterations: 0 },
    );
  });
}

/** Prints rows as a Markdown table under a heading naming the seam, so a run can be pasted into the docs. */
export function printTable(title: string, rows: readonly Record<string, string>[], note?: string): void {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const out = [
    '',
    `#### ${title} — ${SEAM} seam, Node ${process.versions.node}`,
    '',
    line(columns),
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map((row) => line(columns.map((column) => row[column] ?? ''))),
  ];
  if (note !== undefined) out.push('', note);
  console.log(`${out.join('\n')}\n`);
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
export const formatMicros = (us: number): string => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
export const formatRatio = (r: number): string => `${r.toFixed(2)}×`;
export const formatBytes = (bytes: number): string =>
  bytes >= 10 * 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 10 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${Math.round(bytes)} B`;

let gcFunction: (() => void) | undefined;

/** A full garbage collection (V8's gc, exposed at run time since vitest's workers do not start with --expose-gc). */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

/**
 * Memory in use after a full collection, bytes: the JS heap plus the ArrayBuffer backing stores (typed arrays live
 * outside the heap, so a store built on them would look free by the heap alone).
 */
export function liveMemoryBytes(): number {
  collectGarbage();
  return getHeapStatistics().used_heap_size + memoryUsage().arrayBuffers;
}

/**
 * JS heap bytes allocated per call of `fn`, over `calls` calls: the growth of the used heap between collections,
 * summed with V8's GC profiler. Native and thread-pool memory (OpenSSL, WebCrypto jobs) is not counted.
 */
export async function allocatedBytesPerCall(fn: () => unknown, calls: number): Promise<number> {
  collectGarbage();
  const profiler = new GCProfiler();
  let previous = getHeapStatistics().used_heap_size;
  profiler.start();
  for (let i = 0; i < calls; i++) await fn();
  const end = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  let allocated = 0;
  for (const gc of statistics) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - previous;
    previous = gc.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += end - previous;
  return allocated / calls;
}

/** Percentile (0-100) of already sorted numbers. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
