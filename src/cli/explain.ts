import { readFileSync } from 'node:fs';
import { compileOptions } from '../options.js';
import { explainAssertion } from '../explain/explain-assertion.js';
import { formatExplanation } from '../explain/format-explanation.js';
import { CliError, EXIT, parseCommandArgs, parseNow, parseSeconds, toSafeJson } from './cli-error.js';
import { loadExplainOptions } from './explain-config.js';
import { readTextFile } from './key-files.js';

export const EXPLAIN_HELP = `Usage: jwt-bearer-grant explain <assertion | -> (--config <file> | --issuer <url> --trust <iss>=<key>) [options]

Judges an assertion the way the token endpoint would, with your server's configuration, and prints every rule
of the pipeline with PASS, FAIL or SKIP and the exact reason. A dry run: no jti is consumed, so a replay is not
detected. Exit code 0 when the assertion would be accepted, 1 when it would be refused, 2 for a usage or
input error. The output quotes the assertion's claims: an operator tool, never an answer to a client.

Arguments:
  <assertion>               the compact JWT; "-" reads it from stdin
  --assertion-file <file>   read the JWT from a file instead

Server configuration:
  --config <file>           JSON: { "issuer", "tokenEndpoint", "clockTolerance", "maxLifetime", "requireJti",
                            "maxAssertionSize", "algorithms", "trustedIssuers": { "<iss>": { "keys": <keys>,
                            ...policy } }, "clients": { ... } }; <keys> is a key file path (relative to the
                            config file), inline PEM, a JWK, a JWKS, or an array of these (see docs/cli.md)
  --issuer <url>            this server's issuer identifier (overrides the config)
  --token-endpoint <url>    this server's token endpoint URL (overrides the config)
  --trust <iss>=<file>      trust <iss> with the public key(s) in <file> (PEM, JWK, JWKS or keygen output);
                            repeatable; adds to the config's issuers with the default policy
  --clock-tolerance <s>     seconds, 0 to 300 (default 30)
  --max-lifetime <s>        seconds (default 300)

Judging:
  --use <grant|client>      a grant assertion (RFC 7523 §2.1, default) or a client assertion (§2.2, "clients")
  --scope <scope>           the scope form parameter sent with the grant, if any
  --now <time>              judge at this time: ISO 8601 or epoch seconds (default: now)
  --json                    print the explanation as JSON
  -h, --help                show this help

Example:
  jwt-bearer-grant explain "$ASSERTION" --issuer https://as.example.com \\
    --token-endpoint https://as.example.com/oauth2/token --trust svc@example.com=./svc.public.pem
`;

function readAssertion(positional: string | undefined, file: string | undefined): string {
  if (positional !== undefined && file !== undefined) throw new CliError('give the assertion as an argument or with --assertion-file, not both');
  let text: string;
  if (file !== undefined) text = readTextFile(file, '--assertion-file');
  else if (positional === '-') text = readFileSync(0, 'utf8');
  else if (positional !== undefined) text = positional;
  else throw new CliError('no assertion: give it as an argument, "-" for stdin, or --assertion-file (see explain --help)');
  const assertion = text.trim();
  if (assertion === '') throw new CliError('the assertion is empty');
  return assertion;
}

function readTolerance(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds)) throw new CliError(`--clock-tolerance: not a number of seconds: ${JSON.stringify(value)}`);
  return seconds;
}

/** `jwt-bearer-grant explain`. */
export async function explain(args: readonly string[]): Promise<number> {
  const argv = parseCommandArgs(args, {
    'assertion-file': { type: 'string' },
    config: { type: 'string' },
    issuer: { type: 'string' },
    'token-endpoint': { type: 'string' },
    trust: { type: 'string', multiple: true },
    'clock-tolerance': { type: 'string' },
    'max-lifetime': { type: 'string' },
    use: { type: 'string' },
    scope: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
  }, true);
  if (argv.flag('help')) {
    process.stdout.write(EXPLAIN_HELP);
    return EXIT.ok;
  }
  if (argv.positionals.length > 1) throw new CliError(`one assertion at a time (got ${argv.positionals.length} arguments)`);
  const use = argv.string('use') ?? 'grant';
  if (use !== 'grant' && use !== 'client') throw new CliError(`--use: must be grant or client, not ${JSON.stringify(use)}`);
  const nowText = argv.string('now');
  const now = nowText === undefined ? undefined : parseNow(nowText);
  const maxLifetime = argv.string('max-lifetime');
  const assertion = readAssertion(argv.positionals[0], argv.string('assertion-file'));

  const options = loadExplainOptions({
    configPath: argv.string('config'),
    issuer: argv.string('issuer'),
    tokenEndpoint: argv.string('token-endpoint'),
    trust: argv.list('trust'),
    clockTolerance: readTolerance(argv.string('clock-tolerance')),
    maxLifetime: maxLifetime === undefined ? undefined : parseSeconds(maxLifetime, '--max-lifetime'),
    use,
  });
  try {
    compileOptions(options);
  } catch (error) {
    throw new CliError(`server configuration: ${(error as Error).message.replace(/^options\.?/, '')}`);
  }

  const scope = argv.string('scope');
  const explanation = await explainAssertion(assertion, options, {
    use,
    ...(now === undefined ? {} : { now }),
    ...(scope === undefined ? {} : { scope }),
  });
  if (argv.flag('json')) {
    const { error, ...rest } = explanation;
    const verdict = error === undefined ? {} : { error: { code: error.code, error: error.error, status: error.status, description: error.description, detail: error.detail } };
    process.stdout.write(`${toSafeJson({ ...rest, ...verdict }, 2)}\n`);
  } else {
    const context = explanation.header === undefined ? '' : `header ${toSafeJson(explanation.header)}\nclaims ${toSafeJson(explanation.claims)}\n`;
    process.stdout.write(`${context}${formatExplanation(explanation)}\n`);
  }
  return explanation.accepted ? EXIT.ok : EXIT.rejected;
}
