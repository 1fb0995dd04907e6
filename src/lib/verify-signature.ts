import { compactVerify, errors } from 'jose';
import { decodeBase64url } from './base64url.js';
import type { VerifyKey } from './keys.js';

// RFC 7518 §3 in WebCrypto terms, for keys jose imported for exactly that algorithm.
const WEB_ALGORITHMS: Readonly<Record<string, AlgorithmIdentifier | RsaPssParams | EcdsaParams>> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  RS384: { name: 'RSASSA-PKCS1-v1_5' },
  RS512: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 } as RsaPssParams,
  PS384: { name: 'RSA-PSS', saltLength: 48 } as RsaPssParams,
  PS512: { name: 'RSA-PSS', saltLength: 64 } as RsaPssParams,
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  ES384: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
  ES512: { name: 'ECDSA', hash: 'SHA-512' } as EcdsaParams,
  EdDSA: { name: 'Ed25519' },
  Ed25519: { name: 'Ed25519' },
};

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
  const params = WEB_ALGORITHMS[alg];
  if (params === undefined || key instanceof Uint8Array) return verifyWithJose(compact, key, alg);
  const signature = decodeBase64url(compact.slice(dot + 1)) as Uint8Array<ArrayBuffer>;
  if (isRsa(params) && !hasModulusLength(signature, key)) return false;
  return crypto.subtle.verify(params, key, signature, ascii.encode(compact.slice(0, dot)));
}

const isRsa = (params: AlgorithmIdentifier): boolean =>
  typeof params === 'object' && (params.name === 'RSASSA-PKCS1-v1_5' || params.name === 'RSA-PSS');

// RFC 8017 §8.1.2 and §8.2.2 step 1: an RSA signature MUST be exactly k bytes, k the modulus length in bytes.
// WebCrypto accepts a PSS signature whose leading 0x00 was dropped: without this, a second valid form of it.
// `algorithm` is the key's own object (no allocation); a key without a modulus is left to crypto.subtle.verify.
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
