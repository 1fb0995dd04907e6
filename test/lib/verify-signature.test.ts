import { CompactSign, generateKeyPair, generateSecret, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import type { VerifyKey } from '../../src/lib/keys.js';
import { verifySignature } from '../../src/lib/verify-signature.js';

// The signature seam itself, on whichever seam this project selects. The node:crypto twin writes each signing
// input and signature into buffers it reuses from call to call (and allocates for inputs larger than them), so
// these cases mix sizes and verdicts in one sequence: every verdict must depend on this call's bytes only.

type Alg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'HS256';

async function keysFor(alg: Alg): Promise<{ sign: CryptoKey | Uint8Array; verify: VerifyKey }> {
  if (alg === 'HS256') {
    const secret = (await generateSecret('HS256', { extractable: true })) as CryptoKey;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', secret));
    return { sign: raw, verify: raw };
  }
  const pair = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  return { sign: pair.privateKey, verify: pair.publicKey };
}

const signCompact = (payload: string, alg: Alg, key: CryptoKey | Uint8Array): Promise<string> =>
  new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg }).sign(key);

// Sizes below and above the 16 KiB signing-input buffer of the node:crypto seam.
const PAYLOADS = ['{"jti":"a"}', JSON.stringify({ pad: 'x'.repeat(20_000) }), JSON.stringify({ pad: 'y'.repeat(300) })];

describe('verifySignature (the one signature seam)', () => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'] as const) {
    it(`${alg}: small and large inputs in one sequence each get their own verdict`, async () => {
      const keys = await keysFor(alg);
      const tokens = await Promise.all(PAYLOADS.map((payload) => signCompact(payload, alg, keys.sign)));
      const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1);
      const inputOf = (token: string) => token.slice(0, token.lastIndexOf('.'));
      // Another token's signature on this signing input: refused, whatever the previous call left behind.
      const swapped = tokens.map((token, i) => `${inputOf(token)}.${signatureOf(tokens[(i + 1) % tokens.length]!)}`);
      const verdicts: boolean[] = [];
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < tokens.length; i++) {
          verdicts.push(await verifySignature(tokens[i]!, keys.verify, alg));
          verdicts.push(await verifySignature(swapped[i]!, keys.verify, alg));
        }
      }
      expect(verdicts).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 0));
    });
  }

  for (const alg of ['ES256', 'HS256'] as const) {
    it(`${alg}: refuses input with no signature segment at all (the same verdict on both seams)`, async () => {
      const keys = await keysFor(alg);
      const token = await signCompact(PAYLOADS[0]!, alg, keys.sign);
      expect(await verifySignature(token, keys.verify, alg)).toBe(true);
      expect(await verifySignature(token.replaceAll('.', ''), keys.verify, alg)).toBe(false);
    });
  }

  it('refuses a signature one byte short of a valid one, after that valid one was checked', async () => {
    const keys = await keysFor('EdDSA');
    const token = await signCompact(PAYLOADS[0]!, 'EdDSA', keys.sign);
    expect(await verifySignature(token, keys.verify, 'EdDSA')).toBe(true);
    // 86 base64url characters hold 64 bytes; 84 hold 63: the reused buffer still holds the 64th byte.
    expect(await verifySignature(token.slice(0, -2), keys.verify, 'EdDSA')).toBe(false);
  });

  it('refuses a key of another hash or curve than the alg names (the key must be the one imported for that alg)', async () => {
    const rsa = await generateKeyPair('RS256');
    const p384 = await generateKeyPair('ES384');
    const rs256 = await signCompact('{"n":1}', 'RS256', rsa.privateKey);
    expect(await verifySignature(rs256, rsa.publicKey, 'RS256')).toBe(true);
    // The same bytes claimed as RS512 with the RS256 key: WebCrypto would take SHA-256 from the key.
    expect(await verifySignature(rs256, rsa.publicKey, 'RS512')).toBe(false);
    // A P-384 key signing with SHA-256, called as ES256: WebCrypto's ECDSA call names no curve.
    const input = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"n":2}').toString('base64url')}`;
    const p384Sha256 = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, p384.privateKey, new TextEncoder().encode(input));
    const forged = `${input}.${Buffer.from(p384Sha256).toString('base64url')}`;
    expect(await verifySignature(forged, p384.publicKey, 'ES256')).toBe(false);
    const es384 = await signCompact('{"n":3}', 'ES384' as Alg, p384.privateKey);
    expect(await verifySignature(es384, p384.publicKey, 'ES384')).toBe(true);
  });
});
