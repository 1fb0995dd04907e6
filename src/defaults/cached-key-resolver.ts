import { LRUCache } from 'lru-cache';
import { OAuthError } from '../errors.js';
import { readSeconds, readWholeNumber } from '../lib/option-numbers.js';
import { prepareTrustedIssuer } from '../lib/trusted-issuer.js';
import type { ClientKeyResolver, KeyResolutionContext, TrustedIssuer } from '../ports/client-key-resolver.js';
import type { Clock } from '../ports/clock.js';
import { clockOption } from './clocks.js';

/** Options of {@link createCachedKeyResolver}. */
export interface CachedKeyResolverOptions {
  /** Most issuers (or client_ids) cached, per use (grant/client) together (1 to 1,000,000). Required: no unbounded cache. */
  max: number;
  /**
   * How long an answer is reused, seconds (1 to 86,400; an answer exactly `ttl` old is still served): the longest
   * a key removed from your store (a revoked client key) is still trusted by this process, unless you call
   * `invalidate`.
   * @defaultValue 300
   */
  ttl?: number;
  /** Time source for `ttl`. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link ClientKeyResolver} with a bounded cache in front of another one. */
export interface CachedKeyResolver extends ClientKeyResolver {
  /** Drops the cached answer for `issuer` (both uses), or every cached answer when called without one. */
  invalidate(issuer?: string): void;
  /** Number of cached answers. */
  readonly size: number;
}

interface Lookup {
  issuer: string;
  context: KeyResolutionContext;
}

const USES = ['grant', 'client'] as const;
const cacheKey = (use: string, issuer: string): string => JSON.stringify([use, issuer]);

/**
 * Puts a bounded LRU cache (lru-cache) with a time-to-live in front of any {@link ClientKeyResolver}, typically
 * one that reads clients and keys from a database. What it caches is the `TrustedIssuer` object itself, so the
 * verifier validates and imports its keys once per cached entry instead of once per request.
 *
 * - Only found issuers are cached. `undefined` (unknown issuer) is not: a newly registered client works at once,
 *   and assertions from random issuers cannot evict real entries.
 * - Failures are not cached: when the inner resolver throws, the request is refused (503) and the next request
 *   asks again; an entry past its `ttl` is never served after a failed refresh.
 * - An entry that is not a valid trusted issuer is refused (500) and not cached.
 * - Concurrent requests for the same issuer and use share one call to the inner resolver; the header of the first
 *   one is what the inner resolver sees, so do not cache a resolver that answers per `kid` (the remote JWKS
 *   resolver caches on its own).
 *
 * @example
 * ```ts
 * const clientKeyResolver = createCachedKeyResolver(databaseClientResolver, { max: 10_000, ttl: 60 })
 * // after a client's keys change:
 * clientKeyResolver.invalidate('client-42')
 * ```
 * @throws TypeError for a missing or out-of-range `max`, an out-of-range `ttl`, a resolver without `resolve`.
 * @see RFC 7523 §3 item 9
 */
export function createCachedKeyResolver(resolver: ClientKeyResolver, options: CachedKeyResolverOptions): CachedKeyResolver {
  const where = 'createCachedKeyResolver(resolver, options)';
  if (typeof resolver !== 'object' || resolver === null || typeof resolver.resolve !== 'function') {
    throw new TypeError(`${where}: resolver must be a ClientKeyResolver (an object with resolve())`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options { max } are required`);
  if (options.max === undefined) throw new TypeError(`${where}.max: required (a whole number from 1 to 1000000)`);
  const max = readWholeNumber(options.max, `${where}.max`, 0, 1, 1_000_000);
  const ttlMs = readSeconds(options.ttl, `${where}.ttl`, 300, 1, 86_400) * 1000;
  const clock = clockOption(options.clock, `${where}.clock`);

  const cache = new LRUCache<string, TrustedIssuer, Lookup>({
    max,
    ttl: ttlMs,
    ttlAutopurge: false,
    ttlResolution: 0,
    perf: clock,
    allowStale: false,
    allowStaleOnFetchRejection: false,
    allowStaleOnFetchAbort: false,
    noDeleteOnFetchRejection: false,
    async fetchMethod(_key, _stale, { context: { issuer, context } }) {
      const entry = await resolver.resolve(issuer, context);
      if (entry === undefined || entry === null) return undefined;
      try {
        // Validated (and cached by identity) before it is cached here, so a bad entry is never kept.
        prepareTrustedIssuer(entry, 'resolved trusted issuer');
      } catch (cause) {
        throw new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT', { detail: (cause as Error).message, cause });
      }
      return entry;
    },
  });

  return {
    async resolve(issuer, context) {
      return cache.fetch(cacheKey(context.use, issuer), { context: { issuer, context } });
    },
    invalidate(issuer) {
      if (issuer === undefined) {
        cache.clear();
        return;
      }
      for (const use of USES) cache.delete(cacheKey(use, issuer));
    },
    get size() {
      return cache.size;
    },
  };
}
