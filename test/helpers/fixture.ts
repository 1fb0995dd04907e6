import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import {
  createFakeClock,
  createMemoryReplayStore,
  createStaticKeyResolver,
  isOAuthError,
  JWT_BEARER_GRANT_TYPE,
  verifyJwtBearerGrant,
  type FakeClock,
  type JwtBearerGrant,
  type JwtBearerGrantOptions,
  type OAuthError,
  type ReplayStore,
  type TrustedIssuer,
} from '../../src/index.js';
import { expect } from 'vitest';

export const AS_ISSUER = 'https://as.example.com';
export const TOKEN_ENDPOINT = 'https://as.example.com/oauth2/token';
export const SERVICE = 'svc-billing@tenant.example.com';
/** 2030-01-01T00:00:00Z, seconds. */
export const T0 = 1_893_456_000;

export type TestAlg = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';
export const TEST_ALGS: readonly TestAlg[] = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export interface TestKey {
  alg: TestAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const keyCache = new Map<string, Promise<TestKey>>();

/** A real key pair per (alg, label), generated once per test file. */
export function testKey(alg: TestAlg = 'ES256', label = 'main'): Promise<TestKey> {
  const id = `${alg}/${label}`;
  let key = keyCache.get(id);
  if (key === undefined) {
    key = (async () => {
      const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      return { alg, privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: `${alg}-${label}` } };
    })();
    keyCache.set(id, key);
  }
  return key;
}

export interface SignInput {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  key?: TestKey;
  /** Claims to delete from the defaults. */
  omit?: string[];
}

export interface Fixture {
  clock: FakeClock;
  key: TestKey;
  replayStore: ReplayStore;
  options: JwtBearerGrantOptions;
  /** Signs an assertion: defaults iss = sub = SERVICE, aud = AS_ISSUER, iat = now, exp = now + 120, unique jti. */
  sign(input?: SignInput): Promise<string>;
  /** verifyJwtBearerGrant on a form built from the assertion and extra parameters. */
  verify(assertion: string, extra?: Record<string, string>): Promise<JwtBearerGrant>;
  /** Expects a rejection with this code, and returns the error. */
  reject(assertion: string, code: string, extra?: Record<string, string>): Promise<OAuthError>;
}

let jtiCounter = 0;

export async function createFixture(
  setup: {
    alg?: TestAlg;
    issuer?: Partial<TrustedIssuer>;
    options?: Partial<JwtBearerGrantOptions>;
    /** Builds the replay store on the fixture's clock. @defaultValue createMemoryReplayStore */
    replayStore?: (clock: FakeClock) => ReplayStore;
  } = {},
): Promise<Fixture> {
  const clock = createFakeClock(T0 * 1000);
  const key = await testKey(setup.alg ?? 'ES256');
  const replayStore = setup.replayStore?.(clock) ?? createMemoryReplayStore({ clock });
  const options: JwtBearerGrantOptions = {
    issuer: AS_ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [key.publicJwk], scopes: ['read', 'write'], ...setup.issuer } }),
    replayStore,
    clock,
    ...setup.options,
  };
  const fixture: Fixture = {
    clock,
    key,
    replayStore,
    options,
    async sign(input = {}) {
      const now = Math.floor(clock.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: SERVICE,
        sub: SERVICE,
        aud: AS_ISSUER,
        iat: now,
        exp: now + 120,
        jti: `jti-${++jtiCounter}`,
        ...input.claims,
      };
      for (const name of input.omit ?? []) delete claims[name];
      const signer = input.key ?? key;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: signer.alg, kid: signer.publicJwk.kid, ...input.header } as { alg: string })
        .sign(signer.privateKey);
    },
    verify(assertion, extra = {}) {
      return verifyJwtBearerGrant({ body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra } }, options);
    },
    async reject(assertion, code, extra = {}) {
      return expectOAuthError(fixture.verify(assertion, extra), code);
    },
  };
  return fixture;
}

/** Awaits a rejection and checks its code (and that it is an OAuthError). */
export async function expectOAuthError(promise: Promise<unknown>, code: string): Promise<OAuthError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it was accepted`);
    },
    (e: unknown) => e,
  );
  if (!isOAuthError(error)) throw error;
  expect(error.code).toBe(code);
  return error;
}

/** Re-encodes a compact JWS with a changed header or payload (signature kept: it will no longer verify). */
export function tamper(assertion: string, change: { header?: Record<string, unknown>; claims?: Record<string, unknown> }): string {
  const [h = '', p = '', s = ''] = assertion.split('.');
  const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [change.header ? encode({ ...decode(h), ...change.header }) : h, change.claims ? encode({ ...decode(p), ...change.claims }) : p, s].join('.');
}

/** base64url of raw text, for hand-made tokens. */
export const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/**
 * Signs exact header and payload TEXT with an ES256 test key (WebCrypto gives the JOSE r||s form), for tokens
 * jose would refuse to produce (crit, duplicate members, hostile JSON).
 */
export async function signRaw(headerJson: string, payloadJson: string, key: TestKey): Promise<string> {
  if (key.alg !== 'ES256') throw new Error('signRaw supports ES256 test keys');
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
