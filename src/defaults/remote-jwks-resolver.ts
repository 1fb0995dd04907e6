import { LRUCache } from 'lru-cache';
import { readClock } from '../checks/time.js';
import { OAuthError } from '../errors.js';
import { toJwksVersion, type JwksVersion } from '../lib/jwks-version.js';
import { createJwksFetcher } from '../lib/remote-jwks.js';
import { readSeconds, readWholeNumber } from '../lib/option-numbers.js';
import { checkIssuerPolicy } from '../lib/resolver-options.js';
import type { ClientKeyResolver, IssuerPolicy, KeyResolutionContext, TrustedIssuer } from '../ports/client-key-resolver.js';
import type { Clock } from '../ports/clock.js';
import { clockOption } from './clocks.js';

/** An issuer (or client) whose keys are published at a JWKS URL, with its policy. */
export interface RemoteJwksIssuer extends IssuerPolicy {
  /** The JWKS URL (RFC 7517 §5; RFC 8414 / OpenID `jwks_uri`). `https:` only, unless `allowHttp`. */
  jwksUri: string;
}

/** Maps an assertion `iss` (or a client_id) to its {@link RemoteJwksIssuer}; `undefined` for one you do not trust. */
export type RemoteJwksIssuerLookup = (
  issuer: string,
  context: KeyResolutionContext,
) => RemoteJwksIssuer | undefined | Promise<RemoteJwksIssuer | undefined>;

/** Options of {@link createRemoteJwksResolver}. Durations are seconds; time comes from `clock` except the timeout. */
export interface RemoteJwksResolverOptions {
  /**
   * The trusted issuers, keyed by exact `iss` (validated at creation), or a function (its results are validated
   * when returned; a throw answers 503, an invalid entry 500).
   */
  issuers: Readonly<Record<string, RemoteJwksIssuer>> | RemoteJwksIssuerLookup;
  /**
   * Longest a fetched JWKS is trusted, seconds (1 to 86,400). Past it the set is fetched again before use, and a
   * failed fetch refuses (503): stale keys are never served.
   * @defaultValue 600
   */
  cacheMaxAge?: number;
  /**
   * Least time between two fetches of one JWKS, seconds (1 to `cacheMaxAge`): an assertion naming an unknown
   * `kid` / `x5t#S256` / `x5t` triggers at most one refetch per cooldown, and after a failed fetch requests that
   * need the set are refused (503) until the cooldown has passed.
   * @defaultValue 30
   */
  cooldown?: number;
  /** Request timeout, seconds of real time (0.001 to 60). @defaultValue 5 */
  timeout?: number;
  /** Largest accepted JWKS response body, bytes (1,024 to 16,777,216). @defaultValue 524288 (512 KiB) */
  maxResponseSize?: number;
  /** Most JWKS URLs cached at once (1 to 100,000); the least recently used is dropped. @defaultValue 1000 */
  maxJwksUris?: number;
  /** Accept `http:` JWKS URLs. For tests and local development only. @defaultValue false */
  allowHttp?: boolean;
  /** Time source for cache age and cooldown; pass the verifier's clock. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link ClientKeyResolver} over remote JWKS URLs. */
export interface RemoteJwksResolver extends ClientKeyResolver {
  /** Forgets every cached JWKS and failure: the next request for each issuer fetches. */
  clear(): void;
}

interface Entry {
  readonly url: URL;
  readonly policy: IssuerPolicy;
  /** The policy as canonical JSON: issuers with equal policy on one URL share one TrustedIssuer object. */
  readonly policyKey: string;
}

interface Source {
  readonly fetch: () => Promise<unknown>;
  version?: JwksVersion;
  fetchedAt?: number;
  lastAttemptAt?: number;
  failure?: { detail: string; cause: unknown } | undefined;
  pending?: Promise<void> | undefined;
}

const MAX_POLICIES_PER_VERSION = 1000;

function resolverFailed(href: string, detail: string, cause?: unknown): OAuthError {
  return new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_FAILED', { detail: `JWKS ${href}: ${detail}`, cause });
}

function lastFailure(source: Source, href: string): OAuthError {
  return resolverFailed(href, `the last fetch failed, retried after the cooldown (${source.failure?.detail ?? ''})`, source.failure?.cause);
}

/**
 * A {@link ClientKeyResolver} that fetches each issuer's keys from its JWKS URL, through jose's remote JWKS
 * support, and keeps them fresh:
 *
 * - **Cache:** one fetch per URL serves every issuer on it until `cacheMaxAge`; concurrent requests share one
 *   fetch. Each JWKS version yields one `TrustedIssuer` object per policy, so keys are imported once per version.
 * - **Rotation:** an assertion naming a key (`kid`, `x5t#S256`, `x5t`) the cached set lacks triggers a refetch, at
 *   most once per `cooldown`; a key removed from the JWKS is refused once the set is refetched.
 * - **Hygiene:** keys that fail the configured-key rules (RSA under 2048 bits, `use: enc`, `key_ops` without
 *   `verify`, private members, an `x5c` not holding the key) and every symmetric key are dropped.
 * - **Fail closed (SPEC F1):** a fetch that fails (unreachable, timeout, non-200, redirect, not JSON, not a JWKS,
 *   over `maxResponseSize`) or a set with no usable key refuses with `ERR_JWT_BEARER_KEY_RESOLVER_FAILED`
 *   (`temporarily_unavailable`, 503). Keys older than `cacheMaxAge` are never used.
 *
 * Not validated: what the JWKS host is (only its scheme), certificate chains in `x5c`. Do not wrap this resolver in
 * `createCachedKeyResolver`: that would hide unknown `kid`s from it.
 *
 * @example
 * ```ts
 * const keyResolver = createRemoteJwksResolver({
 *   issuers: {
 *     'https://idp.partner.example': { jwksUri: 'https://idp.partner.example/.well-known/jwks.json', subjects: 'any', scopes: ['profile'] },
 *   },
 *   clock, // the verifier's clock
 * })
 * ```
 * @throws TypeError at creation for a bad option, an `issuers` entry with a bad `jwksUri` (not a URL, not
 *   `https:`, with credentials) or an invalid policy (unknown field, `keys`, HMAC `algorithms`).
 * @see RFC 7517 §5, RFC 8725 §3.1, RFC 7523 §3 item 9
 */
export function createRemoteJwksResolver(options: RemoteJwksResolverOptions): RemoteJwksResolver {
  const where = 'createRemoteJwksResolver(options)';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: must be an options object`);
  const cacheMaxAgeMs = readSeconds(options.cacheMaxAge, `${where}.cacheMaxAge`, 600, 1, 86_400) * 1000;
  const cooldownMs = readSeconds(options.cooldown, `${where}.cooldown`, 30, 1, cacheMaxAgeMs / 1000) * 1000;
  const timeoutMs = Math.ceil(readSeconds(options.timeout, `${where}.timeout`, 5, 0.001, 60) * 1000);
  const maxResponseBytes = readWholeNumber(options.maxResponseSize, `${where}.maxResponseSize`, 524_288, 1024, 16_777_216);
  const maxJwksUris = readWholeNumber(options.maxJwksUris, `${where}.maxJwksUris`, 1000, 1, 100_000);
  if (options.allowHttp !== undefined && typeof options.allowHttp !== 'boolean') throw new TypeError(`${where}.allowHttp: must be a boolean`);
  const allowHttp = options.allowHttp === true;
  const clock = clockOption(options.clock, `${where}.clock`);

  const toEntry = (value: RemoteJwksIssuer, path: string): Entry => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${path}: must be an object with a jwksUri`);
    const { jwksUri, ...policy } = value;
    let url: URL;
    try {
      url = new URL(jwksUri);
    } catch {
      throw new TypeError(`${path}.jwksUri: must be an absolute URL`);
    }
    if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
      throw new TypeError(`${path}.jwksUri: must be an https: URL${allowHttp ? ' or http:' : ' (allowHttp is off)'}`);
    }
    if (url.username !== '' || url.password !== '') throw new TypeError(`${path}.jwksUri: must not carry credentials`);
    return { url, policy, policyKey: checkIssuerPolicy(policy, path) };
  };

  let lookup: (issuer: string, context: KeyResolutionContext) => Promise<Entry | undefined>;
  const { issuers } = options;
  if (typeof issuers === 'function') {
    const validated = new WeakMap<object, Entry>();
    lookup = async (issuer, context) => {
      const value = await issuers(issuer, context);
      if (value === undefined || value === null) return undefined;
      const known = typeof value === 'object' ? validated.get(value) : undefined;
      if (known !== undefined) return known;
      let entry: Entry;
      try {
        entry = toEntry(value, 'issuers() result');
      } catch (cause) {
        throw new OAuthError('ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT', { detail: (cause as Error).message, cause });
      }
      validated.set(value, entry);
      return entry;
    };
  } else {
    if (typeof issuers !== 'object' || issuers === null || Array.isArray(issuers)) {
      throw new TypeError(`${where}.issuers: must be an object of issuer to { jwksUri, ...policy }, or a function`);
    }
    const map = new Map<string, Entry>();
    for (const issuer of Object.keys(issuers)) {
      if (issuer === '') throw new TypeError(`${where}.issuers: an issuer cannot be the empty string`);
      map.set(issuer, toEntry(issuers[issuer] as RemoteJwksIssuer, `${where}.issuers[${JSON.stringify(issuer)}]`));
    }
    lookup = async (issuer) => map.get(issuer);
  }

  const sources = new LRUCache<string, Source>({ max: maxJwksUris });
  /** TrustedIssuer objects per JWKS version, by policy key: one object per (version, policy). */
  const issuersByVersion = new WeakMap<JwksVersion, Map<string, TrustedIssuer>>();
  const fetchPolicy = { timeoutMs, maxResponseBytes, allowHttp };

  const fetchAndApply = async (source: Source, href: string): Promise<void> => {
    try {
      const version = await toJwksVersion(await source.fetch());
      if (source.version?.fingerprint !== version.fingerprint) source.version = version;
      source.fetchedAt = readClock(clock);
      source.failure = undefined;
    } catch (cause) {
      source.failure = { detail: cause instanceof OAuthError ? (cause.detail ?? cause.code) : (cause as Error).message, cause };
      throw resolverFailed(href, source.failure.detail, cause);
    }
  };

  // One fetch per URL at a time: every request that needs it awaits the same promise.
  const refresh = (source: Source, href: string, now: number): Promise<void> => {
    if (source.pending === undefined) {
      source.lastAttemptAt = now;
      const attempt = fetchAndApply(source, href);
      const settle = () => {
        if (source.pending === attempt) source.pending = undefined;
      };
      attempt.then(settle, settle);
      source.pending = attempt;
    }
    return source.pending;
  };

  const currentVersion = async (source: Source, href: string, context: KeyResolutionContext): Promise<JwksVersion> => {
    const now = readClock(clock);
    const coolingDown = source.lastAttemptAt !== undefined && now - source.lastAttemptAt < cooldownMs && now >= source.lastAttemptAt;
    const age = source.fetchedAt === undefined ? Number.POSITIVE_INFINITY : now - source.fetchedAt;
    // Stale trust is no trust: past cacheMaxAge (or with a clock gone backwards) the set must be fetched again.
    // A fetch in flight is joined, whatever the cooldown: it may bring the key this request needs.
    if (source.version === undefined || age >= cacheMaxAgeMs || age < 0) {
      if (source.pending === undefined && coolingDown && source.failure !== undefined) throw lastFailure(source, href);
      await refresh(source, href, now);
    } else if (source.version.keys.length === 0 || !source.version.knows(context.header)) {
      // Rotation: the issuer may have published a key we do not have; rate-limited by the cooldown.
      if (source.pending !== undefined || !coolingDown) await refresh(source, href, now);
      else if (source.failure !== undefined) throw lastFailure(source, href);
    }
    return source.version as JwksVersion;
  };

  return {
    async resolve(issuer, context) {
      const entry = await lookup(issuer, context);
      if (entry === undefined) return undefined;
      const href = entry.url.href;
      let source = sources.get(href);
      if (source === undefined) {
        source = { fetch: createJwksFetcher(entry.url, fetchPolicy) };
        sources.set(href, source);
      }
      const version = await currentVersion(source, href, context);
      if (version.keys.length === 0) {
        throw resolverFailed(href, `no usable key (${version.skippedCount} refused${version.skipped.length > 0 ? `: ${version.skipped.join('; ')}` : ''})`);
      }
      // Kept per version object, so a request that read an older version never files its keys under a newer one.
      let byPolicy = issuersByVersion.get(version);
      if (byPolicy === undefined) {
        byPolicy = new Map();
        issuersByVersion.set(version, byPolicy);
      }
      let trusted = byPolicy.get(entry.policyKey);
      if (trusted === undefined) {
        if (byPolicy.size >= MAX_POLICIES_PER_VERSION) byPolicy.clear();
        trusted = Object.freeze({ ...entry.policy, keys: version.keys });
        byPolicy.set(entry.policyKey, trusted);
      }
      return trusted;
    },
    clear() {
      sources.clear();
    },
  };
}
