import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { CLI_ALGORITHMS, checkAlgorithm } from './algorithms.js';
import { CliError, EXIT, parseCommandArgs } from './cli-error.js';

export const KEYGEN_HELP = `Usage: jwt-bearer-grant keygen [--alg ES256] [--kid <kid>] [--bits 2048] [--out <prefix> [--force]]

Generates a signing key pair for a backend service or client: the private key signs assertions (sign), the
public key goes into the authorization server's trusted issuers (explain --config, createStaticKeyResolver).

Options:
  --alg <alg>       ${CLI_ALGORITHMS.join(', ')} (default ES256)
  --kid <kid>       key id, set in both JWKs (default: the RFC 7638 JWK thumbprint)
  --bits <n>        RSA modulus length, 2048 to 16384 (default 2048)
  --out <prefix>    write four files instead of printing:
                      <prefix>.private.jwk.json  private JWK (mode 0600)
                      <prefix>.private.pem       private key, PKCS#8 PEM (mode 0600)
                      <prefix>.public.jwk.json   public JWK, with kid, alg and use "sig"
                      <prefix>.public.pem        public key, SPKI PEM
  --force           overwrite existing files
  -h, --help        show this help

Without --out, prints one JSON object: { alg, kid, publicJwk, privateJwk, publicPem, privatePem }.

Examples:
  jwt-bearer-grant keygen --alg ES256 --kid reports-2026 --out ./reports
  jwt-bearer-grant keygen --alg RS256 > key.json
`;

function readBits(value: string | undefined, alg: string): number | undefined {
  if (value === undefined) return undefined;
  if (!alg.startsWith('RS') && !alg.startsWith('PS')) throw new CliError(`--bits: only for RSA algorithms, not ${alg}`);
  const bits = Number(value);
  if (!Number.isSafeInteger(bits) || bits < 2048 || bits > 16384 || bits % 8 !== 0) {
    throw new CliError(`--bits: must be a multiple of 8 from 2048 to 16384, not ${JSON.stringify(value)}`);
  }
  return bits;
}

function writeNew(path: string, text: string, mode: number, force: boolean): void {
  try {
    writeFileSync(path, text, { mode, flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot write ${JSON.stringify(path)}: ${code === 'EEXIST' ? 'file exists (use --force to overwrite)' : code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
}

/** `jwt-bearer-grant keygen`. */
export async function keygen(args: readonly string[]): Promise<number> {
  const argv = parseCommandArgs(args, {
    alg: { type: 'string' },
    kid: { type: 'string' },
    bits: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  }, false);
  if (argv.flag('help')) {
    process.stdout.write(KEYGEN_HELP);
    return EXIT.ok;
  }
  const alg = argv.string('alg') ?? 'ES256';
  checkAlgorithm(alg, '--alg');
  const bits = readBits(argv.string('bits'), alg);
  if (argv.string('kid') === '') throw new CliError('--kid: must not be empty');

  const pair = await generateKeyPair(alg, { extractable: true, ...(bits === undefined ? {} : { modulusLength: bits }) });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = argv.string('kid') ?? (await calculateJwkThumbprint(publicJwk));
  const key = {
    alg,
    kid,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    privateJwk: { ...(await exportJWK(pair.privateKey)), kid, alg },
    publicPem: await exportSPKI(pair.publicKey),
    privatePem: await exportPKCS8(pair.privateKey),
  };

  const prefix = argv.string('out');
  if (prefix === undefined) {
    process.stdout.write(`${JSON.stringify(key, null, 2)}\n`);
    return EXIT.ok;
  }
  const force = argv.flag('force');
  const files: Array<[string, string, number]> = [
    [`${prefix}.private.jwk.json`, `${JSON.stringify(key.privateJwk, null, 2)}\n`, 0o600],
    [`${prefix}.private.pem`, key.privatePem, 0o600],
    [`${prefix}.public.jwk.json`, `${JSON.stringify(key.publicJwk, null, 2)}\n`, 0o644],
    [`${prefix}.public.pem`, key.publicPem, 0o644],
  ];
  for (const [path, text, mode] of files) writeNew(path, text, mode, force);
  process.stdout.write(`${alg} key pair, kid ${JSON.stringify(kid)}:\n${files.map(([path]) => `  ${path}\n`).join('')}`);
  return EXIT.ok;
}
