import { prepareTrustedIssuer } from '../lib/trusted-issuer.js';
import type { ClientKeyResolver, TrustedIssuer } from '../ports/client-key-resolver.js';

const UNKNOWN: Promise<undefined> = Promise.resolve(undefined);

/**
 * A {@link ClientKeyResolver} over a fixed map of trusted issuers (or client_ids), keyed by the exact `iss`.
 * Every entry is validated and every key checked when the resolver is created, so a bad configuration fails at
 * start-up, not on the first request; keys are imported once, on first use.
 *
 * @example
 * ```ts
 * const keyResolver = createStaticKeyResolver({
 *   'svc-billing@example.com': { keys: [billingPublicJwk], scopes: ['invoices.read'] },
 *   'https://idp.partner.example': { keys: partnerJwks.keys, subjects: 'any', scopes: ['profile'] },
 * })
 * ```
 * @throws TypeError naming the entry and key for an unsafe or malformed key (RSA under 2048 bits, `use: enc`,
 *   `key_ops` without `verify`, private key material, an empty key list) or an unknown policy field.
 * @see RFC 7523 §3 items 1 and 9
 */
export function createStaticKeyResolver(map: Readonly<Record<string, TrustedIssuer>>): ClientKeyResolver {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new TypeError('createStaticKeyResolver(map): must be an object of issuer to trusted issuer');
  }
  // Each answer is one settled promise made here, shared by every request: nothing to allocate per call.
  const answers = new Map<string, Promise<TrustedIssuer>>();
  for (const issuer of Object.keys(map)) {
    const entry = map[issuer] as TrustedIssuer;
    if (issuer === '') throw new TypeError('createStaticKeyResolver(map): an issuer cannot be the empty string');
    prepareTrustedIssuer(entry, `createStaticKeyResolver(map)[${JSON.stringify(issuer)}]`);
    answers.set(issuer, Promise.resolve(entry));
  }
  return {
    resolve(issuer) {
      return answers.get(issuer) ?? UNKNOWN;
    },
  };
}
