import { importJWK, type JWK } from 'jose';
import type { Jwk } from '../ports/client-key-resolver.js';

/** A private signing key: a WebCrypto private `CryptoKey`, or a private JWK. */
export type SigningKey = CryptoKey | Jwk;

/** Imports a private signing key for `alg` (a CryptoKey is used as is). */
export async function importSigningKey(key: SigningKey, alg: string): Promise<CryptoKey> {
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return key;
  return (await importJWK(key as JWK, alg)) as CryptoKey;
}
