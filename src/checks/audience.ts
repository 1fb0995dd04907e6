import { OAuthError } from '../errors.js';
import { readMember } from './claim.js';

/**
 * RFC 7523 §3 item 3 (SPEC J9, grant form): `aud` MUST identify this authorization server. Accepted values are
 * `accepted` (this server's issuer identifier and token endpoint, or the issuer's own `audiences` policy) or
 * `alsoAccepted`,
 * compared by exact string match (RFC 7519 §4.1.3). An array is accepted only when every value is accepted:
 * a foreign value means the assertion was also meant for someone else (rfc7523bis audience injection).
 *
 * @returns the audience as an array.
 * @throws {OAuthError} `ERR_JWT_BEARER_AUDIENCE_MISSING`, `ERR_JWT_BEARER_CLAIM_INVALID` (not a string or array of
 *   strings), `ERR_JWT_BEARER_AUDIENCE_MISMATCH`.
 */
export function checkAudience(
  claims: Readonly<Record<string, unknown>>,
  accepted: ReadonlySet<string>,
  alsoAccepted?: ReadonlySet<string>,
): string[] {
  const aud = readMember(claims, 'aud');
  // RFC 7523 §3 item 3: the JWT MUST contain an "aud" claim.
  if (aud === undefined || aud === '' || (Array.isArray(aud) && aud.length === 0)) {
    throw new OAuthError('ERR_JWT_BEARER_AUDIENCE_MISSING');
  }
  const values: unknown[] = Array.isArray(aud) ? aud : [aud];
  for (const value of values) {
    if (typeof value !== 'string') {
      throw new OAuthError('ERR_JWT_BEARER_CLAIM_INVALID', { detail: '"aud" must be a string or an array of strings' });
    }
    if (!accepted.has(value) && alsoAccepted?.has(value) !== true) {
      throw new OAuthError('ERR_JWT_BEARER_AUDIENCE_MISMATCH', { detail: describeMismatch(value, accepted) });
    }
  }
  return values as string[];
}

/** An accepted audience that an `aud` value almost equals, and how the two differ. */
export interface AudienceNearMiss {
  /** The configured value (server configuration, never request data). */
  readonly accepted: string;
  readonly differsBy: 'a trailing slash' | 'letter case';
}

/** The accepted value `value` misses by a trailing slash or by letter case: the most common misconfigurations. */
export function findAudienceNearMiss(value: string, accepted: ReadonlySet<string>): AudienceNearMiss | undefined {
  for (const candidate of accepted) {
    if (value.replace(/\/+$/, '') === candidate.replace(/\/+$/, '')) return { accepted: candidate, differsBy: 'a trailing slash' };
    if (value.toLowerCase() === candidate.toLowerCase()) return { accepted: candidate, differsBy: 'letter case' };
  }
  return undefined;
}

const MAX_LISTED = 4;

// Log-only: names the configured values, never the audience the request carried (attacker input).
function describeMismatch(value: string, accepted: ReadonlySet<string>): string {
  const near = findAudienceNearMiss(value, accepted);
  if (near !== undefined) return `aud differs from the accepted ${JSON.stringify(near.accepted)} by ${near.differsBy}`;
  const listed = [...accepted].slice(0, MAX_LISTED).map((candidate) => JSON.stringify(candidate));
  if (accepted.size > MAX_LISTED) listed.push('...');
  return `aud is none of the ${accepted.size} accepted values (${listed.join(', ')})`;
}

/**
 * RFC 7523 §3 item 3 in its client form, as tightened by draft-ietf-oauth-rfc7523bis (SPEC J9, C): the
 * audience must be this server's issuer identifier as the SOLE value (a string or a one-element array). Other
 * values, such as the token endpoint, only where the client's policy lists them (legacy clients).
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_AUDIENCE_MISSING`, `ERR_JWT_BEARER_CLAIM_INVALID`,
 *   `ERR_JWT_BEARER_AUDIENCE_MISMATCH` (also for an array of more than one value).
 */
export function checkClientAudience(
  claims: Readonly<Record<string, unknown>>,
  issuer: ReadonlySet<string>,
  legacy: ReadonlySet<string> | undefined,
): string[] {
  const audience = checkAudience(claims, issuer, legacy);
  if (audience.length !== 1) {
    throw new OAuthError('ERR_JWT_BEARER_AUDIENCE_MISMATCH', { detail: 'a client assertion audience must be a single value' });
  }
  return audience;
}
