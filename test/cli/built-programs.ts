import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli.js');
export const DEMO = join(ROOT, 'dist/demo.js');

/**
 * The child-process suites test the built programs once: they do not depend on the signature seam the vitest
 * project aliases (the build picks its own), so running them in both projects would only double the time.
 */
export const RUN_BUILT_PROGRAM_TESTS = process.env['SIGNATURE_SEAM'] !== 'webcrypto';

const isBuilt = (): boolean => existsSync(CLI) && existsSync(DEMO);
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Builds dist/ when the programs are missing (`npm test` builds first, through pretest). tsup without `rm -rf`,
 * under a lock directory, so test files running in parallel build once and never delete each other's dist.
 */
export function ensureBuilt(): void {
  if (isBuilt()) return;
  const lock = join(ROOT, 'node_modules/.cache/jwt-bearer-grant-test-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (isBuilt()) return;
      // A lock older than two minutes is left over from a killed run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      pause(100);
    }
  }
  try {
    if (!isBuilt()) execFileSync(join(ROOT, 'node_modules/.bin/tsup'), { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The outcome of one CLI run. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node dist/cli.js ...args`) to completion; runs can overlap (tests call them in parallel). */
export function runCli(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, timeout: 15_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
