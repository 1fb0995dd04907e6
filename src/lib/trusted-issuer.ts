import { z } from 'zod';
import { DEFAULT_ALGORITHMS, HMAC_ALGORITHMS } from '../constants.js';
import type { TrustedIssuer } from '../ports/client-key-resolver.js';
import { describeKey, isHmacAlgorithm, type KeyDescriptor } from './keys.js';
import { toTypeError } from './zod-error.js';

const nonEmpty = z.string().min(1);
// RFC 6749 §3.3 scope-token.
const scopeToken = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'not an RFC 6749 scope token');

const issuerPolicyShape = {
  subjects: z.union([z.literal('self'), z.literal('any'), z.array(nonEmpty)]).optional(),
  requireSubject: z.boolean().optional(),
  audiences: z.array(nonEmpty).min(1).optional(),
  scopes: z.array(scopeToken).optional(),
  requireJti: z.boolean().optional(),
  singleUse: z.boolean().optional(),
  maxLifetime: z.number().int().min(1).max(86_400).optional(),
  algorithms: z.array(z.enum([...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS])).min(1).optional(),
  grantTypes: z.array(nonEmpty).optional(),
};
const issuerPolicySchema = z.strictObject(issuerPolicyShape);
const trustedIssuerSchema = z.strictObject({
  keys: z.array(z.union([z.string(), z.looseObject({ kty: z.string() })])).min(1, 'an issuer needs at least one key'),
  ...issuerPolicyShape,
});

/**
 * Validates a policy without keys (an issuer whose keys come from elsewhere, such as a JWKS URL) with the same
 * schema as a configured trusted issuer.
 * @throws TypeError naming `path` for an unknown or malformed field.
 */
export function checkPolicySchema(policy: unknown, path: string): void {
  const parsed = issuerPolicySchema.safeParse(policy);
  if (!parsed.success) throw toTypeError(path, parsed.error);
}

/** A {@link TrustedIssuer} validated once, keys described, policy turned into sets. */
export interface PreparedIssuer {
  readonly keys: readonly KeyDescriptor[];
  readonly subjects: 'self' | 'any' | ReadonlySet<string> | undefined;
  readonly requireSubject: boolean | undefined;
  readonly audiences: ReadonlySet<string> | undefined;
  readonly scopes: ReadonlySet<string> | undefined;
  readonly requireJti: boolean | undefined;
  readonly singleUse: boolean | undefined;
  readonly maxLifetime: number | undefined;
  readonly algorithms: ReadonlySet<string> | undefined;
  /** Client policy: grant types the client may use (undefined: all the endpoint enables). */
  readonly grantTypes: readonly string[] | undefined;
}

const prepared = new WeakMap<object, PreparedIssuer>();

/**
 * Validates a trusted issuer entry and describes its keys, once per object (cached by identity).
 * @throws TypeError naming `path` for anything unsafe or malformed (see `describeKey`), including an HMAC
 *   algorithm without an `oct` key of that `alg`, or an `oct` key whose `alg` is not in `algorithms`.
 */
export function prepareTrustedIssuer(entry: TrustedIssuer, path: string): PreparedIssuer {
  if (typeof entry === 'object' && entry !== null) {
    const cached = prepared.get(entry);
    if (cached !== undefined) return cached;
  }
  const parsed = trustedIssuerSchema.safeParse(entry);
  if (!parsed.success) throw toTypeError(path, parsed.error);
  const keys = entry.keys.map((key, index) => describeKey(key, `${path}.keys[${index}]`));
  const algorithms = entry.algorithms === undefined ? undefined : new Set<string>(entry.algorithms);
  const hmacKeyAlgs = new Set(keys.filter((key) => key.kty === 'oct').map((key) => key.alg));
  for (const alg of hmacKeyAlgs) {
    // SPEC J3: HMAC only where a shared secret AND its algorithm are both configured for this issuer.
    if (alg !== undefined && !algorithms?.has(alg)) throw new TypeError(`${path}.algorithms: must list ${alg} to use the "oct" key configured for it`);
  }
  for (const alg of algorithms ?? []) {
    if (isHmacAlgorithm(alg) && !hmacKeyAlgs.has(alg)) throw new TypeError(`${path}.algorithms: ${alg} needs an "oct" key with "alg": "${alg}"`);
  }
  const result: PreparedIssuer = Object.freeze({
    keys: Object.freeze(keys),
    subjects: Array.isArray(entry.subjects) ? new Set<string>(entry.subjects) : (entry.subjects as 'self' | 'any' | undefined),
    requireSubject: entry.requireSubject,
    audiences: entry.audiences && new Set(entry.audiences),
    scopes: entry.scopes && new Set(entry.scopes),
    requireJti: entry.requireJti,
    singleUse: entry.singleUse,
    maxLifetime: entry.maxLifetime,
    algorithms,
    grantTypes: entry.grantTypes && Object.freeze([...entry.grantTypes]),
  });
  prepared.set(entry, result);
  return result;
}
