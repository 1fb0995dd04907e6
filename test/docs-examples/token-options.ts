import {
  createLruReplayStore,
  createOpaqueTokenIssuer,
  createStaticKeyResolver,
  type TokenEndpointOptions,
} from 'jwt-bearer-grant';

// Created once per process (per isolate on Workers) at module scope, and reused by every request.
export const tokenEndpointOptions: TokenEndpointOptions = {
  issuer: 'https://as.example.com',
  tokenEndpoint: 'https://as.example.com/oauth2/token',
  keyResolver: createStaticKeyResolver({
    'svc-billing@example.com': {
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          kid: 'billing-2026',
          x: 'bPoMNLYEQctNbb7AGUkKtJkWoBjZ8JAHiGpRuf3eI2A',
          y: 's7J2DF3urWc0qHRJrDxwCAXN-Ke62wTrWbijFjFFJmA',
        },
      ],
      scopes: ['invoices.read'],
    },
  }),
  // This process's memory only: with several instances, use a store they share (docs/replay-stores.md).
  replayStore: createLruReplayStore({ max: 100_000 }),
  tokenIssuer: createOpaqueTokenIssuer({ expiresIn: 900 }),
};
