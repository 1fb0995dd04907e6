import { OAuthError } from '../errors.js';
import { readStringClaim } from './claim.js';

/** Who an issuer may assert as `sub`, with the defaults applied. */
export interface SubjectPolicy {
  readonly subjects: 'self' | 'any' | ReadonlySet<string>;
  readonly requireSubject: boolean;
}

/**
 * RFC 7523 §3 item 2 (SPEC J8, grant form): `sub` identifies the principal the token is for; the issuer's policy
 * says which principals it may speak for. Default `'self'`: a service account can only ask for itself;
 * impersonation is opt-in per issuer.
 *
 * @returns the subject (the issuer itself when `sub` is absent and `requireSubject` is false).
 * @throws {OAuthError} `ERR_JWT_BEARER_SUBJECT_MISSING`, `ERR_JWT_BEARER_CLAIM_INVALID`,
 *   `ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED`.
 */
export function checkSubject(claims: Readonly<Record<string, unknown>>, issuer: string, policy: SubjectPolicy): string {
  let sub = readStringClaim(claims, 'sub');
  if (sub === undefined) {
    // RFC 7523 §3 item 2: the JWT MUST contain a "sub" claim (an issuer may opt out: its assertions then
    // stand for the issuer itself, as Google service-account assertions do, and the rule below still applies).
    if (policy.requireSubject) throw new OAuthError('ERR_JWT_BEARER_SUBJECT_MISSING');
    sub = issuer;
  }
  const { subjects } = policy;
  const allowed = subjects === 'any' || (subjects === 'self' ? sub === issuer : subjects.has(sub));
  if (!allowed) {
    throw new OAuthError('ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', {
      detail: subjects === 'self' ? 'sub differs from iss and the issuer may only assert itself' : 'sub is not in the issuer\'s subjects',
    });
  }
  return sub;
}
