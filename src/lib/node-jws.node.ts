import { KeyObject, type webcrypto } from 'node:crypto';

/** How node:crypto computes each JWS algorithm (RFC 7518 §3). */
export type NodeAlgorithm =
  | { kind: 'rsa' | 'pss'; hash: string; bytes: number }
  | { kind: 'ecdsa'; hash: string; bytes: number; curve: string }
  | { kind: 'eddsa' }
  | { kind: 'hmac'; hash: string };

export const NODE_ALGORITHMS: Readonly<Record<string, NodeAlgorithm>> = {
  RS256: { kind: 'rsa', hash: 'sha256', bytes: 32 },
  RS384: { kind: 'rsa', hash: 'sha384', bytes: 48 },
  RS512: { kind: 'rsa', hash: 'sha512', bytes: 64 },
  PS256: { kind: 'pss', hash: 'sha256', bytes: 32 },
  PS384: { kind: 'pss', hash: 'sha384', bytes: 48 },
  PS512: { kind: 'pss', hash: 'sha512', bytes: 64 },
  ES256: { kind: 'ecdsa', hash: 'sha256', bytes: 32, curve: 'prime256v1' },
  ES384: { kind: 'ecdsa', hash: 'sha384', bytes: 48, curve: 'secp384r1' },
  ES512: { kind: 'ecdsa', hash: 'sha512', bytes: 66, curve: 'secp521r1' },
  EdDSA: { kind: 'eddsa' },
  Ed25519: { kind: 'eddsa' },
  HS256: { kind: 'hmac', hash: 'sha256' },
  HS384: { kind: 'hmac', hash: 'sha384' },
  HS512: { kind: 'hmac', hash: 'sha512' },
};

// One KeyObject per imported CryptoKey (which the key descriptors and token issuers already cache).
const keyObjects = new WeakMap<object, KeyObject>();

/** The node:crypto KeyObject of a WebCrypto key, converted once. */
export function toKeyObject(key: CryptoKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(key as unknown as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
