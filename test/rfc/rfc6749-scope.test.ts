import { describe, expect, it } from 'vitest';
import { createOpaqueTokenIssuer } from '../../src/index.js';
import { createFixture } from '../helpers/fixture.js';

describe('SPEC S1: requested scope = the scope parameter, else a string scope claim (RFC 7521 §4.1, RFC 6749 §3.3)', () => {
  it('uses the form parameter', async () => {
    const f = await createFixture();
    expect((await f.verify(await f.sign(), { scope: 'read write' })).scope).toEqual(['read', 'write']);
  });

  it('falls back to a string scope claim (Google service accounts); the parameter wins when both are present', async () => {
    const f = await createFixture();
    expect((await f.verify(await f.sign({ claims: { scope: 'write' } }))).scope).toEqual(['write']);
    expect((await f.verify(await f.sign({ claims: { scope: 'write' } }), { scope: 'read' })).scope).toEqual(['read']);
    expect((await f.verify(await f.sign({ claims: { scope: ['write'] } }))).scope).toEqual([]);
  });

  it('refuses text that is not RFC 6749 §3.3 scope syntax; duplicates collapse', async () => {
    const f = await createFixture();
    for (const scope of ['read  write', ' read', 'read ', 'read\twrite', 'a"b', 'a\\b', 'é']) {
      const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_MALFORMED', { scope });
      expect(error.error).toBe('invalid_scope');
    }
    expect((await f.verify(await f.sign(), { scope: 'read read' })).scope).toEqual(['read']);
  });
});

describe('SPEC S2: a scope outside what the issuer may be granted is invalid_scope', () => {
  it('checks the issuer scopes policy from both sides', async () => {
    const f = await createFixture();
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'read admin' });
    expect(error.error).toBe('invalid_scope');
    await expect(f.verify(await f.sign(), { scope: 'write' })).resolves.toBeDefined();
  });

  it('an issuer without scopes can be granted no scope (but may ask for none)', async () => {
    const f = await createFixture({ issuer: { scopes: undefined as never } });
    const resolver = f.options.keyResolver;
    const entry = await resolver.resolve('svc-billing@tenant.example.com', { header: { alg: 'ES256' }, use: 'grant' });
    expect(entry?.scopes).toBeUndefined();
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'read' });
    await expect(f.verify(await f.sign())).resolves.toMatchObject({ scope: [] });
  });

  it('authorizeScope decides the grant, within the issuer scopes', async () => {
    const f = await createFixture({
      options: { authorizeScope: ({ requested }) => (requested.includes('write') ? false : requested.length === 0 ? ['read'] : requested) },
    });
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'write' });
    expect((await f.verify(await f.sign())).scope).toEqual(['read']);
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'admin' });
    const widening = await createFixture({ options: { authorizeScope: () => ['admin'] } });
    await widening.reject(await widening.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'read' });
  });

  it('a hook that grants nothing of a requested scope refuses (an empty scope cannot be reported)', async () => {
    const f = await createFixture({ options: { authorizeScope: () => [] } });
    await f.reject(await f.sign(), 'ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { scope: 'read' });
    await expect(f.verify(await f.sign())).resolves.toMatchObject({ scope: [] });
  });

  it('a hook returning garbage is a server error, not a grant', async () => {
    const f = await createFixture({ options: { authorizeScope: () => ['bad scope'] as string[] } });
    const error = await f.reject(await f.sign(), 'ERR_JWT_BEARER_POLICY_HOOK_FAILED');
    expect(error.status).toBe(500);
  });
});

describe('SPEC S3: when the issued scope differs from the requested one, the token response includes scope', () => {
  it('adds scope only when it differs', async () => {
    const tokenIssuer = createOpaqueTokenIssuer();
    const f = await createFixture({ options: { tokenIssuer, authorizeScope: ({ requested }) => requested.filter((s) => s !== 'write') } });
    const narrowed = await f.verify(await f.sign(), { scope: 'read write' });
    expect(narrowed.token).toMatchObject({ scope: 'read', token_type: 'Bearer', expires_in: 3600 });
    const same = await f.verify(await f.sign(), { scope: 'read' });
    expect(same.token).not.toHaveProperty('scope');
  });
});
