import { compactVerify, errors } from 'jose';
import type { VerifyKey } from './keys.js';

/**
 * The one seam through which every signature is checked. Nothing else in the library calls a JOSE verify
 * function, so a faster platform path can replace this file without touching any rule.
 *
 * @returns `true` when `compact` (already structurally checked) carries a valid `alg` signature by `key`;
 *   `false` for a signature that does not verify.
 * @throws jose errors for anything else (translated by `toOAuthError` in jose-errors.ts).
 */
export async function verifySignature(compact: string, key: VerifyKey, alg: string): Promise<boolean> {
  try {
    await compactVerify(compact, key, { algorithms: [alg] });
    return true;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return false;
    throw error;
  }
}
