import type { IncomingMessage } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import type { TokenRequest } from '../../src/index.js';

describe('framework request objects fit TokenRequest as they are (checked by tsc)', () => {
  it('a Node/Express request with a parsed body', () => {
    expectTypeOf<IncomingMessage & { body: Record<string, string | string[]> }>().toExtend<TokenRequest>();
  });

  it('a fetch Request-like object with Headers and a raw body', () => {
    expectTypeOf<{ headers: Headers; body: string }>().toExtend<TokenRequest>();
    expectTypeOf<{ body: URLSearchParams }>().toExtend<TokenRequest>();
  });
});
