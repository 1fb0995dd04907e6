import { SignJWT } from 'jose';
import {
  createFakeClock,
  createMemoryReplayStore,
  createOpaqueTokenIssuer,
  createStaticKeyResolver,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  type FakeClock,
  type ReplayStore,
  type TokenEndpointOptions,
  type TrustedIssuer,
} from '../../src/index.js';
import { AS_ISSUER, SERVICE, T0, TOKEN_ENDPOINT, testKey, type TestAlg, type TestKey } from './fixture.js';

export const CLIENT_ID = 'app-1';

export interface ClientFixture {
  clock: FakeClock;
  clientKey: TestKey;
  grantKey: TestKey;
  replayStore: ReplayStore;
  /** Options that serve verifyJwtBearerGrant, verifyClientAssertion and handleTokenRequest alike. */
  options: TokenEndpointOptions & { clientKeyResolver: NonNullable<TokenEndpointOptions['clientKeyResolver']> };
  /** A client assertion: iss = sub = CLIENT_ID, aud = AS_ISSUER, exp = now + 60, unique jti. */
  clientAssertion(input?: { claims?: Record<string, unknown>; header?: Record<string, unknown>; omit?: string[]; key?: TestKey }): Promise<string>;
  /** Form parameters of JWT client authentication. */
  clientAuth(assertion: string): Record<string, string>;
}

let counter = 0;

export async function createClientFixture(
  setup: { alg?: TestAlg; client?: Partial<TrustedIssuer>; options?: Partial<TokenEndpointOptions> } = {},
): Promise<ClientFixture> {
  const clock = createFakeClock(T0 * 1000);
  const clientKey = await testKey(setup.alg ?? 'ES256', 'client');
  const grantKey = await testKey('ES256');
  const replayStore = createMemoryReplayStore({ clock });
  const options = {
    issuer: AS_ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    keyResolver: createStaticKeyResolver({ [SERVICE]: { keys: [grantKey.publicJwk], scopes: ['read', 'write'] } }),
    clientKeyResolver: createStaticKeyResolver({ [CLIENT_ID]: { keys: [clientKey.publicJwk], scopes: ['jobs.run'], ...setup.client } }),
    replayStore,
    clock,
    tokenIssuer: createOpaqueTokenIssuer({ clock }),
    ...setup.options,
  };
  return {
    clock,
    clientKey,
    grantKey,
    replayStore,
    options,
    async clientAssertion(input = {}) {
      const now = Math.floor(clock.now() / 1000);
      const claims: Record<string, unknown> = { iss: CLIENT_ID, sub: CLIENT_ID, aud: AS_ISSUER, iat: now, exp: now + 60, jti: `client-${++counter}`, ...input.claims };
      for (const name of input.omit ?? []) delete claims[name];
      const key = input.key ?? clientKey;
      return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid, ...input.header } as { alg: string }).sign(key.privateKey);
    },
    clientAuth(assertion) {
      return { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion };
    },
  };
}
