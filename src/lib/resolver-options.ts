import type { IssuerPolicy } from '../ports/client-key-resolver.js';
import { isHmacAlgorithm } from './keys.js';
import { checkPolicySchema } from './trusted-issuer.js';

/**
 * Validates the policy of an issuer whose keys come from elsewhere (a JWKS URL) with the same rules as a
 * configured trusted issuer, and returns it as canonical JSON (equal policies, equal strings).
 * @throws TypeError naming `path` for an unknown or malformed field, a `keys` field, or an HMAC algorithm (a
 *   remote key set never holds a shared secret).
 */
export function checkIssuerPolicy(policy: IssuerPolicy, path: string): string {
  if (Object.hasOwn(policy, 'keys')) throw new TypeError(`${path}.keys: not allowed here; the keys come from the JWKS URL`);
  for (const alg of Array.isArray(policy.algorithms) ? policy.algorithms : []) {
    if (typeof alg === 'string' && isHmacAlgorithm(alg)) throw new TypeError(`${path}.algorithms: ${alg} needs a shared secret, never served by a JWKS`);
  }
  checkPolicySchema(policy, path);
  return JSON.stringify(policy, Object.keys(policy).sort());
}
