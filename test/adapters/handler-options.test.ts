import { describe, expect, it } from 'vitest';
import * as byName from 'jwt-bearer-grant';
import * as core from '../../src/index.js';
import { createExpressTokenHandler } from '../../src/adapters/express.js';
import { createFastifyTokenPlugin } from '../../src/adapters/fastify.js';
import { createFetchTokenHandler } from '../../src/adapters/fetch.js';
import { createKoaTokenMiddleware } from '../../src/adapters/koa.js';
import { createClientFixture } from '../helpers/client-fixture.js';

const factories = {
  createExpressTokenHandler,
  createKoaTokenMiddleware,
  createFastifyTokenPlugin,
  createFetchTokenHandler,
} as const;

describe('adapter options are programmer input: TypeError at creation, naming the option', () => {
  it('maxBodySize is a whole number of bytes from 1024 to 1048576', async () => {
    const { options } = await createClientFixture();
    for (const [name, create] of Object.entries(factories)) {
      for (const maxBodySize of [1023, 1_048_577, 1536.5, Number.NaN, Number.POSITIVE_INFINITY, -0, '65536' as never]) {
        expect(() => create(options, { maxBodySize }), `${name} ${String(maxBodySize)}`).toThrow(new RegExp(`^${name} handlerOptions\\.maxBodySize`));
      }
      for (const maxBodySize of [1024, 1_048_576]) expect(typeof create(options, { maxBodySize })).toBe('function');
    }
  });

  it('onResponse is a function; the options an object', async () => {
    const { options } = await createClientFixture();
    for (const [name, create] of Object.entries(factories)) {
      expect(() => create(options, { onResponse: 'log' as never }), name).toThrow(TypeError);
      expect(() => create(options, null as never), name).toThrow(TypeError);
      expect(typeof create(options)).toBe('function');
    }
  });

  it('the Fastify path starts with /', async () => {
    const { options } = await createClientFixture();
    expect(() => createFastifyTokenPlugin(options, { path: 'token' })).toThrow(/path/);
  });
});

describe('in tests and tsc, the package name resolves to the source (tsconfig "paths")', () => {
  it('the adapters and the test helpers share one copy of the core', () => {
    expect(byName.handleTokenRequest).toBe(core.handleTokenRequest);
    expect(byName.OAuthError).toBe(core.OAuthError);
  });
});
