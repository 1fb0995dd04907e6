import { constants, createHmac, sign, type KeyObject } from 'node:crypto';

// A compact-JWS signer on plain node:crypto, independent of jose: the way many other implementations (and
// hand-rolled clients) produce assertions. Header and payload are taken as exact text when given as strings.

export type SignAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519' | 'HS256';

const HASH: Record<SignAlg, string | null> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
  EdDSA: null, Ed25519: null, HS256: 'sha256',
};
/** RFC 7518 §3.5: the PSS salt is as long as the hash output. */
const PSS_SALT: Partial<Record<SignAlg, number>> = { PS256: 32, PS384: 48, PS512: 64 };

export interface SignOptions {
  /** Override the PSS salt length (RFC 7518 wants the hash length; some libraries default to the maximum). */
  saltLength?: number;
  /** Override the ECDSA encoding (JOSE wants 'ieee-p1363'; node:crypto's default is 'der'). */
  dsaEncoding?: 'der' | 'ieee-p1363';
}

const segment = (part: string | object): string => Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');

/** Signs `header.payload` with `alg`, the way `crypto.sign` callers do (or HMAC with a shared secret). */
export function signCompact(header: string | object, payload: string | object, alg: SignAlg, key: KeyObject | Uint8Array, options: SignOptions = {}): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const data = Buffer.from(input, 'ascii');
  let signature: Buffer;
  if (alg === 'HS256') {
    signature = createHmac('sha256', key as Uint8Array).update(data).digest();
  } else if (alg.startsWith('PS')) {
    signature = sign(HASH[alg], data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: options.saltLength ?? (PSS_SALT[alg] as number) });
  } else if (alg.startsWith('ES')) {
    signature = sign(HASH[alg], data, { key: key as KeyObject, dsaEncoding: options.dsaEncoding ?? 'ieee-p1363' });
  } else {
    // RS*: PKCS#1 v1.5 is node:crypto's default RSA padding; EdDSA/Ed25519: no separate hash.
    signature = sign(HASH[alg], data, key as KeyObject);
  }
  return `${input}.${signature.toString('base64url')}`;
}
