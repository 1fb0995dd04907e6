import { z } from 'zod';
import type { ClientSecretCredentials, SecretClient } from './client.js';
import { type AsymmetricAlgorithm, DEFAULT_ALGORITHMS, JWT_BEARER_GRANT_TYPE } from './constants.js';
import { systemClock } from './defaults/clocks.js';
import { toTypeError } from './lib/zod-error.js';
import type { ClientKeyResolver, JwsHeader } from './ports/client-key-resolver.js';
import type { Clock } from './ports/clock.js';
import type { ReplayStore } from './ports/replay-store.js';
import type { TokenIssuer } from './ports/token-issuer.js';

/** What `authorizeSubject` is asked about: the signature and claims are verified, the jti not yet consumed. */
export interface SubjectAuthorizationContext {
  issuer: string;
  subject: string;
  claims: Readonly<Record<string, unknown>>;
  header: Readonly<JwsHeader>;
}

/** What `authorizeScope` is asked about. */
export interface ScopeAuthorizationContext extends SubjectAuthorizationContext {
  /** The requested scope (form parameter or `scope` claim), already within the issuer's `scopes` when set. */
  requested: readonly string[];
  /** The issuer's `scopes` policy, when set. */
  allowed: readonly string[] | undefined;
}

/**
 * Every option any entry point reads. Each entry point's options type requires the ports it needs, so ONE
 * object can serve `verifyJwtBearerGrant`, `verifyClientAssertion` and `handleTokenRequest`. Create it once and
 * reuse it: it is validated once per object identity.
 */
export interface VerifierOptions {
  /** This authorization server's issuer identifier (RFC 8414), accepted as `aud`. */
  issuer: string;
  /** This server's token endpoint URL, also accepted as `aud` (RFC 7523 §3 item 3). */
  tokenEndpoint?: string;
  /** Finds an assertion issuer's keys and policy (RFC 7523 §2.1 grants). */
  keyResolver?: ClientKeyResolver;
  /** Finds a client's keys and policy by client_id (RFC 7523 §2.2 client authentication). */
  clientKeyResolver?: ClientKeyResolver;
  /** Records consumed `jti` values. Required: a store created per call would protect nothing. */
  replayStore: ReplayStore;
  /** Time source. @defaultValue `systemClock` */
  clock?: Clock;
  /** Mints the access token; when set, `verifyJwtBearerGrant`'s result carries `token`. */
  tokenIssuer?: TokenIssuer;
  /**
   * Accepted signature algorithms (asymmetric only; HMAC is configured per issuer).
   * @defaultValue RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, Ed25519
   */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, seconds (0-300). @defaultValue 30 */
  clockTolerance?: number;
  /** Longest accepted assertion lifetime, seconds (1-86400); per-issuer `maxLifetime` overrides it. @defaultValue 300 */
  maxLifetime?: number;
  /** Require a `jti` (per-issuer `requireJti` overrides it). @defaultValue true */
  requireJti?: boolean;
  /** Longest accepted assertion, characters (1024-65536). @defaultValue 8192 */
  maxAssertionSize?: number;
  /**
   * Extra subject policy, run after the issuer's static `subjects` rule passed: it can only narrow, never widen.
   * Return `false` to refuse (`invalid_grant`); a throw becomes `server_error` (an `OAuthError` is passed through).
   */
  authorizeSubject?: (context: SubjectAuthorizationContext) => boolean | Promise<boolean>;
  /**
   * Decides the granted scope: return the scope to grant, or `false` to refuse with `invalid_scope`. The result
   * must stay within the issuer's `scopes` when set. Without this hook, the requested scope is granted when it
   * is within the issuer's `scopes`, and an issuer without `scopes` can be granted no scope.
   */
  authorizeScope?: (
    context: ScopeAuthorizationContext,
  ) => readonly string[] | false | Promise<readonly string[] | false>;
  /**
   * RFC 7523 §3.1: client authentication is optional for this grant, but credentials that are present MUST be
   * validated. `'refuse'`: a request carrying them (Authorization header, `client_secret`, `client_assertion`)
   * is refused with `invalid_client`, since this function does not authenticate clients.
   * `'verified-by-caller'`: your server authenticated the client before calling.
   * @defaultValue `'refuse'`
   */
  clientCredentials?: 'refuse' | 'verified-by-caller';
  /**
   * `handleTokenRequest` only: checks a `client_secret_basic` / `client_secret_post` secret (the library stores
   * none): resolve the client when the secret is right (compare in constant time), `undefined` otherwise. A throw
   * answers 503; an `OAuthError` it throws is passed through.
   */
  authenticateClient?: (credentials: ClientSecretCredentials) => Promise<SecretClient | undefined> | SecretClient | undefined;
  /** `handleTokenRequest` only: grant types served. @defaultValue `['urn:ietf:params:oauth:grant-type:jwt-bearer']` */
  grantTypes?: readonly SupportedGrantType[];
}

/** Options of `verifyJwtBearerGrant`: a `keyResolver` is required. */
export interface JwtBearerGrantOptions extends VerifierOptions {
  keyResolver: ClientKeyResolver;
}

/** Options of `verifyClientAssertion`: a `clientKeyResolver` is required. */
export interface ClientAssertionOptions extends VerifierOptions {
  clientKeyResolver: ClientKeyResolver;
}

/**
 * Options of `handleTokenRequest`: a `tokenIssuer` is required, and a `keyResolver` when the JWT bearer grant is
 * enabled (checked at the first call); `clientCredentials` does not apply (the endpoint authenticates clients).
 */
export interface TokenEndpointOptions extends VerifierOptions {
  tokenIssuer: TokenIssuer;
}

/** Grant types `handleTokenRequest` can serve. */
export type SupportedGrantType = typeof JWT_BEARER_GRANT_TYPE | 'client_credentials';

/** Options with defaults applied and lookups precomputed. */
export interface CompiledOptions {
  /** This server's issuer identifier, alone: the audience of client assertions (rfc7523bis). */
  readonly issuerAudience: ReadonlySet<string>;
  readonly issuer: string;
  readonly keyResolver: ClientKeyResolver | undefined;
  readonly clientKeyResolver: ClientKeyResolver | undefined;
  readonly authenticateClient: VerifierOptions['authenticateClient'];
  readonly grantTypes: ReadonlySet<string>;
  readonly replayStore: ReplayStore;
  readonly clock: Clock;
  readonly tokenIssuer: TokenIssuer | undefined;
  readonly algorithms: ReadonlySet<string>;
  readonly clockTolerance: number;
  readonly maxLifetime: number;
  readonly requireJti: boolean;
  readonly maxAssertionSize: number;
  readonly authorizeSubject: VerifierOptions['authorizeSubject'];
  readonly authorizeScope: VerifierOptions['authorizeScope'];
  readonly clientCredentials: 'refuse' | 'verified-by-caller';
  /** `aud` values accepted when the issuer has no `audiences` policy: the issuer and token endpoint. */
  readonly audiences: ReadonlySet<string>;
}

const port = (method: string) =>
  z.custom<object>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[method] === 'function',
    `must be an object with a ${method}() method`,
  );
const hook = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const url = z.url({ protocol: /^https?$/, message: 'must be an absolute https: (or http: for development) URL' });

const optionsSchema = z.strictObject({
  issuer: url,
  tokenEndpoint: url.optional(),
  keyResolver: port('resolve').optional(),
  clientKeyResolver: port('resolve').optional(),
  authenticateClient: hook.optional(),
  grantTypes: z.array(z.enum([JWT_BEARER_GRANT_TYPE, 'client_credentials'])).min(1).optional(),
  replayStore: port('consume'),
  clock: port('now').optional(),
  tokenIssuer: port('issue').optional(),
  algorithms: z.array(z.enum(DEFAULT_ALGORITHMS, 'must be asymmetric; HMAC is set per issuer')).min(1).optional(),
  clockTolerance: z.number().min(0).max(300).optional(),
  maxLifetime: z.number().int().min(1).max(86_400).optional(),
  requireJti: z.boolean().optional(),
  maxAssertionSize: z.number().int().min(1024).max(65_536).optional(),
  authorizeSubject: hook.optional(),
  authorizeScope: hook.optional(),
  clientCredentials: z.enum(['refuse', 'verified-by-caller']).optional(),
});

const compiled = new WeakMap<object, CompiledOptions>();

/**
 * Validates options once per object and applies defaults; later calls with the same object are a WeakMap hit.
 * @throws TypeError naming the option path (a programmer mistake, never an OAuth error).
 */
export function compileOptions(options: VerifierOptions): CompiledOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options: must be an object');
  const cached = compiled.get(options);
  if (cached !== undefined) return cached;
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw toTypeError('options', parsed.error);
  const result: CompiledOptions = Object.freeze({
    issuer: options.issuer,
    issuerAudience: new Set([options.issuer]),
    keyResolver: options.keyResolver,
    clientKeyResolver: options.clientKeyResolver,
    authenticateClient: options.authenticateClient,
    grantTypes: new Set<string>(options.grantTypes ?? [JWT_BEARER_GRANT_TYPE]),
    replayStore: options.replayStore,
    clock: options.clock ?? systemClock,
    tokenIssuer: options.tokenIssuer,
    algorithms: new Set<string>(options.algorithms ?? DEFAULT_ALGORITHMS),
    clockTolerance: options.clockTolerance ?? 30,
    maxLifetime: options.maxLifetime ?? 300,
    requireJti: options.requireJti ?? true,
    maxAssertionSize: options.maxAssertionSize ?? 8192,
    authorizeSubject: options.authorizeSubject,
    authorizeScope: options.authorizeScope,
    clientCredentials: options.clientCredentials ?? 'refuse',
    audiences: new Set([options.issuer, ...(options.tokenEndpoint === undefined ? [] : [options.tokenEndpoint])]),
  });
  compiled.set(options, result);
  return result;
}

/**
 * Returns a port that this entry point needs.
 * @throws TypeError naming the option when it is missing.
 */
export function requirePort<K extends 'keyResolver' | 'clientKeyResolver' | 'tokenIssuer'>(
  config: CompiledOptions,
  name: K,
): NonNullable<CompiledOptions[K]> {
  const value = config[name];
  if (value === undefined) throw new TypeError(`options.${name}: required here`);
  return value as NonNullable<CompiledOptions[K]>;
}
