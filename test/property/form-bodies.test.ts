import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  ERROR_CODES,
  handleTokenRequest,
  isOAuthError,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  verifyClientAssertion,
  verifyJwtBearerGrant,
  type JwtBearerGrantOptions,
  type OAuthError,
  type SecretClient,
  type TokenEndpointOptions,
} from '../../src/index.js';
import { CLIENT_ID, createClientFixture } from '../helpers/client-fixture.js';
import { createFixture, SERVICE } from '../helpers/fixture.js';
import { fuzzParams, PROPERTY_TIMEOUT } from './fuzz-config.js';

// SPEC R1-R5, R7 / STYLE "hostile keys through every check": whatever a body parser, a proxy or an attacker
// hands over as the body (any value), the headers (any names; string or string-array values; fetch Headers) or
// the method (any string), the entry points answer with a result or an OAuthError (the token endpoint with a
// response) — never a TypeError, a RangeError or a hang. Values outside the declared types (a non-string
// method, header arrays holding objects) and non-object requests are programmer mistakes, not client input.

// Built at import (top-level await), so the arbitraries below can use the real assertions.
// singleUse: false keeps the sample assertions acceptable however often a generated request repeats them.
const grant = await createFixture({ issuer: { singleUse: false } });
const endpoint = await createClientFixture({ client: { singleUse: false } });
const endpointOptions: TokenEndpointOptions = {
  ...endpoint.options,
  grantTypes: [JWT_BEARER_GRANT_TYPE, 'client_credentials'],
  authenticateClient: ({ clientId, clientSecret }): SecretClient | undefined =>
    clientId === 'web-1' && clientSecret === 's3cret' ? { clientId: 'web-1', scopes: ['jobs.run'] } : undefined,
};
const verifiedByCaller: JwtBearerGrantOptions = { ...grant.options, clientCredentials: 'verified-by-caller' };
const GRANT_ASSERTION = await grant.sign();
const CLIENT_ASSERTION = await endpoint.clientAssertion();
const [h = '', p = '', s = ''] = GRANT_ASSERTION.split('.');
const BROKEN_ASSERTIONS = [`${h}.${p}.${s.slice(0, -2)}`, `${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}..${s}`, `${p}.${h}.${s}`];
const BASIC_OK = `Basic ${Buffer.from('web-1:s3cret').toString('base64')}`;

const NAMES = [
  'grant_type', 'assertion', 'scope', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', 'assertion[]', 'grant_type ',
];
const VALUES = [
  JWT_BEARER_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, 'client_credentials', CLIENT_ID, 'web-1', 's3cret', 'read',
  'read write', 'jobs.run', 'read  write', '', ' ', '\u0000', '\uD800', '\uDFFF', '%', '%zz', '%C3', '+', '&', '=',
  'a.b.c', '....', 'eyJhbGciOiJub25lIn0.e30.', '__proto__', 'null', '[]', '{}', GRANT_ASSERTION, CLIENT_ASSERTION,
  ...BROKEN_ASSERTIONS,
];

const name = fc.oneof(fc.constantFrom(...NAMES), fc.string(), fc.string({ unit: 'binary', maxLength: 12 }));
const text = fc.oneof(fc.constantFrom(...VALUES), fc.string(), fc.string({ unit: 'binary', maxLength: 16 }));
const anything = fc.anything({
  maxDepth: 3,
  withNullPrototype: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withDate: true,
  withBigInt: true,
});
const value = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 2, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(anything, { maxLength: 2 }) },
  { weight: 2, arbitrary: anything },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Requests that pass (or nearly pass) every check, so mutations of them reach the deep stages. */
const TEMPLATES: ReadonlyArray<ReadonlyArray<[string, string]>> = [
  [['grant_type', JWT_BEARER_GRANT_TYPE], ['assertion', GRANT_ASSERTION]],
  [['grant_type', JWT_BEARER_GRANT_TYPE], ['assertion', GRANT_ASSERTION], ['scope', 'read write']],
  [['grant_type', JWT_BEARER_GRANT_TYPE], ['assertion', GRANT_ASSERTION], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE], ['client_assertion', CLIENT_ASSERTION]],
  [['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE], ['client_assertion', CLIENT_ASSERTION], ['client_id', CLIENT_ID], ['scope', 'jobs.run']],
  [['grant_type', 'client_credentials'], ['client_id', 'web-1'], ['client_secret', 's3cret']],
];
const mutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), name, value }),
  fc.record({ op: fc.constant('delete' as const), index: fc.nat(6) }),
  fc.record({ op: fc.constant('repeat' as const), index: fc.nat(6) }),
  fc.record({ op: fc.constant('replace' as const), index: fc.nat(6), value }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;
const ENCODINGS = ['object', 'bare-object', 'object-of-arrays', 'form-string', 'url-search-params', 'utf8-bytes'] as const;

/** Text for the string encodings; never throws itself (String() of a null-prototype object would). */
function toText(member: unknown): string {
  if (typeof member === 'string') return member;
  try {
    return String(member);
  } catch {
    return '[unprintable]';
  }
}

function applyMutations(template: ReadonlyArray<[string, unknown]>, mutations: readonly Mutation[]): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = template.map(([k, v]) => [k, v]);
  for (const m of mutations) {
    const at = 'index' in m ? m.index % Math.max(1, entries.length) : 0;
    if (m.op === 'set') entries.push([m.name, m.value]);
    else if (m.op === 'delete') entries.splice(at, 1);
    else if (m.op === 'repeat' && entries[at] !== undefined) entries.push([...entries[at]]);
    else if (m.op === 'replace' && entries[at] !== undefined) entries[at] = [entries[at][0], m.value];
  }
  return entries;
}

/** Encodes entries the way one of the body shapes carries them (later members win in object shapes). */
function encode(entries: ReadonlyArray<[string, unknown]>, encoding: (typeof ENCODINGS)[number]): unknown {
  switch (encoding) {
    case 'object':
    case 'bare-object':
    case 'object-of-arrays': {
      const body: Record<string, unknown> = encoding === 'bare-object' ? Object.create(null) : {};
      for (const [key, member] of entries) {
        const previous = Object.hasOwn(body, key) ? body[key] : undefined;
        // A body parser turns a repeated key into an array.
        const next = encoding === 'object-of-arrays' ? [...(Array.isArray(previous) ? previous : previous === undefined ? [] : [previous]), member] : member;
        Object.defineProperty(body, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return body;
    }
    case 'form-string':
      return entries.map(([k, v]) => `${encodeURIComponent(k.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}=${encodeURIComponent(toText(v).replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`).join('&');
    case 'url-search-params':
      return new URLSearchParams(entries.map(([k, v]) => [k, toText(v)]));
    case 'utf8-bytes':
      return new TextEncoder().encode(new URLSearchParams(entries.map(([k, v]) => [k, toText(v)])).toString());
  }
}

/** Plausible and broken x-www-form-urlencoded text: real parameters, stray separators, bad escapes. */
const formText = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...NAMES), text).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, ''))}`),
      fc.tuple(name, text).map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('&', '=', '&&', '%', '%zz', '%C3%28', '%ED%A0%80', '+', ';', '\r\n'),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join('&'));
const body = fc.oneof(
  // Mutated valid requests: most runs, so the signature, claim, client and token stages are exercised.
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.nat(TEMPLATES.length - 1), fc.array(mutation, { maxLength: 3 }), fc.constantFrom(...ENCODINGS))
      .map(([index, mutations, encoding]) => encode(applyMutations(TEMPLATES[index] ?? [], mutations), encoding)),
  },
  { weight: 1, arbitrary: fc.array(fc.tuple(name, value), { maxLength: 6 }).map((entries) => encode(entries, 'bare-object')) },
  { weight: 1, arbitrary: formText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: formText.map((form) => new TextEncoder().encode(form)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: formText.map((form) => Buffer.from(form, 'latin1')) },
  { weight: 1, arbitrary: anything },
);

const HEADER_NAMES = ['authorization', 'Authorization', 'AUTHORIZATION', 'content-type', 'Content-Type', 'get', '__proto__', 'constructor'];
const HEADER_VALUES = [
  BASIC_OK, 'Basic', 'Basic ', 'Basic !!!', 'Basic YTpi', 'basic    YTpi', `Basic ${btoa(':x')}`, `Basic ${btoa('%zz:%')}`,
  `Basic ${btoa('web-1')}`, 'Bearer x', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8',
  'application/x-www-form-urlencoded;charset="latin1"', 'application/json', '',
];
const headerText = fc.oneof(fc.constantFrom(...HEADER_VALUES), fc.string(), fc.string({ unit: 'binary', maxLength: 12 }));
const headerEntries = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string()), fc.oneof(headerText, fc.array(headerText, { maxLength: 3 }), fc.constant(undefined))),
  { maxLength: 5 },
);
const FORM_TYPE = ['content-type', 'application/x-www-form-urlencoded'] as const;
const headers = fc.oneof(
  // Mostly a proper form request, sometimes with extra (or hostile) headers.
  { weight: 8, arbitrary: fc.option(headerEntries, { nil: [] }).map((extra) => headerObject([[...FORM_TYPE], ...extra])) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: headerEntries.map(headerObject) },
  // A fetch Headers object: only entries it accepts (it throws on invalid names and values).
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...HEADER_NAMES.slice(0, 5)), fc.constantFrom(...HEADER_VALUES)), { maxLength: 3 })
      .map((entries) => new Headers([[...FORM_TYPE], ...entries])),
  },
);
function headerObject(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, string | string[] | undefined> {
  const object: Record<string, string | string[] | undefined> = {};
  for (const [key, member] of entries) Object.defineProperty(object, key, { value: member, enumerable: true, writable: true, configurable: true });
  return object;
}
const method = fc.oneof(
  { weight: 12, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom('post', 'Post', 'GET', 'PUT', 'OPTIONS', 'HEAD', '') },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** Settles a promise into its value or its rejection, so a property can look at both. */
async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectOAuthErrorShape(error: unknown): asserts error is OAuthError {
  // A TypeError, RangeError or anything else than an OAuthError fails here, with the input as counterexample.
  if (!isOAuthError(error)) throw error;
  expect(ERROR_CODES[error.code][1]).toBe(error.description);
  expect(error.toJSON()).toEqual({ error: error.error, error_description: error.description });
}

describe('SPEC R1-R4, R7: verifyJwtBearerGrant answers any body and headers with a grant or an OAuthError', () => {
  test.prop([body, headers], fuzzParams(200))(
    'clientCredentials refuse (default)',
    async (generatedBody, generatedHeaders) => {
      const outcome = await settle(verifyJwtBearerGrant({ body: generatedBody, headers: generatedHeaders as never }, grant.options));
      if (outcome.ok) expect(outcome.value.issuer).toBe(SERVICE);
      else expectOAuthErrorShape(outcome.error);
    },
    PROPERTY_TIMEOUT,
  );

  test.prop([body, headers], fuzzParams(100))(
    "clientCredentials 'verified-by-caller'",
    async (generatedBody, generatedHeaders) => {
      const outcome = await settle(verifyJwtBearerGrant({ body: generatedBody, headers: generatedHeaders as never }, verifiedByCaller));
      if (!outcome.ok) expectOAuthErrorShape(outcome.error);
    },
    PROPERTY_TIMEOUT,
  );
});

describe('SPEC R9, R10: verifyClientAssertion answers any body and headers with a client or an OAuthError', () => {
  test.prop([body, headers], fuzzParams(100))(
    'any body',
    async (generatedBody, generatedHeaders) => {
      const outcome = await settle(verifyClientAssertion({ body: generatedBody, headers: generatedHeaders as never }, endpoint.options));
      if (outcome.ok) expect(outcome.value.clientId).toBe(CLIENT_ID);
      else expectOAuthErrorShape(outcome.error);
    },
    PROPERTY_TIMEOUT,
  );
});

describe('SPEC R5-R8: handleTokenRequest answers any string method, any headers and body with a response, never a throw', () => {
  test.prop([method, headers, body], fuzzParams(200))(
    'every outcome is a no-store JSON response with a fixed description',
    async (generatedMethod, generatedHeaders, generatedBody) => {
      const request = { method: generatedMethod, headers: generatedHeaders as never, body: generatedBody };
      const response = await handleTokenRequest(request, endpointOptions);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.headers['Pragma']).toBe('no-cache');
      expect(() => JSON.stringify(response.body)).not.toThrow();
      // Every dependency here is healthy: a 5xx would be the library failing on client input.
      expect(response.status).toBeLessThan(500);
      if (response.status === 200) {
        expect(typeof (response.body as { access_token?: unknown }).access_token).toBe('string');
      } else {
        expectOAuthErrorShape(response.error);
        expect(response.body).toEqual(response.error.toJSON());
        expect([400, 401, 405]).toContain(response.status);
      }
    },
    PROPERTY_TIMEOUT,
  );
});
