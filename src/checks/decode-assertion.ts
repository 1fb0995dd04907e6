import { OAuthError } from '../errors.js';
import { decodeBase64urlText, isCanonicalBase64url } from '../lib/base64url.js';
import { JsonObjectError, parseJsonObject } from '../lib/strict-json.js';
import type { JwsHeader } from '../ports/client-key-resolver.js';

/** An assertion split and parsed, nothing verified yet. */
export interface DecodedAssertion {
  readonly compact: string;
  readonly header: JwsHeader;
  readonly claims: Readonly<Record<string, unknown>>;
}

function parseSegment(segment: string, what: 'header' | 'claims'): Record<string, unknown> {
  try {
    return parseJsonObject(decodeBase64urlText(segment));
  } catch (cause) {
    const reason = cause instanceof JsonObjectError ? cause.message : 'not UTF-8';
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: `${what}: ${reason}`, cause });
  }
}

/**
 * Splits and parses a compact JWS (SPEC J1, J2). Cheap checks only: no key, no crypto.
 *
 * @throws {OAuthError} `ERR_JWT_BEARER_ASSERTION_TOO_LARGE` past `maxSize` characters;
 *   `ERR_JWT_BEARER_ASSERTION_ENCRYPTED` for a JWE; `ERR_JWT_BEARER_ASSERTION_UNSECURED` for `alg: none` or an
 *   empty signature; `ERR_JWT_BEARER_ASSERTION_MALFORMED` for anything that is not three canonical base64url
 *   segments holding a JSON object header (with a string `alg`) and a JSON object claims set, without duplicate
 *   member names.
 * @see RFC 7515 §3.1, §7.1 (compact serialization); RFC 7519 §7.2; RFC 7523 §3 item 8
 */
export function decodeAssertion(assertion: string, maxSize: number): DecodedAssertion {
  // SPEC J1: size cap first, so nothing below runs on an oversized input.
  if (assertion.length > maxSize) {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_TOO_LARGE', { detail: `${assertion.length} > ${maxSize} characters` });
  }
  const segments = assertion.split('.');
  // RFC 7516 §9: five segments is a JWE; RFC 7523 §2.1 wants a signed JWT (we do not decrypt).
  if (segments.length === 5) throw new OAuthError('ERR_JWT_BEARER_ASSERTION_ENCRYPTED', { detail: 'five segments (JWE)' });
  if (segments.length !== 3) {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: `${segments.length} segments, expected 3` });
  }
  const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments;
  for (const segment of segments) {
    if (!isCanonicalBase64url(segment)) {
      throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: 'a segment is not canonical base64url' });
    }
  }
  if (headerSegment === '' || payloadSegment === '') {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: 'empty header or payload segment' });
  }
  const header = parseSegment(headerSegment, 'header');
  const alg = header['alg'];
  if (typeof alg !== 'string' || alg === '') {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MALFORMED', { detail: 'header "alg" missing or not a string' });
  }
  // RFC 7519 §6 / RFC 8725 §3.1: an unsecured JWT is never an assertion, whatever the casing of "none".
  if (alg.toLowerCase() === 'none' || signatureSegment === '') {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_UNSECURED', { detail: 'alg "none" or empty signature' });
  }
  if (Object.hasOwn(header, 'enc')) {
    throw new OAuthError('ERR_JWT_BEARER_ASSERTION_ENCRYPTED', { detail: 'header has "enc"' });
  }
  return { compact: assertion, header: header as JwsHeader, claims: parseSegment(payloadSegment, 'claims') };
}
