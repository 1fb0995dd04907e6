import { compactVerify, errors } from 'jose';
import { decodeBase64url } from './base64url.js';
import type { VerifyKey } from './keys.js';

// RFC 7518 §3 in WebCrypto terms: the verify parameters, and the key a call must carry. jose imports one key per
// alg, but WebCrypto takes an RSA key's hash from the key, not from the call, and an ECDSA call names no curve; so,
// as the node:crypto seam's fits() does, a key of another hash or curve is refused rather than trusted to have
// come from the right import.
interface WebAlgorithm {
  readonly params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  readonly key: { readonly name: string; readonly hash?: string; readonly namedCurve?: string };
}
const pkcs1 = (hash: string): WebAlgorithm => ({ params: { name: 'RSASSA-PKCS1-v1_5' }, key: { name: 'RSASSA-PKCS1-v1_5', hash } });
const pss = (hash: string, saltLength: number): WebAlgorithm => ({ params: { name: 'RSA-PSS', saltLength } as RsaPssParams, key: { name: 'RSA-PSS', hash } });
const ecdsa = (hash: string, namedCurve: string): WebAlgorithm => ({ params: { name: 'ECDSA', hash } as EcdsaParams, key: { name: 'ECDSA', namedCurve } });
const ED25519: WebAlgorithm = { params: { name: 'Ed25519' }, key: { name: 'Ed25519' } };
const WEB_ALGORITHMS: Readonly<Record<string, WebAlgorithm>> = {
  RS256: pkcs1('SHA-256'),
  RS384: pkcs1('SHA-384'),
  RS512: pkcs1('SHA-512'),
  PS256: pss('SHA-256', 32),
  PS384: pss('SHA-384', 48),
  PS512: pss('SHA-512', 64),
  ES256: ecdsa('SHA-256', 'P-256'),
  ES384: ecdsa('SHA-384', 'P-384'),
  ES512: ecdsa('SHA-512', 'P-521'),
  EdDSA: ED25519,
  Ed25519: ED25519,
};

function fits(key: CryptoKey, expected: WebAlgorithm['key']): boolean {
  const actual = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  return (
    actual.name === expected.name &&
    (expected.hash === undefined || actual.hash?.name === expected.hash) &&
    (expected.namedCurve === undefined || actual.namedCurve === expected.namedCurve)
  );
}

const ascii = new TextEncoder();

/**
 * The one seam through which every signature is checked. Nothing else in the library calls a JOSE verify
 * function, so a faster platform path (verify-signature.node.ts) can replace this file without touching any rule.
 * Asymmetric keys, which jose imported for exactly `alg`, go straight to `crypto.subtle.verify` over the signing
 * input (the header was already parsed and checked; jose would parse it again); HMAC secrets go through jose.
 *
 * @returns `true` when `compact` (already structurally checked) carries a valid `alg` signature by `key`;
 *   `false` for a signature that does not verify.
 * @throws jose or WebCrypto errors for anything else (translated by `toOAuthError` in jose-errors.ts).
 */
export async function verifySignature(compact: string, key: VerifyKey, alg: string): Promise<boolean> {
  const dot = compact.lastIndexOf('.');
  if (dot === -1) return false; // callers pass a checked compact JWS; the seam does not rely on it
  const web = WEB_ALGORITHMS[alg];
  if (web === undefined || key instanceof Uint8Array) return verifyWithJose(compact, key, alg);
  if (!fits(key, web.key)) return false;
  const signature = decodeBase64url(compact.slice(dot + 1)) as Uint8Array<ArrayBuffer>;
  if (!hasModulusLength(signature, key)) return false;
  return crypto.subtle.verify(web.params, key, signature, ascii.encode(compact.slice(0, dot)));
}

// RFC 8017 §8.1.2 and §8.2.2 step 1: an RSA signature MUST be exactly k bytes, k the modulus length in bytes.
// WebCrypto accepts a PSS signature whose leading 0x00 was dropped: without this, a second valid form of it.
// Only an RSA key has a modulus, and fits() has matched the key to the alg; `algorithm` is the key's own object
// (no allocation).
function hasModulusLength(signature: Uint8Array, key: CryptoKey): boolean {
  const bits = (key.algorithm as Partial<RsaKeyAlgorithm>).modulusLength;
  return bits === undefined || signature.length === Math.ceil(bits / 8);
}

async function verifyWithJose(compact: string, key: VerifyKey, alg: string): Promise<boolean> {
  try {
    await compactVerify(compact, key, { algorithms: [alg] });
    return true;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return false;
    throw error;
  }
}
