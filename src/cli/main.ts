/**
 * The `jwt-bearer-grant` command: keygen, sign and explain. Node-only (node:crypto, node:fs).
 * Exit codes: 0 done or accepted, 1 rejected by explain, 2 usage or input error.
 */
import { CliError, EXIT } from './cli-error.js';
import { explain, EXPLAIN_HELP } from './explain.js';
import { keygen, KEYGEN_HELP } from './keygen.js';
import { sign, SIGN_HELP } from './sign.js';

const HELP = `Usage: jwt-bearer-grant <command> [options]

Tools for the OAuth 2.0 JWT bearer grant (RFC 7523): make keys and assertions as a backend service does, and
find out why a token endpoint refuses an assertion.

Commands:
  keygen     generate a signing key pair (JWK and PEM)
  sign       mint an assertion from a private key and claims
  explain    judge an assertion against a server configuration, rule by rule

Run "jwt-bearer-grant <command> --help" for a command's options.
Exit codes: 0 done or accepted, 1 rejected (explain), 2 usage or input error.
`;

const COMMANDS: Record<string, { run: (args: readonly string[]) => Promise<number>; help: string }> = {
  keygen: { run: keygen, help: KEYGEN_HELP },
  sign: { run: sign, help: SIGN_HELP },
  explain: { run: explain, help: EXPLAIN_HELP },
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(HELP);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (name === 'help') {
    const topic = args[0] === undefined ? undefined : COMMANDS[args[0]];
    process.stdout.write(topic?.help ?? HELP);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) throw new CliError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)`);
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`${name}: ${error.message}`);
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof CliError ? error.message : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    process.stderr.write(`jwt-bearer-grant: ${message}\n`);
    process.exitCode = EXIT.usage;
  },
);
