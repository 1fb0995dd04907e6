import { z } from 'zod';
import { randomToken } from '../lib/random.js';
import { signJwt } from '../lib/sign-jwt.js';
import { importSigningKey, type SigningKey } from '../lib/signing-key.js';
import { toTypeError } from '../lib/zod-error.js';
import type { Clock } from '../ports/clock.js';
import type { TokenIssuer, TokenRequestContext } from '../ports/token-issuer.js';
import { systemClock } from './clocks.js';

/** Options of {@link createJwtAccessTokenIssuer}. */
export interface JwtAccessTokenIssuerOptions {
  /** `iss` of the access tokens: this authorization server's issuer identifier. */
  issuer: string;
  /** The private key that signs access tokens: a private JWK (with `alg`, or give `alg`) or a private CryptoKey. */
  signingKey: SigningKey;
  /** Signing algorithm (asymmetric). @defaultValue the JWK's `alg` */
  alg?: string;
  /** `kid` header, so resource servers find the key in your JWKS. @defaultValue the JWK's `kid` */
  kid?: string;
  /** `aud`: the resource server(s) the tokens are for (RFC 9068 §3 requires one). A function picks it per grant. */
  audience: string | readonly string[] | ((context: TokenRequestContext) => string | readonly string[]);
  /** Token lifetime, seconds (1-86400). @defaultValue 3600 */
  expiresIn?: number;
  /** Extra claims to add (they cannot replace the RFC 9068 ones). */
  claims?: (context: TokenRequestContext) => Record<string, unknown>;
  /** Time source for `iat` / `exp`. @defaultValue `systemClock` */
  clock?: Clock;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const schema = z.strictObject({
  issuer: z.url({ message: 'must be an absolute URL' }),
  signingKey: z.custom<object>((value) => typeof value === 'object' && value !== null, 'must be a private JWK or CryptoKey'),
  alg: z.enum(ASYMMETRIC).optional(),
  kid: z.string().min(1).optional(),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), z.custom<() => unknown>((v) => typeof v === 'function')]),
  expiresIn: z.number().int().min(1).max(86_400).optional(),
  claims: z.custom<() => unknown>((v) => typeof v === 'function', 'must be a function').optional(),
  clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function', 'must have now()').optional(),
});

// RFC 9068 §2.2 claims the issuer owns; `claims` cannot override them.
const RESERVED = new Set(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti', 'scope']);

/**
 * A {@link TokenIssuer} of JWT access tokens per RFC 9068: header `typ: at+jwt`; claims `iss`, `exp`, `aud`,
 * `sub` (the grant's subject, or the client for `client_credentials`), `client_id` (the authenticated client,
 * else the assertion issuer, which acts as the client in an unauthenticated JWT bearer grant), `iat`, `jti` and
 * `scope`.
 *
 * @example
 * ```ts
 * const tokenIssuer = createJwtAccessTokenIssuer({
 *   issuer: 'https://as.example.com', signingKey: privateJwk, audience: 'https://api.example.com',
 * })
 * ```
 * @throws TypeError for invalid options, a symmetric or public key, or a JWK without `alg` when none is given.
 * @see RFC 9068
 */
export function createJwtAccessTokenIssuer(options: JwtAccessTokenIssuerOptions): TokenIssuer {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw toTypeError('createJwtAccessTokenIssuer options', parsed.error);
  const jwk = options.signingKey as { alg?: unknown; kid?: unknown; d?: unknown; kty?: unknown };
  const isCryptoKey = typeof CryptoKey !== 'undefined' && options.signingKey instanceof CryptoKey;
  if (!isCryptoKey && (typeof jwk.d !== 'string' || jwk.kty === 'oct')) {
    throw new TypeError('createJwtAccessTokenIssuer options.signingKey: must be an asymmetric private key');
  }
  if (isCryptoKey && (options.signingKey as CryptoKey).type !== 'private') {
    throw new TypeError('createJwtAccessTokenIssuer options.signingKey: must be a private key');
  }
  const alg = options.alg ?? (typeof jwk.alg === 'string' ? jwk.alg : undefined);
  if (alg === undefined || !(ASYMMETRIC as readonly string[]).includes(alg)) {
    throw new TypeError('createJwtAccessTokenIssuer options.alg: required (an asymmetric JWS algorithm) when the key has no "alg"');
  }
  const kid = options.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined);
  const expiresIn = options.expiresIn ?? 3600;
  const clock = options.clock ?? systemClock;
  let key: Promise<CryptoKey> | undefined;
  const header = kid === undefined ? { alg, typ: 'at+jwt' } : { alg, typ: 'at+jwt', kid };
  return {
    async issue(context) {
      const now = Math.floor(clock.now() / 1000);
      const extra = options.claims?.(context) ?? {};
      const claims: Record<string, unknown> = {};
      for (const name of Object.keys(extra)) if (!RESERVED.has(name)) claims[name] = extra[name];
      const audience = typeof options.audience === 'function' ? options.audience(context) : options.audience;
      Object.assign(claims, {
        iss: options.issuer,
        exp: now + expiresIn,
        aud: audience,
        sub: context.subject,
        client_id: context.client?.clientId ?? context.grant?.issuer ?? context.subject,
        iat: now,
        jti: randomToken(16),
      });
      if (context.scope.length > 0) claims['scope'] = context.scope.join(' ');
      key ??= importSigningKey(options.signingKey, alg).catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      const accessToken = await signJwt(header, claims, await key);
      return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn };
    },
  };
}
