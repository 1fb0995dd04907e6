import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/lib/sign-jwt.js';
import { verifySignature } from '../../src/lib/verify-signature.js';

// Proves each vitest project really runs on its own crypto seams (the alias in vitest.config.ts), so "both paths
// pass the whole suite" cannot be an accident of configuration.
describe('the crypto seams under test', () => {
  it('are the ones this project selects', () => {
    const seam = process.env['SIGNATURE_SEAM'];
    expect(['webcrypto', 'node']).toContain(seam);
    expect(verifySignature.toString().includes('NODE_ALGORITHMS')).toBe(seam === 'node');
    expect(signJwt.toString().includes('NODE_ALGORITHMS')).toBe(seam === 'node');
  });
});
