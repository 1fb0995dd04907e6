import { dirname, resolve } from 'node:path';
import { createMemoryReplayStore } from '../defaults/memory-replay-store.js';
import { createStaticKeyResolver } from '../defaults/static-key-resolver.js';
import type { ClientAssertionOptions, JwtBearerGrantOptions } from '../options.js';
import type { TrustedIssuer } from '../ports/client-key-resolver.js';
import { CliError } from './cli-error.js';
import { parseJson, readTextFile, readTrustedKeys } from './key-files.js';

/** The server configuration explain judges with, from `--config` and the flags. */
export interface ExplainConfigInput {
  readonly configPath: string | undefined;
  readonly issuer: string | undefined;
  readonly tokenEndpoint: string | undefined;
  /** `--trust <iss>=<key file>`, repeatable. */
  readonly trust: readonly string[];
  readonly clockTolerance: number | undefined;
  readonly maxLifetime: number | undefined;
  readonly use: 'grant' | 'client';
}

const OPTION_FIELDS = ['issuer', 'tokenEndpoint', 'clockTolerance', 'maxLifetime', 'requireJti', 'maxAssertionSize', 'algorithms'] as const;
const FIELDS = new Set<string>([...OPTION_FIELDS, 'trustedIssuers', 'clients', '$schema', 'description']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readIssuers(value: unknown, baseDir: string, where: string): Record<string, TrustedIssuer> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new CliError(`${where}: must be an object of issuer to { "keys": ..., policy }`);
  const issuers: Record<string, TrustedIssuer> = {};
  for (const [iss, entry] of Object.entries(value)) {
    const path = `${where}[${JSON.stringify(iss)}]`;
    if (!isObject(entry) || entry['keys'] === undefined) throw new CliError(`${path}: must be an object with "keys" (a key file path, PEM, JWK or JWKS)`);
    issuers[iss] = { ...entry, keys: readTrustedKeys(entry['keys'], baseDir, `${path}.keys`) } as TrustedIssuer;
  }
  return issuers;
}

/**
 * Builds the options explain judges with: the config file (see docs/cli.md), then the flags on top. Keys are
 * read and validated here, so a bad key file is an input error (exit 2), not a rejection.
 */
export function loadExplainOptions(input: ExplainConfigInput): JwtBearerGrantOptions | ClientAssertionOptions {
  let file: Record<string, unknown> = {};
  let baseDir = process.cwd();
  if (input.configPath !== undefined) {
    const parsed = parseJson(readTextFile(input.configPath, '--config'), `--config ${JSON.stringify(input.configPath)}`);
    if (!isObject(parsed)) throw new CliError(`--config ${JSON.stringify(input.configPath)}: must be a JSON object`);
    for (const name of Object.keys(parsed)) {
      if (!FIELDS.has(name)) throw new CliError(`--config: unknown field ${JSON.stringify(name)} (known: ${[...FIELDS].filter((f) => !f.startsWith('$') && f !== 'description').join(', ')})`);
    }
    file = parsed;
    baseDir = dirname(resolve(input.configPath));
  }
  const mapName = input.use === 'grant' ? 'trustedIssuers' : 'clients';
  const issuers = readIssuers(file[mapName], baseDir, mapName);
  for (const entry of input.trust) {
    const at = entry.indexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new CliError(`--trust: expected <iss>=<key file>, got ${JSON.stringify(entry)}`);
    const iss = entry.slice(0, at);
    issuers[iss] = { ...issuers[iss], keys: readTrustedKeys(entry.slice(at + 1), process.cwd(), `--trust ${JSON.stringify(iss)}`) };
  }

  const options: Record<string, unknown> = {};
  for (const name of OPTION_FIELDS) if (file[name] !== undefined) options[name] = file[name];
  if (input.issuer !== undefined) options['issuer'] = input.issuer;
  if (input.tokenEndpoint !== undefined) options['tokenEndpoint'] = input.tokenEndpoint;
  if (input.clockTolerance !== undefined) options['clockTolerance'] = input.clockTolerance;
  if (input.maxLifetime !== undefined) options['maxLifetime'] = input.maxLifetime;
  if (options['issuer'] === undefined) throw new CliError('the server\'s issuer is required: --issuer <url> or "issuer" in --config');
  if (Object.keys(issuers).length === 0) {
    throw new CliError(`no trusted ${input.use === 'grant' ? 'issuer' : 'client'}: add "${mapName}" to --config or --trust <iss>=<key file>`);
  }

  let resolver;
  try {
    resolver = createStaticKeyResolver(issuers);
  } catch (error) {
    const message = (error as Error).message;
    throw new CliError(message.startsWith('createStaticKeyResolver(map)') ? `${mapName}${message.slice('createStaticKeyResolver(map)'.length)}` : `${mapName}: ${message}`);
  }
  return {
    ...options,
    ...(input.use === 'grant' ? { keyResolver: resolver } : { clientKeyResolver: resolver }),
    // Never called: explain is a dry run. Present because the options require a store.
    replayStore: createMemoryReplayStore(),
  } as unknown as JwtBearerGrantOptions | ClientAssertionOptions;
}
