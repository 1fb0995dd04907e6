import { importJWK, importSPKI, importX509, type JWK } from 'jose';
import { DEFAULT_ALGORITHMS, HMAC_ALGORITHMS } from '../constants.js';
import type { Jwk, TrustedKey } from '../ports/client-key-resolver.js';
import { decodeBase64, decodeBase64url, encodeBase64url, isCanonicalBase64url } from './base64url.js';
import { bitLength, describeCertificate, describeSpki, type SpkiInfo } from './der.js';
import { ecPointProblem, ed25519KeyProblem, rsaExponentProblem } from './key-checks.js';
import { readX5c } from './x5c.js';

/** RSA keys shorter than this are refused (RFC 7518 §3.3, RFC 8725 §3.5). */
export const MIN_RSA_BITS = 2048;
/** RSA keys longer than this are refused: verification cost grows with the modulus. */
export const MAX_RSA_BITS = 16384;

type KeyFamily = 'RSA' | 'EC' | 'OKP' | 'oct';
type Curve = 'P-256' | 'P-384' | 'P-521' | 'Ed25519';

/** An imported key jose can verify with. */
export type VerifyKey = CryptoKey | Uint8Array;

/**
 * A trusted key, validated once and described without being imported. The import (one per algorithm, since a
 * WebCrypto key is bound to its algorithm) happens on first use and is cached here.
 */
export interface KeyDescriptor {
  readonly kty: KeyFamily;
  readonly crv: Curve | undefined;
  /** SPKI with the RSASSA-PSS OID: usable for PS* only. */
  readonly pssOnly: boolean;
  /** The key's own `alg`: the only algorithm it may verify (RFC 8725 §3.1). */
  readonly alg: string | undefined;
  readonly kid: string | undefined;
  /** Validity of the key's certificate (epoch ms), when it came with one. */
  readonly notBefore: number | undefined;
  readonly notAfter: number | undefined;
  /** Certificate thumbprints (`x5t`, `x5t#S256`), computed on first use. */
  thumbprints(): Promise<{ x5t: string | undefined; x5tS256: string | undefined }>;
  /** Imports the key for `alg` (cached). */
  importFor(alg: string): Promise<VerifyKey>;
  /** The key already imported for `alg`, if any: the hot path skips a promise hop. */
  importedFor(alg: string): VerifyKey | undefined;
}

const EXPECTED_ALG_FAMILY: Record<string, { kty: KeyFamily; crv?: Curve; pss?: true }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA', pss: true },
  PS384: { kty: 'RSA', pss: true },
  PS512: { kty: 'RSA', pss: true },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
  HS256: { kty: 'oct' },
  HS384: { kty: 'oct' },
  HS512: { kty: 'oct' },
};

const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** True when `key` may verify a signature made with `alg`: matching type and curve, and its own `alg` if set. */
export function isKeyCompatible(key: KeyDescriptor, alg: string): boolean {
  const family = Object.hasOwn(EXPECTED_ALG_FAMILY, alg) ? EXPECTED_ALG_FAMILY[alg] : undefined;
  if (family === undefined || family.kty !== key.kty) return false;
  if (family.crv !== undefined && family.crv !== key.crv) return false;
  if (key.pssOnly && family.pss !== true) return false;
  return key.alg === undefined || key.alg === alg;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const KNOWN_ALGORITHMS = new Set<string>([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS]);

function fail(path: string, problem: string): never {
  throw new TypeError(`${path}: ${problem}`);
}

function requireBase64url(jwk: Jwk, member: string, path: string): Uint8Array {
  const value = jwk[member];
  if (typeof value !== 'string' || value === '' || !isCanonicalBase64url(value)) {
    fail(path, `JWK member "${member}" must be a non-empty base64url string`);
  }
  return decodeBase64url(value);
}

function checkRsaBits(bits: number, path: string): void {
  if (bits < MIN_RSA_BITS) fail(path, `RSA key of ${bits} bits is too short (minimum ${MIN_RSA_BITS})`);
  if (bits > MAX_RSA_BITS) fail(path, `RSA key of ${bits} bits is too long (maximum ${MAX_RSA_BITS})`);
}

function decodePem(pem: string, path: string): { label: string; der: Uint8Array } {
  const match = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END \1-----\s*$/.exec(pem);
  if (match === null) fail(path, 'not a PEM public key or certificate');
  const [, label = '', body = ''] = match;
  if (label.includes('PRIVATE')) fail(path, 'is a private key; configure the public key or certificate');
  if (label !== 'PUBLIC KEY' && label !== 'CERTIFICATE') {
    fail(path, `PEM "${label}" is not supported; use "PUBLIC KEY" (SPKI) or "CERTIFICATE"`);
  }
  try {
    return { label, der: decodeBase64(body.replace(/\s+/g, '')) };
  } catch {
    return fail(path, 'PEM body is not valid base64');
  }
}

function check(problem: string | undefined, path: string): void {
  if (problem !== undefined) fail(path, problem);
}

function spkiFamily(spki: SpkiInfo, path: string): { kty: KeyFamily; crv: Curve | undefined; pssOnly: boolean } {
  if (spki.type === 'RSA-PSS') {
    // WebCrypto imports no id-RSASSA-PSS SubjectPublicKeyInfo: such a key would fail on first use, every time.
    fail(path, 'an RSASSA-PSS (id-RSASSA-PSS) PEM key cannot be imported; configure it as a JWK with "alg" PS256, PS384 or PS512');
  }
  if (spki.type === 'RSA') {
    checkRsaBits(spki.modulusBits ?? 0, path);
    check(rsaExponentProblem(spki.e ?? new Uint8Array(0)), path);
    return { kty: 'RSA', crv: undefined, pssOnly: false };
  }
  if (spki.type === 'EC') {
    const { crv, point = new Uint8Array(0) } = spki;
    if (crv === undefined) return fail(path, 'EC key without a named curve');
    const size = (point.length - 1) / 2;
    // RFC 5480 §2.2: 04 || x || y (a compressed point is left to the import).
    if (point[0] === 4) check(ecPointProblem(crv, point.subarray(1, 1 + size), point.subarray(1 + size)), path);
    return { kty: 'EC', crv, pssOnly: false };
  }
  check(ed25519KeyProblem(spki.raw ?? new Uint8Array(0)), path);
  return { kty: 'OKP', crv: 'Ed25519', pssOnly: false };
}

function memoize<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}

async function digest(name: 'SHA-1' | 'SHA-256', der: Uint8Array): Promise<string> {
  return encodeBase64url(new Uint8Array(await crypto.subtle.digest(name, der as Uint8Array<ArrayBuffer>)));
}

function createDescriptor(
  family: { kty: KeyFamily; crv: Curve | undefined; pssOnly: boolean },
  meta: { alg: string | undefined; kid: string | undefined; x5t?: string | undefined; x5tS256?: string | undefined },
  certificateDer: Uint8Array | undefined,
  importer: (alg: string) => Promise<VerifyKey>,
): KeyDescriptor {
  const validity = certificateDer === undefined ? undefined : describeCertificate(certificateDer);
  const imported = new Map<string, Promise<VerifyKey>>();
  const ready = new Map<string, VerifyKey>();
  return {
    ...family,
    alg: meta.alg,
    kid: meta.kid,
    notBefore: validity?.notBefore,
    notAfter: validity?.notAfter,
    thumbprints: memoize(async () => ({
      x5t: meta.x5t ?? (certificateDer && (await digest('SHA-1', certificateDer))),
      x5tS256: meta.x5tS256 ?? (certificateDer && (await digest('SHA-256', certificateDer))),
    })),
    importFor(alg) {
      let key = imported.get(alg);
      if (key === undefined) {
        key = importer(alg);
        // A failed import is not cached: the next request tries again.
        key.then(
          (value) => void ready.set(alg, value),
          () => imported.delete(alg),
        );
        imported.set(alg, key);
      }
      return key;
    },
    importedFor(alg) {
      return ready.get(alg);
    },
  };
}

function describeJwk(jwk: Jwk, path: string): KeyDescriptor {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) fail(path, 'must be a JWK object or a PEM string');
  for (const member of PRIVATE_MEMBERS) {
    if (Object.hasOwn(jwk, member)) fail(path, 'holds private key material; configure the public key only');
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') fail(path, `JWK "use" is "${String(jwk.use)}", not "sig"`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    fail(path, 'JWK "key_ops" does not include "verify"');
  }
  for (const member of ['kid', 'alg', 'x5t', 'x5t#S256'] as const) {
    if (jwk[member] !== undefined && (typeof jwk[member] !== 'string' || jwk[member] === '')) {
      fail(path, `JWK "${member}" must be a non-empty string`);
    }
  }
  const alg = jwk.alg;
  if (alg !== undefined && !KNOWN_ALGORITHMS.has(alg)) fail(path, `JWK "alg" "${alg}" is not supported`);
  let family: { kty: KeyFamily; crv: Curve | undefined; pssOnly: boolean };
  switch (jwk.kty) {
    case 'RSA':
      checkRsaBits(bitLength(requireBase64url(jwk, 'n', path)), path);
      check(rsaExponentProblem(requireBase64url(jwk, 'e', path)), path);
      family = { kty: 'RSA', crv: undefined, pssOnly: false };
      break;
    case 'EC':
      if (jwk.crv !== 'P-256' && jwk.crv !== 'P-384' && jwk.crv !== 'P-521') {
        fail(path, 'EC JWK "crv" must be P-256, P-384 or P-521');
      }
      check(ecPointProblem(jwk.crv, requireBase64url(jwk, 'x', path), requireBase64url(jwk, 'y', path)), path);
      family = { kty: 'EC', crv: jwk.crv, pssOnly: false };
      break;
    case 'OKP':
      if (jwk.crv !== 'Ed25519') fail(path, 'OKP JWK "crv" must be Ed25519');
      check(ed25519KeyProblem(requireBase64url(jwk, 'x', path)), path);
      family = { kty: 'OKP', crv: 'Ed25519', pssOnly: false };
      break;
    case 'oct': {
      // RFC 7518 §3.2: a shared secret is only ever an explicit, single-algorithm HMAC key of full strength.
      if (alg === undefined || !isHmacAlgorithm(alg)) {
        fail(path, 'an "oct" JWK needs "alg" set to HS256, HS384 or HS512');
      }
      const bytes = requireBase64url(jwk, 'k', path).length;
      const min = HMAC_MIN_BYTES[alg] ?? 64;
      if (bytes < min) fail(path, `${alg} secret of ${bytes} bytes is too short (minimum ${min})`);
      family = { kty: 'oct', crv: undefined, pssOnly: false };
      break;
    }
    default:
      return fail(path, `JWK "kty" must be RSA, EC, OKP or oct`);
  }
  if (alg !== undefined && !isKeyCompatible({ ...family, alg } as KeyDescriptor, alg)) {
    fail(path, `JWK "alg" ${alg} does not fit its key type`);
  }
  const certificate = readX5c(jwk, path);
  if (certificate?.info.spki.type === 'RSA-PSS') {
    // The certificate restricts the key to RSASSA-PSS (RFC 4055 §1.2).
    family = { ...family, pssOnly: true };
    if (alg !== undefined && !isKeyCompatible({ ...family, alg } as KeyDescriptor, alg)) {
      fail(path, `JWK "alg" ${alg} does not fit its RSASSA-PSS certificate`);
    }
  }
  // Imported without the members already checked above (use, key_ops, ext): WebCrypto refuses at import some
  // combinations this library accepts, such as key_ops ["verify", "sign"], which would fail on first use instead.
  const { use: _use, key_ops: _keyOps, ext: _ext, ...importable } = jwk;
  const frozen = Object.freeze(importable);
  return createDescriptor(
    family,
    { alg, kid: jwk.kid, x5t: jwk.x5t, x5tS256: jwk['x5t#S256'] },
    certificate?.der,
    (importAlg) => importJWK(frozen as JWK, importAlg) as Promise<VerifyKey>,
  );
}

function describePem(pem: string, path: string): KeyDescriptor {
  const { label, der } = decodePem(pem, path);
  try {
    if (label === 'CERTIFICATE') {
      const info = describeCertificate(der);
      return createDescriptor(spkiFamily(info.spki, path), { alg: undefined, kid: undefined }, der, (alg) =>
        importX509(pem, alg),
      );
    }
    return createDescriptor(spkiFamily(describeSpki(der), path), { alg: undefined, kid: undefined }, undefined, (alg) =>
      importSPKI(pem, alg),
    );
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith(path)) throw error;
    return fail(path, `PEM ${label.toLowerCase()} could not be read (${(error as Error).message})`);
  }
}

/**
 * Validates one configured key and describes it. Refuses, with a `TypeError` naming `path`: private key
 * material, `use` other than `sig`, `key_ops` without `verify`, RSA under 2048 bits, unsupported types and
 * curves, `oct` keys without an HMAC `alg` or shorter than the hash, malformed PEM, an `x5c` whose first
 * certificate does not hold the JWK's key (RFC 7517 §4.7), key values anyone could forge under or that no import
 * takes (an even or too small RSA exponent, an EC point off its curve, an Ed25519 key of small order or not
 * canonical: see `key-checks.ts`), and an id-RSASSA-PSS PEM, which WebCrypto cannot import. Certificate validity is NOT checked here: an expired
 * or not yet valid certificate is configured fine and skipped at verification time.
 */
export function describeKey(key: TrustedKey, path: string): KeyDescriptor {
  return typeof key === 'string' ? describePem(key, path) : describeJwk(key, path);
}

/** True for HS256/HS384/HS512. */
export function isHmacAlgorithm(alg: string): alg is (typeof HMAC_ALGORITHMS)[number] {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}
