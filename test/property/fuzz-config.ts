// Run counts for the property tests. The default run is fast (the whole folder in a few seconds); a long run
// sets FUZZ_RUNS (every property then runs that many times, with no per-test timeout), e.g.
//   FUZZ_RUNS=20000 npx vitest run test/property
// A failure prints its seed and path; FUZZ_SEED=<seed> replays the same sequence of inputs.

function readPositiveInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** Runs per property in a long fuzzing run, or undefined for the default quick run. */
export const FUZZ_RUNS = readPositiveInteger('FUZZ_RUNS');
const FUZZ_SEED = readSeed(process.env.FUZZ_SEED);

function readSeed(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`FUZZ_SEED must be an integer (the seed a failing run printed), got ${JSON.stringify(text)}`);
  return value;
}

/** The vitest timeout for one property: 20 s by default, none in a long run. */
export const PROPERTY_TIMEOUT = FUZZ_RUNS === undefined ? 20_000 : 0;

/** The fast-check parameters every property here uses (a subset of `fc.Parameters`, so it fits any property). */
export interface FuzzParams {
  numRuns: number;
  timeout: number;
  seed?: number;
}

/**
 * fast-check parameters: `defaultRuns` runs (or FUZZ_RUNS), the FUZZ_SEED when given, and a per-run timeout
 * so a hang fails the property (with its counterexample) instead of stalling the suite.
 */
export function fuzzParams(defaultRuns: number): FuzzParams {
  const params: FuzzParams = { numRuns: FUZZ_RUNS ?? defaultRuns, timeout: 5_000 };
  if (FUZZ_SEED !== undefined) params.seed = FUZZ_SEED;
  return params;
}
