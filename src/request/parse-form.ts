import { OAuthError } from '../errors.js';

/**
 * A token request body in any of the shapes servers hand over: a parsed form object (Express
 * `express.urlencoded()`, Koa body parsers, Nest `@Body()`; values are strings or arrays of strings), a
 * `URLSearchParams`, the raw `application/x-www-form-urlencoded` string, or its bytes.
 */
export type FormBody = Readonly<Record<string, unknown>> | URLSearchParams | string | Uint8Array;

/** Request parameters after {@link parseForm}: each present at most once, empty values removed. */
export type FormParameters = ReadonlyMap<string, string>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function repeated(name: string): never {
  // The parameter name is attacker input: it stays out of the detail too.
  throw new OAuthError('ERR_JWT_BEARER_PARAMETER_REPEATED', { detail: `a parameter appears more than once (${name.length} chars)` });
}

function fromEntries(entries: Iterable<[string, string]>): FormParameters {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    if (seen.has(name)) repeated(name);
    seen.add(name);
    // RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if they were omitted."
    if (value !== '') params.set(name, value);
  }
  return params;
}

function fromObject(body: Readonly<Record<string, unknown>>): FormParameters {
  const params = new Map<string, string>();
  for (const name of Object.keys(body)) {
    const value = body[name];
    if (Array.isArray(value)) {
      // A body parser turns a repeated key into an array: RFC 6749 §3.2 forbids repeating a parameter.
      if (value.length > 1) repeated(name);
      const [only] = value as unknown[];
      if (typeof only === 'string' && only !== '') params.set(name, only);
      else if (only !== undefined && typeof only !== 'string') malformed('a parameter value is not a string');
    } else if (typeof value === 'string') {
      if (value !== '') params.set(name, value);
    } else if (value !== undefined) {
      // Nested objects (qs "a[b]=c") or numbers are not what an x-www-form-urlencoded form can carry.
      malformed('a parameter value is not a string');
    }
  }
  return params;
}

function malformed(detail: string, cause?: unknown): never {
  throw new OAuthError('ERR_JWT_BEARER_REQUEST_MALFORMED', { detail, cause });
}

/**
 * Reads the parameters of an `application/x-www-form-urlencoded` token request body.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_PARAMETER_REPEATED` (RFC 6749 §3.2, SPEC R3) when a parameter appears more
 *   than once; `ERR_JWT_BEARER_REQUEST_MALFORMED` when the body is missing or not a form.
 * @see RFC 6749 §3.2, Appendix B
 */
export function parseForm(body: unknown): FormParameters {
  if (typeof body === 'string') return fromEntries(new URLSearchParams(body));
  if (body instanceof URLSearchParams) return fromEntries(body);
  if (body instanceof Uint8Array) {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch (cause) {
      return malformed('body is not UTF-8', cause);
    }
    return fromEntries(new URLSearchParams(text));
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return fromObject(body as Readonly<Record<string, unknown>>);
  }
  return malformed(body === undefined || body === null ? 'no body (is a form body parser installed?)' : 'body is not a form');
}
