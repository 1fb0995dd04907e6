import { KeyObject, sign, type webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../helpers/fixture.js';

// Malformed and edge-case signatures in the style of Project Wycheproof, made with our own keys: each case
// takes a real assertion, changes only its signature segment, and must be refused as SIGNATURE_INVALID (the
// structure is fine; the signature just does not verify) — with the unmodified assertion accepted as the
// control. Run against both signature seams (WebCrypto and node:crypto, see vitest.config.ts).
//
// RFC 7518 §3.4: an ES* signature is the JOSE form R || S, each the size of the curve order, NOT ASN.1 DER.
// RFC 8032 §5.1.7: an Ed25519 signature with S >= L MUST be rejected (non-canonical S, malleability).

const INVALID = 'ERR_JWT_BEARER_SIGNATURE_INVALID';

/** Curve orders n (SEC 2 / FIPS 186-4) and the size of r and s in the JOSE form. */
const CURVES = {
  ES256: { n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'), bytes: 32, hash: 'sha256' },
  ES384: {
    n: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    bytes: 48,
    hash: 'sha384',
  },
} as const;
/** RFC 8032 §5.1: the order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

const toBytes = (value: bigint, length: number): Buffer => Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function parts(assertion: string): { input: string; signature: Buffer } {
  const dot = assertion.lastIndexOf('.');
  return { input: assertion.slice(0, dot), signature: Buffer.from(assertion.slice(dot + 1), 'base64url') };
}
const withSignature = (assertion: string, signature: Uint8Array): string => `${parts(assertion).input}.${Buffer.from(signature).toString('base64url')}`;

/** ASN.1 DER INTEGER of a non-negative big-endian value (minimal, with a 0x00 pad when the top bit is set). */
function derInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let body = Buffer.from(bytes.subarray(i));
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}
/** The JOSE r||s signature re-encoded as the DER Ecdsa-Sig-Value other APIs produce (RFC 3279 §2.2.3). */
function toDer(raw: Buffer, bytes: number): Buffer {
  const content = Buffer.concat([derInteger(raw.subarray(0, bytes)), derInteger(raw.subarray(bytes))]);
  return Buffer.concat([Buffer.from(content.length < 0x80 ? [0x30, content.length] : [0x30, 0x81, content.length]), content]);
}

for (const alg of ['ES256', 'ES384'] as const) {
  const { n, bytes, hash } = CURVES[alg];

  async function setup(): Promise<{ f: Fixture; assertion: string; r: Buffer; s: Buffer }> {
    const f = await createFixture({ alg });
    const assertion = await f.sign();
    const { signature } = parts(assertion);
    expect(signature).toHaveLength(2 * bytes);
    return { f, assertion, r: signature.subarray(0, bytes), s: signature.subarray(bytes) };
  }

  describe(`RFC 7518 §3.4 / SPEC J15: ${alg} signature edge cases are refused`, () => {
    it('control: the unmodified signature verifies', async () => {
      const { f, assertion } = await setup();
      await expect(f.verify(assertion)).resolves.toMatchObject({ header: { alg } });
    });

    it('r = 0, s = 0, and both zero (the "psychic signature", CVE-2022-21449) are refused', async () => {
      const { f, assertion, r, s } = await setup();
      const zero = Buffer.alloc(bytes);
      for (const signature of [Buffer.concat([zero, s]), Buffer.concat([r, zero]), Buffer.concat([zero, zero])]) {
        await f.reject(withSignature(assertion, signature), INVALID);
      }
      await f.verify(assertion);
    });

    it('r = n or s = n (the curve order: zero modulo n), and r + n or s + n where they fit, are refused', async () => {
      const { f, assertion, r, s } = await setup();
      const order = toBytes(n, bytes);
      const candidates = [Buffer.concat([order, s]), Buffer.concat([r, order]), Buffer.concat([order, order])];
      // r + n and s + n are congruent to r and s modulo n; where they still fit in the field size they must not pass either.
      const limit = 2n ** BigInt(8 * bytes);
      if (toBigInt(r) + n < limit) candidates.push(Buffer.concat([toBytes(toBigInt(r) + n, bytes), s]));
      if (toBigInt(s) + n < limit) candidates.push(Buffer.concat([r, toBytes(toBigInt(s) + n, bytes)]));
      for (const signature of candidates) await f.reject(withSignature(assertion, signature), INVALID);
      await f.verify(assertion);
    });

    it('the DER encoding of the same (valid) signature is refused: the JOSE form is raw r || s', async () => {
      const { f, assertion, r, s } = await setup();
      const der = toDer(Buffer.concat([r, s]), bytes);
      expect(der[0]).toBe(0x30);
      expect(der.length).not.toBe(2 * bytes);
      await f.reject(withSignature(assertion, der), INVALID);
      // And a DER signature made directly by node:crypto's default encoding (what crypto.sign returns).
      const privateKey = KeyObject.from(f.key.privateKey as unknown as webcrypto.CryptoKey);
      const nodeDer = sign(hash, Buffer.from(parts(assertion).input), { key: privateKey, dsaEncoding: 'der' });
      await f.reject(withSignature(assertion, nodeDer), INVALID);
      // The same node:crypto signature in the JOSE encoding is accepted (a fresh fixture: the jti is not consumed there).
      const fresh = await createFixture({ alg });
      const p1363 = sign(hash, Buffer.from(parts(assertion).input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      await fresh.verify(withSignature(assertion, p1363));
    });

    it('a signature one byte short, one byte long, zero-padded, doubled, or empty of s is refused', async () => {
      const { f, assertion, r, s } = await setup();
      const signature = Buffer.concat([r, s]);
      const cases = [
        signature.subarray(0, signature.length - 1),
        signature.subarray(1),
        Buffer.concat([signature, Buffer.from([0])]),
        Buffer.concat([Buffer.from([0]), signature]),
        Buffer.concat([signature, signature]),
        r,
        // r and s each padded to one more byte: a 2 * (bytes + 1) signature holding the right values.
        Buffer.concat([Buffer.from([0]), r, Buffer.from([0]), s]),
      ];
      for (const candidate of cases) await f.reject(withSignature(assertion, candidate), INVALID);
      await f.verify(assertion);
    });

    // Documented choice (docs/security.md, "Signature malleability"): ECDSA is malleable — (r, n - s) verifies
    // whenever (r, s) does. RFC 7518 does not require low-S, WebCrypto and OpenSSL accept both, and so does this
    // library. It is not a forgery (only the holder of the key can make either form), and replay protection
    // keys on the jti, not on the token bytes, so the twin of a consumed assertion is still a replay
    // (test/security/replay.test.ts, "malleated twin"). This test pins that behaviour.
    it('high-S (s\' = n - s) is ACCEPTED by design: ECDSA malleability is not enforced away (low-S is not required)', async () => {
      const { f, assertion, r, s } = await setup();
      const twinS = n - toBigInt(s);
      const twin = withSignature(assertion, Buffer.concat([r, toBytes(twinS, bytes)]));
      expect(twin).not.toBe(assertion);
      await expect(f.verify(twin)).resolves.toMatchObject({ header: { alg } });
      // The original is now a replay of the same jti: malleability does not buy a second use.
      await f.reject(assertion, 'ERR_JWT_BEARER_JTI_REPLAYED');
    });
  });
}

describe('RFC 8032 §5.1.7 / SPEC J15: Ed25519 signature edge cases are refused', () => {
  async function setup(): Promise<{ f: Fixture; assertion: string; R: Buffer; S: Buffer }> {
    const f = await createFixture({ alg: 'EdDSA' });
    const assertion = await f.sign();
    const { signature } = parts(assertion);
    expect(signature).toHaveLength(64);
    return { f, assertion, R: signature.subarray(0, 32), S: signature.subarray(32) };
  }
  // S is a little-endian integer.
  const le = (bytes: Uint8Array): bigint => toBigInt(Buffer.from(bytes).reverse());
  const toLe = (value: bigint): Buffer => toBytes(value, 32).reverse();

  it('control: the unmodified signature verifies', async () => {
    const { f, assertion } = await setup();
    await expect(f.verify(assertion)).resolves.toMatchObject({ header: { alg: 'EdDSA' } });
  });

  it('non-canonical S + L (same value modulo L, so a naive verifier accepts it) is refused', async () => {
    const { f, assertion, R, S } = await setup();
    const nonCanonical = le(S) + ED25519_L;
    expect(nonCanonical < 2n ** 256n).toBe(true);
    await f.reject(withSignature(assertion, Buffer.concat([R, toLe(nonCanonical)])), INVALID);
    // S + 2L, S + 3L ... while they fit in 32 bytes, likewise.
    for (let k = 2n; le(S) + k * ED25519_L < 2n ** 256n && k < 8n; k++) {
      await f.reject(withSignature(assertion, Buffer.concat([R, toLe(le(S) + k * ED25519_L)])), INVALID);
    }
    await f.verify(assertion);
  });

  it('S = L exactly, S = 0, an all-zero signature, and truncated or extended signatures are refused', async () => {
    const { f, assertion, R, S } = await setup();
    const cases = [
      Buffer.concat([R, toLe(ED25519_L)]),
      Buffer.concat([R, Buffer.alloc(32)]),
      Buffer.alloc(64),
      Buffer.concat([R, S]).subarray(0, 63),
      Buffer.concat([R, S, Buffer.from([0])]),
      Buffer.concat([R, S, R, S]),
    ];
    for (const signature of cases) await f.reject(withSignature(assertion, signature), INVALID);
    await f.verify(assertion);
  });
});
