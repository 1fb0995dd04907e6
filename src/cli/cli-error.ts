import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of the CLI: accepted or done, rejected by explain, usage or input error. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** A usage or input error: reported as one line on stderr, exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Options of one command, for `node:util` parseArgs. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed command-line arguments, read by name. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** A string option, or undefined when absent. */
  string(name: string): string | undefined;
  /** A repeatable string option (empty when absent). */
  list(name: string): string[];
  /** A boolean option. */
  flag(name: string): boolean;
}

/** parseArgs in strict mode (unknown options refused), with `-h/--help`; its errors become usage errors. */
export function parseCommandArgs(args: readonly string[], options: OptionSpec, allowPositionals: boolean): ParsedArgs {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    // One line; the hint about "--" for positionals that start with a dash does not apply to these commands.
    throw new CliError((error as Error).message.split('\n').join(' ').replace(/\. To specify a positional argument.*$/, ''));
  }
  const { values, positionals } = parsed;
  return {
    positionals,
    string: (name) => (typeof values[name] === 'string' ? values[name] : undefined),
    list: (name) => (Array.isArray(values[name]) ? (values[name] as string[]) : []),
    flag: (name) => values[name] === true,
  };
}

/** A positive whole number of seconds: `120`, `120s`, `5m`, `1h`. */
export function parseSeconds(value: string, flag: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(value.trim());
  const unit = { s: 1, m: 60, h: 3600 }[match?.[2] ?? 's'] ?? 1;
  const result = match === null ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(result) || result <= 0) throw new CliError(`${flag}: not a positive number of seconds: ${JSON.stringify(value)} (e.g. 120, 5m, 1h)`);
  return result;
}

/** `--now`: an ISO 8601 date-time or epoch seconds; returns epoch milliseconds. */
export function parseNow(value: string): number {
  const text = value.trim();
  const ms = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CliError(`--now: not an ISO 8601 date or epoch seconds: ${JSON.stringify(value)}`);
  return ms;
}

/** JSON for a terminal: control, line-separator and bidi characters escaped (JSON.stringify leaves some raw). */
export function toSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
