import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Jwk, TrustedKey } from '../ports/client-key-resolver.js';
import { CliError } from './cli-error.js';

/** Reads a text file, or explains in one line why it cannot be read. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError(`${what} ${JSON.stringify(path)}: ${why}`);
  }
}

/** Parses JSON text, or explains in one line where it is broken. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${where}: not valid JSON (${(error as Error).message})`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** A private signing key read from a file, with the `kid` and `alg` its JWK carried. */
export interface PrivateKeyFile {
  readonly key: KeyObject;
  readonly kid: string | undefined;
  readonly alg: string | undefined;
}

/**
 * Reads the private key of `sign`: a PEM private key (PKCS#8, SEC1 or PKCS#1, unencrypted), a private JWK, or the
 * JSON `keygen` prints (its `privateJwk`).
 */
export function readPrivateKeyFile(path: string): PrivateKeyFile {
  const where = `--key ${JSON.stringify(path)}`;
  const text = readTextFile(path, '--key');
  if (text.trimStart().startsWith('-----BEGIN')) {
    if (/-----BEGIN (PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)-----/.test(text)) {
      throw new CliError(`${where}: is a public key; sign needs the private key (keygen writes <prefix>.private.pem)`);
    }
    try {
      return { key: createPrivateKey(text), kid: undefined, alg: undefined };
    } catch (error) {
      throw new CliError(`${where}: not a readable unencrypted PEM private key (${(error as Error).message})`);
    }
  }
  const parsed = parseJson(text, where);
  const jwk = isObject(parsed) && isObject(parsed['privateJwk']) ? parsed['privateJwk'] : parsed;
  if (!isObject(jwk) || Array.isArray(jwk['keys'])) throw new CliError(`${where}: not a private JWK, a keygen output or a PEM private key`);
  if (jwk['kty'] === 'oct') throw new CliError(`${where}: is a symmetric (oct) key; sign makes asymmetric assertions`);
  if (typeof jwk['d'] !== 'string') throw new CliError(`${where}: is a public JWK (no "d"); sign needs the private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new CliError(`${where}: not a usable private JWK (${(error as Error).message})`);
  }
  const member = (name: string): string | undefined => (typeof jwk[name] === 'string' ? (jwk[name] as string) : undefined);
  return { key, kid: member('kid'), alg: member('alg') };
}

/**
 * The keys of a trusted issuer in the explain config: a file path (relative to the config file), inline PEM, a
 * JWK, a JWKS `{ "keys": [...] }`, or an array of these. A file holds PEM public keys or certificates, a JWK, a
 * JWKS, or the JSON `keygen` prints (its `publicJwk`).
 */
export function readTrustedKeys(source: unknown, baseDir: string, where: string): TrustedKey[] {
  if (Array.isArray(source)) return source.flatMap((item, index) => readTrustedKeys(item, baseDir, `${where}[${index}]`));
  if (typeof source === 'string') {
    if (source.trimStart().startsWith('-----BEGIN')) return readPem(source, where);
    const path = resolve(baseDir, source);
    const text = readTextFile(path, `${where}: key file`);
    if (text.trimStart().startsWith('-----BEGIN')) return readPem(text, `${where}: ${JSON.stringify(path)}`);
    return fromJson(parseJson(text, `${where}: ${JSON.stringify(path)}`), `${where}: ${JSON.stringify(path)}`);
  }
  return fromJson(source, where);
}

function readPem(text: string, where: string): string[] {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new CliError(`${where}: not a PEM public key or certificate`);
  for (const block of blocks) {
    if (block[1]?.includes('PRIVATE')) throw new CliError(`${where}: holds a private key; configure the public key (keygen writes <prefix>.public.pem)`);
  }
  return blocks.map((block) => `${block[0]}\n`);
}

function fromJson(value: unknown, where: string): TrustedKey[] {
  if (isObject(value) && Array.isArray(value['keys'])) return value['keys'] as Jwk[];
  if (isObject(value) && isObject(value['publicJwk'])) return [value['publicJwk'] as Jwk];
  if (isObject(value) && typeof value['kty'] === 'string') return [value as Jwk];
  throw new CliError(`${where}: not a key (expected a PEM, a JWK, a JWKS or a key file path)`);
}
