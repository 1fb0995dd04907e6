import { createRemoteJwksResolver, type FakeClock, type RemoteJwksIssuer, type RemoteJwksResolver, type RemoteJwksResolverOptions } from '../../src/index.js';
import { createFixture, SERVICE, type Fixture, type TestKey } from '../helpers/fixture.js';
import type { JwksServer } from './jwks-server.js';

/** The defaults of createRemoteJwksResolver, in milliseconds. */
export const MAX_AGE_MS = 600_000;
export const COOLDOWN_MS = 30_000;

export const jwksOf = (...keys: TestKey[]) => ({ keys: keys.map((key) => key.publicJwk) });

export interface RemoteFixture extends Fixture {
  keyResolver: RemoteJwksResolver;
}

/**
 * The grant fixture (issuer SERVICE, fake clock at T0) with its keys served by `server` through a remote JWKS
 * resolver on the fixture's clock.
 */
export async function createRemoteFixture(
  server: JwksServer,
  setup: { issuer?: Partial<RemoteJwksIssuer>; resolver?: Partial<RemoteJwksResolverOptions> } = {},
): Promise<RemoteFixture> {
  let clock: FakeClock | undefined;
  const keyResolver = createRemoteJwksResolver({
    issuers: { [SERVICE]: { jwksUri: server.url(), scopes: ['read', 'write'], ...setup.issuer } },
    allowHttp: true,
    clock: { now: () => (clock as FakeClock).now() },
    ...setup.resolver,
  });
  const f = await createFixture({ options: { keyResolver } });
  clock = f.clock;
  return Object.assign(f, { keyResolver });
}
