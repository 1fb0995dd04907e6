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
  const params = NODE_ALGORITHMS[alg];
  if (params === undefined) throw new TypeError(`unsupported alg ${alg}`);
  const dot = compact.lastIndexOf('.');
  if (dot === -1) return false; // callers pass a checked compact JWS; the seam does not rely on it
  const data = writeSigningInput(compact, dot);
  const signature = writeSignature(compact, dot);
  if (key instanceof Uint8Array) {
    if (params.kind !== 'hmac') return false;
    const expected = createHmac(params.hash, key).update(data).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  if (params.kind === 'hmac') return false;
  const keyObject = toKeyObject(key);
  // WebCrypto refuses a key whose algorithm does not match; so must this path (one key, one algorithm).
  if (!fits(keyObject, params)) return false;
  if ((params.kind === 'rsa' || params.kind === 'pss') && !hasModulusLength(signature, keyObject)) return false;
  try {
    switch (params.kind) {
      case 'rsa':
        // PKCS #1 v1.5 is node:crypto's padding for an RSA key: the KeyObject alone says it.
        return verify(params.hash, data, keyObject, signature);
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

// Two buffers reused by every call: the bytes are written and checked synchronously, with no await in between,
// so no other verification can touch them meanwhile (a worker thread loads its own copy of this module). A fresh
// pair of small Buffers per call costs more than the copy (allocation, then garbage): ~2 µs of a ~20 µs RS256
// check. Inputs larger than a buffer (the assertion cap allows 64 KiB) get their own allocation. The last signing
// input stays in the buffer until the next call: no longer-lived than the assertion string itself, which the
// request, its parsed form and the result keep until they are collected.
const signingInput = Buffer.allocUnsafeSlow(16_384);
const signatureBytes = Buffer.allocUnsafeSlow(1_024);

// The compact form is ASCII (checked before), so latin1 writes its exact bytes: one per character.
function writeSigningInput(compact: string, dot: number): Buffer {
  if (dot > signingInput.length) return Buffer.from(compact.slice(0, dot), 'latin1');
  signingInput.write(compact, 0, dot, 'latin1');
  return signingInput.subarray(0, dot);
}

// Canonical base64url (checked before): 4 characters carry 3 bytes, so this bound never truncates.
function writeSignature(compact: string, dot: number): Buffer {
  const encoded = compact.slice(dot + 1);
  if (Math.ceil((encoded.length * 3) / 4) > signatureBytes.length) return Buffer.from(encoded, 'base64url');
  return signatureBytes.subarray(0, signatureBytes.write(encoded, 0, 'base64url'));
}

// RFC 8017 §8.1.2 and §8.2.2 step 1: an RSA signature MUST be exactly k bytes, k the modulus length in bytes.
// OpenSSL accepts a PSS signature whose leading 0x00 was dropped: without this, a second valid form of it.
// node:crypto caches asymmetricKeyDetails on the KeyObject (itself cached per CryptoKey): no allocation per call.
function hasModulusLength(signature: Buffer, key: KeyObject): boolean {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return bits !== undefined && signature.length === Math.ceil(bits / 8);
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
