import { OAuthError } from '../errors.js';
import { prepareTrustedIssuer, type PreparedIssuer } from '../lib/trusted-issuer.js';
import type { ClientKeyResolver, JwsHeader } from '../ports/client-key-resolver.js';
import { readStringClaim } from './claim.js';
import { portFailure } from './port-failure.js';

/**
 * RFC 7523 §3 item 1 (SPEC J7): `iss` MUST be present; compared by exact string match, it selects the trusted
 * issuer through the resolver.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_ISSUER_MISSING`, `ERR_JWT_BEARER_CLAIM_INVALID`.
 */
export function readIssuer(claims: Readonly<Record<string, unknown>>): string {
  const iss = readStringClaim(claims, 'iss');
  if (iss === undefined) throw new OAuthError('ERR_JWT_BEARER_ISSUER_MISSING');
  return iss;
}

/**
 * Asks the resolver for the issuer's keys and policy and prepares them (cached by the returned object).
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_ISSUER_UNKNOWN` (worded like a bad signature, SPEC J15) when the resolver
 *   does not know the issuer; `ERR_JWT_BEARER_KEY_RESOLVER_FAILED` (503) when it throws (SPEC F1);
 *   `ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT` (500) when it returns an entry that is not a valid trusted issuer.
 */
export async function resolveIssuer(
  resolver: ClientKeyResolver,
  issuer: string,
  header: JwsHeader,
  use: 'grant' | 'client',
): Promise<PreparedIssuer> {
  let entry: Awaited<ReturnType<ClientKeyResolver['resolve']>>;
  try {
    entry = await resolver.resolve(issuer, { header, use });
  } catch (error) {
    throw portFailure(error, 'ERR_JWT_BEARER_KEY_RESOLVER_FAILED', 'key resolver failed');
  }
  if (entry === undefined || entry === null) throw new OAuthError('ERR_JWT_BEARER_ISSUER_UNKNOWN', { detail: 'the resolver does not know this issuer' });
  try {
    return prepareTrustedIssuer(entry, 'resolved trusted issuer');
  } catch (cause) {
    throw new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT', { detail: (cause as Error).message, cause });
  }
}
