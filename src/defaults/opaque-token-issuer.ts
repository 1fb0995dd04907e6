import { readWholeNumber } from '../lib/option-numbers.js';
import { randomToken } from '../lib/random.js';
import type { Clock } from '../ports/clock.js';
import type { TokenIssuer, TokenRequestContext } from '../ports/token-issuer.js';
import { clockOption } from './clocks.js';

/** What an opaque token stands for: hand it to `save` and look it up when the token is presented. */
export interface OpaqueTokenRecord {
  accessToken: string;
  expiresAt: Date;
  /** Everything known about the request: subject, scope, client, grant type and the verified grant. */
  context: TokenRequestContext;
}

/** Options of {@link createOpaqueTokenIssuer}. */
export interface OpaqueTokenIssuerOptions {
  /** Token lifetime, seconds (1-86400). @defaultValue 3600 */
  expiresIn?: number;
  /**
   * Persists the token so your resource servers can introspect it (RFC 7662). Awaited before the token is
   * returned; a throw refuses the request with `server_error`. Without it, the token is only as useful as what
   * you do with the returned grant.
   */
  save?: (record: OpaqueTokenRecord) => void | Promise<void>;
  /** Time source for `expiresAt`. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * A {@link TokenIssuer} of opaque bearer tokens: 256 random bits from the platform CSPRNG, base64url.
 * @example
 * ```ts
 * const tokenIssuer = createOpaqueTokenIssuer({ expiresIn: 900, save: (record) => tokens.insert(record) })
 * ```
 * @throws TypeError for an `expiresIn` outside 1-86400 or a `save` that is not a function.
 */
export function createOpaqueTokenIssuer(options: OpaqueTokenIssuerOptions = {}): TokenIssuer {
  const expiresIn = readWholeNumber(options.expiresIn ?? undefined, 'createOpaqueTokenIssuer options.expiresIn (seconds)', 3600, 1, 86_400);
  if (options.save !== undefined && typeof options.save !== 'function') throw new TypeError('createOpaqueTokenIssuer options.save: must be a function');
  const clock = clockOption(options.clock, 'createOpaqueTokenIssuer options.clock');
  return {
    async issue(context) {
      const accessToken = randomToken(32);
      await options.save?.({ accessToken, expiresAt: new Date(clock.now() + expiresIn * 1000), context });
      return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn };
    },
  };
}
