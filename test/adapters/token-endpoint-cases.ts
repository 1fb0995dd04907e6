import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT_TYPE, type TokenEndpointOptions } from '../../src/index.js';
import { createClientFixture, type ClientFixture } from '../helpers/client-fixture.js';
import { AS_ISSUER, SERVICE, T0, tamper } from '../helpers/fixture.js';
import { send, type HttpResult, type SendInit } from './http.js';

/** The logger the docs examples take (console, pino and the like fit). */
export type TokenLog = Pick<Console, 'info' | 'error'>;

export interface RunningEndpoint {
  /** The token endpoint's full URL. */
  url: string;
  close(): Promise<void>;
}

/** Starts a real server of the framework on 127.0.0.1:0 with the token endpoint (the docs example). */
export type StartEndpoint = (options: TokenEndpointOptions, log: TokenLog) => Promise<RunningEndpoint>;

export const FORM_TYPE = 'application/x-www-form-urlencoded';
/** The adapters' default maxBodySize, bytes. */
export const MAX_BODY_SIZE = 65_536;

export async function grantAssertion(f: ClientFixture, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: SERVICE, sub: SERVICE, aud: AS_ISSUER, iat: T0, exp: T0 + 60, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: f.grantKey.publicJwk.kid as string })
    .sign(f.grantKey.privateKey);
}

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

/** SPEC R6: what every token endpoint response carries. */
export function expectTokenHeaders(response: HttpResult): void {
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['pragma']).toBe('no-cache');
  expect(response.headers['content-type']).toBe('application/json;charset=UTF-8');
}

/** SPEC R7: an error body is exactly { error, error_description }. */
export function expectOAuthError(response: HttpResult, status: number, error: string): void {
  expect([response.status, response.json]).toEqual([status, { error, error_description: expect.any(String) }]);
  expectTokenHeaders(response);
}

/**
 * The cases every adapter must pass, end to end over real HTTP: the framework's real server, node:http as the
 * client. `code` values are read from what the endpoint logged (the docs examples log `error.code`).
 */
export function describeTokenEndpoint(framework: string, start: StartEndpoint): void {
  describe(`${framework}: the token endpoint over real HTTP`, () => {
    let f: ClientFixture;
    let endpoint: RunningEndpoint;
    const logged: { level: 'info' | 'error'; entry: Record<string, unknown> }[] = [];
    const log: TokenLog = {
      info: (entry: Record<string, unknown>) => logged.push({ level: 'info', entry }),
      error: (entry: Record<string, unknown>) => logged.push({ level: 'error', entry }),
    };
    const lastCode = () => logged.at(-1)?.entry['code'];
    const post = (body: NonNullable<SendInit['body']>, headers: Record<string, string> = { 'content-type': FORM_TYPE }) =>
      send(endpoint.url, { method: 'POST', headers, body });

    beforeAll(async () => {
      f = await createClientFixture();
      endpoint = await start(f.options, log);
    });
    afterAll(() => endpoint?.close());

    it('a JWT bearer grant: 200, the token response, no-store headers (RFC 6749 §5.1, SPEC R6)', async () => {
      const response = await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }));
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
      expectTokenHeaders(response);
      expect(logged.at(-1)).toEqual({ level: 'info', entry: { event: 'token_issued', subject: SERVICE } });
    });

    it('the same assertion again: 400 invalid_grant (RFC 7523 §3 item 7, SPEC J14)', async () => {
      const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
      expect((await post(body)).status).toBe(200);
      expectOAuthError(await post(body), 400, 'invalid_grant');
      expect(logged.at(-1)).toEqual({ level: 'info', entry: { event: 'token_refused', code: 'ERR_JWT_BEARER_JTI_REPLAYED', detail: undefined } });
    });

    it('a bad assertion: 400 invalid_grant (RFC 7523 §3 item 9)', async () => {
      const forged = tamper(await grantAssertion(f), { claims: { scope: 'admin' } });
      expectOAuthError(await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: forged })), 400, 'invalid_grant');
      expect(lastCode()).toBe('ERR_JWT_BEARER_SIGNATURE_INVALID');
      expectOAuthError(await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'a.b.c' })), 400, 'invalid_grant');
    });

    it('a repeated parameter: 400 invalid_request (RFC 6749 §3.2, SPEC R3), the raw body reaches the check', async () => {
      const assertion = await grantAssertion(f);
      for (const body of [
        `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}&assertion=${assertion}`,
        `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${assertion}`,
      ]) {
        expectOAuthError(await post(body), 400, 'invalid_request');
        expect(lastCode()).toBe('ERR_JWT_BEARER_PARAMETER_REPEATED');
      }
      // The assertion was never consumed: a refused request burns no jti.
      expect((await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion }))).status).toBe(200);
    });

    it('a method other than POST: 405 with Allow: POST (RFC 6749 §3.2, SPEC R5)', async () => {
      const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const response = await send(endpoint.url, method === 'GET' || method === 'DELETE' ? { method } : { method, headers: { 'content-type': FORM_TYPE }, body });
        expectOAuthError(response, 405, 'invalid_request');
        expect(response.headers['allow']).toBe('POST');
        expect(lastCode()).toBe('ERR_JWT_BEARER_METHOD_NOT_ALLOWED');
      }
      const head = await send(endpoint.url, { method: 'HEAD' });
      expect([head.status, head.headers['allow'], head.headers['cache-control'], head.text]).toEqual([405, 'POST', 'no-store', '']);
    });

    it('a JSON body or no Content-Type: 400 invalid_request (RFC 6749 Appendix B, SPEC R5)', async () => {
      const params = { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) };
      expectOAuthError(await post(JSON.stringify(params), { 'content-type': 'application/json' }), 400, 'invalid_request');
      expect(lastCode()).toBe('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
      expectOAuthError(await post(form(params), {}), 400, 'invalid_request');
      expect(lastCode()).toBe('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
    });

    it('charset in the content type: UTF-8 accepted, another charset refused (RFC 6749 Appendix B)', async () => {
      const ok = await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { 'content-type': `${FORM_TYPE}; charset=UTF-8` });
      expect(ok.status).toBe(200);
      const latin1 = await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }), { 'content-type': `${FORM_TYPE}; charset=ISO-8859-1` });
      expectOAuthError(latin1, 400, 'invalid_request');
      expect(lastCode()).toBe('ERR_JWT_BEARER_CONTENT_TYPE_INVALID');
    });

    it('a body that is not UTF-8: 400 invalid_request', async () => {
      const body = Buffer.concat([Buffer.from(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&scope=`), Buffer.from([0xff, 0xfe])]);
      expectOAuthError(await post(body), 400, 'invalid_request');
      expect(lastCode()).toBe('ERR_JWT_BEARER_REQUEST_MALFORMED');
    });

    it('a chunked body without Content-Length', async () => {
      const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) });
      const response = await post([body.slice(0, 10), body.slice(10, 200), body.slice(200)]);
      expect(response.status).toBe(200);
      expectTokenHeaders(response);
    });

    it(`a body over maxBodySize (${MAX_BODY_SIZE} bytes): 413 invalid_request, declared or chunked; at the limit it is read`, async () => {
      const padded = async (size: number) => {
        const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f), pad: '' });
        return body + 'x'.repeat(size - body.length);
      };
      const atLimit = await post(await padded(MAX_BODY_SIZE));
      expect(atLimit.status).toBe(200);
      const declared = await post(await padded(MAX_BODY_SIZE + 1));
      expectOAuthError(declared, 413, 'invalid_request');
      expect(lastCode()).toBe('ERR_JWT_BEARER_BODY_TOO_LARGE');
      const chunk = 'x'.repeat(30_000);
      expectOAuthError(await post([`grant_type=x&pad=${chunk}`, chunk, chunk, chunk]), 413, 'invalid_request');
      // The server keeps serving.
      expect((await post(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }))).status).toBe(200);
    });

    it('a failing dependency: 503 temporarily_unavailable, logged as an error with its cause (SPEC F1)', async () => {
      const down = await start({ ...f.options, replayStore: { consume: () => Promise.reject(new Error('store down')) } }, log);
      try {
        const response = await send(down.url, { headers: { 'content-type': FORM_TYPE }, body: form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await grantAssertion(f) }) });
        expectOAuthError(response, 503, 'temporarily_unavailable');
        expect(logged.at(-1)).toMatchObject({ level: 'error', entry: { event: 'token_failed', code: 'ERR_JWT_BEARER_REPLAY_STORE_FAILED', cause: expect.any(Error) } });
      } finally {
        await down.close();
      }
    });
  });
}
