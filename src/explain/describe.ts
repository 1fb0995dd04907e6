import { findAudienceNearMiss } from '../checks/audience.js';
import { readMember } from '../checks/claim.js';
import type { OAuthError } from '../errors.js';
import type { KeyDescriptor } from '../lib/keys.js';
import type { JwsHeader } from '../ports/client-key-resolver.js';
import { quote } from './quote.js';
import { detailOf } from './step-recorder.js';

// Operator wording for explain: the rules themselves are the real checks; these functions only put the
// assertion's own values next to their verdicts.

const IGNORED_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

function describeKeys(keys: readonly KeyDescriptor[]): string {
  return keys
    .map((key) => [key.kty, key.crv, key.alg, key.kid === undefined ? undefined : `kid ${quote(key.kid)}`].filter(Boolean).join(' '))
    .join(', ');
}

function hintOf(header: JwsHeader): string | undefined {
  for (const name of ['kid', 'x5t#S256', 'x5t'] as const) {
    const value = readMember(header, name);
    if (value !== undefined) return `${name} ${quote(value)}`;
  }
  return undefined;
}

/** J4 passed: which hint chose the keys, and which key-bearing headers were ignored. */
export function describeKeyChoice(header: JwsHeader, keys: readonly KeyDescriptor[]): string {
  const hint = hintOf(header);
  const ignored = IGNORED_HEADERS.filter((name) => Object.hasOwn(header, name));
  return `${hint === undefined ? 'no kid or x5t hint: every' : `${hint} chose among the`} ${keys.length} configured key(s)` +
    (ignored.length === 0 ? '' : `; header ${ignored.join(', ')} ignored (keys come only from configuration, RFC 8725 §3.10)`);
}

/** J3 or J4 refused: the check's detail, the hint the header gave and the keys configured. */
export function describeKeyFailure(error: OAuthError, header: JwsHeader, keys: readonly KeyDescriptor[]): string {
  const hint = hintOf(header);
  return `${hint === undefined ? '' : `${hint}: `}${detailOf(error)}; configured: ${describeKeys(keys)}`;
}

/** J9 refused: the offending value, what it nearly matches and the values this server accepts. */
export function describeAudienceFailure(
  error: OAuthError,
  claims: Readonly<Record<string, unknown>>,
  accepted: ReadonlySet<string>,
  alsoAccepted: ReadonlySet<string> | undefined,
  roleOf: (value: string) => string,
): string {
  const aud = readMember(claims, 'aud');
  if (error.code !== 'ERR_JWT_BEARER_AUDIENCE_MISMATCH') return aud === undefined ? 'no aud claim' : `aud ${quote(aud)}: ${detailOf(error)}`;
  // checkAudience refuses the first value that is not accepted: the same one is described here.
  const values: unknown[] = Array.isArray(aud) ? aud : [aud];
  const value = values.find((item) => typeof item === 'string' && !accepted.has(item) && alsoAccepted?.has(item) !== true);
  if (typeof value !== 'string') return `aud ${quote(aud)}: ${detailOf(error)}`;
  const near = findAudienceNearMiss(value, accepted);
  if (near !== undefined) return `aud ${quote(value)} differs from ${roleOf(near.accepted)} ${quote(near.accepted)} by ${near.differsBy}`;
  const all = [...accepted, ...(alsoAccepted ?? [])].map((candidate) => `${roleOf(candidate)} ${quote(candidate)}`);
  return `aud ${quote(value)} is none of the accepted values: ${all.join(', ')}`;
}

/** J8 passed. */
export function describeSubject(
  claims: Readonly<Record<string, unknown>>,
  iss: string,
  subject: string,
  subjects: 'self' | 'any' | ReadonlySet<string>,
): string {
  if (readMember(claims, 'sub') === undefined) return `sub absent: stands for the issuer ${quote(iss)} (requireSubject: false)`;
  if (subject === iss) return `sub equals iss ${quote(iss)}`;
  return `sub ${quote(subject)} is allowed for iss ${quote(iss)} (subjects: ${typeof subjects === 'string' ? `'${subjects}'` : 'a list'})`;
}
