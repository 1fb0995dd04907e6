import type { AuthenticatedClient, ClientSecretCredentials, SecretClient } from '../client.js';
import { portFailure } from '../checks/port-failure.js';
import { isOAuthError, OAuthError } from '../errors.js';
import { decodeBase64Text } from '../lib/base64url.js';
import type { CompiledOptions } from '../options.js';
import { checkClientAssertion, type PendingClient } from '../pipeline/client-assertion.js';
import type { FormParameters } from './parse-form.js';
import { readHeader, type RequestHeaders } from './read-header.js';

function malformed(detail: string): never {
  throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_MALFORMED', { detail });
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded (Appendix B) before they are joined and base64-encoded.
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return malformed('Basic credentials are not form-urlencoded');
  }
}

/**
 * Reads `Authorization: Basic` client credentials (RFC 6749 §2.3.1, RFC 7617).
 * @throws {OAuthError} `ERR_JWT_BEARER_CLIENT_AUTH_MALFORMED` for another scheme or a malformed value.
 */
export function parseBasicCredentials(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(authorization);
  if (match === null) return malformed('the Authorization header is not Basic credentials');
  let decoded: string;
  try {
    decoded = decodeBase64Text(match[1] as string);
  } catch {
    return malformed('Basic credentials are not base64 UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon < 1) return malformed('Basic credentials have no client_id');
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  // An empty secret is no secret, as an empty client_secret parameter is absent (RFC 6749 §3.2).
  if (clientId === '' || clientSecret === '') return malformed('Basic credentials have an empty client_id or secret');
  return { clientId, clientSecret };
}

async function checkSecret(config: CompiledOptions, credentials: ClientSecretCredentials): Promise<PendingAuthentication> {
  const hook = config.authenticateClient;
  // RFC 7523 §3.1 (SPEC R11): credentials that are present MUST be validated; nothing here can, so refuse.
  if (hook === undefined) throw new OAuthError('ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED', { detail: `${credentials.method} without authenticateClient` });
  let client: SecretClient | undefined;
  try {
    client = await hook(credentials);
  } catch (error) {
    // A deliberate refusal (an OAuthError, e.g. a disabled client) is passed through, as for the policy hooks.
    if (isOAuthError(error)) throw error;
    throw portFailure(error, 'ERR_JWT_BEARER_AUTHENTICATE_CLIENT_FAILED', 'authenticateClient threw');
  }
  if (client === undefined || client === null) throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_FAILED', { detail: credentials.method });
  if (client.clientId !== credentials.clientId) {
    throw new OAuthError('ERR_JWT_BEARER_POLICY_HOOK_FAILED', { detail: 'authenticateClient returned a client with another clientId' });
  }
  const authenticated: AuthenticatedClient = { clientId: client.clientId, method: credentials.method, grantTypes: client.grantTypes, scopes: client.scopes };
  return { client: authenticated, commit: async () => undefined };
}

/** An authenticated client whose one-time credential (a client assertion's jti) is spent by `commit()`. */
export type PendingAuthentication = PendingClient | { readonly client: AuthenticatedClient; commit(): Promise<void> };

/**
 * Authenticates the client of a token request, if it sent credentials (RFC 6749 §2.3, RFC 7523 §2.2).
 * @returns the client (with `commit()` to spend a client assertion's jti once the whole request passed), or
 *   `undefined` when the request carries no client authentication.
 * @throws {OAuthError} `ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE` (SPEC R9), `invalid_client` codes when the
 *   credentials fail or nothing is configured to validate them (SPEC R11), 503 when a hook fails.
 */
export async function authenticateClient(
  params: FormParameters,
  headers: RequestHeaders | undefined,
  config: CompiledOptions,
): Promise<PendingAuthentication | undefined> {
  const authorization = readHeader(headers, 'authorization');
  const hasSecret = params.has('client_secret');
  const hasAssertion = params.has('client_assertion') || params.has('client_assertion_type');
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request."
  if (Number(authorization !== undefined) + Number(hasSecret) + Number(hasAssertion) > 1) {
    throw new OAuthError('ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE');
  }
  if (hasAssertion) {
    if (config.clientKeyResolver === undefined) {
      throw new OAuthError('ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED', { detail: 'client assertion without clientKeyResolver' });
    }
    return checkClientAssertion(params, config);
  }
  if (authorization !== undefined) {
    const { clientId, clientSecret } = parseBasicCredentials(authorization);
    const paramId = params.get('client_id');
    if (paramId !== undefined && paramId !== clientId) throw new OAuthError('ERR_JWT_BEARER_CLIENT_ID_MISMATCH');
    return checkSecret(config, { clientId, clientSecret, method: 'client_secret_basic' });
  }
  if (hasSecret) {
    const clientId = params.get('client_id');
    if (clientId === undefined) return malformed('client_secret without client_id');
    return checkSecret(config, { clientId, clientSecret: params.get('client_secret') as string, method: 'client_secret_post' });
  }
  return undefined;
}
