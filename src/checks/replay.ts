import { OAuthError } from '../errors.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { readStringClaim } from './claim.js';
import { portFailure } from './port-failure.js';

/**
 * RFC 7523 §3 item 7 (SPEC J14): reads `jti`, required unless the issuer's policy says otherwise.
 * @throws {OAuthError} `ERR_JWT_BEARER_JTI_MISSING`, `ERR_JWT_BEARER_CLAIM_INVALID`.
 */
export function readJti(claims: Readonly<Record<string, unknown>>, requireJti: boolean): string | undefined {
  const jti = readStringClaim(claims, 'jti');
  // RFC 7523 §3 item 7: the JWT MAY contain a "jti" claim; policy (default on) makes it required.
  if (jti === undefined && requireJti) throw new OAuthError('ERR_JWT_BEARER_JTI_MISSING');
  return jti;
}

/** The replay-store key of an assertion: unambiguous for any (use, issuer, jti), whatever characters they hold. */
export function toReplayKey(use: 'grant' | 'client', issuer: string, jti: string): string {
  return JSON.stringify([use === 'grant' ? 'G' : 'C', issuer, jti]);
}

/**
 * RFC 7523 §3 item 7: "The authorization server MAY ensure that JWTs are not replayed by maintaining the set of
 * used jti values for the length of time for which the JWT would be considered valid." One atomic consume,
 * called only after every other check passed, kept until `exp + tolerance`.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_JTI_REPLAYED` on reuse; `ERR_JWT_BEARER_REPLAY_STORE_FAILED` (503) when the
 *   store throws, `ERR_JWT_BEARER_REPLAY_STORE_FULL` (503) when a bounded store is full of live entries.
 */
export async function consumeJti(store: ReplayStore, key: string, expiresAtMs: number): Promise<void> {
  let first: boolean;
  try {
    first = await store.consume(key, expiresAtMs);
  } catch (error) {
    throw portFailure(error, 'ERR_JWT_BEARER_REPLAY_STORE_FAILED', 'replay store failed');
  }
  if (typeof first !== 'boolean') {
    throw new OAuthError('ERR_JWT_BEARER_REPLAY_STORE_FAILED', { detail: 'replay store returned a non-boolean' });
  }
  if (!first) throw new OAuthError('ERR_JWT_BEARER_JTI_REPLAYED');
}
