import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { algorithmsFor, checkAlgorithm, describeKeyType } from './algorithms.js';
import { CliError, EXIT, parseCommandArgs, parseNow, parseSeconds } from './cli-error.js';
import { readPrivateKeyFile } from './key-files.js';
import { systemClock } from '../index.js';

export const SIGN_HELP = `Usage: jwt-bearer-grant sign --key <file> --iss <issuer> --aud <audience> [options]

Mints a JWT bearer assertion (RFC 7523 §3) the way a service-account library does, and prints it (compact JWS).

Options:
  --key <file>        the private key: a PEM (PKCS#8, SEC1 or PKCS#1), a private JWK, or keygen's JSON output
  --iss <issuer>      iss: the service account or client_id (required)
  --sub <subject>     sub (default: the same as --iss; another value asks for impersonation)
  --aud <audience>    aud: the server's issuer identifier or token endpoint (required; repeat for an array)
  --lifetime <time>   exp - iat, in seconds, or with a unit: 120, 5m, 1h (default 120)
  --scope <scope>     a scope claim (space-separated, as Google service accounts send it)
  --jti <jti>         jti (default: a random UUID)
  --no-jti            send no jti
  --kid <kid>         kid header (default: the JWK's kid; none for a PEM)
  --alg <alg>         signing algorithm (default: the JWK's alg, else ES256/ES384/ES512 by curve, RS256 for
                      RSA, EdDSA for Ed25519)
  --now <time>        sign as of this time: ISO 8601 or epoch seconds (default: now); iat = now
  -h, --help          show this help

Example:
  jwt-bearer-grant sign --key reports.private.jwk.json --iss svc-reports@tenant.example.com \\
    --aud https://as.example.com/oauth2/token --scope reports.read
`;

/** `jwt-bearer-grant sign`. */
export async function sign(args: readonly string[]): Promise<number> {
  const argv = parseCommandArgs(args, {
    key: { type: 'string' },
    iss: { type: 'string' },
    sub: { type: 'string' },
    aud: { type: 'string', multiple: true },
    lifetime: { type: 'string' },
    scope: { type: 'string' },
    jti: { type: 'string' },
    'no-jti': { type: 'boolean' },
    kid: { type: 'string' },
    alg: { type: 'string' },
    now: { type: 'string' },
  }, false);
  if (argv.flag('help')) {
    process.stdout.write(SIGN_HELP);
    return EXIT.ok;
  }
  const text = (name: string): string | undefined => argv.string(name);
  for (const name of ['key', 'iss'] as const) if (text(name) === undefined) throw new CliError(`--${name} is required (see sign --help)`);
  const audiences = argv.list('aud');
  if (audiences.length === 0) throw new CliError('--aud is required (see sign --help)');
  for (const name of ['iss', 'sub', 'jti', 'kid', 'scope'] as const) if (text(name) === '') throw new CliError(`--${name}: must not be empty`);
  if (audiences.includes('')) throw new CliError('--aud: must not be empty');
  if (argv.flag('no-jti') && text('jti') !== undefined) throw new CliError('--jti and --no-jti: choose one');

  const file = readPrivateKeyFile(text('key') as string);
  const usable = algorithmsFor(file.key);
  const alg = text('alg') ?? file.alg ?? usable[0];
  if (alg === undefined) throw new CliError(`--key: a ${describeKeyType(file.key)} key is not supported (RSA, EC P-256/P-384/P-521 or Ed25519)`);
  checkAlgorithm(alg, text('alg') === undefined ? 'the key\'s "alg"' : '--alg');
  if (!usable.includes(alg)) throw new CliError(`--alg ${alg} does not fit a ${describeKeyType(file.key)} key (use ${usable.join(', ')})`);

  const nowMs = text('now') === undefined ? systemClock.now() : parseNow(text('now') as string);
  const iat = Math.floor(nowMs / 1000);
  const lifetime = parseSeconds(text('lifetime') ?? '120', '--lifetime');
  const iss = text('iss') as string;
  const claims: Record<string, unknown> = {
    iss,
    sub: text('sub') ?? iss,
    aud: audiences.length === 1 ? audiences[0] : audiences,
    iat,
    exp: iat + lifetime,
  };
  if (!argv.flag('no-jti')) claims['jti'] = text('jti') ?? randomUUID();
  if (text('scope') !== undefined) claims['scope'] = text('scope');
  const kid = text('kid') ?? file.kid;
  const header = { alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) };

  let key: CryptoKey;
  try {
    key = (await importJWK(file.key.export({ format: 'jwk' }) as JWK, alg)) as CryptoKey;
  } catch (error) {
    throw new CliError(`--key: cannot sign with this key as ${alg} (${(error as Error).message})`);
  }
  process.stdout.write(`${await new SignJWT(claims).setProtectedHeader(header).sign(key)}\n`);
  return EXIT.ok;
}
