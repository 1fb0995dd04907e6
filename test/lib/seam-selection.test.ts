import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/lib/verify-signature.js';

// Proves each vitest project really runs on its own signature path (the alias in vitest.config.ts), so "both
// paths pass the whole suite" cannot be an accident of configuration.
describe('the signature seam under test', () => {
  it('is the one this project selects', () => {
    const seam = process.env['SIGNATURE_SEAM'];
    expect(['webcrypto', 'node']).toContain(seam);
    expect(verifySignature.toString().includes('ieee-p1363')).toBe(seam === 'node');
  });
});
