import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { VerifyKey } from './keys.js';
import { NODE_ALGORITHMS, toKeyObject, type NodeAlgorithm } from './node-jws.node.js';

/**
 * The Node twin of verify-signature.ts, chosen by the package's `node` export condition: the same contract,
 * checked with `node:crypto` (OpenSSL, synchronous, on the calling thread) instead of WebCrypto. jose still
 * parses, imports and checks every key; only the signature arithmetic moves here. Both files must give the
 * same verdict for every input: the test suite runs against each.
 *
 * @returns `true` for a valid `alg` signature by `key` over the compact JWS signing input, `false` otherwise.
 * @throws TypeError for an algorithm this seam does not know (callers allowlist algorithms first).
 */
export async function verifySignature(compact: string, key: VerifyKey, alg: string): Promise<boolean> {
  const dot = compact.lastIndexOf('.');
  // The compact form is ASCII (checked before): one latin1 copy, viewed up to the last dot.
  const data = Buffer.from(compact, 'latin1').subarray(0, dot);
  const signature = Buffer.from(compact.slice(dot + 1), 'base64url');
  const params = NODE_ALGORITHMS[alg];
  if (params === undefined) throw new TypeError(`unsupported alg ${alg}`);
  if (key instanceof Uint8Array) {
    if (params.kind !== 'hmac') return false;
    const expected = createHmac(params.hash, key).update(data).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  if (params.kind === 'hmac') return false;
  const keyObject = toKeyObject(key);
  // WebCrypto refuses a key whose algorithm does not match; so must this path (one key, one algorithm).
  if (!fits(keyObject, params)) return false;
  try {
    switch (params.kind) {
      case 'rsa':
        return verify(params.hash, data, { key: keyObject, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'pss':
        return verify(params.hash, data, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.bytes }, signature);
      case 'ecdsa':
        // JOSE ECDSA signatures are raw r||s of exactly twice the coordinate size (RFC 7518 §3.4).
        if (signature.length !== params.bytes * 2) return false;
        return verify(params.hash, data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
      case 'eddsa':
        return verify(null, data, keyObject, signature);
    }
  } catch {
    return false;
  }
}

function fits(key: KeyObject, params: Exclude<NodeAlgorithm, { kind: 'hmac' }>): boolean {
  if (key.type !== 'public') return false;
  switch (params.kind) {
    case 'rsa':
      return key.asymmetricKeyType === 'rsa';
    case 'pss':
      return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss';
    case 'ecdsa':
      return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === params.curve;
    case 'eddsa':
      return key.asymmetricKeyType === 'ed25519';
  }
}
