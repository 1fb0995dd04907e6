import { decodeAssertion } from '../checks/decode-assertion.js';
import { checkHeader } from '../checks/header.js';
import { readIssuer, resolveIssuer } from '../checks/issuer.js';
import { readJti } from '../checks/replay.js';
import { checkSignature } from '../checks/signature.js';
import { checkTimes, readClock } from '../checks/time.js';
import type { PreparedIssuer } from '../lib/trusted-issuer.js';
import type { CompiledOptions } from '../options.js';
import type { ClientKeyResolver, JwsHeader } from '../ports/client-key-resolver.js';

/** An assertion whose signature, header and time rules passed; audience, subject and replay are still to do. */
export interface VerifiedAssertion {
  readonly iss: string;
  readonly issuer: PreparedIssuer;
  readonly header: JwsHeader;
  readonly claims: Readonly<Record<string, unknown>>;
  /** `exp`, seconds since the epoch. */
  readonly exp: number;
  readonly jti: string | undefined;
}

/**
 * The part of RFC 7523 §3 shared by grants (§2.1) and client authentication (§2.2), cheap to expensive:
 * decode (J1, J2) → header (J5, J6) → issuer (J7) and its keys → signature (J3, J4, J15) → time rules (J10-J13)
 * → jti presence (J14). Use-specific rules (audience, subject, replay namespace) follow in the caller.
 */
export async function verifyAssertion(
  assertion: string,
  use: 'grant' | 'client',
  config: CompiledOptions,
  resolver: ClientKeyResolver,
): Promise<VerifiedAssertion> {
  const decoded = decodeAssertion(assertion, config.maxAssertionSize);
  const { header, claims } = decoded;
  checkHeader(header, use);

  const iss = readIssuer(claims);
  const issuer = await resolveIssuer(resolver, iss, header, use);
  const nowMs = readClock(config.clock);
  await checkSignature(decoded, issuer.keys, issuer.algorithms ?? config.algorithms, nowMs);

  const maxLifetime = issuer.maxLifetime ?? config.maxLifetime;
  const exp = checkTimes(claims, nowMs / 1000, { clockTolerance: config.clockTolerance, maxLifetime });
  const jti = readJti(claims, issuer.requireJti ?? config.requireJti);
  return { iss, issuer, header, claims, exp, jti };
}
