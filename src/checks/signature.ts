import { OAuthError } from '../errors.js';
import { toOAuthError } from '../lib/jose-errors.js';
import { isKeyCompatible, type KeyDescriptor, type VerifyKey } from '../lib/keys.js';
import { verifySignature } from '../lib/verify-signature.js';
import { readMember } from './claim.js';
import type { DecodedAssertion } from './decode-assertion.js';
import { readHint } from './header.js';

/** Most keys tried for one assertion when its header names none of them (bounds the cost of a bad token). */
export const MAX_KEYS_TRIED = 4;

// A hint selects the keys it names; keys that carry no such label stay candidates (they are this issuer's keys
// all the same); keys labelled otherwise are out.
function selectByHints(decoded: DecodedAssertion, keys: readonly KeyDescriptor[]): readonly KeyDescriptor[] | Promise<readonly KeyDescriptor[]> {
  const kid = readHint(decoded.header, 'kid');
  const x5t = readHint(decoded.header, 'x5t');
  const x5tS256 = readHint(decoded.header, 'x5t#S256');
  if (kid !== undefined) return selectByKid(keys, kid);
  if (x5tS256 !== undefined) return selectByThumbprint(keys, x5tS256, 'x5tS256');
  return x5t === undefined ? keys : selectByThumbprint(keys, x5t, 'x5t');
}

// The keys labelled `kid`, else the unlabelled ones. Counted first, so the usual answers (every key, or none)
// reuse the issuer's own frozen array instead of building one per request.
function selectByKid(keys: readonly KeyDescriptor[], kid: string): readonly KeyDescriptor[] {
  let named = 0;
  let unlabelled = 0;
  for (const key of keys) {
    if (key.kid === kid) named++;
    else if (key.kid === undefined) unlabelled++;
  }
  const label = named > 0 ? kid : undefined;
  const count = named > 0 ? named : unlabelled;
  if (count === keys.length) return keys;
  return count === 0 ? [] : keys.filter((key) => key.kid === label);
}

// Keys within their certificate's validity at `now` (epoch ms); the issuer's own array when none has bounds.
function currentKeys(keys: readonly KeyDescriptor[], now: number): readonly KeyDescriptor[] {
  for (const key of keys) {
    if (key.notBefore !== undefined || key.notAfter !== undefined) {
      return keys.filter((k) => (k.notBefore === undefined || k.notBefore <= now) && (k.notAfter === undefined || now <= k.notAfter));
    }
  }
  return keys;
}

// Certificate thumbprints are computed (asynchronously, once per key) only when a header names one.
async function selectByThumbprint(keys: readonly KeyDescriptor[], hint: string, kind: 'x5t' | 'x5tS256'): Promise<readonly KeyDescriptor[]> {
  const named: KeyDescriptor[] = [];
  const unlabelled: KeyDescriptor[] = [];
  for (const key of keys) {
    const label = (await key.thumbprints())[kind];
    if (label === undefined) unlabelled.push(key);
    else if (label === hint) named.push(key);
  }
  return named.length > 0 ? named : unlabelled;
}

// Which hint chose the keys (the name of the header member, never its value).
function hintName(header: Readonly<Record<string, unknown>>): string {
  if (readMember(header, 'kid') !== undefined) return 'kid';
  return readMember(header, 'x5t#S256') !== undefined ? 'x5t#S256' : 'x5t';
}

async function importKey(key: KeyDescriptor, alg: string): Promise<VerifyKey> {
  try {
    return await key.importFor(alg);
  } catch (cause) {
    throw new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT', { detail: `a configured key could not be imported for ${alg}`, cause });
  }
}

/**
 * RFC 7523 §3 item 9 (SPEC J3, J4, J15): the signature must verify with one of the issuer's configured keys.
 * `kid`, `x5t` and `x5t#S256` only choose among those keys; `jwk`, `jku`, `x5u` and `x5c` headers are never
 * looked at (RFC 8725 §3.10). The header `alg` must be allowed and fit the key's type, curve and own `alg`
 * (RFC 8725 §3.1), so an RSA public key can never serve as an HMAC secret.
 *
 * @param now - epoch milliseconds, for certificate validity.
 * @throws {OAuthError} `ERR_JWT_BEARER_ALG_NOT_ALLOWED`, `ERR_JWT_BEARER_KEY_NOT_FOUND`,
 *   `ERR_JWT_BEARER_ALG_KEY_MISMATCH`, `ERR_JWT_BEARER_SIGNATURE_INVALID`, `ERR_JWT_BEARER_ASSERTION_MALFORMED`.
 */
export async function checkSignature(
  decoded: DecodedAssertion,
  keys: readonly KeyDescriptor[],
  algorithms: ReadonlySet<string>,
  now: number,
): Promise<void> {
  const { alg } = decoded.header;
  // RFC 8725 §3.1: the algorithm comes from an allowlist, never from the token alone.
  if (!algorithms.has(alg)) throw new OAuthError('ERR_JWT_BEARER_ALG_NOT_ALLOWED', { detail: 'the header alg is not in the allowlist for this issuer' });
  const current = currentKeys(keys, now);
  const hinted = selectByHints(decoded, current);
  const selected = Array.isArray(hinted) ? hinted : await hinted;
  if (selected.length === 0) {
    throw new OAuthError('ERR_JWT_BEARER_KEY_NOT_FOUND', {
      detail: current.length < keys.length
        ? `no current key matches (${keys.length - current.length} of ${keys.length} certificate(s) expired or not yet valid)`
        : `no configured key matches the header ${hintName(decoded.header)} (${keys.length} key(s) configured)`,
    });
  }
  // RFC 8725 §3.1: one key, one algorithm: type, curve and the key's own "alg" must fit the header "alg".
  let tried = 0;
  let unimported = 0;
  let importFailure: OAuthError | undefined;
  for (const key of selected) {
    if (!isKeyCompatible(key, alg)) continue;
    if (tried === MAX_KEYS_TRIED) break;
    tried++;
    let imported = key.importedFor(alg);
    if (imported === undefined) {
      try {
        imported = await importKey(key, alg);
      } catch (error) {
        // One configured key the platform will not import must not hide the issuer's other keys.
        importFailure ??= error as OAuthError;
        unimported++;
        continue;
      }
    }
    let valid: boolean;
    try {
      valid = await verifySignature(decoded.compact, imported, alg);
    } catch (error) {
      throw toOAuthError(error);
    }
    if (valid) return;
  }
  if (tried === 0) throw new OAuthError('ERR_JWT_BEARER_ALG_KEY_MISMATCH', { detail: `no matching key is usable with ${alg}` });
  // Not one candidate could be imported: nothing was checked, and the fault is the configuration's (500).
  if (importFailure !== undefined && unimported === tried) throw importFailure;
  const skipped = unimported === 0 ? '' : ` (${unimported} could not be imported)`;
  throw new OAuthError('ERR_JWT_BEARER_SIGNATURE_INVALID', { detail: `none of the ${tried} candidate key(s) verifies the signature${skipped}` });
}
