import { OAuthError } from '../errors.js';
import type { FormParameters } from './parse-form.js';
import { readHeader, type RequestHeaders } from './read-header.js';

const CREDENTIAL_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type'] as const;

/** True when the request carries client credentials: an Authorization header or a credential parameter. */
export function hasClientCredentials(params: FormParameters, headers: RequestHeaders | undefined): boolean {
  return readHeader(headers, 'authorization') !== undefined || CREDENTIAL_PARAMETERS.some((name) => params.has(name));
}

/**
 * RFC 7523 §3.1 (SPEC R11): "client authentication is optional ... [but] if client credentials are present
 * they MUST be validated". Where nothing validates them, the request is refused rather than the credentials
 * ignored.
 * @throws {OAuthError} `ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED` (invalid_client, 401).
 */
export function checkClientCredentialsVerified(
  params: FormParameters,
  headers: RequestHeaders | undefined,
  mode: 'refuse' | 'verified-by-caller',
  realm: string,
): void {
  if (mode === 'refuse' && hasClientCredentials(params, headers)) {
    throw new OAuthError('ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED', {
      detail: "set clientCredentials: 'verified-by-caller' if your server authenticates clients before this call",
      // RFC 6749 §5.2: a client that used the Authorization header gets 401 and a challenge.
      wwwAuthenticate: readHeader(headers, 'authorization') === undefined ? undefined : basicChallenge(realm),
    });
  }
}

/** A `Basic` challenge (RFC 7617) for `realm`, quoted. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/["\\]/g, '\\$&')}"`;
}
